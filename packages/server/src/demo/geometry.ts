import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import { featureCollection, polygon as turfPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import intersect from '@turf/intersect';
import { Delaunay } from 'd3-delaunay';
import type { Random } from './random.ts';

export type Area = Feature<Polygon | MultiPolygon>;
export type BBox = [number, number, number, number];

const round = (v: number) => Math.round(v * 1e7) / 1e7;

/** An irregular closed outline around a centre: a wobbling ellipse, radii in degrees. */
export function irregularOutline(
  rng: Random,
  center: [number, number],
  rx: number,
  ry: number,
  vertices = 48,
): Area {
  const phase1 = rng.between(0, Math.PI * 2);
  const phase2 = rng.between(0, Math.PI * 2);
  const ring: [number, number][] = [];
  for (let i = 0; i < vertices; i++) {
    const t = (i / vertices) * Math.PI * 2;
    const wobble =
      1 + 0.12 * Math.sin(3 * t + phase1) + 0.07 * Math.sin(5 * t + phase2) + rng.between(-0.03, 0.03);
    ring.push([round(center[0] + rx * wobble * Math.cos(t)), round(center[1] + ry * wobble * Math.sin(t))]);
  }
  ring.push(ring[0]!);
  return turfPolygon([ring]);
}

function randomPointsInside(rng: Random, area: Area, count: number): [number, number][] {
  const [minX, minY, maxX, maxY] = bbox(area) as BBox;
  const points: [number, number][] = [];
  for (let tries = 0; points.length < count && tries < count * 500; tries++) {
    const p: [number, number] = [rng.between(minX, maxX), rng.between(minY, maxY)];
    if (booleanPointInPolygon(p, area)) points.push(p);
  }
  return points;
}

function cellsFor(points: [number, number][], area: Area): (Area | null)[] {
  const box = bbox(area) as BBox;
  const voronoi = Delaunay.from(points).voronoi([box[0] - 1e-6, box[1] - 1e-6, box[2] + 1e-6, box[3] + 1e-6]);
  return points.map((_, i) => {
    const cell = voronoi.cellPolygon(i);
    if (!cell) return null;
    const ring = cell.map(([x, y]) => [x, y] as [number, number]);
    return intersect(featureCollection([turfPolygon([ring]), area])) as Area | null;
  });
}

/**
 * Divides an area into `count` parts without gaps or overlaps: a Voronoi diagram of random seeds,
 * relaxed (Lloyd) for even sizes, each cell cut to the area.
 */
export function subdivide(rng: Random, area: Area, count: number, relaxations = 2): Area[] {
  if (count <= 1) return [area];
  let points = randomPointsInside(rng, area, count);
  if (points.length < count) return [area];
  let cells = cellsFor(points, area);
  for (let iteration = 0; iteration < relaxations; iteration++) {
    points = cells.map((c, i) => (c ? (centroid(c).geometry.coordinates as [number, number]) : points[i]!));
    cells = cellsFor(points, area);
  }
  return cells.filter((c): c is Area => c !== null).map(roundArea);
}

function roundArea(area: Area): Area {
  const g = area.geometry;
  const roundRing = (ring: number[][]) => ring.map(([x, y]) => [round(x!), round(y!)]);
  if (g.type === 'Polygon') g.coordinates = g.coordinates.map(roundRing);
  else g.coordinates = g.coordinates.map((poly) => poly.map(roundRing));
  return area;
}

export function areaBBox(area: Area): BBox {
  return bbox(area) as BBox;
}

export function areaCenter(area: Area): [number, number] {
  const c = centroid(area).geometry.coordinates;
  return [round(c[0]!), round(c[1]!)];
}
