import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import type { Database } from '../db/database.ts';
import { pageFrom, paginate } from '../http/paginate.ts';
import type { Principal } from './principal.ts';
import { requireInScope, scoped, type ScopeKind } from './scope.ts';

/** A table of its own: the kernel's lists and scope checks need no module's tables. */
interface Item {
  id: number;
  path: string;
  label: string;
}
interface TestDB {
  kernel_item: Item;
}

const principal = (scopePaths: string[]): Principal => ({
  userId: 1,
  username: 'tester',
  displayName: 'Tester',
  isDemo: false,
  roles: [],
  permissions: new Set(),
  scopes: [],
  scopePaths,
});

describe.each(testEngines())('kernel lists and scope on $name', (engine) => {
  let database: Database;
  let db: Kysely<TestDB>;
  const itemScope: ScopeKind = {
    name: 'item',
    paths: (executor, ids) =>
      (executor as unknown as Kysely<TestDB>)
        .selectFrom('kernel_item')
        .select(['id', 'path'])
        .where('id', 'in', ids)
        .execute(),
    notFound: (ids) => `条目不存在：${ids.join('、')}`,
  };

  beforeAll(async () => {
    database = await engine.open();
    db = database.db as unknown as Kysely<TestDB>;
    await sql`create table kernel_item (id integer primary key, path text not null, label text not null)`.execute(
      db,
    );
    // 45 items: 30 under /1/2/, 10 under /1/3/, 5 under /1/2_/ (an underscore: a LIKE wildcard).
    const rows: Item[] = [];
    for (let i = 1; i <= 45; i++) {
      const path = i <= 30 ? `/1/2/${i}/` : i <= 40 ? `/1/3/${i}/` : `/1/2_/${i}/`;
      rows.push({ id: i, path, label: `item ${i}` });
    }
    await db.insertInto('kernel_item').values(rows).execute();
  });
  afterAll(() => database.close());

  it('pages a filtered, ordered query with its total, on a full, a partial and an empty page', async () => {
    const q = db.selectFrom('kernel_item').selectAll().where('id', '>', 5).orderBy('id', 'desc');
    const first = await paginate(q, { page: 1, pageSize: 15 });
    expect(first).toMatchObject({ total: 40, page: 1, pageSize: 15 });
    expect(first.items.map((r) => r.id)).toEqual(Array.from({ length: 15 }, (_, i) => 45 - i));
    const last = await paginate(q, { page: 3, pageSize: 15 });
    expect(last.total).toBe(40);
    expect(last.items.map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => 15 - i));
    const beyond = await paginate(q, { page: 9, pageSize: 15 });
    expect(beyond).toEqual({ items: [], total: 40, page: 9, pageSize: 15 });
  });

  it('uses the default page size and maps rows to items', async () => {
    const page = await paginate(db.selectFrom('kernel_item').select('id').orderBy('id'), {}, (rows) =>
      rows.map((r) => `#${r.id}`),
    );
    expect(page).toMatchObject({ total: 45, page: 1, pageSize: 20 });
    expect(page.items.slice(0, 2)).toEqual(['#1', '#2']);
  });

  it('cuts rows in memory the same way', () => {
    const rows = Array.from({ length: 7 }, (_, i) => i);
    expect(pageFrom(rows, { page: 2, pageSize: 3 })).toEqual({
      items: [3, 4, 5],
      total: 7,
      page: 2,
      pageSize: 3,
    });
  });

  it('scopes a list to the subtrees of the principal, taking the path literally', async () => {
    const list = (paths: string[]) =>
      scoped(db.selectFrom('kernel_item').select('id'), 'path', principal(paths))
        .orderBy('id')
        .execute()
        .then((rows) => rows.map((r) => r.id));
    expect(await list(['/1/3/'])).toEqual(Array.from({ length: 10 }, (_, i) => 31 + i));
    // "_" is not a wildcard: /1/2_/ does not reach /1/2/… nor /1/23/….
    expect(await list(['/1/2_/'])).toEqual([41, 42, 43, 44, 45]);
    expect(await list(['/1/3/', '/1/2_/'])).toHaveLength(15);
    expect(await list([])).toEqual([]);
    const paged = await paginate(
      scoped(db.selectFrom('kernel_item').select('id'), 'path', principal(['/1/2/'])).orderBy('id'),
      { pageSize: 10 },
    );
    expect(paged.total).toBe(30);
  });

  it('requires every id to exist and to lie in scope', async () => {
    const p = principal(['/1/3/']);
    await expect(requireInScope(db as never, p, itemScope, [31, 35, 31])).resolves.toBeUndefined();
    await expect(requireInScope(db as never, p, itemScope, [])).resolves.toBeUndefined();
    await expect(requireInScope(db as never, p, itemScope, [31, 1])).rejects.toMatchObject({
      code: 'OUT_OF_SCOPE',
    });
    await expect(requireInScope(db as never, p, itemScope, [31, 99, 98])).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: '条目不存在：99、98',
    });
  });
});
