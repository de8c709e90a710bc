import type { SecuritySettings } from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';

const SECURITY_KEY = 'security';
const CACHE_MS = 5000;

/**
 * Security settings: defaults from the configuration, overridden by the security administrator
 * in the database. Read on every login and request, so kept in a short-lived cache.
 */
export class SettingsService {
  private cached: { value: SecuritySettings; at: number } | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: Config,
  ) {}

  defaults(): SecuritySettings {
    return {
      passwordPolicy: { ...this.config.passwordPolicy },
      lockThreshold: this.config.lockThreshold,
      lockMinutes: this.config.lockMinutes,
      idleMinutes: this.config.sessionIdleMinutes,
    };
  }

  /** Pass the transaction when calling inside one (PGlite has a single connection). */
  async security(db: Executor = this.db): Promise<SecuritySettings> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const row = await db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', SECURITY_KEY)
      .executeTakeFirst();
    const stored = (row?.value ?? {}) as Partial<SecuritySettings>;
    const d = this.defaults();
    const value: SecuritySettings = {
      passwordPolicy: { ...d.passwordPolicy, ...(stored.passwordPolicy ?? {}) },
      lockThreshold: stored.lockThreshold ?? d.lockThreshold,
      lockMinutes: stored.lockMinutes ?? d.lockMinutes,
      idleMinutes: stored.idleMinutes ?? d.idleMinutes,
    };
    this.cached = { value, at: Date.now() };
    return value;
  }

  async updateSecurity(trx: Executor, actor: Actor, next: SecuritySettings): Promise<void> {
    const before = await this.security(trx);
    await trx
      .insertInto('setting')
      .values({ key: SECURITY_KEY, value: JSON.stringify(next), updated_by: actor.id })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ value: JSON.stringify(next), updated_at: new Date(), updated_by: actor.id }),
      )
      .execute();
    await appendAudit(trx, actor, {
      action: 'settings.security.update',
      targetType: 'setting',
      targetId: SECURITY_KEY,
      before,
      after: next,
    });
    this.cached = null;
  }
}
