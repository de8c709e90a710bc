import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import type { Database } from './database.ts';
import { insertJsonRows } from './json-rows.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { DB } from './types.ts';

describe.each(testEngines())('rows inserted as one JSON parameter on $name', (engine) => {
  let database: Database;
  let db: Kysely<DB>;

  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    await migrateToLatest(db);
  });
  afterAll(() => database.close());

  it('converts every value to its column type, JSON given as text and as objects alike', async () => {
    const at = new Date('2026-11-23T08:30:15.123Z');
    const statements = await insertJsonRows(db, 'audit_log', [
      {
        at,
        actor_id: null,
        actor_name: '张三',
        ip: '10.0.0.1',
        user_agent: null,
        action: 'test.json',
        target_type: 'thing',
        target_id: '1',
        before: JSON.stringify({ a: [1, 2], s: '引号"与\\反斜杠' }),
        after: null,
        result: 'success',
      },
      // Another set of columns (ip and user_agent left out); the JSON column given as an object.
      {
        at,
        actor_id: null,
        actor_name: "O'Brien",
        action: 'test.json',
        target_id: '2',
        after: { nested: { ok: true } } as never,
        result: 'failure',
      },
    ]);
    expect(statements).toHaveLength(2);
    for (const statement of statements) await statement.execute(db);
    const rows = await db
      .selectFrom('audit_log')
      .select(['at', 'actor_name', 'ip', 'target_id', 'before', 'after', 'result'])
      .where('action', '=', 'test.json')
      .orderBy('id')
      .execute();
    expect(rows[0]).toEqual({
      at,
      actor_name: '张三',
      ip: '10.0.0.1',
      target_id: '1',
      before: { a: [1, 2], s: '引号"与\\反斜杠' },
      after: null,
      result: 'success',
    });
    expect(rows[1]).toMatchObject({
      actor_name: "O'Brien",
      ip: null,
      after: { nested: { ok: true } },
      result: 'failure',
    });
  });

  it('gives the columns a row leaves out their defaults', async () => {
    const statements = await insertJsonRows(db, 'department', [
      { name: '甲', code: 'JSON0', sectors: ['城管'], categories: [] },
      { name: '乙', code: 'JSON00' } as never,
    ]);
    expect(statements).toHaveLength(2);
    for (const statement of statements) await statement.execute(db);
    const rows = await db
      .selectFrom('department')
      .select(['code', 'sectors', 'categories', 'created_at'])
      .where('code', 'in', ['JSON0', 'JSON00'])
      .orderBy('code')
      .execute();
    expect(rows.map((r) => [r.code, r.sectors, r.categories])).toEqual([
      ['JSON0', ['城管'], []],
      ['JSON00', [], []],
    ]);
    expect(Math.abs(rows[1]!.created_at.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('fills array columns and writes nothing for no rows', async () => {
    expect(await insertJsonRows(db, 'department', [])).toEqual([]);
    const [statement] = await insertJsonRows(db, 'department', [
      { name: '城管执法局', code: 'JSON1', sectors: ['城管', '市容'], categories: [] },
    ]);
    await statement!.execute(db);
    const row = await db
      .selectFrom('department')
      .select(['sectors', 'categories'])
      .where('code', '=', 'JSON1')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ sectors: ['城管', '市容'], categories: [] });
  });

  it("reads a table's columns on the caller's own connection: no wait on the embedded database", async () => {
    const row = (name: string) => ({ name, phone_enc: null, phone_hash: null, organisation: null });
    let outside!: Promise<unknown>;
    await db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx); // the transaction holds the connection from here
      // A first use outside the transaction, which on PGlite waits for it to end…
      outside = insertJsonRows(db, 'person', [row('外')]);
      // …must not keep the transaction's own first use waiting.
      for (const statement of await insertJsonRows(trx, 'person', [row('内')])) await statement.execute(trx);
    });
    for (const statement of (await outside) as Awaited<ReturnType<typeof insertJsonRows>>)
      await statement.execute(db);
    const names = await db.selectFrom('person').select('name').where('name', 'in', ['内', '外']).execute();
    expect(names.map((n) => n.name).sort()).toEqual(['内', '外']);
  });

  it('stores half an emoji as U+FFFD, as a text parameter would, and whole ones as they are', async () => {
    const [statement] = await insertJsonRows(db, 'department', [
      { name: '半个\ud83d', code: 'JSON4', sectors: ['😀', 'x\udc00y'], categories: [] },
    ]);
    await statement!.execute(db);
    const row = await db
      .selectFrom('department')
      .select(['name', 'sectors'])
      .where('code', '=', 'JSON4')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ name: '半个\ufffd', sectors: ['😀', 'x\ufffdy'] });
  });

  it('fails as a whole on a value its column refuses', async () => {
    const [statement] = await insertJsonRows(db, 'department', [
      { name: '甲', code: 'JSON2', sectors: [], categories: [] },
      { name: null as never, code: 'JSON3', sectors: [], categories: [] },
    ]);
    await expect(statement!.execute(db)).rejects.toThrow();
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from department where code in ('JSON2', 'JSON3')`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });
});
