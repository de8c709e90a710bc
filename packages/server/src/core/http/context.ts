import type { EventEmitter } from 'node:events';
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
import type { Principal } from '../access/principal.ts';
import type { Actor } from '../audit/audit.service.ts';
import type { CalendarService } from '../calendar/calendar.service.ts';
import type { Clocks } from '../clock/clocks.ts';
import type { ClockRetimer } from '../clock/retimer.ts';
import type { ClockSweeper } from '../clock/sweep.ts';
import type { Engine } from '../db/database.ts';
import type { DB } from '../db/types.ts';
import type { JobService } from '../jobs/job.service.ts';
import type { NotifyService } from '../notify/notify.service.ts';
import type { FieldCipher } from '../pii/crypto.ts';
import type { PersonalData } from '../pii/personal.ts';

/**
 * Shared services, built once in buildApp and reachable from every route as `app.ctx`. The
 * kernel's services are here; each module adds its own (`declare module` on this file).
 */
export interface AppContext {
  db: Kysely<DB>;
  engine: Engine;
  /** The database's announcements (LISTEN/NOTIFY channels; `reset` after a reconnect). */
  notifications: EventEmitter;
  cipher: FieldCipher;
  /** Personal data: encrypted, indexed, masked, revealed under audit. */
  personal: PersonalData;
  /** Background jobs with progress (imports). */
  jobs: JobService;
  /** Notifications: templates, outbox (e-mail, SMS) and the in-app inbox. */
  notify: NotifyService;
  /** The working-time calendar (holidays, make-up days, work hours). */
  calendar: CalendarService;
  /** Stage clocks of every kind of subject (modules register their kinds). */
  clocks: Clocks;
  /** The overdue sweep of every clock (reminders, escalation). */
  clockSweeper: ClockSweeper;
  /** Re-times running clocks after a calendar change. */
  clockRetimer: ClockRetimer;
  version: string;
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
