import { ERRORS } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { insertGridNode } from '../grid/grid.repository.ts';

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

/** Points and grids agreeing at intake; the place search of the location picker; the basemap setting. */
describe.each(testEngines())('locating on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let grid1: { id: number };
  let grid1b: { id: number };
  let undrawn: { id: number };
  let grid2: { id: number };
  let categoryId: number;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);
  const staffReport = (body: object) =>
    call('chief', 'POST', '/api/cases', {
      categoryId,
      nature: 'civil',
      handlingType: 'coordination',
      description: '路灯不亮已经一周',
      ...body,
    });
  const caseCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    grid1 = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
      geometry: square(119.6, 30.6, 0.01),
    });
    grid1b = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第2网格',
      code: '33052310120102',
      geometry: square(119.62, 30.6, 0.01),
    });
    undrawn = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第3网格',
      code: '33052310120103',
    });
    grid2 = await insertGridNode(t.db, {
      parentId: territory.villageB.id,
      kind: 'base_grid',
      name: '乙村第1网格',
      code: '33052310220101',
      geometry: square(119.7, 30.6, 0.01),
    });
    // Another tree, not the case territory: never offered to citizens.
    const other = await insertGridNode(t.db, {
      parentId: null,
      kind: 'enterprise',
      name: '甲村外企业',
      code: null,
    });
    await insertGridNode(t.db, {
      parentId: other.id,
      kind: 'department',
      name: '甲村外车间',
      code: null,
      geometry: square(119.8, 30.6, 0.01),
    });
    t.app.ctx.locator.invalidate();
    categoryId = (
      await t.db
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', 'SRHJ01')
        .executeTakeFirstOrThrow()
    ).id;
    // A chief of 甲镇 (townA): 甲村's grids are in scope, 乙村's are not.
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    cookies.chief = await login(t.app, 'chief');
  });
  afterAll(() => t.close());

  it('refuses a point lying in another grid than the one chosen, and writes nothing', async () => {
    const before = await caseCount();
    // In scope, but the point is in 甲村第2网格.
    const elsewhere = await staffReport({ gridId: grid1.id, location: { lng: 119.625, lat: 30.605 } });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.json().error).toEqual({
      code: 'LOCATION_OUTSIDE_GRID',
      message: ERRORS.LOCATION_OUTSIDE_GRID.zh,
      fields: { location: '位置不在所选网格内' },
    });
    // A point out of the chief's scope, on a grid in scope.
    const outOfScope = await staffReport({ gridId: grid1.id, location: { lng: 119.705, lat: 30.605 } });
    expect(outOfScope.json().error.code).toBe('LOCATION_OUTSIDE_GRID');
    // A point in a drawn grid cannot go to an undrawn neighbour.
    const drawnElsewhere = await staffReport({ gridId: undrawn.id, location: { lng: 119.605, lat: 30.605 } });
    expect(drawnElsewhere.json().error.code).toBe('LOCATION_OUTSIDE_GRID');
    expect(await caseCount()).toBe(before);
  });

  it('accepts a point inside the chosen grid or one of its parts, and derives the grid from a point alone', async () => {
    const same = await staffReport({ gridId: grid1.id, location: { lng: 119.605, lat: 30.605 } });
    expect(same.statusCode, same.body).toBe(201);
    expect(same.json().gridId).toBe(grid1.id);
    // The village (not drawn itself) holds 甲村第1网格, which holds the point.
    const village = await staffReport({
      gridId: territory.villageA.id,
      location: { lng: 119.605, lat: 30.605 },
    });
    expect(village.statusCode, village.body).toBe(201);
    expect(village.json().gridId).toBe(territory.villageA.id);
    // An undrawn grid takes a point that no drawn grid holds (nothing says it lies elsewhere).
    const open = await staffReport({ gridId: undrawn.id, location: { lng: 119.65, lat: 30.65 } });
    expect(open.statusCode, open.body).toBe(201);
    // Only the point: the grid is the deepest one holding it.
    const derived = await staffReport({ location: { lng: 119.625, lat: 30.605 } });
    expect(derived.statusCode, derived.body).toBe(201);
    expect(derived.json().gridId).toBe(grid1b.id);
    const citizen = await ok('', 'POST', '/api/public/cases', {
      categoryId,
      description: '路口垃圾桶满了很多天',
      location: { lng: 119.705, lat: 30.605 },
    });
    const row = await t.db
      .selectFrom('cases')
      .select('grid_id')
      .where('number', '=', citizen.number)
      .executeTakeFirstOrThrow();
    expect(row.grid_id).toBe(grid2.id);
  });

  it('finds the case territory’s drawn grids by name for citizens, paginated, with their visible ancestors', async () => {
    const found = await ok('', 'GET', `/api/public/grid-places?q=${encodeURIComponent('甲村')}`);
    expect(found.items.map((h: { name: string }) => h.name)).toEqual(['甲村第1网格', '甲村第2网格']);
    expect(found.total).toBe(2);
    const first = found.items[0];
    expect(first).toMatchObject({ id: grid1.id, leaf: true });
    expect(first.center.lng).toBeCloseTo(119.605, 9);
    expect(first.center.lat).toBeCloseTo(30.605, 9);
    [119.6, 30.6, 119.61, 30.61].forEach((v, i) => expect(first.bbox[i]).toBeCloseTo(v, 9));
    expect(first.ancestors.map((a: { name: string }) => a.name)).toEqual(['测试县', '甲镇', '甲村']);
    // Nothing but names and outlines: no people, no codes.
    expect(Object.keys(first).sort()).toEqual(['ancestors', 'bbox', 'center', 'id', 'leaf', 'name']);
    // Exact names first.
    const exact = await ok('', 'GET', `/api/public/grid-places?q=${encodeURIComponent('甲村第2网格')}`);
    expect(exact.items.map((h: { id: number }) => h.id)).toEqual([grid1b.id]);
    // Paginated.
    const page2 = await ok(
      '',
      'GET',
      `/api/public/grid-places?q=${encodeURIComponent('网格')}&pageSize=1&page=2`,
    );
    expect(page2).toMatchObject({ total: 3, page: 2, pageSize: 1 });
    expect(page2.items).toHaveLength(1);
    // Wildcards are matched literally; other trees and undrawn grids are not offered.
    expect((await ok('', 'GET', '/api/public/grid-places?q=%25')).items).toEqual([]);
    expect((await ok('', 'GET', `/api/public/grid-places?q=${encodeURIComponent('甲村外')}`)).items).toEqual(
      [],
    );
    expect((await ok('', 'GET', `/api/public/grid-places?q=${encodeURIComponent('第3')}`)).items).toEqual([]);
    for (const bad of ['', 'q=', 'q=a&pageSize=21', 'q=a&page=Infinity', `q=${'长'.repeat(41)}`]) {
      const res = await call('', 'GET', `/api/public/grid-places?${encodeURI(bad)}`);
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('finds places within the staff member’s scope only, ancestors from the scope down', async () => {
    expect((await call('', 'GET', '/api/grids/places?q=a')).statusCode).toBe(401);
    const found = await ok('chief', 'GET', `/api/grids/places?q=${encodeURIComponent('网格')}`);
    expect(found.items.map((h: { name: string }) => h.name)).toEqual(['甲村第1网格', '甲村第2网格']);
    expect(found.items[0].ancestors.map((a: { name: string }) => a.name)).toEqual(['甲镇', '甲村']);
  });

  it('tells the maps which basemap to draw, and lets the page fetch its tiles', async () => {
    expect(await ok('', 'GET', '/api/public/map-settings')).toEqual({ basemap: null });
    const url = 'https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=abc';
    const other = await createTestApp(await engine.open(), { basemapUrl: url });
    try {
      const res = await other.app.inject({ method: 'GET', url: '/api/public/map-settings' });
      expect(res.json()).toEqual({ basemap: { tiles: [url], attribution: null } });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/connect-src 'self' https:\/\/t0\.tianditu\.gov\.cn/);
      expect(csp).toMatch(/img-src [^;]*https:\/\/t0\.tianditu\.gov\.cn/);
    } finally {
      await other.close();
    }
  });
});
