import type { CaseState } from '@wangge/shared';
import { sql, type SqlBool } from 'kysely';
import { countsById, measuredNodes, type GridMeasure } from '../grid/grid.measures.ts';
import { STATES } from './case.machine.ts';

/** The states of type open (not archived, not voided). */
export const OPEN_STATES = (Object.keys(STATES) as CaseState[]).filter((s) => STATES[s].type === 'open');

/**
 * The grid map's "open cases": cases in an open state located in each node's subtree (a case
 * counts for the grid it was located in, closed since or not). Read with `case.read`, which shows
 * every case in scope.
 */
export const openCasesMeasure: GridMeasure = {
  permission: 'case.read',
  async count(db, nodes) {
    const rows = await db
      .selectFrom(measuredNodes(nodes))
      .innerJoin('grid_node as g', (join) => join.on(sql<SqlBool>`g.path like n.pattern`))
      .innerJoin('cases as c', 'c.grid_id', 'g.id')
      .where('c.state', 'in', OPEN_STATES)
      .groupBy('n.id')
      .select(['n.id', (eb) => eb.fn.countAll<number>().as('value')])
      .execute();
    return countsById(rows);
  },
};
