import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/engines.ts';
import type { Database } from '../db/database.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { appendAudit, purgeExpiredAudit, verifyAuditChain, type Actor } from './audit.service.ts';
import { canonicalJson } from './audit.hash.ts';

const actor: Actor = { id: 1, name: '张三', ip: '10.0.0.1', userAgent: 'test' };

describe('canonicalJson', () => {
  it('is independent of key order and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe.each(testEngines())('audit chain on $name', (engine) => {
  let database: Database;

  beforeAll(async () => {
    database = await engine.open();
    await migrateToLatest(database.db);
  });
  afterAll(() => database.close());

  const append = (n: number, action = 'test.write') =>
    database.db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++) {
        await appendAudit(trx, actor, {
          action,
          targetType: 'thing',
          targetId: i,
          before: { name: '旧名称', n: i, nested: { b: 2, a: 1 } },
          after: { name: '新名称', n: i + 1, at: new Date('2026-01-01T00:00:00Z') },
        });
      }
    });

  /** Runs a statement as a database superuser would: with the append-only triggers switched off. */
  const asSuperuser = async (statement: ReturnType<typeof sql>) => {
    await sql`alter table audit_log disable trigger user`.execute(database.db);
    try {
      await statement.execute(database.db);
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(database.db);
    }
  };

  it('verifies an intact chain, including concurrent appends', async () => {
    await append(5);
    await Promise.all([append(3), append(3), append(3)]);
    const result = await verifyAuditChain(database.db, 4);
    expect(result).toMatchObject({ ok: true, checked: 14, firstSeq: 1, lastSeq: 14, brokenAt: null });
  });

  it('rolls the entry back with the change it belongs to', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await appendAudit(trx, actor, { action: 'test.rolled_back' });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const rows = await database.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'test.rolled_back')
      .execute();
    expect(rows).toHaveLength(0);
    expect((await verifyAuditChain(database.db)).ok).toBe(true);
  });

  it('refuses updates, deletes and truncation through the normal path', async () => {
    await expect(
      sql`update audit_log set actor_name = 'x' where seq = 1`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = 1`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
  });

  it('detects an edited entry', async () => {
    await asSuperuser(sql`update audit_log set after = '{"name":"篡改"}'::jsonb where seq = 7`);
    const result = await verifyAuditChain(database.db);
    expect(result.ok).toBe(false);
    expect(result.brokenAt).toBe(7);
    expect(result.reason).toContain('篡改');
  });

  it('detects an entry deleted from the middle and a truncated tail', async () => {
    // Undo the edit by restoring a fresh database state: re-create from scratch on a new database.
    const fresh = await engine.open();
    try {
      await migrateToLatest(fresh.db);
      await fresh.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 6; i++) await appendAudit(trx, actor, { action: 'test.write', after: { i } });
      });
      expect((await verifyAuditChain(fresh.db)).ok).toBe(true);
      await sql`alter table audit_log disable trigger user`.execute(fresh.db);
      await sql`delete from audit_log where seq = 6`.execute(fresh.db);
      let result = await verifyAuditChain(fresh.db);
      expect(result).toMatchObject({ ok: false, brokenAt: 6 });
      await sql`delete from audit_log where seq = 3`.execute(fresh.db);
      result = await verifyAuditChain(fresh.db);
      expect(result).toMatchObject({ ok: false, brokenAt: 4 });
    } finally {
      await fresh.close();
    }
  });

  it('purges only entries older than the retention period, never below 180 days', async () => {
    const fresh = await engine.open();
    try {
      await migrateToLatest(fresh.db);
      await fresh.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 4; i++) await appendAudit(trx, actor, { action: 'test.write', after: { i } });
      });
      await expect(purgeExpiredAudit(fresh.db, 30)).rejects.toThrow(/180/);
      // A session setting cannot open the guard below 180 days either.
      await expect(
        fresh.db.transaction().execute(async (trx) => {
          await sql`select set_config('wangge.audit_purge_days', '30', true)`.execute(trx);
          await sql`delete from audit_log where seq = 1`.execute(trx);
        }),
      ).rejects.toThrow(/append-only/);
      expect(await purgeExpiredAudit(fresh.db, 180)).toBe(0);
      expect(await fresh.db.selectFrom('audit_log').select('seq').execute()).toHaveLength(4);

      // Age the first two entries past the retention period; the purge removes exactly them and
      // the chain still verifies from the first remaining entry.
      await sql`alter table audit_log disable trigger user`.execute(fresh.db);
      await sql`update audit_log set at = at - interval '200 days' where seq <= 2`.execute(fresh.db);
      await sql`alter table audit_log enable trigger user`.execute(fresh.db);
      expect(await purgeExpiredAudit(fresh.db, 180)).toBe(2);
      const after = await verifyAuditChain(fresh.db);
      // The re-dated entries fail their own hashes, but they are gone; what is left is intact.
      expect(after).toMatchObject({ ok: true, firstSeq: 3, lastSeq: 5 });

      // Deleting the start of the chain without a recorded purge is caught.
      await sql`alter table audit_log disable trigger user`.execute(fresh.db);
      await sql`delete from audit_log where seq = 3`.execute(fresh.db);
      await sql`alter table audit_log enable trigger user`.execute(fresh.db);
      const cut = await verifyAuditChain(fresh.db);
      expect(cut.ok).toBe(false);
      expect(cut.reason).toContain('链首记录缺失');
    } finally {
      await fresh.close();
    }
  });
});
