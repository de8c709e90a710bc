import type { Permission } from '@wangge/shared';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Actor } from './audit/audit.service.ts';
import type { AuthService, SessionInfo } from './auth/auth.service.ts';
import type { PasswordHasher } from './auth/password-hasher.ts';
import type { Principal } from './auth/principal.ts';
import type { Config } from './config.ts';
import type { FieldCipher } from './crypto.ts';
import type { Engine } from './db/database.ts';
import type { DB } from './db/types.ts';
import type { SettingsService } from './settings/settings.service.ts';
import type { LocatorService } from './grid/locator.service.ts';
import type { JobService } from './job/job.service.ts';
import type { NotifyService } from './notify/notify.service.ts';
import type { CaseConfigService } from './case/case-config.service.ts';
import type { CaseService } from './case/case.service.ts';
import type { ClockRetimer } from './case/case.retime.ts';
import type { CaseSweeper } from './case/case.sweep.ts';
import type { CalendarService } from './calendar/calendar.service.ts';

/** Shared services, built once in buildApp and reachable from every route as `app.ctx`. */
export interface AppContext {
  config: Config;
  db: Kysely<DB>;
  engine: Engine;
  cipher: FieldCipher;
  hasher: PasswordHasher;
  settings: SettingsService;
  auth: AuthService;
  /** Point-to-grid lookup, shared by every module that locates reports. */
  locator: LocatorService;
  /** Background jobs with progress (imports). */
  jobs: JobService;
  /** Notifications: templates, outbox (e-mail, SMS) and the in-app inbox. */
  notify: NotifyService;
  version: string;
  /** The working-time calendar (holidays, make-up days, work hours). */
  calendar: CalendarService;
  /** Case switches, categories, time limits and dispatch rules. */
  caseConfig: CaseConfigService;
  /** The case workflow (intake from every door, transitions, reading). */
  cases: CaseService;
  /** The overdue sweep (reminders, escalation). */
  caseSweeper: CaseSweeper;
  clockRetimer: ClockRetimer;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

declare module 'fastify' {
  interface FastifyInstance {
    ctx: AppContext;
  }
  interface FastifyRequest {
    session: SessionInfo | null;
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** No login needed. */
    public?: boolean;
    /** Reachable while a password change is pending (me, change password, logout). */
    allowDuringPasswordChange?: boolean;
    /** Any one of these permissions admits the caller. */
    permissions?: readonly Permission[];
  }
}

export function actorOf(request: {
  principal: Principal | null;
  ip: string;
  headers: Record<string, unknown>;
}): Actor {
  const ua = request.headers['user-agent'];
  return {
    id: request.principal?.userId ?? null,
    name: request.principal?.username ?? 'anonymous',
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua : null,
  };
}

/** The authenticated principal of a route that requires login (guaranteed by the auth hook). */
export function principalOf(request: { principal: Principal | null }): Principal {
  if (!request.principal) throw new Error('route without principal: is it marked public?');
  return request.principal;
}
