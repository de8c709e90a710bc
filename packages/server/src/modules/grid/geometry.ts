import bbox from '@turf/bbox';
import centroid from '@turf/centroid';
import type { MultiPolygon, Polygon } from 'geojson';
import { AppError } from '../../core/http/errors.ts';

export const MAX_VERTICES = 5000;

export interface GeometryFacts {
  geometry: Polygon | MultiPolygon;
  bbox: [number, number, number, number];
  center: [number, number];
}

function validPosition(p: unknown): p is [number, number] {
  return (
    Array.isArray(p) &&
    p.length >= 2 &&
    typeof p[0] === 'number' &&
    typeof p[1] === 'number' &&
    Number.isFinite(p[0]) &&
    Number.isFinite(p[1]) &&
    p[0] >= -180 &&
    p[0] <= 180 &&
    p[1] >= -90 &&
    p[1] <= 90
  );
}

function validRing(ring: unknown): boolean {
  if (!Array.isArray(ring) || ring.length < 4 || !ring.every(validPosition)) return false;
  const first = ring[0] as number[];
  const last = ring[ring.length - 1] as number[];
  return first[0] === last[0] && first[1] === last[1];
}

/**
 * Checks that a value is a GeoJSON Polygon or MultiPolygon with closed rings of at least four
 * valid lng/lat positions, and returns it with its bounding box and centre. `field` names the
 * input in the error.
 */
export function geometryFacts(value: unknown, field: string): GeometryFacts {
  const g = value as { type?: unknown; coordinates?: unknown };
  const ok =
    g &&
    typeof g === 'object' &&
    ((g.type === 'Polygon' &&
      Array.isArray(g.coordinates) &&
      g.coordinates.length > 0 &&
      g.coordinates.every(validRing)) ||
      (g.type === 'MultiPolygon' &&
        Array.isArray(g.coordinates) &&
        g.coordinates.length > 0 &&
        g.coordinates.every((poly) => Array.isArray(poly) && poly.length > 0 && poly.every(validRing))));
  if (!ok) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      [field]: '应为 GeoJSON Polygon 或 MultiPolygon，环须闭合且至少 4 个点，经纬度在有效范围内',
    });
  }
  const geometry = { type: g.type, coordinates: g.coordinates } as Polygon | MultiPolygon;
  // Checks such as self-intersection grow with the square of the vertex count: a grid outline
  // needs far fewer points than this.
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  const vertices = rings.reduce((n, ring) => n + ring.length, 0);
  if (vertices > MAX_VERTICES) {
    throw new AppError('VALIDATION_FAILED', undefined, {
      [field]: `边界顶点过多（${vertices} 个，上限 ${MAX_VERTICES}），请先简化`,
    });
  }
  const c = centroid(geometry).geometry.coordinates;
  return { geometry, bbox: bbox(geometry) as [number, number, number, number], center: [c[0]!, c[1]!] };
}
