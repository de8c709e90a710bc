import type { Kysely } from 'kysely';
import type { MultiPolygon, Polygon } from 'geojson';
import gcoord from 'gcoord';
import type { DB } from '../../core/db/types.ts';
import { GridLocator } from './locator.ts';

export type Crs = 'wgs84' | 'gcj02' | 'bd09';

/** Converts a point from GCJ-02 (AMap, Tencent) or BD-09 (Baidu) to WGS84/CGCS2000. */
export function toWgs84(lng: number, lat: number, crs: Crs): [number, number] {
  if (crs === 'wgs84') return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat], crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as [
    number,
    number,
  ];
  return [x, y];
}

/**
 * One point-to-grid index per tree, built on first use from the tree's active polygons and
 * dropped whenever the tree's polygons or shape change, so the next lookup rebuilds it.
 */
export class LocatorService {
  private readonly locators = new Map<number, Promise<GridLocator>>();

  constructor(private readonly db: Kysely<DB>) {}

  invalidate(rootId?: number): void {
    if (rootId === undefined) this.locators.clear();
    else this.locators.delete(rootId);
  }

  private locator(rootId: number): Promise<GridLocator> {
    let locator = this.locators.get(rootId);
    if (!locator) {
      locator = this.db
        .selectFrom('grid_node')
        .select(['id', 'depth', 'geometry'])
        .where('root_id', '=', rootId)
        .where('valid_to', 'is', null)
        .where('geometry', 'is not', null)
        .execute()
        .then(
          (rows) =>
            new GridLocator(
              rows.map((r) => ({ id: r.id, depth: r.depth, geometry: r.geometry as Polygon | MultiPolygon })),
            ),
        );
      locator.catch(() => this.locators.delete(rootId));
      this.locators.set(rootId, locator);
    }
    return locator;
  }

  /** The deepest active node of tree `rootId` whose polygon holds the WGS84 point, or null. */
  async locate(rootId: number, lng: number, lat: number): Promise<number | null> {
    return (await this.locator(rootId)).locate(lng, lat);
  }

  /**
   * Whether a WGS84 point lies in the grid with materialised path `gridPath`, as far as the drawn
   * outlines tell: the deepest drawn grid holding the point is the grid or one of its parts; or,
   * where the grid itself is not drawn, the point lies in its deepest drawn ancestor and in none
   * of the other drawn grids below that ancestor. A point of a tree with no outline at all agrees.
   */
  async holds(gridPath: string, lng: number, lat: number): Promise<boolean> {
    const chain = gridPath.split('/').filter(Boolean).map(Number);
    if (!chain.length) return false;
    const located = await this.locate(chain[0]!, lng, lat);
    if (located !== null) {
      const row = await this.db
        .selectFrom('grid_node')
        .select('path')
        .where('id', '=', located)
        .executeTakeFirst();
      if (row?.path.startsWith(gridPath)) return true;
    }
    // Not inside: it agrees only when every node of the chain below the located one is undrawn.
    const start = located === null ? 0 : chain.indexOf(located) + 1;
    if (start === 0 && located !== null) return false;
    const below = chain.slice(start);
    if (!below.length) return false;
    const drawn = await this.db
      .selectFrom('grid_node')
      .select('id')
      .where('id', 'in', below)
      .where('geometry', 'is not', null)
      .executeTakeFirst();
    return drawn === undefined;
  }
}
