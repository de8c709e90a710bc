import type { Executor } from '../../core/db/types.ts';
import { ancestorsOf } from '../grid/grid.repository.ts';

/** What a grid's notice board shows: the node, its chain, its children's outlines, its people on duty. */
export async function noticeBoardData(db: Executor, id: number) {
  const node = await db.selectFrom('grid_node').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const [ancestors, children, people, neighbours] = await Promise.all([
    ancestorsOf(db, node.path),
    db
      .selectFrom('grid_node')
      .select('geometry')
      .where('parent_id', '=', node.id)
      .where('valid_to', 'is', null)
      .where('geometry', 'is not', null)
      .execute(),
    db
      .selectFrom('duty as d')
      .innerJoin('person as p', 'p.id', 'd.person_id')
      .select(['d.role', 'p.id as person_id', 'p.name', 'p.phone_enc', 'p.organisation', 'p.photo_path'])
      .where('d.node_id', '=', node.id)
      .where('d.valid_to', 'is', null)
      .orderBy('d.role')
      .orderBy('p.name')
      .execute(),
    neighboursOf(db, node),
  ]);
  return { node, ancestors, children, people, neighbours };
}

/**
 * Live grids of the same level whose boxes come near the node's (within half its size around it):
 * what a map of the node shows around it.
 */
async function neighboursOf(
  db: Executor,
  node: {
    id: number;
    depth: number;
    min_lng: number | null;
    min_lat: number | null;
    max_lng: number | null;
    max_lat: number | null;
  },
) {
  if (node.min_lng === null || node.min_lat === null || node.max_lng === null || node.max_lat === null)
    return [];
  const dx = (node.max_lng - node.min_lng) * 0.6 + 1e-4;
  const dy = (node.max_lat - node.min_lat) * 0.6 + 1e-4;
  return db
    .selectFrom('grid_node')
    .select(['id', 'name', 'geometry'])
    .where('depth', '=', node.depth)
    .where('id', '!=', node.id)
    .where('valid_to', 'is', null)
    .where('geometry', 'is not', null)
    .where('max_lng', '>=', node.min_lng - dx)
    .where('min_lng', '<=', node.max_lng + dx)
    .where('max_lat', '>=', node.min_lat - dy)
    .where('min_lat', '<=', node.max_lat + dy)
    .orderBy('id')
    .limit(60)
    .execute();
}

/** What a subtree's responsibility chart shows: its live nodes (at most `limit` + 1) and their duties. */
export async function responsibilityChartData(db: Executor, id: number, limit: number) {
  const node = await db
    .selectFrom('grid_node')
    .select(['id', 'name', 'code', 'path', 'depth', 'geometry'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const nodes = await db
    .selectFrom('grid_node')
    .select(['id', 'parent_id', 'name', 'code', 'kind', 'depth'])
    .where('path', 'like', `${node.path}%`)
    .where('valid_to', 'is', null)
    .orderBy('path')
    .limit(limit + 1)
    .execute();
  const duties =
    nodes.length > limit
      ? []
      : await db
          .selectFrom('duty as d')
          .innerJoin('person as p', 'p.id', 'd.person_id')
          .innerJoin('grid_node as g', 'g.id', 'd.node_id')
          .select(['d.node_id', 'd.role', 'p.name'])
          .where('g.path', 'like', `${node.path}%`)
          .where('d.valid_to', 'is', null)
          .orderBy('d.role')
          .execute();
  // Outlines of the children only: the map shows one level.
  const shapes = await db
    .selectFrom('grid_node')
    .select(['id', 'geometry'])
    .where('parent_id', '=', node.id)
    .where('valid_to', 'is', null)
    .where('geometry', 'is not', null)
    .execute();
  return { node, nodes, duties, shapes: new Map(shapes.map((c) => [c.id, c.geometry])) };
}
