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
