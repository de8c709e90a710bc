import { checkCode, schemeByKey } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';
import { DIVISIONS_SCHEME, importDivisions } from './divisions.import.ts';

const actor = { id: null, name: 'test', ip: null, userAgent: null };

describe.each(testEngines())('national divisions import on $name', (engine) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
  });
  afterAll(() => t.close());

  const active = () =>
    t.db
      .selectFrom('grid_node')
      .selectAll()
      .where('scheme', '=', DIVISIONS_SCHEME)
      .where('valid_to', 'is', null)
      .execute();

  it('imports a county with the chain above it, codes agreeing with the parent chain', async () => {
    const steps: number[] = [];
    const result = await importDivisions(t.db, {
      scope: { county: '330523' },
      actor,
      timeZone: 'Asia/Shanghai',
      progress: (done) => steps.push(done),
    });
    expect(result).toMatchObject({
      total: 1 + 1 + 1 + 15 + 218,
      added: 236,
      renamed: 0,
      closed: 0,
      unchanged: 0,
    });
    expect(steps.at(-1)).toBe(236);
    const nodes = await active();
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const scheme = schemeByKey(DIVISIONS_SCHEME)!;
    const count = (kind: string) => nodes.filter((n) => n.kind === kind).length;
    expect([count('country'), count('province'), count('city'), count('county')]).toEqual([1, 1, 1, 1]);
    expect(count('street') + count('town') + count('township')).toBe(15);
    expect(count('community') + count('village') + count('special_area')).toBe(218);
    for (const n of nodes) {
      if (!n.parent_id) continue;
      const parent = byId.get(n.parent_id)!;
      expect(n.level).toBe(parent.level! + 1);
      expect(n.path).toBe(`${parent.path}${n.id}/`);
      expect(
        checkCode(n.code!, { rule: scheme.levels[n.level!]!.code, kind: n.kind, parentCode: parent.code }),
      ).toEqual([]);
    }
    expect(nodes.find((n) => n.code === '330523001002')?.name).toBe('苕秀社区');
  });

  it('is idempotent: a second run changes nothing and duplicates nothing', async () => {
    const before = (await active()).length;
    const result = await importDivisions(t.db, {
      scope: { county: '330523' },
      actor,
      timeZone: 'Asia/Shanghai',
    });
    expect(result).toMatchObject({ added: 0, renamed: 0, closed: 0, unchanged: 236 });
    expect((await active()).length).toBe(before);
  });

  it('updates changed names, closes vanished units, and leaves grids users added alone', async () => {
    const town = await t.db
      .selectFrom('grid_node')
      .selectAll()
      .where('code', '=', '330523001')
      .executeTakeFirstOrThrow();
    const village = await t.db
      .selectFrom('grid_node')
      .selectAll()
      .where('code', '=', '330523001002')
      .executeTakeFirstOrThrow();
    await t.db.updateTable('grid_node').set({ name: '旧名称' }).where('id', '=', village.id).execute();
    // A unit the data does not have (dissolved since), and a base grid a user drew in a real village.
    const { id: ghostId } = await t.db
      .insertInto('grid_node')
      .values({
        id: 9_000_001,
        parent_id: town.id,
        root_id: town.root_id,
        path: `${town.path}9000001/`,
        depth: town.depth + 1,
        level: town.level! + 1,
        scheme: DIVISIONS_SCHEME,
        kind: 'community',
        name: '已撤销社区',
        code: '330523001199',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('grid_node')
      .values({
        id: 9_000_002,
        parent_id: village.id,
        root_id: village.root_id,
        path: `${village.path}9000002/`,
        depth: village.depth + 1,
        level: village.level! + 1,
        scheme: DIVISIONS_SCHEME,
        kind: 'base_grid',
        name: '第1网格',
        code: '33052300100201',
      })
      .execute();

    const result = await importDivisions(t.db, {
      scope: { county: '330523' },
      actor,
      timeZone: 'Asia/Shanghai',
    });
    expect(result).toMatchObject({ added: 0, renamed: 1, closed: 1 });
    const after = await t.db
      .selectFrom('grid_node')
      .select(['id', 'name', 'valid_to'])
      .where('id', 'in', [village.id, ghostId, 9_000_002])
      .orderBy('id')
      .execute();
    expect(after.find((n) => n.id === village.id)).toMatchObject({ name: '苕秀社区', valid_to: null });
    expect(after.find((n) => n.id === ghostId)!.valid_to).not.toBeNull();
    expect(after.find((n) => n.id === 9_000_002)!.valid_to).toBeNull();
    const events = await t.db
      .selectFrom('grid_event')
      .select(['node_id', 'kind'])
      .where('node_id', 'in', [village.id, ghostId])
      .execute();
    expect(events).toEqual(
      expect.arrayContaining([
        { node_id: village.id, kind: 'rename' },
        { node_id: ghostId, kind: 'close' },
      ]),
    );
  });

  it('adds a second county into the same tree, under the same province and city', async () => {
    const result = await importDivisions(t.db, {
      scope: { county: '330522' },
      actor,
      timeZone: 'Asia/Shanghai',
    });
    expect(result.unchanged).toBe(2); // province and city already there
    expect(result.added).toBeGreaterThan(100);
    const provinces = (await active()).filter((n) => n.kind === 'province');
    expect(provinces).toHaveLength(1);
  });

  it('runs as a background job through the API, with progress', async () => {
    await buildUser(t, { username: 'importer', roles: ['sys_admin'] });
    const user = await t.db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'importer')
      .executeTakeFirstOrThrow();
    const root = await t.db
      .selectFrom('grid_node')
      .select('id')
      .where('code', '=', 'CN')
      .executeTakeFirstOrThrow();
    await t.db.insertInto('user_scope').values({ user_id: user.id, grid_id: root.id }).execute();
    const cookie = await login(t.app, 'importer');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import/divisions',
      headers: { cookie },
      payload: { county: '33052' },
    });
    expect(bad.statusCode).toBe(400);
    const started = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import/divisions',
      headers: { cookie },
      payload: { county: '330521' },
    });
    expect(started.statusCode).toBe(202);
    const { jobId } = started.json();
    await t.app.ctx.jobs.settled('grid.import.divisions');
    const job = (
      await t.app.inject({ method: 'GET', url: `/api/jobs/${jobId}`, headers: { cookie } })
    ).json();
    expect(job).toMatchObject({ status: 'done', kind: 'grid.import.divisions' });
    expect(job.result.added).toBeGreaterThan(50);
    // A second start while one runs is refused at once.
    const first = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import/divisions',
      headers: { cookie },
      payload: { county: '330521' },
    });
    const second = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import/divisions',
      headers: { cookie },
      payload: { county: '330521' },
    });
    expect(first.statusCode).toBe(202);
    expect(second.json().error.code).toBe('JOB_RUNNING');
    await t.app.ctx.jobs.settled('grid.import.divisions');

    // The administrator of another tree cannot import into (and so gain) the divisions tree,
    // nor start a second one.
    const other = await t.db
      .insertInto('grid_node')
      .values({
        id: 8_000_000,
        parent_id: null,
        root_id: 8_000_000,
        path: '/8000000/',
        depth: 0,
        kind: 'county',
        name: '另一棵树',
        code: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await buildUser(t, { username: 'otheradmin', roles: ['sys_admin'], scopes: [other.id] });
    const otherCookie = await login(t.app, 'otheradmin');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/grids/import/divisions',
      headers: { cookie: otherCookie },
      payload: { county: '330521' },
    });
    expect(refused.json().error.code).toBe('OUT_OF_SCOPE');
    const secondRoot = await t.app.inject({
      method: 'POST',
      url: '/api/grids',
      headers: { cookie: otherCookie },
      payload: {
        parentId: null,
        scheme: 'admin_divisions',
        kind: 'country',
        code: 'CN2',
        name: '第二个全国树',
      },
    });
    expect(secondRoot.statusCode).toBe(409);

    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'grid.import.divisions')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(5);
  });
});
