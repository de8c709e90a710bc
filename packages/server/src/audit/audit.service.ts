import type { AuditEntry, AuditQuery, AuditVerifyResult, PageResult } from '@wangge/shared';
import { LIMITS } from '@wangge/shared';
import { sql } from 'kysely';
import type { Executor } from '../db/types.ts';
import { entryHash, GENESIS_HASH } from './audit.hash.ts';

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
 * Appends one entry to the hash chain. Call it inside the transaction that makes the change,
 * so the change and its audit entry commit together or not at all. The chain head row is
 * locked until commit, which orders entries by commit.
 */
export async function appendAudit(trx: Executor, actor: Actor, event: AuditEvent): Promise<void> {
  const head = await trx
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const entry = {
    seq: head.seq + 1,
    at: new Date(),
    actorId: actor.id,
    actorName: actor.name,
    ip: actor.ip,
    userAgent: actor.userAgent ? actor.userAgent.slice(0, 300) : null,
    action: event.action,
    targetType: event.targetType ?? null,
    targetId: event.targetId === undefined || event.targetId === null ? null : String(event.targetId),
    before: plain(event.before),
    after: plain(event.after),
    result: event.result ?? 'success',
  };
  const hash = entryHash(head.hash, entry);
  await trx
    .insertInto('audit_log')
    .values({
      seq: entry.seq,
      at: entry.at,
      actor_id: entry.actorId,
      actor_name: entry.actorName,
      ip: entry.ip,
      user_agent: entry.userAgent,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
      result: entry.result,
      prev_hash: head.hash,
      hash,
    })
    .execute();
  await trx.updateTable('audit_head').set({ seq: entry.seq, hash }).where('id', '=', 1).execute();
}

/**
 * Walks the whole chain and recomputes every hash. Detects edited entries (hash mismatch),
 * removed or re-ordered entries (sequence gap, broken link) and a truncated tail (head mismatch).
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

  // The head is read first and the walk stops there, so entries committed meanwhile do not
  // look like a truncated tail.
  const head = await db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '<=', head.seq)
      .$if(prevSeq !== null, (q) => q.where('seq', '>', prevSeq!))
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (firstSeq === null) {
        firstSeq = row.seq;
        // The oldest entries may have been purged after the retention period; the chain then
        // starts from the first remaining entry's recorded predecessor.
        if (row.seq === 1 && row.prev_hash !== GENESIS_HASH)
          return fail(row.seq, '链首记录的前序哈希不是初始值');
        if (row.seq !== 1) {
          // Only a recorded purge may remove the start of the chain, and exactly up to here.
          const purge = await lastPurge(db, head.seq);
          if (!purge || purge.upToSeq !== row.seq - 1 || purge.lastHash !== row.prev_hash) {
            return fail(row.seq, `链首记录缺失：第 1–${row.seq - 1} 条不是按保存期清理的`);
          }
        }
      } else {
        if (row.seq !== prevSeq! + 1)
          return fail(row.seq, `序号不连续：${prevSeq} 之后是 ${row.seq}，中间记录被删除`);
        if (row.prev_hash !== prevHash) return fail(row.seq, '前序哈希不匹配，记录被删除或替换');
      }
      const expected = entryHash(row.prev_hash, {
        seq: row.seq,
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
      });
      if (expected !== row.hash) return fail(row.seq, '记录内容与哈希不符，已被篡改');
      prevHash = row.hash;
      prevSeq = row.seq;
      checked++;
    }
  }
  if (head.seq !== (prevSeq ?? 0) || (prevSeq !== null && head.hash !== prevHash)) {
    return fail(head.seq, `链尾不符：应有 ${head.seq} 条，实际最后一条为 ${prevSeq ?? 0}，末尾记录被删除`);
  }
  return { ok: true, checked, firstSeq, lastSeq: prevSeq, brokenAt: null, reason: null };
}

/** The newest purge recorded in the chain at or before `maxSeq`: how far it deleted, and the last hash it removed. */
async function lastPurge(
  db: Executor,
  maxSeq: number,
): Promise<{ upToSeq: number; lastHash: string } | null> {
  const row = await db
    .selectFrom('audit_log')
    .select('after')
    .where('action', '=', 'audit.purge')
    .where('seq', '<=', maxSeq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  const after = row?.after as { upToSeq?: number; lastHash?: string } | undefined;
  return after?.upToSeq && after.lastHash ? { upToSeq: after.upToSeq, lastHash: after.lastHash } : null;
}

/** Deletes entries older than the retention period (never less than 180 days), itself audited. */
export async function purgeExpiredAudit(db: Executor, retentionDays: number): Promise<number> {
  if (!Number.isInteger(retentionDays) || retentionDays < 180)
    throw new Error('audit retention below 180 days');
  const run = async (trx: Executor) => {
    await sql`select set_config('wangge.audit_purge_days', ${String(retentionDays)}, true)`.execute(trx);
    // Entries are appended in time order, so the expired ones are a prefix of the chain.
    const { rows } = await sql<{ deleted: number; up_to_seq: number | null; last_hash: string | null }>`
      with gone as (
        delete from audit_log where at < now() - make_interval(days => ${retentionDays}) returning seq, hash
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

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

export async function listAudit(db: Executor, query: AuditQuery): Promise<PageResult<AuditEntry>> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? LIMITS.pageSizeDefault;
  let q = db.selectFrom('audit_log');
  if (query.actor) q = q.where('actor_name', 'ilike', `%${escapeLike(query.actor)}%`);
  if (query.action) q = q.where('action', 'like', `${escapeLike(query.action)}%`);
  if (query.from) q = q.where('at', '>=', new Date(query.from));
  if (query.to) q = q.where('at', '<', new Date(query.to));
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('seq', 'desc')
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: rows.map((r) => ({
      seq: r.seq,
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
      hash: r.hash,
    })),
    total: count.n,
    page,
    pageSize,
  };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
