import type { EventEmitter } from 'node:events';
import type { LoginResult, Me, SecuritySettings } from '@wangge/shared';
import { passwordViolations, describeRule } from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import { randomToken, sha256Hex } from '../../core/pii/crypto.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { SettingsService } from './settings.service.ts';
import type { PasswordHasher } from './password-hasher.ts';
import { Kept } from '../../core/db/kept.ts';
import type { Principal } from '../../core/access/principal.ts';
import { loadPrincipal, principalColumns, principalFrom } from './principal.repository.ts';

export interface SessionInfo {
  idHash: string;
  userId: number;
  mustChangePassword: boolean;
  passwordChangeReason: 'initial' | 'expired' | null;
  passwordExpiresAt: Date | null;
  /** The user's principal as of this request (loaded with the session). */
  principal: Principal;
}

export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

const DAY_MS = 86_400_000;
/** Sessions are touched at most this often, so reads do not turn into a write per request. */
const TOUCH_INTERVAL_MS = 30_000;

type SessionRow = NonNullable<Awaited<ReturnType<AuthService['readSession']>>>;

/** A session kept between requests, with its user and principal. */
interface KeptSession {
  readonly row: SessionRow;
  /** When the database last recorded activity on the session (ms). */
  touchedAt: number;
  /** The last activity this server saw (ms): at least `touchedAt`. */
  lastSeenAt: number;
}

export class AuthService {
  /**
   * Sessions kept in memory, so that a request costs no database round trip to find out who is
   * asking. Any write that changes a user, their roles or scopes, a role, a grid or a session
   * announces itself on `wangge_auth` when it commits (the change_notify migration), and the
   * sessions concerned are dropped: this server's own writes before their COMMIT returns, other
   * servers' a moment later.
   */
  private readonly sessions = new Kept<KeptSession>({ maxAgeMs: 30_000 });

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: Config,
    private readonly settings: SettingsService,
    private readonly hasher: PasswordHasher,
    notifications: EventEmitter,
  ) {
    const changed = (payload: string) => {
      const userId = Number(payload);
      if (payload !== '*' && Number.isInteger(userId)) this.sessions.dropOwner(userId);
      else this.sessions.clear();
    };
    const reset = () => this.sessions.clear();
    notifications.on('wangge_auth', changed);
    notifications.on('reset', reset);
    this.stopListening = () => {
      notifications.off('wangge_auth', changed);
      notifications.off('reset', reset);
    };
  }

  /** Stops following the database's announcements (the server is closing). */
  readonly stopListening: () => void;

  private async logLogin(
    trx: Executor,
    client: ClientInfo,
    username: string,
    userId: number | null,
    result: LoginResult,
    reason: string | null,
  ) {
    await trx
      .insertInto('login_log')
      .values({
        username: username.slice(0, 64),
        user_id: userId,
        ip: client.ip,
        user_agent: client.userAgent?.slice(0, 300) ?? null,
        result,
        reason,
      })
      .execute();
    const actor: Actor = { id: userId, name: username.slice(0, 64), ...client };
    await appendAudit(trx, actor, {
      action: `auth.${result}`,
      targetType: 'user',
      targetId: userId,
      after: reason ? { reason } : null,
      result: result === 'success' || result === 'logout' ? 'success' : 'failure',
    });
  }

  /** Records a refused login that never reached the password check (rate limit). */
  async recordRateLimited(username: string, client: ClientInfo): Promise<void> {
    await this.db
      .transaction()
      .execute((trx) => this.logLogin(trx, client, username, null, 'rate_limited', '登录请求过于频繁'));
  }

  passwordState(
    user: { must_change_password: boolean; password_changed_at: Date; is_demo: boolean },
    policy: SecuritySettings['passwordPolicy'],
  ): Pick<SessionInfo, 'mustChangePassword' | 'passwordChangeReason' | 'passwordExpiresAt'> {
    // Demo accounts are exempt from forced changes and expiry, so every visitor can use them.
    const expiresAt =
      policy.expiryDays > 0 && !user.is_demo
        ? new Date(user.password_changed_at.getTime() + policy.expiryDays * DAY_MS)
        : null;
    if (user.must_change_password && !user.is_demo) {
      return { mustChangePassword: true, passwordChangeReason: 'initial', passwordExpiresAt: expiresAt };
    }
    if (expiresAt && expiresAt.getTime() <= Date.now()) {
      return { mustChangePassword: true, passwordChangeReason: 'expired', passwordExpiresAt: expiresAt };
    }
    return { mustChangePassword: false, passwordChangeReason: null, passwordExpiresAt: expiresAt };
  }

  /** Checks the password, applies the lockout rules, and opens a session. Returns the session token. */
  async login(
    username: string,
    password: string,
    client: ClientInfo,
  ): Promise<{ token: string; userId: number }> {
    const security = await this.settings.security();
    const user = await this.db
      .selectFrom('app_user')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();

    if (!user) {
      await this.hasher.verifyNothing(password);
      await this.db
        .transaction()
        .execute((trx) => this.logLogin(trx, client, username, null, 'failure', '用户不存在'));
      throw new AppError('INVALID_CREDENTIALS');
    }
    if (user.locked_until && user.locked_until.getTime() > Date.now()) {
      await this.db
        .transaction()
        .execute((trx) =>
          this.logLogin(trx, client, user.username, user.id, 'locked', '账号锁定期间尝试登录'),
        );
      throw new AppError('ACCOUNT_LOCKED', lockedMessage(user.locked_until));
    }

    const ok = await this.hasher.verify(user.password_hash, password);
    if (!ok) {
      const locked = await this.db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('app_user')
          .set((eb) => ({ failed_count: eb('failed_count', '+', 1), updated_at: new Date() }))
          .where('id', '=', user.id)
          .returning(['failed_count'])
          .executeTakeFirstOrThrow();
        if (row.failed_count >= security.lockThreshold) {
          const until = new Date(Date.now() + security.lockMinutes * 60_000);
          await trx
            .updateTable('app_user')
            .set({ failed_count: 0, locked_until: until })
            .where('id', '=', user.id)
            .execute();
          await this.logLogin(
            trx,
            client,
            user.username,
            user.id,
            'locked',
            `连续 ${row.failed_count} 次密码错误，锁定 ${security.lockMinutes} 分钟`,
          );
          return until;
        }
        await this.logLogin(
          trx,
          client,
          user.username,
          user.id,
          'failure',
          `密码错误（第 ${row.failed_count} 次）`,
        );
        return null;
      });
      if (locked) throw new AppError('ACCOUNT_LOCKED', lockedMessage(locked));
      throw new AppError('INVALID_CREDENTIALS');
    }
    if (user.status !== 'active') {
      await this.db
        .transaction()
        .execute((trx) => this.logLogin(trx, client, user.username, user.id, 'disabled', '账号已停用'));
      throw new AppError('ACCOUNT_DISABLED');
    }

    const token = randomToken();
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      // Re-check under a row lock: parallel guesses may have locked the account meanwhile.
      const current = await trx
        .selectFrom('app_user')
        .select(['locked_until'])
        .where('id', '=', user.id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      if (current.locked_until && current.locked_until.getTime() > Date.now()) {
        throw new AppError('ACCOUNT_LOCKED', lockedMessage(current.locked_until));
      }
      await trx
        .updateTable('app_user')
        .set({
          failed_count: 0,
          locked_until: null,
          last_login_at: now,
          last_login_ip: client.ip,
          updated_at: now,
        })
        .where('id', '=', user.id)
        .execute();
      await trx
        .insertInto('session')
        .values({
          id_hash: sha256Hex(token),
          user_id: user.id,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + this.config.sessionMaxHours * 3_600_000),
          ip: client.ip,
          user_agent: client.userAgent?.slice(0, 300) ?? null,
        })
        .execute();
      await this.logLogin(trx, client, user.username, user.id, 'success', null);
    });
    return { token, userId: user.id };
  }

  /** Looks a session up in the database, with its user and the user's principal. */
  private async readSession(idHash: string) {
    const row = await this.db
      .selectFrom('session')
      .innerJoin('app_user', 'app_user.id', 'session.user_id')
      .select([
        'session.user_id',
        'session.last_seen_at',
        'session.expires_at',
        'app_user.username',
        'app_user.status',
        'app_user.must_change_password',
        'app_user.password_changed_at',
        'app_user.is_demo',
        'app_user.display_name',
        // The principal comes with the session: one round trip for both.
        ...principalColumns('app_user.id'),
      ])
      .where('session.id_hash', '=', idHash)
      .executeTakeFirst();
    if (!row) return null;
    return { ...row, principal: principalFrom({ ...row, id: row.user_id }) };
  }

  /**
   * Resolves a session token, checked for idle time, expiry and the user's status. Expired (idle
   * or absolute) sessions are deleted and reported as SESSION_EXPIRED; the idle clock is moved
   * forward on use. Sessions are kept in memory between requests (`sessions`); whatever would
   * refuse one is decided on what the database says now.
   */
  async resolveSession(token: string, client: ClientInfo, fresh = false): Promise<SessionInfo> {
    const idHash = sha256Hex(token);
    const now = Date.now();
    let entry = fresh ? undefined : this.sessions.get(idHash);
    const cached = entry !== undefined;
    if (!entry) {
      const generation = this.sessions.begin();
      const row = await this.readSession(idHash);
      if (!row) throw new AppError('UNAUTHENTICATED');
      const touched = row.last_seen_at.getTime();
      entry = { row, touchedAt: touched, lastSeenAt: touched };
      this.sessions.set(idHash, entry, row.user_id, generation);
    }
    const row = entry.row;
    const security = await this.settings.security();
    const idleExpired = now - entry.lastSeenAt > security.idleMinutes * 60_000;
    if (idleExpired || row.expires_at.getTime() <= now || row.status !== 'active') {
      // Another server may have seen activity this one has not: ask the database before refusing.
      if (cached) {
        this.sessions.drop(idHash);
        return this.resolveSession(token, client, true);
      }
      await this.db.transaction().execute(async (trx) => {
        await trx.deleteFrom('session').where('id_hash', '=', idHash).execute();
        await this.logLogin(
          trx,
          client,
          row.username,
          row.user_id,
          'timeout',
          idleExpired ? '空闲超时' : '会话过期',
        );
      });
      throw new AppError('SESSION_EXPIRED');
    }
    entry.lastSeenAt = now;
    if (now - entry.touchedAt > TOUCH_INTERVAL_MS) {
      entry.touchedAt = now;
      await this.db
        .updateTable('session')
        .set({ last_seen_at: new Date(now) })
        .where('id_hash', '=', idHash)
        .execute();
    }
    return {
      idHash,
      userId: row.user_id,
      ...this.passwordState(row, security.passwordPolicy),
      principal: row.principal,
    };
  }

  async logout(session: SessionInfo, principal: Principal | null, client: ClientInfo): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('session').where('id_hash', '=', session.idHash).execute();
      await this.logLogin(
        trx,
        client,
        principal?.username ?? String(session.userId),
        session.userId,
        'logout',
        null,
      );
    });
  }

  /** Validates a new password against the policy and the user's recent passwords. */
  async checkNewPassword(
    trx: Executor,
    userId: number | null,
    username: string,
    password: string,
    field: 'newPassword' | 'password' = 'newPassword',
  ): Promise<void> {
    const { passwordPolicy } = await this.settings.security(trx);
    const broken = passwordViolations(password, passwordPolicy, username);
    if (broken.length) {
      throw new AppError(
        'PASSWORD_POLICY',
        `新密码不符合密码策略：${broken.map((r) => describeRule(r, passwordPolicy)).join('；')}`,
        {
          [field]: broken.map((r) => describeRule(r, passwordPolicy)).join('；'),
        },
      );
    }
    if (userId !== null && passwordPolicy.historyCount > 0) {
      const history = await trx
        .selectFrom('password_history')
        .select('password_hash')
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(passwordPolicy.historyCount)
        .execute();
      for (const h of history) {
        if (await this.hasher.verify(h.password_hash, password)) {
          throw new AppError(
            'PASSWORD_REUSED',
            `新密码不能与最近 ${passwordPolicy.historyCount} 次使用过的密码相同`,
            {
              [field]: '最近使用过',
            },
          );
        }
      }
    }
  }

  /** Stores a new password hash and its history entry. */
  async storePassword(trx: Executor, userId: number, password: string, mustChange: boolean): Promise<void> {
    const hash = await this.hasher.hash(password);
    const now = new Date();
    await trx
      .updateTable('app_user')
      .set({
        password_hash: hash,
        password_changed_at: now,
        must_change_password: mustChange,
        updated_at: now,
      })
      .where('id', '=', userId)
      .execute();
    await trx.insertInto('password_history').values({ user_id: userId, password_hash: hash }).execute();
  }

  async changeOwnPassword(
    session: SessionInfo,
    actor: Actor,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const user = await this.db
      .selectFrom('app_user')
      .select(['id', 'username', 'password_hash'])
      .where('id', '=', session.userId)
      .executeTakeFirstOrThrow();
    if (!(await this.hasher.verify(user.password_hash, currentPassword))) {
      throw new AppError('WRONG_PASSWORD', undefined, { currentPassword: '当前密码不正确' });
    }
    if (currentPassword === newPassword) {
      throw new AppError('PASSWORD_REUSED', '新密码不能与当前密码相同', { newPassword: '与当前密码相同' });
    }
    await this.db.transaction().execute(async (trx) => {
      await this.checkNewPassword(trx, user.id, user.username, newPassword);
      await this.storePassword(trx, user.id, newPassword, false);
      // Every other session of this user ends: a changed password must lock out whoever had the old one.
      await trx
        .deleteFrom('session')
        .where('user_id', '=', user.id)
        .where('id_hash', '!=', session.idHash)
        .execute();
      await appendAudit(trx, actor, {
        action: 'auth.password.change',
        targetType: 'user',
        targetId: user.id,
        after: { reason: session.passwordChangeReason ?? 'voluntary' },
      });
    });
  }

  async me(session: SessionInfo, principal: Principal): Promise<Me> {
    const security = await this.settings.security();
    return {
      id: principal.userId,
      username: principal.username,
      displayName: principal.displayName,
      roles: principal.roles,
      permissions: [...principal.permissions].sort(),
      scopes: principal.scopes,
      mustChangePassword: session.mustChangePassword,
      passwordChangeReason: session.passwordChangeReason,
      passwordExpiresAt: session.passwordExpiresAt?.toISOString() ?? null,
      idleTimeoutMinutes: security.idleMinutes,
      isDemo: principal.isDemo,
    };
  }

  loadPrincipal(userId: number) {
    return loadPrincipal(this.db, userId);
  }
}

function lockedMessage(until: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
  return `连续登录失败次数过多，账号已被锁定，请 ${minutes} 分钟后再试或联系安全管理员解锁`;
}
