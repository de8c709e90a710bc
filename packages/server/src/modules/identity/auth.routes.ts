import {
  ChangePasswordBody,
  LoginBody,
  LoginLogEntry,
  LoginLogQuery,
  Me,
  Page,
  PasswordPolicySchema,
  SESSION_COOKIE,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import { clientOf, sessionCookieOptions } from './auth.hooks.ts';
import { listLoginLog } from './login-log.repository.ts';

export async function authRoutes(app: App): Promise<void> {
  const { auth, settings } = app.ctx;

  app.post(
    '/api/auth/login',
    {
      schema: { tags: ['auth'], summary: '登录', body: LoginBody, response: withErrors({ 200: Me }) },
      config: {
        public: true,
        rateLimit: {
          max: app.ctx.config.loginRateLimit,
          timeWindow: 60_000,
          onExceeded: (request) => {
            const body = request.body as { username?: unknown } | undefined;
            const username = typeof body?.username === 'string' ? body.username : '';
            void auth.recordRateLimited(username, clientOf(request)).catch((err) => request.log.error(err));
          },
        },
      },
    },
    async (request, reply) => {
      const { token, userId } = await auth.login(
        request.body.username,
        request.body.password,
        clientOf(request),
      );
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(app));
      const session = await auth.resolveSession(token, clientOf(request));
      const principal = (await auth.loadPrincipal(userId))!;
      return auth.me(session, principal);
    },
  );

  app.post(
    '/api/auth/logout',
    {
      schema: { tags: ['auth'], summary: '退出登录', response: withErrors({ 204: Type.Null() }) },
      config: { allowDuringPasswordChange: true },
    },
    async (request, reply) => {
      await auth.logout(request.session!, request.principal, clientOf(request));
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(app));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/auth/me',
    {
      schema: { tags: ['auth'], summary: '当前用户', response: withErrors({ 200: Me }) },
      config: { allowDuringPasswordChange: true },
    },
    async (request) => auth.me(request.session!, request.principal!),
  );

  app.post(
    '/api/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary: '修改本人密码',
        body: ChangePasswordBody,
        response: withErrors({ 200: Me }),
      },
      config: { allowDuringPasswordChange: true },
    },
    async (request) => {
      await auth.changeOwnPassword(
        request.session!,
        actorOf(request),
        request.body.currentPassword,
        request.body.newPassword,
      );
      const session = await auth.resolveSession(request.cookies[SESSION_COOKIE]!, clientOf(request));
      return auth.me(session, request.principal!);
    },
  );

  app.get(
    '/api/auth/policy',
    {
      schema: {
        tags: ['auth'],
        summary: '密码策略（用于表单提示）',
        response: withErrors({ 200: PasswordPolicySchema }),
      },
      config: { public: true },
    },
    async () => (await settings.security()).passwordPolicy,
  );

  app.get(
    '/api/login-log',
    {
      schema: {
        tags: ['audit'],
        summary: '登录日志',
        querystring: LoginLogQuery,
        response: withErrors({ 200: Page(LoginLogEntry) }),
      },
      config: { permissions: ['loginlog.read'] },
    },
    async (request) => listLoginLog(app.ctx.db, request.query),
  );
}
