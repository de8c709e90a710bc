import type { AuditEntry, AuditFilters, AuditQuery, AuditVerifyResult, PageResult } from '@wangge/shared';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { DB, Executor } from '../db/types.ts';
import { entryHash, GENESIS_HASH, type HashedFields } from './audit.hash.ts';
import type { AuditLogTable } from './audit.table.ts';
import { escapeLike } from '../db/like.ts';
import { AppError } from '../http/errors.ts';
import { paginate } from '../http/paginate.ts';
import { PeriodicTask } from '../schedule/periodic.ts';
import { claimOnce, periodOf } from '../schedule/claims.ts';

/** Who did it and from where: taken from the request, or a named system job. */
export interface Actor {
  id: number | null;
  name: string;
  ip: string | null;
  userAgent: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: null, name: 'system', ip: null, userAgent: null };

export interface AuditEvent {
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  before?: unknown;
  after?: unknown;
  result?: 'success' | 'failure' | 'denied';
}

/** Drops values that cannot live in jsonb unchanged (Dates become ISO strings, undefined disappears). */
function plain(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

/**
 * Appends one entry to the audit log. Call it inside the transaction that makes the change, so
 * the change and its audit entry commit together or not at all. The entry is a plain insert,
 * without any lock: it is written unsealed, and `sealAudit` (the `AuditSealer` of every server
 * instance) later gives it its place in the hash chain, in the order entries are sealed.
 */
export async function appendAudit(trx: Executor, actor: Actor, event: AuditEvent): Promise<void> {
  await appendAuditMany(trx, [{ actor, event }]);
}

/** Several entries in one insert (a batch of case intakes), in the given order. */
export async function appendAuditMany(
  trx: Executor,
  entries: readonly { actor: Actor; event: AuditEvent }[],
): Promise<void> {
  if (!entries.length) return;
  await trx.insertInto('audit_log').values(auditRows(entries)).execute();
}

/** Audit rows to insert (for a caller that writes them in a statement of its own). */
export function auditRows(
  entries: readonly { actor: Actor; event: AuditEvent }[],
): Insertable<AuditLogTable>[] {
  const at = new Date();
  return entries.map(({ actor, event }) => {
    const before = plain(event.before);
    const after = plain(event.after);
    return {
      at,
      actor_id: actor.id,
      actor_name: actor.name,
      ip: actor.ip,
      user_agent: actor.userAgent ? actor.userAgent.slice(0, 300) : null,
      action: event.action,
      target_type: event.targetType ?? null,
      target_id: event.targetId === undefined || event.targetId === null ? null : String(event.targetId),
      before: before === null ? null : JSON.stringify(before),
      after: after === null ? null : JSON.stringify(after),
      result: event.result ?? 'success',
    };
  });
}

type AuditRow = Selectable<AuditLogTable>;

function hashedFields(row: AuditRow, seq: number): HashedFields {
  return {
    seq,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    ip: row.ip,
    userAgent: row.user_agent,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    result: row.result,
  };
}

/**
 * Seals one batch: in one short transaction, locks the chain head, takes up to `limit` committed
 * unsealed entries in insertion order, gives them the next chain positions and hashes and moves
 * the head. The head lock serialises sealers (any number of instances may run one); `skip
 * locked` keeps a sealer from waiting on rows someone else holds. An entry whose transaction
 * commits late is simply sealed in a later batch. Returns how many entries were sealed.
 */
export async function sealAudit(db: Executor, limit = 5000): Promise<number> {
  // Cheap when idle: no lock and no write unless something is waiting.
  const waiting = await db.selectFrom('audit_log').select('id').where('hash', 'is', null).limit(1).execute();
  if (waiting.length === 0) return 0;
  const run = async (trx: Executor): Promise<number> => {
    const head = await trx
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const rows = await trx
      .selectFrom('audit_log')
      .selectAll()
      .where('hash', 'is', null)
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (rows.length === 0) return 0;
    let seq = head.seq;
    let prevHash = head.hash;
    const seals = rows.map((row) => {
      seq += 1;
      const hash = entryHash(prevHash, hashedFields(row, seq));
      const seal = { id: row.id, seq, prev_hash: prevHash, hash };
      prevHash = hash;
      return seal;
    });
    await sql`
      update audit_log as a set seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
      from jsonb_to_recordset(${JSON.stringify(seals)}::jsonb) as s(id bigint, seq bigint, prev_hash text, hash text)
      where a.id = s.id`.execute(trx);
    await trx.updateTable('audit_head').set({ seq, hash: prevHash }).where('id', '=', 1).execute();
    return rows.length;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** Seals batch after batch until no committed entry is left unsealed; returns how many were sealed. */
export async function sealAll(db: Executor, batchSize = 5000): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await sealAudit(db, batchSize);
    total += n;
    if (n < batchSize) return total;
  }
}

export interface AuditSealerOptions {
  /** Milliseconds between passes. */
  intervalMs?: number;
  /** Entries sealed per transaction. */
  batchSize?: number;
  log?: (msg: string, err?: unknown) => void;
}

/**
 * Seals the audit chain in the background: a pass every `intervalMs` (one indexed look-up when
 * there is nothing to seal). Every server instance runs one; they never seal an entry twice.
 */
export class AuditSealer {
  private readonly loop: PeriodicTask;

  constructor(db: Executor, options: AuditSealerOptions = {}) {
    const intervalMs = options.intervalMs ?? 250;
    const batchSize = options.batchSize ?? 5000;
    this.loop = new PeriodicTask({
      name: 'audit sealing',
      every: intervalMs,
      firstDelayMs: intervalMs,
      maxBackoffMs: Math.max(intervalMs, 10_000),
      log: options.log,
      run: () => sealAll(db, batchSize),
    });
  }

  start(): void {
    this.loop.start();
  }

  /** Seals everything committed so far; a pass already under way is joined, not doubled. */
  runOnce(): Promise<void> {
    return this.loop.tick();
  }

  /** Stops the loop, waits for a pass in progress and seals what is left. */
  async stop(): Promise<void> {
    await this.loop.stop();
    await this.loop.tick();
  }
}

/**
 * Seals what is committed, then walks the whole chain and recomputes every hash. Detects edited
 * entries (hash mismatch), removed or re-ordered entries (sequence gap, broken link) and a
 * truncated tail (head mismatch). Entries committed meanwhile are not sealed yet, or sealed past
 * the head read here: either way they are left for the next run, never reported as tampering.
 */
export async function verifyAuditChain(db: Executor, batchSize = 2000): Promise<AuditVerifyResult> {
  let prevHash: string | null = null;
  let prevSeq: number | null = null;
  let firstSeq: number | null = null;
  let checked = 0;
  const fail = (seq: number | null, reason: string): AuditVerifyResult => ({
    ok: false,
    checked,
    firstSeq,
    lastSeq: prevSeq,
    brokenAt: seq,
    reason,
  });

  await sealAll(db);
  // The head is read first and the walk stops there, so entries sealed meanwhile do not
  // look like a truncated tail.
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  for (;;) {
    const rows: AuditRow[] = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '<=', head.seq)
      .$if(prevSeq !== null, (q) => q.where('seq', '>', prevSeq!))
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      // Only sealed rows match `seq <= head`.
      const seq = row.seq!;
      if (firstSeq === null) {
        firstSeq = seq;
        // The oldest entries may have been purged after the retention period; the chain then
        // starts from the first remaining entry's recorded predecessor.
        if (seq === 1 && row.prev_hash !== GENESIS_HASH) return fail(seq, '链首记录的前序哈希不是初始值');
        if (seq !== 1) {
          // Only a recorded purge may remove the start of the chain, and exactly up to here.
          if (!(await purgeEndsAt(db, seq - 1, row.prev_hash!))) {
            return fail(seq, `链首记录缺失：第 1–${seq - 1} 条不是按保存期清理的`);
          }
        }
      } else {
        if (seq !== prevSeq! + 1) return fail(seq, `序号不连续：${prevSeq} 之后是 ${seq}，中间记录被删除`);
        if (row.prev_hash !== prevHash) return fail(seq, '前序哈希不匹配，记录被删除或替换');
      }
      const expected = entryHash(row.prev_hash!, hashedFields(row, seq));
      if (expected !== row.hash) return fail(seq, '记录内容与哈希不符，已被篡改');
      prevHash = row.hash;
      prevSeq = seq;
      checked++;
    }
  }
  if (head.seq !== (prevSeq ?? 0) || (prevSeq !== null && head.hash !== prevHash)) {
    return fail(head.seq, `链尾不符：应有 ${head.seq} 条，实际最后一条为 ${prevSeq ?? 0}，末尾记录被删除`);
  }
  return { ok: true, checked, firstSeq, lastSeq: prevSeq, brokenAt: null, reason: null };
}

/**
 * Whether a recorded purge deleted the chain exactly up to `upToSeq`, the last deleted entry
 * having `lastHash`. The purge's own entry may be sealed after the head the walk read, or not
 * sealed yet (a purge that committed during the walk), so any recorded purge counts.
 */
async function purgeEndsAt(db: Executor, upToSeq: number, lastHash: string): Promise<boolean> {
  const row = await db
    .selectFrom('audit_log')
    .select('id')
    .where('action', '=', 'audit.purge')
    .where(sql<boolean>`after @> ${JSON.stringify({ upToSeq, lastHash })}::jsonb`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Deletes entries older than the retention period (never less than 180 days), itself audited.
 * Only sealed entries, and only a prefix of the chain: the chain is in sealing order, which may
 * differ slightly from time order, so the purge stops before the first entry still to keep.
 */
export async function purgeExpiredAudit(db: Executor, retentionDays: number): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < 180)
    throw new Error('audit retention below 180 days');
  const run = async (trx: Executor) => {
    await sql`select set_config('wangge.audit_purge_days', ${String(retentionDays)}, true)`.execute(trx);
    const { rows } = await sql<{ deleted: number; up_to_seq: number | null; last_hash: string | null }>`
      with cutoff as (
        select now() - make_interval(days => ${retentionDays}) as t
      ), expired as (
        select max(seq) as m from audit_log where seq is not null and at < (select t from cutoff)
      ), kept as (
        select min(seq) as k from audit_log
        where seq <= (select m from expired) and at >= (select t from cutoff)
      ), gone as (
        delete from audit_log
        where seq <= coalesce((select k - 1 from kept), (select m from expired))
        returning seq, hash
      )
      select count(*)::integer as deleted, max(seq)::bigint as up_to_seq,
        (select hash from gone order by seq desc limit 1) as last_hash
      from gone`.execute(trx);
    const { deleted, up_to_seq: upToSeq, last_hash: lastHash } = rows[0]!;
    if (deleted > 0) {
      await appendAudit(trx, SYSTEM_ACTOR, {
        action: 'audit.purge',
        after: { deleted, retentionDays, upToSeq: Number(upToSeq), lastHash },
      });
    }
    return deleted;
  };
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/**
 * The retention purge of a long-running server: every hour each instance tries, and whoever
 * claims the day (in the deployment's zone) purges, in the claim's transaction. Starts purge too.
 */
export function dailyAuditPurge(
  db: Kysely<DB>,
  opts: { retentionDays: number; timeZone: string; log?: (msg: string, err?: unknown) => void },
): PeriodicTask {
  return new PeriodicTask({
    name: 'audit purge',
    every: 3_600_000,
    firstDelayMs: 60_000,
    jitter: 0.1,
    maxBackoffMs: 3_600_000,
    log: opts.log,
    run: () =>
      db.transaction().execute(async (trx) => {
        if (await claimOnce(trx, 'audit.purge', periodOf('day', new Date(), opts.timeZone))) {
          await purgeExpiredAudit(trx, opts.retentionDays);
        }
      }),
  });
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

/** An entry as stored, before its action and target are named (`AuditCatalog.describe`). */
export type StoredAuditEntry = Omit<AuditEntry, 'actionLabel' | 'target'>;

/** The sealed entries matching the filters; days are those of `timeZone`, both ends included. */
function filtered(db: Executor, query: AuditFilters, timeZone: string) {
  if (query.from && query.to && query.from > query.to) {
    throw new AppError('VALIDATION_FAILED', undefined, { to: '结束日期不能早于开始日期' });
  }
  let q = db.selectFrom('audit_log').where('hash', 'is not', null);
  if (query.actor) q = q.where('actor_name', 'ilike', `%${escapeLike(query.actor)}%`);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.targetType) q = q.where('target_type', '=', query.targetType);
  if (query.result) q = q.where('result', '=', query.result);
  if (query.from)
    q = q.where('at', '>=', sql<Date>`(${query.from}::date)::timestamp at time zone ${timeZone}`);
  if (query.to)
    q = q.where('at', '<', sql<Date>`(${query.to}::date + 1)::timestamp at time zone ${timeZone}`);
  return q;
}

function stored(r: AuditRow): StoredAuditEntry {
  return {
    seq: r.seq!,
    at: iso(r.at)!,
    actorId: r.actor_id,
    actorName: r.actor_name,
    ip: r.ip,
    userAgent: r.user_agent,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    before: r.before,
    after: r.after,
    result: r.result,
    hash: r.hash!,
  };
}

/**
 * One page of the log, newest first (insertion order). Everything committed before the call is
 * sealed first, so the page shows it with its chain position and hash; an entry committing
 * while the page is read is left for the next call, as if it had committed just after.
 */
export async function listAudit(
  db: Executor,
  query: AuditQuery,
  timeZone = 'UTC',
): Promise<PageResult<StoredAuditEntry>> {
  const q = filtered(db, query, timeZone);
  await sealAll(db);
  return paginate(q.selectAll().orderBy('id', 'desc'), query, (rows) => rows.map(stored));
}

/**
 * Every entry matching the filters, newest first, for an export of at most `max` entries; more
 * is refused (the filters are to be narrowed), so an export is never silently cut.
 */
export async function allAudit(
  db: Executor,
  query: AuditFilters,
  timeZone: string,
  max: number,
): Promise<StoredAuditEntry[]> {
  const q = filtered(db, query, timeZone);
  await sealAll(db);
  const rows = await q
    .selectAll()
    .orderBy('id', 'desc')
    .limit(max + 1)
    .execute();
  if (rows.length > max) {
    const { n } = await q.select((eb) => eb.fn.countAll<string | number>().as('n')).executeTakeFirstOrThrow();
    throw new AppError(
      'VALIDATION_FAILED',
      `一次最多导出 ${max} 条，请缩小筛选范围（当前 ${Number(n)} 条）`,
      {
        _: '结果过多',
      },
    );
  }
  return rows.map(stored);
}
