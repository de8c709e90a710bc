import { checkCode, SCHEMES } from '@wangge/shared';
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';
import { todayIn } from '../../core/calendar/dates.ts';

const square = (x: number, y: number, size: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x, y],
      [x + size, y],
      [x + size, y + size],
      [x, y + size],
      [x, y],
    ],
  ],
});

/** Example root codes for each scheme's top level. */
const ROOT_CODES: Record<string, string> = {
  admin2: '33',
  admin4: '3305',
  admin6: '330523',
  'admin9:street': '330523001',
  'admin9:town': '330523103',
  'admin9:township': '330523201',
  admin12: '330523103201',
  free: 'ROOT',
};

describe.each(testEngines())('grid tree on $name', (engine) => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    // A deployment-wide administrator: scope over a tree, so new trees may be created.
    const anchor = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(anchor.statusCode).toBe(200);
    await buildUser(t, { username: 'gridadmin', roles: ['sys_admin'] });
  });
  afterAll(() => t.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) });

  /** Creates a root for the administrator and puts it in their scope. */
  async function newTree(scheme: string, kind: string, code: string, name = '根') {
    const res = await call('POST', '/api/grids', { parentId: null, scheme, kind, code, name });
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  }

  it('only a tree-wide administrator may start a new tree', async () => {
    admin = await login(t.app, 'gridadmin');
    const refused = await call('POST', '/api/grids', {
      parentId: null,
      scheme: 'county_safety',
      kind: 'county',
      code: '330523',
      name: '安吉县',
    });
    expect(refused.json().error.code).toBe('OUT_OF_SCOPE');
    // Give the administrator a bootstrap tree covering a root, as the first start does.
    const boot = await t.db
      .insertInto('grid_node')
      .values({
        id: 1_000_000,
        parent_id: null,
        root_id: 1_000_000,
        path: '/1000000/',
        depth: 0,
        kind: 'county',
        name: '本辖区',
        code: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await t.db
      .selectFrom('app_user')
      .select('id')
      .where('username', '=', 'gridadmin')
      .executeTakeFirstOrThrow();
    await t.db.insertInto('user_scope').values({ user_id: user.id, grid_id: boot.id }).execute();
  });

  it('builds a tree for every shipped scheme, with codes generated level by level', async () => {
    expect(SCHEMES.map((s) => s.code)).toEqual([
      'S0',
      'S1',
      'S2',
      'S3',
      'S4',
      'S5',
      'S6',
      'S7',
      'S8',
      'S9',
      'S10',
      'S11',
    ]);
    const schemes = (await call('GET', '/api/schemes')).json();
    expect(schemes).toHaveLength(12);
    for (const scheme of SCHEMES) {
      const top = scheme.levels[0]!;
      const kind = top.kinds[0]!;
      const root = await newTree(
        scheme.key,
        kind,
        ROOT_CODES[`${top.code}:${kind}`] ?? ROOT_CODES[top.code]!,
        scheme.name,
      );
      expect(root).toMatchObject({ scheme: scheme.key, level: 0 });
      // The admin's scope now needs the new root: new trees are reachable through their own root.
      const user = await t.db
        .selectFrom('app_user')
        .select('id')
        .where('username', '=', 'gridadmin')
        .executeTakeFirstOrThrow();
      await t.db.insertInto('user_scope').values({ user_id: user.id, grid_id: root.id }).execute();
      let parent = root;
      for (let level = 1; level < scheme.levels.length; level++) {
        const def = scheme.levels[level]!;
        const res = await call('POST', '/api/grids', {
          parentId: parent.id,
          kind: def.kinds[def.kinds.length - 1],
          name: `${def.name}1`,
        });
        expect(res.statusCode, `${scheme.code} level ${level}: ${res.body}`).toBe(201);
        const child = res.json();
        expect(child.level).toBe(level);
        expect(checkCode(child.code, { rule: def.code, kind: child.kind, parentCode: parent.code })).toEqual(
          [],
        );
        parent = child;
      }
      const tooDeep = await call('POST', '/api/grids', {
        parentId: parent.id,
        kind: 'base_grid',
        name: '多余',
      });
      expect(tooDeep.statusCode).toBe(400);
    }
  });

  describe('a county tree', () => {
    let county: { id: number; code: string };
    let townA: { id: number; code: string };
    let townB: { id: number; code: string };
    let village: { id: number; code: string };
    const grids: { id: number; code: string }[] = [];

    beforeAll(async () => {
      county = await newTree('county_safety', 'county', '330524', '德清县');
      const user = await t.db
        .selectFrom('app_user')
        .select('id')
        .where('username', '=', 'gridadmin')
        .executeTakeFirstOrThrow();
      await t.db.insertInto('user_scope').values({ user_id: user.id, grid_id: county.id }).execute();
      townA = (
        await call('POST', '/api/grids', { parentId: county.id, kind: 'town', name: '武康镇' })
      ).json();
      townB = (
        await call('POST', '/api/grids', { parentId: county.id, kind: 'town', name: '乾元镇' })
      ).json();
      village = (
        await call('POST', '/api/grids', { parentId: townA.id, kind: 'village', name: '五四村' })
      ).json();
      for (let i = 0; i < 3; i++) {
        const g = (
          await call('POST', '/api/grids', {
            parentId: village.id,
            kind: 'base_grid',
            name: `第${i + 1}网格`,
          })
        ).json();
        grids.push(g);
        await t.db
          .updateTable('grid_node')
          .set({ lng: 120 + i * 0.01 + 0.005, lat: 30.505 })
          .where('id', '=', g.id)
          .execute();
      }
    });

    it('generates codes in the range the kind allows and rejects ones that disagree with the parent', async () => {
      expect(townA.code).toBe('330524100');
      expect(townB.code).toBe('330524101');
      expect(village.code).toBe('330524100200');
      expect(grids.map((g) => g.code)).toEqual(['33052410020001', '33052410020002', '33052410020003']);

      const wrongPrefix = await call('POST', '/api/grids', {
        parentId: townA.id,
        kind: 'village',
        name: 'x',
        code: '330599100201',
      });
      expect(wrongPrefix.statusCode).toBe(400);
      expect(wrongPrefix.json().error.fields.code).toBe('编码必须以上级编码开头');
      const wrongRange = await call('POST', '/api/grids', {
        parentId: townA.id,
        kind: 'community',
        name: 'x',
        code: '330524100201',
      });
      expect(wrongRange.json().error.fields.code).toContain('范围');
      const wrongKind = await call('POST', '/api/grids', { parentId: townA.id, kind: 'building', name: 'x' });
      expect(wrongKind.json().error.fields.kind).toContain('只能是');
      const taken = await call('POST', '/api/grids', {
        parentId: townA.id,
        kind: 'village',
        name: 'x',
        code: village.code,
      });
      expect(taken.statusCode).toBe(409);
      const future = await call('POST', '/api/grids', {
        parentId: townA.id,
        kind: 'village',
        name: 'x',
        effectiveDate: '2999-01-01',
      });
      expect(future.json().error.fields.effectiveDate).toBe('生效日期不能晚于今天');
    });

    it('uses 3-digit unit-grid sequences where the deployment is configured so', async () => {
      const t3 = await createTestApp(await engine.open(), { gridCodeDigits: 3 });
      try {
        await buildUser(t3, { username: 'g3', roles: ['sys_admin'] });
        const user = await t3.db
          .selectFrom('app_user')
          .select('id')
          .where('username', '=', 'g3')
          .executeTakeFirstOrThrow();
        const boot = await t3.db
          .insertInto('grid_node')
          .values({
            id: 500,
            parent_id: null,
            root_id: 500,
            path: '/500/',
            depth: 0,
            kind: 'county',
            name: 'x',
            code: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await t3.db.insertInto('user_scope').values({ user_id: user.id, grid_id: boot.id }).execute();
        const cookie3 = await login(t3.app, 'g3');
        const post = async (payload: object) =>
          (
            await t3.app.inject({ method: 'POST', url: '/api/grids', headers: { cookie: cookie3 }, payload })
          ).json();
        const street = await post({
          parentId: null,
          scheme: 'community_service',
          kind: 'street',
          code: '330523001',
          name: '街道',
        });
        await t3.db.insertInto('user_scope').values({ user_id: user.id, grid_id: street.id }).execute();
        const community = await post({ parentId: street.id, kind: 'community', name: '社区' });
        const grid = await post({ parentId: community.id, kind: 'base_grid', name: '网格' });
        expect(grid.code).toBe(`${community.code}001`);
      } finally {
        await t3.close();
      }
    });

    it('renames with an event, keeping the id', async () => {
      const res = await call('PATCH', `/api/grids/${village.id}`, { name: '五四村（新）', note: '村名调整' });
      expect(res.json()).toMatchObject({ id: village.id, name: '五四村（新）' });
      const history = (await call('GET', `/api/grids/${village.id}/history`)).json();
      expect(history.events.map((e: { kind: string }) => e.kind)).toEqual(['create', 'rename']);
      expect(history.events[1]).toMatchObject({
        before: { name: '五四村' },
        after: { name: '五四村（新）' },
        note: '村名调整',
      });
    });

    it('splits a grid: the old node is closed but kept, its children follow the parts, history links both ways', async () => {
      // A person on duty on the grid being split: the assignment ends, the record stays attributed.
      const person = await t.db
        .insertInto('person')
        .values({ name: '张网格' })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.db
        .insertInto('duty')
        .values({ person_id: person.id, node_id: village.id, role: 'chief', valid_from: '2026-01-01' })
        .execute();
      // An administrator scoped to the village alone may not split it: the parts go under the town.
      const villageAdminId = await buildUser(t, {
        username: 'villageadmin',
        roles: ['sys_admin'],
        scopes: [village.id],
      });
      const villageAdmin = await login(t.app, 'villageadmin');
      const notHers = await t.app.inject({
        method: 'POST',
        url: `/api/grids/${village.id}/split`,
        headers: { cookie: villageAdmin },
        payload: { parts: [{ name: 'a' }, { name: 'b' }] },
      });
      expect(notHers.json().error.code).toBe('OUT_OF_SCOPE');
      const res = await call('POST', `/api/grids/${village.id}/split`, {
        parts: [
          { name: '五四村东片', geometry: square(120, 30.5, 0.015) },
          { name: '五四村西片', geometry: square(120.015, 30.5, 0.015) },
        ],
        assign: { [String(grids[0]!.id)]: 1 },
        effectiveDate: '2026-11-01',
        note: '规模过大拆分',
      });
      expect(res.statusCode, res.body).toBe(200);
      const change = res.json();
      expect(change).toMatchObject({ closed: [village.id], dutiesEnded: 1 });
      const [east, west] = change.created as [number, number];

      const old = (await call('GET', `/api/grids/${village.id}`)).json();
      expect(old).toMatchObject({ id: village.id, validTo: '2026-11-01', childCount: 0 });
      const eastNode = (await call('GET', `/api/grids/${east}`)).json();
      expect(eastNode).toMatchObject({ code: village.code, validFrom: '2026-11-01', hasGeometry: true });
      const westNode = (await call('GET', `/api/grids/${west}`)).json();
      expect(westNode.code).toBe('330524100201');

      // grids[0] was assigned to the west part; the others go by location (centres at 120.005 and 120.015+).
      const children = async (id: number) =>
        (await call('GET', `/api/grids?parentId=${id}`))
          .json()
          .items.map((n: { id: number }) => n.id)
          .sort();
      expect(await children(east)).toEqual([grids[1]!.id].sort());
      expect(await children(west)).toEqual([grids[0]!.id, grids[2]!.id].sort());
      const moved = (await call('GET', `/api/grids/${grids[0]!.id}`)).json();
      expect(moved.code.startsWith(westNode.code)).toBe(true);
      expect(moved.ancestors.map((a: { id: number }) => a.id)).toEqual([county.id, townA.id, west]);

      const oldHistory = (await call('GET', `/api/grids/${village.id}/history`)).json();
      expect(oldHistory.successors.map((s: { id: number }) => s.id)).toEqual([east, west]);
      const eastHistory = (await call('GET', `/api/grids/${east}/history`)).json();
      expect(eastHistory.predecessors).toEqual([
        {
          id: village.id,
          name: '五四村（新）',
          code: village.code,
          kind: 'split',
          effectiveDate: '2026-11-01',
        },
      ]);
      const duty = await t.db
        .selectFrom('duty')
        .selectAll()
        .where('person_id', '=', person.id)
        .executeTakeFirstOrThrow();
      expect(duty).toMatchObject({ node_id: village.id, valid_to: '2026-11-01' });

      // Point-to-grid: a point in the second square is in the second part; the same point given in
      // GCJ-02 (as an AMap picker sends it) lands there too.
      const located = (
        await call('GET', `/api/grids/locate?lng=120.02&lat=30.507&rootId=${county.id}`)
      ).json();
      expect(located.hits.map((h: { id: number }) => h.id)).toEqual([west]);
      expect(located.hits[0].ancestors.map((a: { id: number }) => a.id)).toEqual([county.id, townA.id]);
      const [gx, gy] = gcoord.transform([120.02, 30.507], gcoord.WGS84, gcoord.GCJ02) as [number, number];
      const viaGcj = (await call('GET', `/api/grids/locate?lng=${gx}&lat=${gy}&crs=gcj02`)).json();
      expect(viaGcj.hits.map((h: { id: number }) => h.id)).toContain(west);
      expect(viaGcj.lng).toBeCloseTo(120.02, 5);
      expect((await call('GET', '/api/grids/locate?lng=10&lat=10')).json().hits).toEqual([]);

      // Whoever was scoped to the split grid now holds its parts, so still reaches its grids.
      const carried = await t.db
        .selectFrom('user_scope')
        .select('grid_id')
        .where('user_id', '=', villageAdminId)
        .orderBy('grid_id')
        .execute();
      expect(carried.map((s) => s.grid_id)).toEqual([village.id, east, west]);

      const renameClosed = await call('PATCH', `/api/grids/${village.id}`, { name: 'x' });
      expect(renameClosed.json().error.code).toBe('GRID_CLOSED');
      village = eastNode;
    });

    it('merges grids into one and moves their children', async () => {
      const parts = (await call('GET', `/api/grids?parentId=${townA.id}`)).json().items as {
        id: number;
        name: string;
      }[];
      const res = await call('POST', '/api/grids/merge', { ids: parts.map((p) => p.id), name: '五四村' });
      expect(res.statusCode, res.body).toBe(200);
      const [merged] = res.json().created as number[];
      const node = (await call('GET', `/api/grids/${merged}`)).json();
      expect(node).toMatchObject({ name: '五四村', childCount: 3, hasGeometry: true });
      const history = (await call('GET', `/api/grids/${merged}/history`)).json();
      expect(history.predecessors.map((p: { kind: string }) => p.kind)).toEqual(['merge', 'merge']);
      expect(
        (await call('GET', `/api/grids?parentId=${townA.id}`)).json().items.map((n: { id: number }) => n.id),
      ).toEqual([merged]);
      // The lookup index was rebuilt: the same point now lands in the merged grid.
      const located = (
        await call('GET', `/api/grids/locate?lng=120.02&lat=30.507&rootId=${county.id}`)
      ).json();
      expect(located.hits.map((h: { id: number }) => h.id)).toEqual([merged]);
      village = node;
    });

    it('moves a village to another town: paths and codes of the whole subtree follow', async () => {
      const res = await call('POST', `/api/grids/${village.id}/move`, { parentId: townB.id });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().code).toBe('330524101200');
      const moved = await t.db
        .selectFrom('audit_log')
        .select('after')
        .where('action', '=', 'grid.move')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(moved.after).toMatchObject({ parentId: townB.id, code: '330524101200' });
      const kids = (await call('GET', `/api/grids?parentId=${village.id}`)).json().items as {
        id: number;
        code: string;
      }[];
      expect(kids.every((k) => k.code.startsWith('330524101200'))).toBe(true);
      const detail = (await call('GET', `/api/grids/${kids[0]!.id}`)).json();
      expect(detail.ancestors.map((a: { id: number }) => a.id)).toEqual([county.id, townB.id, village.id]);
      const intoItself = await call('POST', `/api/grids/${townB.id}/move`, { parentId: village.id });
      expect(intoItself.statusCode).toBe(400);
    });

    it('closes only with its children, when asked to, and never a tree’s root', async () => {
      const root = await call('POST', `/api/grids/${county.id}/close`, { cascade: true });
      expect(root.statusCode).toBe(400);
      expect(root.json().error.message).toBe('网格树的根节点不能撤销');
      const refused = await call('POST', `/api/grids/${townB.id}/close`, {});
      expect(refused.json().error.code).toBe('GRID_HAS_CHILDREN');
      const res = await call('POST', `/api/grids/${townB.id}/close`, { cascade: true });
      expect(res.json().closed).toHaveLength(5);
      const list = (await call('GET', `/api/grids?parentId=${county.id}`))
        .json()
        .items.map((n: { name: string }) => n.name);
      expect(list).toEqual(['武康镇']);
      const closedRows = await t.db
        .selectFrom('grid_node')
        .select('valid_to')
        .where('path', 'like', `%/${townB.id}/%`)
        .execute();
      expect(closedRows.every((r) => r.valid_to === todayIn('Asia/Shanghai'))).toBe(true);
    });

    it('every change is in the audit log', async () => {
      const actions = await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'grid.%')
        .execute();
      expect(new Set(actions.map((a) => a.action))).toEqual(
        new Set(['grid.create', 'grid.rename', 'grid.split', 'grid.merge', 'grid.move', 'grid.close']),
      );
    });
  });
});
