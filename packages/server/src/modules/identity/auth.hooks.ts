import { SESSION_COOKIE } from '@wangge/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../../core/audit/audit.service.ts';
import { actorOf, type App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function clientOf(request: FastifyRequest) {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null };
}

export function sessionCookieOptions(app: App, maxAgeSeconds?: number) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: app.ctx.config.cookieSecure,
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

/**
 * Authentication and function-permission checks for every API route, driven by the route's
 * `config` (public, allowDuringPasswordChange, permissions). There is no bypass: an account
 * passes only with a permission listed on the route.
 */
export function installAuthHooks(app: App): void {
  app.decorateRequest('session', null);
  app.decorateRequest('principal', null);

  // onRequest: identity and permission are settled before the body is even parsed or validated.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const config = request.routeOptions.config;
    const url = request.routeOptions.url ?? '';
    // Defence in depth beside SameSite=Strict: a state-changing call must come from our own origin.
    if (!SAFE_METHODS.has(request.method) && url.startsWith('/api/')) {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let host: string | null = null;
        try {
          host = new URL(origin).host;
        } catch {
          host = null;
        }
        if (host !== request.headers.host) throw new AppError('FORBIDDEN', '跨站请求被拒绝');
      } else if (origin === 'null') {
        throw new AppError('FORBIDDEN', '跨站请求被拒绝');
      }
    }
    // The API reference pages are public, like the OpenAPI document they render.
    if (!url.startsWith('/api/') || url.startsWith('/api/docs') || config.public) return;

    const token = request.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('UNAUTHENTICATED');
    try {
      request.session = await app.ctx.auth.resolveSession(token, clientOf(request));
    } catch (err) {
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(app));
      throw err;
    }
    // Active accounts only: resolveSession refuses the others.
    request.principal = request.session.principal;

    if (request.session.mustChangePassword && !config.allowDuringPasswordChange) {
      throw new AppError('PASSWORD_CHANGE_REQUIRED');
    }
    const needed = config.permissions;
    if (needed && needed.length && !needed.some((p) => request.principal!.permissions.has(p))) {
      await app.ctx.db.transaction().execute((trx) =>
        appendAudit(trx, actorOf(request), {
          action: 'access.denied',
          targetType: 'route',
          targetId: `${request.method} ${request.routeOptions.url}`,
          after: { required: needed },
          result: 'denied',
        }),
      );
      throw new AppError('FORBIDDEN');
    }
  });
}
