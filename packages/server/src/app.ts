import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from 'helmet';
import { auditRoutes } from './core/audit/audit.routes.ts';
import { AuditSealer, dailyAuditPurge } from './core/audit/audit.service.ts';
import { installAuthHooks } from './modules/identity/auth.hooks.ts';
import { authRoutes } from './modules/identity/auth.routes.ts';
import { AuthService } from './modules/identity/auth.service.ts';
import { PasswordHasher } from './modules/identity/password-hasher.ts';
import type { Config } from './config.ts';
import type { App, AppContext } from './context.ts';
import { FieldCipher, loadDataKey } from './core/pii/crypto.ts';
import type { Database } from './core/db/database.ts';
import { AppError, installErrorHandler } from './core/http/errors.ts';
import { gridRoutes } from './modules/grid/grid.routes.ts';
import { CaseConfigService } from './modules/case/case-config.service.ts';
import { caseRoutes } from './modules/case/case.routes.ts';
import { Cases } from './modules/case/cases.ts';
import { Clocks } from './core/clock/clocks.ts';
import { ClockRetimer } from './core/clock/retimer.ts';
import { ClockSweeper } from './core/clock/sweep.ts';
import { calendarRoutes } from './core/calendar/calendar.routes.ts';
import { CalendarService } from './core/calendar/calendar.service.ts';
import { publicCaseRoutes } from './modules/case/public.routes.ts';
import { open311Routes } from './modules/open311/open311.routes.ts';
import { healthRoutes } from './health.routes.ts';
import { LocatorService } from './modules/grid/locator.service.ts';
import { JobService } from './core/jobs/job.service.ts';
import { notifyRoutes } from './core/notify/notify.routes.ts';
import { NotifyService } from './core/notify/notify.service.ts';
import { OutboxWorker } from './core/notify/outbox.worker.ts';
import { transportsFrom } from './core/notify/transports.ts';
import { jobRoutes } from './core/jobs/job.routes.ts';
import { dutyRoutes } from './modules/org/duty.routes.ts';
import { printRoutes } from './modules/grid/print.routes.ts';
import { roleRoutes } from './modules/identity/role.routes.ts';
import { settingsRoutes } from './modules/identity/settings.routes.ts';
import { SettingsService } from './modules/identity/settings.service.ts';
import { userRoutes } from './modules/identity/user.routes.ts';
import { VERSION } from './version.ts';
import { dashboardRoutes } from './dashboard.routes.ts';
import { PersonalData } from './core/pii/personal.ts';

/**
 * Query values may carry personal data (a phone or ID number typed into a search box), so logs
 * keep only the parameter names.
 */
export function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return `${url.slice(0, q)}?${names.map((n) => `${n}=…`).join('&')}`;
}

export interface BuildOptions {
  /** Logger on/off; tests keep it off. */
  logger?: boolean;
}

/**
 * Builds the HTTP application on an open, migrated database. Does not listen: `main.ts` does,
 * tests call `app.inject()`.
 */
/** The headers a request-independent middleware such as helmet sets, collected once. */
function headersOf(
  middleware: (req: IncomingMessage, res: ServerResponse, next: () => void) => void,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({ headers: {} } as IncomingMessage, res as unknown as ServerResponse, () => undefined);
  return headers;
}

export async function buildApp(config: Config, database: Database, options: BuildOptions = {}): Promise<App> {
  const app = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.cookie', 'req.headers.authorization'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: redactQuery(req.url),
                ip: req.ip,
              }),
            },
          },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const cipher = new FieldCipher(loadDataKey(config.dataKey, config.dataDir));
  const hasher = new PasswordHasher(config.argon2);
  const settings = new SettingsService(database.db, config);
  const services = {
    config,
    db: database.db,
    engine: database.engine,
    cipher,
    personal: new PersonalData(cipher),
    hasher,
    settings,
    auth: new AuthService(database.db, config, settings, hasher, database.notifications),
    locator: new LocatorService(database.db),
    jobs: new JobService(database.db),
    notify: new NotifyService(database.db, cipher, config, database.notifications),
    calendar: new CalendarService(database.db, config.timeZone),
    version: VERSION,
  };
  const caseConfig = new CaseConfigService(database.db);
  const clocks = new Clocks(database.db, services.calendar);
  const cases = new Cases({
    db: database.db,
    personal: services.personal,
    clocks,
    notify: services.notify,
    locator: services.locator,
    config: caseConfig,
    timeZone: config.timeZone,
    photoDir: path.join(config.uploadDir, 'cases'),
    intakeConcurrency: database.engine === 'pglite' ? 1 : 2,
  });
  // Every calendar change re-times the running working-time clocks, in the background.
  const clockRetimer = new ClockRetimer(database.db, {
    calendar: services.calendar,
    clocks,
    jobs: services.jobs,
    log: (msg, err) => app.log.error({ err }, msg),
  });
  services.calendar.onChange(() => clockRetimer.request());
  const ctx: AppContext = {
    ...services,
    caseConfig,
    cases,
    clocks,
    clockRetimer,
    clockSweeper: new ClockSweeper(database.db, {
      clocks,
      // The interval is a case setting, read before every wait.
      every: async () => (await caseConfig.settings()).sweepSeconds * 1000,
      after: () => cases.photos.purgeStale(),
      log: (msg, err) => app.log.error({ err }, msg),
    }),
  };
  app.decorate('ctx', ctx);

  installErrorHandler(app);
  await app.register(cookie);
  // Security headers on every answer. They do not depend on the request: helmet writes them once
  // here, and every answer gets a copy (the Fastify plugin runs helmet anew for every request).
  const securityHeaders = headersOf(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          workerSrc: ["'self'", 'blob:'],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          upgradeInsecureRequests: null,
        },
      },
      strictTransportSecurity: config.cookieSecure,
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(securityHeaders);
    done();
  });
  await app.register(rateLimit, {
    global: false,
    // Counted after parsing, so a refused login can be logged with the user name it tried.
    hook: 'preHandler',
    errorResponseBuilder: (_req, context) =>
      new AppError('RATE_LIMITED', `请求过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试`),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Wangge 网格 API',
        version: VERSION,
        description:
          '网格化管理平台接口。登录后以 HttpOnly 会话 Cookie 鉴权；错误统一为 { error: { code, message, fields } }。',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'wg_sid' } } },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  await ctx.jobs.recover();
  installAuthHooks(app);
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(userRoutes);
  await app.register(roleRoutes);
  await app.register(auditRoutes);
  // Seals the audit chain (appends are unsealed inserts). Always on, whatever `workers` says: an
  // instance without it would leave its entries to the others, or, alone, unsealed. Cheap when idle.
  const sealer = new AuditSealer(database.db, { log: (msg, err) => app.log.error({ err }, msg) });
  app.addHook('onReady', async () => sealer.start());
  app.addHook('onClose', async () => sealer.stop());
  if (config.workers) {
    const purge = dailyAuditPurge(database.db, {
      retentionDays: config.auditRetentionDays,
      timeZone: config.timeZone,
      log: (msg, err) => app.log.error({ err }, msg),
    });
    app.addHook('onReady', async () => purge.start());
    app.addHook('onClose', async () => purge.stop());
  }
  app.addHook('onClose', async () => {
    services.auth.stopListening();
    services.notify.stopListening();
  });
  await app.register(settingsRoutes);
  await app.register(gridRoutes);
  await app.register(dashboardRoutes);
  await app.register(jobRoutes);
  await app.register(dutyRoutes);
  await app.register(printRoutes);
  await app.register(notifyRoutes);
  if (config.workers) {
    // Outbox delivery (e-mail, SMS): from ready to close; safe with several instances.
    const outbox = new OutboxWorker(database.db, cipher, transportsFrom(config), {
      intervalSeconds: config.notifyIntervalSeconds,
      log: (msg, err) => app.log.error({ err }, msg),
    });
    app.addHook('onReady', async () => outbox.start());
    app.addHook('onClose', async () => outbox.stop());
    // Reminders, escalations and auto-archiving, every `sweepSeconds` (case settings); safe with
    // several instances (each reminder is claimed once).
    app.addHook('onReady', async () => ctx.clockSweeper.start());
    app.addHook('onClose', async () => ctx.clockSweeper.stop());
  }
  // A re-timing a restart cut short runs again; the calendar's last change is honoured at start.
  app.addHook('onReady', async () => {
    await clockRetimer.resume().catch((err: unknown) => app.log.error({ err }, 're-timing clocks failed'));
  });
  app.addHook('onClose', async () => clockRetimer.stop());
  await app.register(caseRoutes(ctx.cases, ctx.caseConfig));
  await app.register(publicCaseRoutes(ctx.cases, ctx.caseConfig));
  await app.register(open311Routes);
  await app.register(calendarRoutes);

  const webDist =
    config.webDist && fs.existsSync(path.join(config.webDist, 'index.html')) ? config.webDist : null;
  if (webDist) {
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0]!;
    if (webDist && request.method === 'GET' && !url.startsWith('/api/') && !path.extname(url)) {
      return reply.type('text/html').header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: '接口或页面不存在' } });
  });

  return app;
}
