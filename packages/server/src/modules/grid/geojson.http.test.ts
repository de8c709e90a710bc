import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildGrid, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';

const rect = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
const feature = (code: string, geometry: unknown) => ({ type: 'Feature', properties: { code }, geometry });

describe.each(testEngines())('grid polygons on $name', (engine) => {
  let t: TestApp;
  let cookie: string;
  let town: { id: number };
  const codes = { town: '330523100', v1: '330523100201', v2: '330523100202', v3: '330523100203' };

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const county = await buildGrid(t.db, { name: '县', kind: 'county', code: '330523' });
    town = await buildGrid(t.db, { parentId: county.id, name: '镇', kind: 'town', code: codes.town });
    for (const [i, code] of [codes.v1, codes.v2, codes.v3].entries()) {
      await buildGrid(t.db, { parentId: town.id, name: `村${i + 1}`, kind: 'village', code });
    }
    await buildUser(t, { username: 'mapper', roles: ['sys_admin'], scopes: [county.id] });
    cookie = await login(t.app, 'mapper');
  });
  afterAll(() => t.close());

  const post = (query: string, features: unknown[]) =>
    t.app.inject({
      method: 'POST',
      url: `/api/grids/${town.id}/geojson${query}`,
      headers: { cookie },
      payload: { type: 'FeatureCollection', features },
    });

  // The town is 0.03° × 0.01°; three villages side by side cover it exactly.
  const clean = [
    feature(codes.town, rect(120, 30, 120.03, 30.01)),
    feature(codes.v1, rect(120, 30, 120.01, 30.01)),
    feature(codes.v2, rect(120.01, 30, 120.02, 30.01)),
    feature(codes.v3, rect(120.02, 30, 120.03, 30.01)),
  ];

  it('imports polygons after a clean dry run, and exports them back without loss', async () => {
    const dry = await post('?dryRun=true', clean);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ matched: 4, unmatched: [], invalid: [], applied: false });
    expect(dry.json().topology.problems).toEqual([]);
    expect(
      (
        await t.db
          .selectFrom('grid_node')
          .select('geometry')
          .where('code', '=', codes.v1)
          .executeTakeFirstOrThrow()
      ).geometry,
    ).toBeNull();

    const applied = await post('', clean);
    expect(applied.json()).toMatchObject({ matched: 4, applied: true });
    const exported = (
      await t.app.inject({ method: 'GET', url: `/api/grids/${town.id}/geojson`, headers: { cookie } })
    ).json();
    expect(exported.features).toHaveLength(4);
    for (const f of clean) {
      const back = exported.features.find(
        (e: { properties: { code: string } }) => e.properties.code === f.properties.code,
      );
      expect(back.geometry).toEqual(f.geometry);
    }
    // Round trip: re-importing the export changes nothing.
    const again = await post('?dryRun=true', exported.features);
    expect(again.json()).toMatchObject({ matched: 4, unmatched: [], invalid: [] });
  });

  it('finds planted overlaps, gaps, protrusions and self-intersections', async () => {
    const messy = [
      feature(codes.town, rect(120, 30, 120.03, 30.01)),
      feature(codes.v1, rect(120, 30, 120.009, 30.01)), // leaves a 0.001° strip uncovered
      feature(codes.v2, rect(120.01, 30, 120.025, 30.01)), // overlaps village 3 by 0.005°
      feature(codes.v3, rect(120.02, 30, 120.035, 30.01)), // sticks out of the town by 0.005°
    ];
    const report = (await post('?dryRun=true', messy)).json().topology;
    const kinds = report.problems.map((p: { kind: string }) => p.kind).sort();
    expect(kinds).toEqual(['gap', 'outside_parent', 'overlap']);
    const overlap = report.problems.find((p: { kind: string }) => p.kind === 'overlap');
    // 0.005° × 0.01° at 30°N is about 480 m × 1,110 m.
    expect(overlap.areaM2).toBeGreaterThan(400_000);
    expect(overlap.areaM2).toBeLessThan(600_000);
    const gap = report.problems.find((p: { kind: string }) => p.kind === 'gap');
    expect(gap.nodeId).toBe(town.id);
    expect(gap.areaM2).toBeGreaterThan(80_000);

    const bowTie = {
      type: 'Polygon',
      coordinates: [
        [
          [120, 30],
          [120.01, 30.01],
          [120.01, 30],
          [120, 30.01],
          [120, 30],
        ],
      ],
    };
    const crossed = (await post('?dryRun=true', [feature(codes.v1, bowTie)])).json().topology.problems;
    expect(crossed.map((p: { kind: string }) => p.kind)).toContain('self_intersection');
  });

  it('converts GCJ-02 input to WGS84 and records the source system', async () => {
    const wgs = rect(120, 30, 120.01, 30.01);
    // gcoord converts GeoJSON in place: convert a copy.
    const gcj = gcoord.transform(
      structuredClone(wgs) as Parameters<typeof gcoord.transform>[0],
      gcoord.WGS84,
      gcoord.GCJ02,
    );
    const res = await post('?crs=gcj02', [feature(codes.v1, gcj)]);
    expect(res.json()).toMatchObject({ applied: true, sourceCrs: 'gcj02' });
    const row = await t.db
      .selectFrom('grid_node')
      .select(['geometry', 'geometry_source'])
      .where('code', '=', codes.v1)
      .executeTakeFirstOrThrow();
    expect(row.geometry_source).toBe('gcj02');
    const stored = (row.geometry as { coordinates: number[][][] }).coordinates[0]!;
    wgs.coordinates[0]!.forEach(([x, y], i) => {
      expect(stored[i]![0]).toBeCloseTo(x!, 5);
      expect(stored[i]![1]).toBeCloseTo(y!, 5);
    });
  });

  it('writes nothing when a feature is invalid or matches no grid', async () => {
    const before = await t.db
      .selectFrom('grid_node')
      .select('geometry')
      .where('code', '=', codes.v2)
      .executeTakeFirstOrThrow();
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [120, 30],
          [121, 30],
          [121, 31],
        ],
      ],
    };
    const dry = (
      await post('?dryRun=true', [
        feature(codes.v2, rect(121, 31, 121.1, 31.1)),
        feature(codes.v3, open),
        feature('999999999999', rect(0, 0, 1, 1)),
      ])
    ).json();
    expect(dry.invalid).toHaveLength(1);
    expect(dry.invalid[0].message).toContain('闭合');
    expect(dry.unmatched).toEqual([{ index: 2, code: '999999999999', id: null }]);
    const refused = await post('', [feature(codes.v2, rect(121, 31, 121.1, 31.1)), feature(codes.v3, open)]);
    expect(refused.statusCode).toBe(400);
    const after = await t.db
      .selectFrom('grid_node')
      .select('geometry')
      .where('code', '=', codes.v2)
      .executeTakeFirstOrThrow();
    expect(after.geometry).toEqual(before.geometry);
    // Outlines with absurd numbers of vertices are refused before any expensive check.
    const ring = Array.from({ length: 6000 }, (_, i) => [
      120 + 0.01 * Math.cos((i / 6000) * 2 * Math.PI),
      30 + 0.01 * Math.sin((i / 6000) * 2 * Math.PI),
    ]);
    ring.push(ring[0]!);
    const huge = (
      await post('?dryRun=true', [feature(codes.v2, { type: 'Polygon', coordinates: [ring] })])
    ).json();
    expect(huge.invalid[0].message).toContain('顶点过多');
    const unmatched = await post('', [feature('999999999999', rect(0, 0, 1, 1))]);
    expect(unmatched.statusCode).toBe(400);
    const skipped = await post('?skipUnmatched=true', [feature('999999999999', rect(0, 0, 1, 1))]);
    expect(skipped.json()).toMatchObject({ applied: true, matched: 0 });
  });
});
