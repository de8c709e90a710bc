import type { Executor } from '../../core/db/types.ts';
import { ancestorsOf } from '../grid/grid.repository.ts';

/** What a grid's notice board shows: the node, its chain, its children's outlines, its people on duty. */
export async function noticeBoardData(db: Executor, id: number) {
  const node = await db.selectFrom('grid_node').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const [ancestors, children, people] = await Promise.all([
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
      .select(['d.role', 'p.name', 'p.phone_enc', 'p.organisation'])
      .where('d.node_id', '=', node.id)
      .where('d.valid_to', 'is', null)
      .orderBy('d.role')
      .orderBy('p.name')
      .execute(),
  ]);
  return { node, ancestors, children, people };
}

/** What a subtree's responsibility chart shows: its live nodes (at most `limit` + 1) and their duties. */
export async function responsibilityChartData(db: Executor, id: number, limit: number) {
  const node = await db
    .selectFrom('grid_node')
    .select(['id', 'name', 'code', 'path'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const nodes = await db
    .selectFrom('grid_node')
    .select(['id', 'name', 'code', 'kind', 'depth'])
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
  return { node, nodes, duties };
}
