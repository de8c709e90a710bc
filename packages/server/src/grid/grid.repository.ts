import type { GridNode } from '@wangge/shared';
import { sql } from 'kysely';
import type { Executor } from '../db/types.ts';

export interface NewGridNode {
  parentId: number | null;
  kind: string;
  name: string;
  code: string | null;
  geometry?: unknown;
  bbox?: [number, number, number, number] | null;
  center?: [number, number] | null;
}

/** Inserts a node and fills its materialised path (`/root/…/self/`) and depth from the parent. */
export async function insertGridNode(db: Executor, node: NewGridNode): Promise<{ id: number; path: string }> {
  const parent = node.parentId
    ? await db.selectFrom('grid_node').select(['path', 'depth']).where('id', '=', node.parentId).executeTakeFirstOrThrow()
    : null;
  const row = await db
    .insertInto('grid_node')
    .values({
      parent_id: node.parentId,
      path: 'pending',
      depth: parent ? parent.depth + 1 : 0,
      kind: node.kind,
      name: node.name,
      code: node.code,
      geometry: node.geometry ? JSON.stringify(node.geometry) : null,
      min_lng: node.bbox?.[0] ?? null,
      min_lat: node.bbox?.[1] ?? null,
      max_lng: node.bbox?.[2] ?? null,
      max_lat: node.bbox?.[3] ?? null,
      lng: node.center?.[0] ?? null,
      lat: node.center?.[1] ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${parent?.path ?? '/'}${row.id}/`;
  await db.updateTable('grid_node').set({ path }).where('id', '=', row.id).execute();
  return { id: row.id, path };
}

export function gridNodeColumns(db: Executor) {
  return db
    .selectFrom('grid_node as g')
    .select([
      'g.id',
      'g.parent_id',
      'g.depth',
      'g.kind',
      'g.name',
      'g.code',
      'g.path',
      'g.lng',
      'g.lat',
      sql<boolean>`g.geometry is not null`.as('has_geometry'),
      (eb) =>
        eb
          .selectFrom('grid_node as c')
          .select((e) => e.fn.countAll<number>().as('n'))
          .whereRef('c.parent_id', '=', 'g.id')
          .where('c.valid_to', 'is', null)
          .as('child_count'),
    ]);
}

export function toGridNode(r: {
  id: number;
  parent_id: number | null;
  depth: number;
  kind: string;
  name: string;
  code: string | null;
  lng: number | null;
  lat: number | null;
  has_geometry: boolean;
  child_count: number | null;
}): GridNode {
  return {
    id: r.id,
    parentId: r.parent_id,
    depth: r.depth,
    kind: r.kind,
    name: r.name,
    code: r.code,
    childCount: Number(r.child_count ?? 0),
    hasGeometry: r.has_geometry,
    lng: r.lng,
    lat: r.lat,
  };
}
