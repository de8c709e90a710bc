/** Plain geometry helpers for grid outlines (WGS84 lng/lat), with no map library. */

export type Geometry = { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };

export interface Outline {
  id: number;
  name: string;
  kind?: string;
  /** True when the grid has no parts below it. */
  leaf?: boolean;
  geometry: Geometry;
}

export function bounds(geometries: Geometry[]): [[number, number], [number, number]] | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      minX = Math.min(minX, c[0] as number);
      maxX = Math.max(maxX, c[0] as number);
      minY = Math.min(minY, c[1] as number);
      maxY = Math.max(maxY, c[1] as number);
    } else if (Array.isArray(c)) c.forEach(visit);
  };
  geometries.forEach((g) => visit(g.coordinates));
  return Number.isFinite(minX)
    ? [
        [minX, minY],
        [maxX, maxY],
      ]
    : null;
}

function inRing(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Even-odd test of a point against a Polygon or MultiPolygon (holes excluded). */
export function contains(geometry: Geometry, lng: number, lat: number): boolean {
  const polygons = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  ) as number[][][][];
  return polygons.some(
    (rings) =>
      rings.length > 0 && inRing(rings[0]!, lng, lat) && !rings.slice(1).some((h) => inRing(h, lng, lat)),
  );
}

function ringArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++)
    a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return Math.abs(a / 2);
}

function segmentDistance(x: number, y: number, a: number[], b: number[], kx: number): number {
  const ax = a[0]! * kx;
  const ay = a[1]!;
  const dx = b[0]! * kx - ax;
  const dy = b[1]! - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((x * kx - ax) * dx + (y - ay) * dy) / len)) : 0;
  return Math.hypot(x * kx - ax - t * dx, y - ay - t * dy);
}

/**
 * Where a grid's name goes: a point well inside its largest part, as far from the edges as a
 * search over the part's box finds (the centre of a box may lie outside an L-shaped grid).
 */
export function labelPoint(geometry: Geometry): [number, number] | null {
  const polygons = (
    geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  ) as number[][][][];
  const part = polygons
    .filter((p) => p[0] && p[0].length >= 4)
    .reduce<number[][][] | null>(
      (best, p) => (!best || ringArea(p[0]!) > ringArea(best[0]!) ? p : best),
      null,
    );
  if (!part) return null;
  const box = bounds([{ type: 'Polygon', coordinates: part }]);
  if (!box) return null;
  const [[x0, y0], [x1, y1]] = box;
  // Longitude degrees shrink with latitude: measure distances on a locally square grid.
  const kx = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const inside = (x: number, y: number) => contains({ type: 'Polygon', coordinates: part }, x, y);
  const clearance = (x: number, y: number) =>
    Math.min(...part.flatMap((ring) => ring.slice(1).map((b, i) => segmentDistance(x, y, ring[i]!, b, kx))));
  let best: [number, number] | null = null;
  let bestClearance = -1;
  const search = (cx: number, cy: number, w: number, h: number, n: number) => {
    for (let i = 0; i <= n; i++)
      for (let j = 0; j <= n; j++) {
        const x = cx - w / 2 + (w * i) / n;
        const y = cy - h / 2 + (h * j) / n;
        if (!inside(x, y)) continue;
        const c = clearance(x, y);
        if (c > bestClearance) [best, bestClearance] = [[x, y], c];
      }
  };
  search((x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0, 16);
  if (best) {
    const [bx, by] = best as [number, number];
    search(bx, by, (x1 - x0) / 8, (y1 - y0) / 8, 8);
  }
  return best;
}
