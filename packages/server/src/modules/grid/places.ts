import type { PageResult, PlaceHit, PlaceSearchQuery } from '@wangge/shared';
import {
  PLACE_SEARCH,
  PlaceSearchQuery as PlaceSearchQuerySchema,
  PlaceHit as PlaceHitSchema,
  Page,
} from '@wangge/shared';
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import centroid from '@turf/centroid';
import type { MultiPolygon, Polygon } from 'geojson';
import { sql } from 'kysely';
import { inScope } from '../../core/access/scope.ts';
import { principalOf, type App } from '../../core/http/context.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { Executor } from '../../core/db/types.ts';
import { paginate } from '../../core/http/paginate.ts';
import { withErrors } from '../../core/http/responses.ts';

/**
 * The location picker's place search: live, drawn grids whose name holds the text, inside the
 * given subtrees (materialised paths), exact names first, then names starting with the text, then
 * the outer levels. Each hit carries the ancestors inside those subtrees (so the map can open the
 * levels down to it), its centre and bounding box. Names and outlines only.
 */
export async function searchPlaces(
  db: Executor,
  within: readonly string[],
  query: PlaceSearchQuery,
): Promise<PageResult<PlaceHit>> {
  const text = query.q.trim();
  const like = `%${escapeLike(text)}%`;
  const q = db
    .selectFrom('grid_node as g')
    .select([
      'g.id',
      'g.name',
      'g.path',
      'g.lng',
      'g.lat',
      'g.geometry',
      (eb) =>
        eb
          .not(
            eb.exists(
              eb
                .selectFrom('grid_node as k')
                .select('k.id')
                .whereRef('k.parent_id', '=', 'g.id')
                .where('k.valid_to', 'is', null),
            ),
          )
          .as('leaf'),
    ])
    .where('g.valid_to', 'is', null)
    .where('g.geometry', 'is not', null)
    .where(inScope(sql.ref('g.path'), within))
    .where('g.name', 'ilike', like);
  return paginate(
    q
      .orderBy(
        sql`case when g.name = ${text} then 0 when g.name ilike ${`${escapeLike(text)}%`} then 1 else 2 end`,
      )
      .orderBy('g.depth')
      .orderBy('g.code')
      .orderBy('g.id'),
    { page: query.page, pageSize: query.pageSize ?? PLACE_SEARCH.pageSizeDefault },
    async (rows) => {
      // The ancestors of every hit, in one read, kept to the subtrees searched.
      const ids = new Set<number>();
      for (const r of rows) for (const id of ancestorIds(r.path)) ids.add(id);
      const names = ids.size
        ? await db
            .selectFrom('grid_node')
            .select(['id', 'name', 'path'])
            .where('id', 'in', [...ids])
            .execute()
        : [];
      const byId = new Map(names.map((n) => [n.id, n]));
      const visible = (path: string) => within.some((p) => path.startsWith(p));
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        leaf: Boolean(r.leaf),
        ancestors: ancestorIds(r.path)
          .map((id) => byId.get(id))
          .filter((a): a is NonNullable<typeof a> => a !== undefined && visible(a.path))
          .map((a) => ({ id: a.id, name: a.name })),
        ...where(r.geometry as Polygon | MultiPolygon, r.lng, r.lat),
      }));
    },
  );
}

/** A hit's bounding box, and a point inside it for the pin: the stored centre when inside, else one found. */
function where(
  geometry: Polygon | MultiPolygon,
  lng: number | null,
  lat: number | null,
): Pick<PlaceHit, 'center' | 'bbox'> {
  const box = bbox(geometry) as [number, number, number, number];
  const inside = (x: number, y: number) => booleanPointInPolygon([x, y], geometry);
  let center: [number, number] | null = lng !== null && lat !== null && inside(lng, lat) ? [lng, lat] : null;
  if (!center) {
    const c = centroid(geometry).geometry.coordinates as [number, number];
    center = inside(c[0], c[1]) ? c : interiorPoint(geometry, c[1]);
  }
  return { bbox: box, center: center ? { lng: center[0], lat: center[1] } : null };
}

/**
 * A point inside a (concave) polygon: along the parallel at `y`, the middle of the widest stretch
 * lying inside (between the 1st and 2nd, 3rd and 4th … crossings of the rings).
 */
function interiorPoint(geometry: Polygon | MultiPolygon, y: number): [number, number] | null {
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  const xs: number[] = [];
  for (const ring of rings)
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi! > y !== yj! > y) xs.push(xi! + ((y - yi!) * (xj! - xi!)) / (yj! - yi!));
    }
  xs.sort((a, b) => a - b);
  let best: [number, number] | null = null;
  let width = 0;
  for (let k = 0; k + 1 < xs.length; k += 2)
    if (xs[k + 1]! - xs[k]! > width) {
      width = xs[k + 1]! - xs[k]!;
      best = [(xs[k]! + xs[k + 1]!) / 2, y];
    }
  return best;
}

/** The ids of a path's ancestors, root first (the node itself left out). */
function ancestorIds(path: string): number[] {
  return path.split('/').filter(Boolean).map(Number).slice(0, -1);
}

/** Staff: places within the caller's data scope. */
export async function placeRoutes(app: App): Promise<void> {
  app.get(
    '/api/grids/places',
    {
      schema: {
        tags: ['grid'],
        summary: '地点搜索：按名称查找管辖范围内已绘制边界的网格（供地图定位）',
        querystring: PlaceSearchQuerySchema,
        response: withErrors({ 200: Page(PlaceHitSchema) }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => searchPlaces(app.ctx.db, principalOf(request).scopePaths, request.query),
  );
}
