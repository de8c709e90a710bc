import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { irregularOutline, subdivide } from '../../demo/geometry.ts';
import { createRandom } from '../../demo/random.ts';
import { GridLocator, type LocatablePolygon } from './locator.ts';

/** A two-level tessellation (like towns and villages) plus a ring-shaped grid with a hole. */
function fixture() {
  const rng = createRandom(42);
  const outline = irregularOutline(rng, [119.68, 30.64], 0.3, 0.22);
  const polygons: LocatablePolygon[] = [{ id: 1, depth: 0, geometry: outline.geometry }];
  let id = 2;
  for (const town of subdivide(rng, outline, 8)) {
    polygons.push({ id: id++, depth: 1, geometry: town.geometry });
    for (const village of subdivide(rng, town, 8))
      polygons.push({ id: id++, depth: 2, geometry: village.geometry });
  }
  // Far away: a square with a square hole; nothing else there.
  const donut: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        [121, 31],
        [121.1, 31],
        [121.1, 31.1],
        [121, 31.1],
        [121, 31],
      ],
      [
        [121.03, 31.03],
        [121.03, 31.07],
        [121.07, 31.07],
        [121.07, 31.03],
        [121.03, 31.03],
      ],
    ],
  };
  polygons.push({ id: 999, depth: 2, geometry: donut });
  return { polygons, rng };
}

/** Independent answer: every polygon containing the point (boundary included), deepest first. */
function containing(polygons: LocatablePolygon[], lng: number, lat: number): LocatablePolygon[] {
  return polygons
    .filter((p) => booleanPointInPolygon([lng, lat], p.geometry as Polygon | MultiPolygon))
    .sort((a, b) => b.depth - a.depth);
}

describe('point-to-grid lookup', () => {
  const { polygons, rng } = fixture();
  const locator = new GridLocator(polygons);

  it('finds the deepest containing grid for random points, as an independent check does', () => {
    let inside = 0;
    for (let i = 0; i < 5000; i++) {
      const lng = rng.between(119.35, 120.0);
      const lat = rng.between(30.4, 30.88);
      const expected = containing(polygons, lng, lat);
      const got = locator.locate(lng, lat);
      if (expected.length === 0) {
        expect(got).toBeNull();
      } else {
        inside++;
        const deepest = expected.filter((p) => p.depth === expected[0]!.depth).map((p) => p.id);
        expect(deepest).toContain(got);
      }
    }
    expect(inside).toBeGreaterThan(2000);
  });

  it('gives a point on an edge shared by two neighbours to exactly one of them', () => {
    const villages = polygons.filter((p) => p.depth === 2 && p.id !== 999);
    let checked = 0;
    for (const v of villages) {
      const ring = (v.geometry.type === 'Polygon' ? v.geometry.coordinates : v.geometry.coordinates[0]!)[0]!;
      for (let k = 0; k < ring.length - 1; k++) {
        const [ax, ay] = ring[k]!;
        const [bx, by] = ring[k + 1]!;
        const mid: [number, number] = [(ax! + bx!) / 2, (ay! + by!) / 2];
        const holders = containing(villages, mid[0], mid[1]);
        if (holders.length !== 2) continue; // on the county's outer boundary, not a shared edge
        checked++;
        expect(holders.map((h) => h.id)).toContain(locator.locate(mid[0], mid[1]));
      }
    }
    expect(checked).toBeGreaterThan(40);
  });

  it('excludes holes and finds nothing outside every grid', () => {
    expect(locator.locate(121.05, 31.05)).toBeNull(); // in the hole
    expect(locator.locate(121.01, 31.01)).toBe(999); // in the ring
    expect(locator.locate(0, 0)).toBeNull();
    expect(new GridLocator([]).locate(1, 1)).toBeNull();
  });

  it('answers many points at once', () => {
    const points = new Float64Array([121.01, 31.01, 121.05, 31.05, 0, 0]);
    expect(Array.from(locator.locateMany(points))).toEqual([999, 0, 0]);
  });
});
