import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';

describe.each(testEngines())('grid measures on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);

  /** What the figures must be, counted here straight from the tables. */
  const expectedGaps = async (path: string) =>
    Number(
      (
        await sql<{ n: string }>`
          select count(*) as n from grid_node g
          where g.path like ${`${path}%`} and g.kind = 'base_grid' and g.valid_to is null
            and not exists (select 1 from duty d where d.node_id = g.id and d.valid_to is null)`.execute(t.db)
      ).rows[0]!.n,
    );
  const expectedOpenCases = async (path: string) =>
    Number(
      (
        await sql<{ n: string }>`
          select count(*) as n from cases c join grid_node g on g.id = c.grid_id
          where g.path like ${`${path}%`} and c.state not in ('archived', 'voided')`.execute(t.db)
      ).rows[0]!.n,
    );

  let caseNumber = 0;
  const buildCase = async (gridId: number, state: string) => {
    const category = await t.db.selectFrom('case_category').select('id').executeTakeFirstOrThrow();
    caseNumber += 1;
    await t.db
      .insertInto('cases')
      .values({
        number: `T${String(caseNumber).padStart(6, '0')}`,
        category_id: category.id,
        nature: 'civil',
        handling_type: 'coordination',
        urgency: 'normal',
        title: '测试事件',
        description: '测试事件',
        grid_id: gridId,
        reporter_kind: 'staff',
        channel: 'desk',
        state,
      })
      .execute();
  };

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    const { villageA, villageB, county, townA } = territory;
    const a1 = await buildGrid(t.db, { parentId: villageA.id, name: '甲村第1网格' });
    const a2 = await buildGrid(t.db, { parentId: villageA.id, name: '甲村第2网格' });
    const b1 = await buildGrid(t.db, { parentId: villageB.id, name: '乙村第1网格' });
    await buildGrid(t.db, { parentId: villageB.id, name: '乙村第2网格' });
    const closed = await buildGrid(t.db, { parentId: villageB.id, name: '乙村已撤销网格' });
    await t.db.updateTable('grid_node').set({ valid_to: '2026-01-01' }).where('id', '=', closed.id).execute();
    // Someone on duty in 甲村第1网格 and 乙村第1网格 (the latter's assignment ended: still a gap).
    const person = await t.db
      .insertInto('person')
      .values({ name: '王网格' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('duty')
      .values([
        { person_id: person.id, node_id: a1.id, role: 'member', valid_from: '2026-01-01' },
        {
          person_id: person.id,
          node_id: b1.id,
          role: 'member',
          valid_from: '2025-01-01',
          valid_to: '2025-12-31',
        },
      ])
      .execute();
    // Cases: open and closed ones, on base grids, on a village, and on a closed grid.
    await buildCase(a1.id, 'pending_dispatch');
    await buildCase(a1.id, 'assigned');
    await buildCase(a1.id, 'archived');
    await buildCase(a2.id, 'voided');
    await buildCase(a2.id, 'rework');
    await buildCase(villageB.id, 'handled');
    await buildCase(closed.id, 'accepted');
    await buildCase(b1.id, 'pending_archive');

    await buildUser(t, { username: 'leader', roles: ['leader'], scopes: [county.id] });
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [townA.id] });
    await buildUser(t, { username: 'dept', roles: ['department_staff'], scopes: [county.id] });
    for (const u of ['leader', 'chief', 'dept']) cookies[u] = await login(t.app, u);
  });
  afterAll(() => t.close());

  const measure = (who: string, query: string) => ok(who, 'GET', `/api/grids/measures?${query}`);

  it('counts duty gaps and open cases over each child’s subtree, as the tables say', async () => {
    const { county, townA, townB } = territory;
    for (const key of ['duty_gaps', 'open_cases'] as const) {
      const page = await measure('leader', `measure=${key}&parentId=${county.id}`);
      expect(page.total).toBe(2);
      expect(page.items.map((i: { name: string }) => i.name)).toEqual(['甲镇', '乙镇']);
      for (const [item, town] of [
        [page.items[0], townA],
        [page.items[1], townB],
      ] as const) {
        const expected =
          key === 'duty_gaps' ? await expectedGaps(town.path) : await expectedOpenCases(town.path);
        expect(item).toEqual({
          id: town.id,
          name: town.id === townA.id ? '甲镇' : '乙镇',
          code: expect.any(String),
          value: expected,
        });
      }
    }
    // The figures the fixtures were built for: the counts above are not all zero.
    const gaps = await measure('leader', `measure=duty_gaps&parentId=${county.id}`);
    expect(gaps.items.map((i: { value: number }) => i.value)).toEqual([1, 2]);
    const open = await measure('leader', `measure=open_cases&parentId=${county.id}`);
    expect(open.items.map((i: { value: number }) => i.value)).toEqual([3, 3]);
    // One level down: the village itself has no gap, its grids have.
    const village = await measure('leader', `measure=open_cases&parentId=${territory.villageB.id}`);
    expect(village.items.map((i: { name: string; value: number }) => [i.name, i.value])).toEqual([
      ['乙村第1网格', 1],
      ['乙村第2网格', 0],
    ]);
  });

  it('without a parent, measures the roots of the reader’s scope; pages the list', async () => {
    const roots = await measure('chief', 'measure=open_cases');
    expect(roots.items).toEqual([{ id: territory.townA.id, name: '甲镇', code: '330523101', value: 3 }]);
    const first = await measure('leader', `measure=duty_gaps&parentId=${territory.county.id}&pageSize=1`);
    expect(first).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(first.items).toHaveLength(1);
  });

  it('keeps to the reader’s scope and the figure’s permission', async () => {
    const outside = await call(
      'chief',
      'GET',
      `/api/grids/measures?measure=duty_gaps&parentId=${territory.townB.id}`,
    );
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
    // Department staff see the cases of their department, not every case in scope.
    const refused = await call(
      'dept',
      'GET',
      `/api/grids/measures?measure=open_cases&parentId=${territory.county.id}`,
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'FORBIDDEN', message: '没有执行此操作的权限' });
    expect((await measure('dept', `measure=duty_gaps&parentId=${territory.county.id}`)).total).toBe(2);
    const nobody = await call('', 'GET', '/api/grids/measures?measure=duty_gaps');
    expect(nobody.statusCode).toBe(401);
  });

  it('answers bad input with a 4xx and a Chinese message', async () => {
    const missing = await call('leader', 'GET', '/api/grids/measures?measure=duty_gaps&parentId=99999999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toContain('网格不存在');
    for (const query of [
      '',
      'measure=people',
      'measure=duty_gaps&parentId=abc',
      'measure=duty_gaps&parentId=0',
      'measure=duty_gaps&parentId=Infinity',
      'measure=open_cases&pageSize=1e309',
      'measure=open_cases&page=0',
    ]) {
      const res = await call('leader', 'GET', `/api/grids/measures?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe('VALIDATION_FAILED');
      expect(res.json().error.message, query).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
