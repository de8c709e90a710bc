import Flatbush from 'flatbush';
import type { Polygon } from 'geojson';
import { createRandom } from '../../packages/server/src/demo/random.ts';
import { GridLocator } from '../../packages/server/src/modules/grid/locator.ts';
import type { Benchmark, Figure } from '../bench.ts';

const SIDE = 100; // 100 × 100 = 10,000 polygons
const CELL = 0.02;
const ORIGIN: [number, number] = [119, 30];

/** 10,000 irregular, non-overlapping polygons of 8–20 vertices, one star-shaped polygon per cell. */
function polygons(): Polygon[] {
  const rng = createRandom(7);
  const out: Polygon[] = [];
  for (let i = 0; i < SIDE; i++) {
    for (let j = 0; j < SIDE; j++) {
      const cx = ORIGIN[0] + (i + 0.5) * CELL;
      const cy = ORIGIN[1] + (j + 0.5) * CELL;
      const n = rng.int(8, 20);
      const ring: [number, number][] = [];
      for (let k = 0; k < n; k++) {
        const angle = ((k + rng.between(-0.3, 0.3)) / n) * Math.PI * 2;
        const radius = CELL * rng.between(0.3, 0.49);
        ring.push([cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
      }
      ring.push(ring[0]!);
      out.push({ type: 'Polygon', coordinates: [ring] });
    }
  }
  return out;
}

function randomPoints(count: number): Float64Array {
  const rng = createRandom(11);
  const points = new Float64Array(count * 2);
  for (let i = 0; i < count; i++) {
    points[i * 2] = ORIGIN[0] + rng.next() * SIDE * CELL;
    points[i * 2 + 1] = ORIGIN[1] + rng.next() * SIDE * CELL;
  }
  return points;
}

/** The baseline: flatbush over bounding boxes and a textbook ray-casting test on GeoJSON arrays. */
function bareLoop(polys: Polygon[]) {
  const index = new Flatbush(polys.length);
  for (const p of polys) {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of p.coordinates[0]!) {
      minX = Math.min(minX, x!);
      minY = Math.min(minY, y!);
      maxX = Math.max(maxX, x!);
      maxY = Math.max(maxY, y!);
    }
    index.add(minX, minY, maxX, maxY);
  }
  index.finish();
  const inside = (ring: number[][], x: number, y: number) => {
    let c = false;
    for (let a = 0, b = ring.length - 1; a < ring.length; b = a++) {
      const [ax, ay] = ring[a]!;
      const [bx, by] = ring[b]!;
      if (ay! > y !== by! > y && x < ((bx! - ax!) * (y - ay!)) / (by! - ay!) + ax!) c = !c;
    }
    return c;
  };
  return (points: Float64Array) => {
    const out = new Int32Array(points.length / 2);
    for (let i = 0; i < out.length; i++) {
      const x = points[i * 2]!;
      const y = points[i * 2 + 1]!;
      for (const candidate of index.search(x, y, x, y)) {
        if (inside(polys[candidate]!.coordinates[0]!, x, y)) {
          out[i] = candidate + 1;
          break;
        }
      }
    }
    return out;
  };
}

function best(runs: number, fn: () => void): number {
  let fastest = Infinity;
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    fn();
    fastest = Math.min(fastest, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return fastest;
}

export const gridLookup: Benchmark = {
  names: ['grid.lookup.bulk', 'grid.lookup.single_p99'],
  async run(): Promise<Figure[]> {
    console.error('grid.lookup: 10,000 polygons, 1,000,000 points…');
    const polys = polygons();
    const locator = new GridLocator(polys.map((geometry, i) => ({ id: i + 1, depth: 0, geometry })));
    const bare = bareLoop(polys);
    const points = randomPoints(1_000_000);

    // Both must give the same answers before their speed means anything.
    const ours = locator.locateMany(points);
    const theirs = bare(points);
    for (let i = 0; i < ours.length; i++) {
      if (ours[i] !== theirs[i]) throw new Error(`lookup disagrees with the baseline at point ${i}`);
    }
    const count = points.length / 2;
    const oursSeconds = best(5, () => locator.locateMany(points));
    const bareSeconds = best(5, () => bare(points));

    // Single lookups, each timed on its own.
    const samples = new Float64Array(200_000);
    for (let i = 0; i < samples.length; i++) {
      const x = points[(i * 2) % points.length]!;
      const y = points[(i * 2 + 1) % points.length]!;
      const start = process.hrtime.bigint();
      locator.locate(x, y);
      samples[i] = Number(process.hrtime.bigint() - start) / 1000;
    }
    samples.sort();
    return [
      {
        bench: 'grid.lookup.bulk',
        value: count / oursSeconds,
        unit: 'points/s',
        baseline: count / bareSeconds,
      },
      { bench: 'grid.lookup.single_p99', value: samples[Math.floor(samples.length * 0.99)]!, unit: 'µs' },
    ];
  },
};
