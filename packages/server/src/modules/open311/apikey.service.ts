import { randomBytes } from 'node:crypto';
import {
  type ApiKey,
  type ApiKeyBody,
  type ApiKeyCreated,
  type ApiKeyQuery,
  type PageResult,
} from '@wangge/shared';
import type { Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { FieldCipher } from '../../core/pii/crypto.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { paginate } from '../../core/http/paginate.ts';

/** Characters of the secret kept in clear (`prefix`) so administrators can tell keys apart. */
export const API_KEY_PREFIX_LENGTH = 10;
/** Generated secrets: a fixed marker and 192 random bits. */
const SECRET_MARKER = 'wg311_';
/** `last_used_at` is written at most this often per key. */
const TOUCH_INTERVAL_MS = 60_000;

/** The demo dataset's Open311 key: its name, and its secret unless DEMO_OPEN311_KEY sets another. */
export const DEMO_OPEN311_KEY_NAME = '演示 Open311 密钥';
export const DEMO_OPEN311_KEY_DEFAULT = 'demo-open311-key-2026';

/** A key that authenticated a call. */
export interface VerifiedKey {
  id: number;
  name: string;
}

/** Where the secret is stored: its keyed hash (HMAC-SHA-256 under the data key), never the secret itself. */
export function apiKeyHash(cipher: FieldCipher, secret: string): string {
  return cipher.blindIndex(secret);
}

/**
 * Inserts a key with a known secret (the demo key) inside the caller's transaction, audited.
 * Does nothing when a key with this secret exists already.
 */
export async function insertApiKey(
  trx: Executor,
  cipher: FieldCipher,
  actor: Actor,
  props: { name: string; secret: string; createdBy: number | null },
): Promise<number | null> {
  const row = await trx
    .insertInto('api_key')
    .values({
      name: props.name,
      prefix: props.secret.slice(0, API_KEY_PREFIX_LENGTH),
      key_hash: apiKeyHash(cipher, props.secret),
      created_by: props.createdBy,
    })
    .onConflict((oc) => oc.column('key_hash').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  await appendAudit(trx, actor, {
    action: 'apikey.create',
    targetType: 'api_key',
    targetId: row.id,
    after: { name: props.name, prefix: props.secret.slice(0, API_KEY_PREFIX_LENGTH) },
  });
  return row.id;
}

/**
 * Open-API keys (Open311 and later doors): administrators list, create, rename and revoke them;
 * the secret is shown once at creation and stored only as a keyed hash.
 */
export class ApiKeyService {
  private readonly touched = new Map<number, number>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
  ) {}

  private query(db: Executor) {
    return db
      .selectFrom('api_key as k')
      .leftJoin('app_user as u', 'u.id', 'k.created_by')
      .select([
        'k.id',
        'k.name',
        'k.prefix',
        'k.active',
        'k.created_at',
        'u.display_name as created_by_name',
        'k.revoked_at',
        'k.last_used_at',
      ]);
  }

  private toApiKey(r: {
    id: number;
    name: string;
    prefix: string;
    active: boolean;
    created_at: Date;
    created_by_name: string | null;
    revoked_at: Date | null;
    last_used_at: Date | null;
  }): ApiKey {
    return {
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      active: r.active,
      createdAt: r.created_at.toISOString(),
      createdBy: r.created_by_name,
      revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
      lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
    };
  }

  private async get(db: Executor, id: number): Promise<ApiKey> {
    const row = await this.query(db).where('k.id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '接口密钥不存在');
    return this.toApiKey(row);
  }

  async list(query: ApiKeyQuery): Promise<PageResult<ApiKey>> {
    return paginate(
      this.query(this.db)
        .$if(query.active !== undefined, (q) => q.where('k.active', '=', query.active!))
        .orderBy('k.active', 'desc')
        .orderBy('k.id', 'desc'),
      query,
      (rows) => rows.map((r) => this.toApiKey(r)),
    );
  }

  /** Creates a key; the answer carries the secret, which is never shown again. */
  async create(actor: Actor, body: ApiKeyBody): Promise<ApiKeyCreated> {
    const secret = `${SECRET_MARKER}${randomBytes(24).toString('base64url')}`;
    return this.db.transaction().execute(async (trx) => {
      const id = await insertApiKey(trx, this.cipher, actor, {
        name: body.name.trim(),
        secret,
        createdBy: actor.id,
      });
      // 192 random bits do not collide; a null here would be a broken generator.
      if (id === null) throw new AppError('CONFLICT');
      return { key: await this.get(trx, id), secret };
    });
  }

  async rename(actor: Actor, id: number, body: ApiKeyBody): Promise<ApiKey> {
    return this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('api_key')
        .select('name')
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!before) throw new AppError('NOT_FOUND', '接口密钥不存在');
      const name = body.name.trim();
      await trx.updateTable('api_key').set({ name }).where('id', '=', id).execute();
      await appendAudit(trx, actor, {
        action: 'apikey.rename',
        targetType: 'api_key',
        targetId: id,
        before: { name: before.name },
        after: { name },
      });
      return this.get(trx, id);
    });
  }

  /** Revokes a key for good: calls with it are refused from now on. */
  async revoke(actor: Actor, id: number): Promise<ApiKey> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('api_key')
        .select(['name', 'prefix', 'active'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', '接口密钥不存在');
      if (!row.active) throw new AppError('CONFLICT', '该接口密钥已停用');
      await trx
        .updateTable('api_key')
        .set({ active: false, revoked_at: new Date() })
        .where('id', '=', id)
        .execute();
      await appendAudit(trx, actor, {
        action: 'apikey.revoke',
        targetType: 'api_key',
        targetId: id,
        before: { name: row.name, prefix: row.prefix, active: true },
        after: { active: false },
      });
      this.touched.delete(id);
      return this.get(trx, id);
    });
  }

  /**
   * The active key with this secret, or null. Marks it used: at most once a minute per key and
   * process, so a busy client costs one small update a minute.
   */
  async verify(secret: string | null | undefined): Promise<VerifiedKey | null> {
    if (!secret || secret.length > 200) return null;
    const row = await this.db
      .selectFrom('api_key')
      .select(['id', 'name'])
      .where('key_hash', '=', apiKeyHash(this.cipher, secret))
      .where('active', '=', true)
      .executeTakeFirst();
    if (!row) return null;
    const now = Date.now();
    const last = this.touched.get(row.id) ?? 0;
    if (now - last >= TOUCH_INTERVAL_MS) {
      this.touched.set(row.id, now);
      await this.db
        .updateTable('api_key')
        .set({ last_used_at: new Date(now) })
        .where('id', '=', row.id)
        .where((eb) =>
          eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', new Date(now - TOUCH_INTERVAL_MS))]),
        )
        .execute();
    }
    return { id: row.id, name: row.name };
  }
}
