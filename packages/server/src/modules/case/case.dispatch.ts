import type { DispatchPreview, Urgency } from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { requireInScope, type ScopeKind } from '../../core/access/scope.ts';
import type { Clocks } from '../../core/clock/clocks.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { returned, type ReturnedJson } from './case.format.ts';
import { CASE } from './case.machine.ts';

/** Cases in the scope tree: by the path of their grid. */
export const caseScope: ScopeKind = {
  name: 'case',
  paths: (db: Executor, ids: readonly number[]) =>
    db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .select(['c.id', 'g.path'])
      .where('c.id', 'in', [...ids])
      .execute(),
  notFound: () => '事件不存在',
};

/**
 * What a dispatch of the case now would do: the dispatch rules' suggestion, skipping every unit
 * that has sent the case back (a rejection is not answered by sending it there again), and the
 * acceptance deadline the clock would get, computed as the clock computes it.
 */
export async function dispatchPreview(
  deps: { db: Kysely<DB>; config: CaseConfigService; clocks: Clocks },
  principal: Principal,
  caseId: number,
  now = new Date(),
): Promise<DispatchPreview> {
  const { db, config } = deps;
  await requireInScope(db, principal, caseScope, [caseId]);
  const c = await db
    .selectFrom('cases as c')
    .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
    .select(['c.id', 'c.category_id', 'c.urgency', 'g.path'])
    .where('c.id', '=', caseId)
    .executeTakeFirstOrThrow();
  const [matched, rules, limit, returnRows] = await Promise.all([
    config.rules.match(c.category_id, c.path),
    config.rules.list(),
    config.limitFor(c.category_id, c.urgency as Urgency, 'accept'),
    db
      .selectFrom('timeline_entry as e')
      .leftJoin('department as d', 'd.id', 'e.unit_id')
      .select(['e.action', 'e.unit_id', 'd.name as unit_name', 'e.note', 'e.actor_name', 'e.at'])
      .where('e.subject_kind', '=', CASE)
      .where('e.subject_id', '=', caseId)
      .where('e.to_state', '=', 'rejected')
      .orderBy('e.id', 'desc')
      .execute(),
  ]);
  const returns = returnRows.map((r) => returned({ ...r, at: r.at.toISOString() } satisfies ReturnedJson)!);
  const sentBack = new Set(returns.flatMap((r) => (r.departmentId === null ? [] : [r.departmentId])));
  const matches = matched.map((m) => rules.find((r) => r.id === m.id)).filter((r) => r !== undefined);
  const clock = await deps.clocks.plan(db, { kind: CASE, id: caseId }, 'accept', limit, now, 1);
  return {
    suggestion: matches.find((m) => !sentBack.has(m.departmentId)) ?? null,
    matches,
    returns,
    acceptLimit: { minutes: limit.minutes, natural: limit.natural },
    acceptDueAt: (clock.due_at as Date).toISOString(),
  };
}
