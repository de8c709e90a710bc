import type { Scheme } from '@wangge/shared';
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { DB, Executor } from '../../core/db/types.ts';
import { countsById, measuredNodes, type GridMeasure } from '../grid/grid.measures.ts';

type GridRef = ExpressionBuilder<DB & { g: DB['grid_node'] }, 'g'>;

/**
 * "Base grid with nobody on duty" on the grid row `g`: an open node of its scheme's `base`
 * level (without a scheme, of kind base_grid) that no current assignment names. The visible gaps
 * of "every grid has a named person".
 */
export async function gapCondition(db: Executor): Promise<(eb: GridRef) => Expression<SqlBool>> {
  const schemes = await db.selectFrom('scheme').select(['key', 'definition']).execute();
  const baseLevels = schemes
    .map((s) => [s.key, (s.definition as Scheme).levels.findIndex((l) => l.base)] as const)
    .filter(([, level]) => level >= 0);
  return (eb) =>
    eb.and([
      eb('g.valid_to', 'is', null),
      eb.or([
        eb.and([eb('g.scheme', 'is', null), eb('g.kind', '=', 'base_grid')]),
        ...baseLevels.map(([key, level]) => eb.and([eb('g.scheme', '=', key), eb('g.level', '=', level)])),
      ]),
      eb.not(
        eb.exists(
          eb
            .selectFrom('duty as d')
            .select(sql`1`.as('one'))
            .whereRef('d.node_id', '=', 'g.id')
            .where('d.valid_to', 'is', null),
        ),
      ),
    ]);
}

/** The grid map's "duty gaps": base grids with nobody on duty in each node's subtree. */
export const dutyGapsMeasure: GridMeasure = {
  permission: 'duty.read',
  async count(db, nodes) {
    const isGap = await gapCondition(db);
    const rows = await db
      .selectFrom(measuredNodes(nodes))
      .innerJoin('grid_node as g', (join) => join.on(sql<SqlBool>`g.path like n.pattern`))
      .where(isGap)
      .groupBy('n.id')
      .select(['n.id', (eb) => eb.fn.countAll<number>().as('value')])
      .execute();
    return countsById(rows);
  },
};
