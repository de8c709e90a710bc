import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { openPostgres, type Database } from '../db/database.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import { migrations } from '../../migrations/index.ts';
import type { DB } from '../db/types.ts';
import {
  appendAudit,
  AuditSealer,
  listAudit,
  dailyAuditPurge,
  purgeExpiredAudit,
  sealAll,
  sealAudit,
  verifyAuditChain,
  type Actor,
} from './audit.service.ts';
import { canonicalJson, entryHash } from './audit.hash.ts';

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
    await sealAll(database.db);
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
      expect(await sealAll(fresh.db)).toBe(4);
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

describe.each(testEngines())('audit sealing on $name', (engine) => {
  /** A fresh, migrated database for one test. */
  const withFresh = async (run: (db: Kysely<DB>, database: Database) => Promise<void>) => {
    const database = await engine.open();
    try {
      await migrateToLatest(database.db);
      await run(database.db, database);
    } finally {
      await database.close();
    }
  };
  const append = (db: Kysely<DB>, n: number, action = 'test.write') =>
    db.transaction().execute(async (trx) => {
      for (let i = 0; i < n; i++) await appendAudit(trx, actor, { action, targetId: i, after: { i } });
    });
  const chain = (db: Kysely<DB>) =>
    db
      .selectFrom('audit_log')
      .select(['id', 'seq', 'prev_hash', 'hash', 'action', 'target_id'])
      .orderBy('id')
      .execute();
  const unsealed = async (db: Kysely<DB>) =>
    (await db.selectFrom('audit_log').select('id').where('hash', 'is', null).execute()).length;
  /** Runs a statement with the append-only triggers switched off, as a database superuser could. */
  const asSuperuser = async (db: Kysely<DB>, statement: ReturnType<typeof sql>) => {
    await sql`alter table audit_log disable trigger user`.execute(db);
    try {
      await statement.execute(db);
    } finally {
      await sql`alter table audit_log enable trigger user`.execute(db);
    }
  };

  it('appends without a chain position and seals in insertion order, batch by batch', async () => {
    await withFresh(async (db) => {
      await append(db, 5);
      const before = await chain(db);
      expect(before.map((r) => [r.seq, r.prev_hash, r.hash])).toEqual(Array(5).fill([null, null, null]));
      // Pending entries are not tampering: verification seals them first.
      expect(await sealAudit(db, 2)).toBe(2);
      expect(await sealAudit(db, 2)).toBe(2);
      expect(await sealAll(db)).toBe(1);
      expect(await sealAll(db)).toBe(0);
      const rows = await chain(db);
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(rows[0]!.prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
      const head = await db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
      expect(head).toMatchObject({ seq: 5, hash: rows[4]!.hash });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 5, firstSeq: 1, lastSeq: 5 });
    });
  });

  it('chains concurrent appends from several connections and sealers into one unbroken chain', async () => {
    await withFresh(async (db) => {
      // On the server, a second pool on the same database stands for a second instance.
      let other: Database | null = null;
      if (engine.name === 'postgres') {
        const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(db);
        const url = new URL(process.env.TEST_DATABASE_URL!);
        url.pathname = `/${rows[0]!.name}`;
        other = await openPostgres(url.toString(), 3);
      }
      try {
        const dbs = [db, other?.db ?? db];
        const writers = Array.from({ length: 8 }, async (_, w) => {
          for (let k = 0; k < 10; k++) {
            await dbs[w % 2]!.transaction().execute((trx) =>
              appendAudit(trx, actor, { action: 'test.concurrent', targetId: `${w}-${k}` }),
            );
          }
        });
        const sealers = Array.from({ length: 4 }, async (_, s) => {
          let n = 0;
          for (let k = 0; k < 12; k++) n += await sealAudit(dbs[s % 2]!, 7);
          return n;
        });
        const [, sealed] = await Promise.all([Promise.all(writers), Promise.all(sealers)]);
        const rest = await sealAll(db);
        expect(sealed.reduce((a, b) => a + b, 0) + rest).toBe(80);
      } finally {
        await other?.close();
      }
      const rows = await chain(db);
      expect(rows).toHaveLength(80);
      expect(new Set(rows.map((r) => r.target_id)).size).toBe(80);
      expect(rows.map((r) => r.seq).sort((a, b) => a! - b!)).toEqual(
        Array.from({ length: 80 }, (_, i) => i + 1),
      );
      expect(await verifyAuditChain(db, 16)).toMatchObject({ ok: true, checked: 80, lastSeq: 80 });
    });
  });

  // PGlite is one connection: its transactions never overlap, so an entry cannot commit late there.
  it.skipIf(engine.name === 'pglite')('seals an entry that commits long after a later one', async () => {
    await withFresh(async (db) => {
      let appended!: () => void;
      let release!: () => void;
      const inserted = new Promise<void>((resolve) => (appended = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const late = db.transaction().execute(async (trx) => {
        await appendAudit(trx, actor, { action: 'test.late' });
        appended();
        await gate;
      });
      await inserted;
      await append(db, 1, 'test.early');
      // Only the committed entry is sealed; the open transaction's entry is invisible, not skipped.
      expect(await sealAll(db)).toBe(1);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 1 });
      release();
      await late;
      expect(await sealAll(db)).toBe(1);
      const rows = await chain(db);
      const lateRow = rows.find((r) => r.action === 'test.late')!;
      const earlyRow = rows.find((r) => r.action === 'test.early')!;
      expect(lateRow.id).toBeLessThan(earlyRow.id);
      expect([earlyRow.seq, lateRow.seq]).toEqual([1, 2]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2, lastSeq: 2 });
    });
  });

  it('leaves nothing of a rolled-back transaction and no gap in the chain', async () => {
    await withFresh(async (db) => {
      await append(db, 1, 'test.before');
      await expect(
        db.transaction().execute(async (trx) => {
          for (let i = 0; i < 3; i++) await appendAudit(trx, actor, { action: 'test.rolled_back' });
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');
      await append(db, 1, 'test.after');
      expect(await sealAll(db)).toBe(2);
      const rows = await chain(db);
      expect(rows.map((r) => [r.action, r.seq])).toEqual([
        ['test.before', 1],
        ['test.after', 2],
      ]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2 });
    });
  });

  it('lets the trigger allow only sealing an unsealed entry, once', async () => {
    await withFresh(async (db) => {
      await append(db, 1);
      await sealAll(db);
      await append(db, 1);
      const refused = /append-only/;
      // A sealed entry: no column, not even the seal.
      await expect(
        sql`update audit_log set hash = repeat('1', 64) where seq = 1`.execute(db),
      ).rejects.toThrow(refused);
      await expect(sql`update audit_log set actor_name = 'x' where seq = 1`.execute(db)).rejects.toThrow(
        refused,
      );
      // An unsealed entry: the seal alone, complete.
      await expect(
        sql`update audit_log set seq = 2, prev_hash = 'p', hash = 'h', actor_name = 'x' where hash is null`.execute(
          db,
        ),
      ).rejects.toThrow(refused);
      await expect(sql`update audit_log set action = 'x' where hash is null`.execute(db)).rejects.toThrow(
        refused,
      );
      await expect(sql`update audit_log set hash = 'h' where hash is null`.execute(db)).rejects.toThrow(
        refused,
      );
      await expect(sql`delete from audit_log where hash is null`.execute(db)).rejects.toThrow(refused);
      await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(refused);
      // Not even the purge may delete an unsealed entry, however old.
      await asSuperuser(db, sql`update audit_log set at = at - interval '400 days' where hash is null`);
      await expect(
        db.transaction().execute(async (trx) => {
          await sql`select set_config('wangge.audit_purge_days', '180', true)`.execute(trx);
          await sql`delete from audit_log where hash is null`.execute(trx);
        }),
      ).rejects.toThrow(refused);
      expect(await sealAll(db)).toBe(1);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2 });
    });
  });

  it('purges only a sealed prefix of the chain, even when sealing order is not time order', async () => {
    await withFresh(async (db) => {
      // Inserting is allowed to anyone who may append: entries dated 200 days back, sealed normally.
      const old = (action: string) =>
        sql`insert into audit_log (at, actor_name, action, result)
          values (now() - interval '200 days', 'system', ${action}, 'success')`.execute(db);
      await old('test.old1');
      await old('test.old2');
      await sealAll(db);
      await append(db, 1, 'test.recent');
      await sealAll(db);
      await old('test.old_sealed_late');
      await sealAll(db);
      await old('test.old_unsealed');
      expect(await purgeExpiredAudit(db, 180)).toBe(2);
      const rows = await chain(db);
      expect(rows.map((r) => [r.action, r.seq])).toEqual([
        ['test.recent', 3],
        ['test.old_sealed_late', 4],
        ['test.old_unsealed', null],
        ['audit.purge', null],
      ]);
      const purge = await db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'audit.purge')
        .executeTakeFirstOrThrow();
      expect(purge.after).toMatchObject({ deleted: 2, upToSeq: 2 });
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 4, firstSeq: 3, lastSeq: 6 });
      // test.recent is still kept, so nothing behind it goes either.
      expect(await purgeExpiredAudit(db, 180)).toBe(0);
    });
  });

  it('runs in the background and seals what is left when stopped', async () => {
    await withFresh(async (db) => {
      const sealer = new AuditSealer(db, { intervalMs: 10 });
      sealer.start();
      try {
        await append(db, 3);
        await vi.waitFor(async () => expect(await unsealed(db)).toBe(0), { timeout: 5000, interval: 10 });
        await append(db, 2);
      } finally {
        await sealer.stop();
      }
      expect(await unsealed(db)).toBe(0);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 5 });
    });
  });

  it('lists entries just appended with their chain position, newest first', async () => {
    await withFresh(async (db) => {
      await append(db, 3);
      const page = await listAudit(db, {});
      expect(page.total).toBe(3);
      expect(page.items.map((e) => [e.seq, e.targetId])).toEqual([
        [3, '2'],
        [2, '1'],
        [1, '0'],
      ]);
      expect(page.items.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    });
  });

  it('migrates an existing chain: entries keep their positions and hashes and still verify', async () => {
    const database = await engine.open();
    const db = database.db;
    try {
      const all = Object.entries(migrations);
      const before = Object.fromEntries(all.filter(([name]) => name < '2026-11-22T1330'));
      const legacy = await new Migrator({
        db,
        provider: { getMigrations: async () => before },
      }).migrateToLatest();
      expect(legacy.error).toBeUndefined();
      // Appends as they were: under the head lock, chained at once.
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 5; i++) {
          const { rows } = await sql<{ seq: number; hash: string }>`
            select seq, hash from audit_head where id = 1 for update`.execute(trx);
          const head = rows[0]!;
          const entry = {
            seq: head.seq + 1,
            at: new Date(),
            actorId: 1,
            actorName: '张三',
            ip: null,
            userAgent: null,
            action: 'test.legacy',
            targetType: 'thing',
            targetId: String(i),
            before: null,
            after: { i, nested: { b: 2, a: 1 } },
            result: 'success',
          };
          const hash = entryHash(head.hash, entry);
          await sql`insert into audit_log (seq, at, actor_id, actor_name, action, target_type, target_id, after,
              result, prev_hash, hash)
            values (${entry.seq}, ${entry.at}, 1, '张三', 'test.legacy', 'thing', ${entry.targetId},
              ${JSON.stringify(entry.after)}::jsonb, 'success', ${head.hash}, ${hash})`.execute(trx);
          await sql`update audit_head set seq = ${entry.seq}, hash = ${hash} where id = 1`.execute(trx);
        }
      });
      const hashes = (await sql<{ hash: string }>`select hash from audit_log order by seq`.execute(db)).rows;

      expect((await migrateToLatest(db))[0]).toBe('2026-11-22T1330_audit_sealing');
      let rows = await chain(db);
      expect(rows.map((r) => [r.id, r.seq])).toEqual([1, 2, 3, 4, 5].map((n) => [n, n]));
      expect(rows.map((r) => ({ hash: r.hash }))).toEqual(hashes);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 5 });
      await expect(sql`update audit_log set actor_name = 'x' where seq = 2`.execute(db)).rejects.toThrow(
        /append-only/,
      );

      // New entries continue both orders.
      await append(db, 2);
      expect(await sealAll(db)).toBe(2);
      rows = await chain(db);
      expect(rows.slice(5).map((r) => [r.id, r.seq])).toEqual([
        [6, 6],
        [7, 7],
      ]);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 7 });

      // Down again only once everything is sealed, and up once more.
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
      await append(db, 1);
      const beforeSealing = all.filter(([name]) => name < '2026-11-22T1330').at(-1)![0];
      expect((await migrator.migrateTo(beforeSealing)).error).toBeDefined();
      await sealAll(db);
      expect((await migrator.migrateTo(beforeSealing)).error).toBeUndefined();
      expect((await migrateToLatest(db))[0]).toBe('2026-11-22T1330_audit_sealing');
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 8 });
    } finally {
      await database.close();
    }
  });

  it('purges once a day in a long-running server, whichever instance claims the day', async () => {
    const fresh = await engine.open();
    try {
      await migrateToLatest(fresh.db);
      await fresh.db.transaction().execute(async (trx) => {
        for (let i = 0; i < 3; i++) await appendAudit(trx, actor, { action: 'test.write', after: { i } });
      });
      await sealAll(fresh.db);
      await sql`alter table audit_log disable trigger user`.execute(fresh.db);
      await sql`update audit_log set at = at - interval '200 days' where seq <= 2`.execute(fresh.db);
      await sql`alter table audit_log enable trigger user`.execute(fresh.db);
      const opts = { retentionDays: 180, timeZone: 'Asia/Shanghai' };
      const [one, two] = [dailyAuditPurge(fresh.db, opts), dailyAuditPurge(fresh.db, opts)];
      await Promise.all([one.tick(), two.tick()]);
      expect(one.failuresInARow + two.failuresInARow).toBe(0);
      const purges = await fresh.db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'audit.purge')
        .execute();
      expect(purges).toHaveLength(1);
      expect(purges[0]!.after).toMatchObject({ deleted: 2 });
      const claims = await fresh.db.selectFrom('schedule_claim').select(['key', 'period']).execute();
      expect(claims).toHaveLength(1);
      expect(claims[0]!.key).toBe('audit.purge');
      expect(claims[0]!.period).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      // The same day again: claimed already, nothing more happens.
      await one.tick();
      expect(
        await fresh.db.selectFrom('audit_log').select('seq').where('action', '=', 'audit.purge').execute(),
      ).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });
});
