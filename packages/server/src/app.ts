import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import helmet from 'helmet';
import { auditRoutes } from './core/audit/audit.routes.ts';
import { AuditSealer, dailyAuditPurge } from './core/audit/audit.service.ts';
import { AuditCatalog } from './core/audit/audit.vocabulary.ts';
import { KERNEL_AUDIT } from './kernel.audit.ts';
import type { Config } from './config.ts';
import type { App, AppContext } from './context.ts';
import { FieldCipher, loadDataKey } from './core/pii/crypto.ts';
import type { Database } from './core/db/database.ts';
import { AppError, frameworkErrors, installErrorHandler } from './core/http/errors.ts';
import { RequestLog } from './core/http/request-log.ts';
import { Clocks } from './core/clock/clocks.ts';
import { ClockRetimer } from './core/clock/retimer.ts';
import { ClockSweeper } from './core/clock/sweep.ts';
import { calendarRoutes } from './core/calendar/calendar.routes.ts';
import { CalendarService } from './core/calendar/calendar.service.ts';
import { healthRoutes } from './health.routes.ts';
import { JobService } from './core/jobs/job.service.ts';
import { notifyRoutes } from './core/notify/notify.routes.ts';
import { NotifyService } from './core/notify/notify.service.ts';
import { OutboxWorker } from './core/notify/outbox.worker.ts';
import { transportsFrom } from './core/notify/transports.ts';
import { jobRoutes } from './core/jobs/job.routes.ts';
import { VERSION } from './version.ts';
import { isPageAddress, registerCompression, serveWebApp } from './web.ts';
import { dashboardRoutes } from './dashboard.routes.ts';
import { PersonalData } from './core/pii/personal.ts';
import type { Loop, ModuleDef } from './core/module.ts';
import { caseModule } from './modules/case/case.module.ts';
import { gridModule } from './modules/grid/grid.module.ts';
import { identityModule } from './modules/identity/identity.module.ts';
import { open311Module } from './modules/open311/open311.module.ts';
import { orgModule } from './modules/org/org.module.ts';

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

/**
 * The modules, in the order their services are built (a module may use those before it).
 * Adding a module is adding it here.
 */
export const MODULES: readonly ModuleDef[] = [
  identityModule,
  gridModule,
  orgModule,
  caseModule,
  open311Module,
];

/** Permissions the kernel and the composition root own (the rest belong to the modules). */
export const KERNEL_PERMISSIONS = [
  'audit.read',
  'audit.verify',
  'audit.export',
  'notify.read',
  'dashboard.read',
] as const;

/** The names of everything written into the audit log: the kernel's and each module's. */
export function auditCatalog(): AuditCatalog {
  return new AuditCatalog([
    { owner: 'kernel', vocabulary: KERNEL_AUDIT },
    ...MODULES.map((m) => ({ owner: m.name, vocabulary: m.audit ?? {} })),
  ]);
}

export interface BuildOptions {
  /** Logger on/off; tests keep it off. */
  logger?: boolean;
  /** Where log lines go (default standard output); tests read them here. */
  logStream?: { write(line: string): void };
}

/**
 * Builds the HTTP application on an open, migrated database. Does not listen: `main.ts` does,
 * tests call `app.inject()`.
 */
/** The origin of the configured basemap's tiles, as a CSP source (none without a basemap). */
function basemapOrigins(config: Config): string[] {
  if (!config.basemapUrl) return [];
  try {
    return [new URL(config.basemapUrl.replace(/\{[a-z]+\}/g, '0')).origin];
  } catch {
    return [];
  }
}

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
            // Through process.stdout rather than pino's own asynchronous writer, so log lines and
            // the start banner (console.log) come out in the order they were written.
            stream: options.logStream ?? process.stdout,
            redact: ['req.headers.cookie', 'req.headers.authorization'],
            serializers: {
              req: (req: { method: string; url: string; ip?: string }) => ({
                method: req.method,
                url: redactQuery(req.url),
                ip: req.ip,
              }),
            },
          },
    logController: new RequestLog(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    frameworkErrors,
  }).withTypeProvider<TypeBoxTypeProvider>();

  const cipher = new FieldCipher(loadDataKey(config.dataKey, config.dataDir));
  const calendar = new CalendarService(database.db, config.timeZone);
  const kernel = {
    config,
    db: database.db,
    engine: database.engine,
    notifications: database.notifications,
    cipher,
    personal: new PersonalData(cipher),
    jobs: new JobService(database.db),
    notify: new NotifyService(database.db, cipher, config, database.notifications),
    calendar,
    clocks: new Clocks(database.db, calendar),
    version: VERSION,
  };
  // The modules' services, each built on the kernel's and those of the modules before it.
  const ctx = kernel as AppContext;
  for (const m of MODULES) Object.assign(ctx, m.build?.(ctx));
  // Every calendar change re-times the running working-time clocks, in the background.
  ctx.clockRetimer = new ClockRetimer(database.db, {
    calendar,
    clocks: ctx.clocks,
    jobs: ctx.jobs,
    log: (msg, err) => app.log.error({ err }, msg),
  });
  calendar.onChange(() => ctx.clockRetimer.request());
  ctx.clockSweeper = new ClockSweeper(database.db, {
    clocks: ctx.clocks,
    // The interval is a case setting, read before every wait.
    every: async () => (await ctx.caseConfig.settings()).sweepSeconds * 1000,
    after: () => ctx.cases.photos.purgeStale(),
    log: (msg, err) => app.log.error({ err }, msg),
  });
  app.decorate('ctx', ctx);

  installErrorHandler(app);
  await registerCompression(app);
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
          imgSrc: ["'self'", 'data:', 'blob:', ...basemapOrigins(config)],
          fontSrc: ["'self'", 'data:'],
          // The maps fetch basemap tiles (WANGGE_BASEMAP_URL) from the tile server's origin.
          connectSrc: ["'self'", ...basemapOrigins(config)],
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
  for (const m of MODULES) m.hooks?.(app);
  await app.register(healthRoutes);
  await app.register(auditRoutes({ catalog: auditCatalog(), timeZone: config.timeZone }));
  await app.register(dashboardRoutes);
  await app.register(jobRoutes);
  // The case configurators edit the notification templates (the cases' notices are most of them).
  await app.register(notifyRoutes({ templates: 'case.config' }));
  // Everyone working cases reads the calendar (deadlines are shown to them); case.config edits it.
  await app.register(
    calendarRoutes({
      read: ['case.read', 'case.handle', 'case.report', 'case.config'],
      write: 'case.config',
    }),
  );
  for (const m of MODULES) await m.routes?.(app);

  const log = (msg: string, err?: unknown) => app.log.error({ err }, msg);
  const loops: Loop[] = [
    // Seals the audit chain (appends are unsealed inserts). Always on, whatever `workers` says: an
    // instance without it would leave its entries to the others, or, alone, unsealed.
    new AuditSealer(database.db, { log }),
    ...MODULES.flatMap((m) => m.loops?.(ctx, log) ?? []),
  ];
  if (config.workers) {
    loops.push(
      dailyAuditPurge(database.db, {
        retentionDays: config.auditRetentionDays,
        timeZone: config.timeZone,
        log,
      }),
      // Outbox delivery (e-mail, SMS); safe with several instances.
      new OutboxWorker(database.db, cipher, transportsFrom(config), {
        intervalSeconds: config.notifyIntervalSeconds,
        log,
      }),
      // Reminders and escalations of every clock, every `sweepSeconds` (case settings); safe
      // with several instances (each reminder is claimed once).
      ctx.clockSweeper,
      ...MODULES.flatMap((m) => m.workers?.(ctx, log) ?? []),
    );
  }
  app.addHook('onReady', async () => {
    for (const loop of loops) loop.start();
    // A re-timing a restart cut short runs again; the calendar's last change is honoured at start.
    await ctx.clockRetimer.resume().catch((err: unknown) => log('re-timing clocks failed', err));
    for (const m of MODULES) await m.ready?.(ctx, log);
  });
  app.addHook('onClose', async () => {
    for (const loop of loops) await loop.stop();
    await ctx.clockRetimer.stop();
    ctx.notify.stopListening();
    for (const m of MODULES) await m.close?.(ctx);
  });

  const servesWeb = await serveWebApp(app, config.webDist);
  app.setNotFoundHandler((request, reply) => {
    if (servesWeb && isPageAddress(request.method, request.url)) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'NOT_FOUND', message: '接口或页面不存在' } });
  });

  return app;
}
