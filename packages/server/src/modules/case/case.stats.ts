import {
  STATS_TREND_DAYS,
  type CaseChannel,
  type CaseListQuery,
  type CaseStats,
  type CaseTodos,
  type StatsPeriod,
  type TodoKey,
} from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { scoped } from '../../core/access/scope.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { CASE } from './case.machine.ts';
import type { CaseReader } from './case.read.ts';

/** A YYYY-MM-DD date `days` later (earlier when negative). */
export function addDays(ymd: string, days: number): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The first and last day of a period containing `today` (weeks start on Monday). */
export function periodRange(period: StatsPeriod, today: string): { from: string; to: string } {
  if (period === 'today') return { from: today, to: today };
  if (period === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return { from: addDays(today, -((weekday + 6) % 7)), to: today };
}

/** Cases in the principal's grid scope (the dashboard counts scope, not other visibility). */
function inScopeCases(db: Executor, principal: Principal) {
  return scoped(
    db.selectFrom('cases as c').innerJoin('grid_node as g', 'g.id', 'c.grid_id'),
    'g.path',
    principal,
  );
}

/** "Some clock of this stage ran out before it stopped": the stage was done late. */
const lateStage = (stage: 'accept' | 'feedback') =>
  sql<boolean>`exists (select 1 from clock lk where lk.subject_kind = ${CASE} and lk.subject_id = c.id
    and lk.stage = ${stage} and lk.stopped_at is not null and lk.stopped_at > lk.due_at)`;

/**
 * The dashboard's figures of one period, as SQL over the cases in scope (the repository side of
 * the statistics). Periods are days on `timeZone`'s calendar, read exactly as the case list's
 * date filter reads them, so each figure is the total of that list.
 */
export async function caseFigures(
  db: Executor,
  principal: Principal,
  range: { from: string; to: string },
  opts: { timeZone: string; now: Date; trendFrom: string },
) {
  const tz = opts.timeZone;
  const { now } = opts;
  const between = (from: string, to: string) =>
    inScopeCases(db, principal)
      .where('c.reported_at', '>=', sql<Date>`(${from}::date)::timestamp at time zone ${tz}`)
      .where('c.reported_at', '<', sql<Date>`(${to}::date + 1)::timestamp at time zone ${tz}`);
  const period = () => between(range.from, range.to);
  // The area of a case: its ancestor one level below the shallowest scope node.
  const areaDepth = Math.min(...principal.scopePaths.map((p) => p.split('/').filter(Boolean).length)); // = depth + 1
  const areaExpr = sql<number | null>`nullif(split_part(g.path, '/', ${areaDepth + 2}), '')::int`;
  const overdue = () =>
    inScopeCases(db, principal)
      .innerJoin('clock as k', (j) =>
        j.on('k.subject_kind', '=', CASE).onRef('k.subject_id', '=', 'c.id').on('k.stopped_at', 'is', null),
      )
      .where('k.due_at', '<', now)
      .where('k.parked_at', 'is', null);
  const [totals, byChannel, byCategory, byArea, trend, byStage, byDepartment, ratings] = await Promise.all([
    period()
      .select([
        sql<string>`count(*)`.as('total'),
        sql<string>`count(*) filter (where c.accepted_at is not null)`.as('accepted'),
        sql<string>`count(*) filter (where c.accepted_at is not null and ${lateStage('accept')})`.as(
          'accepted_late',
        ),
        sql<string>`count(*) filter (where c.handled_at is not null)`.as('handled'),
        sql<string>`count(*) filter (where c.handled_at is not null and ${lateStage('feedback')})`.as(
          'handled_late',
        ),
        sql<string>`count(*) filter (where c.visit_satisfied)`.as('satisfied'),
        sql<string>`count(*) filter (where not c.visit_satisfied)`.as('unsatisfied'),
      ])
      .executeTakeFirstOrThrow(),
    period()
      .select(['c.channel', sql<string>`count(*)`.as('n')])
      .groupBy('c.channel')
      .execute(),
    period()
      .select(['c.category_id', sql<string>`count(*)`.as('n')])
      .groupBy('c.category_id')
      .execute(),
    period()
      .select([areaExpr.as('area'), sql<string>`count(*)`.as('n')])
      .groupBy(sql`1`)
      .execute(),
    between(opts.trendFrom, range.to)
      .select([
        sql<string>`to_char(c.reported_at at time zone ${tz}, 'YYYY-MM-DD')`.as('day'),
        sql<string>`count(*)`.as('n'),
      ])
      .groupBy(sql`1`)
      .execute(),
    overdue()
      .select(['k.stage', sql<string>`count(*)`.as('n')])
      .groupBy('k.stage')
      .execute(),
    overdue()
      .innerJoin('department as d', 'd.id', 'c.department_id')
      .select(['d.id', 'd.name', sql<string>`count(*)`.as('n')])
      .groupBy(['d.id', 'd.name'])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('d.id')
      .limit(10)
      .execute(),
    // The citizens' own ratings (满意 / 基本满意 / 不满意), the latest round of each case.
    period()
      .innerJoin('case_rating as r', 'r.case_id', 'c.id')
      .where(sql<boolean>`r.round = (select max(r2.round) from case_rating r2 where r2.case_id = c.id)`)
      .select(['r.rating', sql<string>`count(*)`.as('n')])
      .groupBy('r.rating')
      .execute(),
  ]);
  const areaIds = byArea.map((r) => r.area).filter((id): id is number => id !== null);
  const areas = areaIds.length
    ? await db.selectFrom('grid_node').select(['id', 'name', 'kind']).where('id', 'in', areaIds).execute()
    : [];
  return { totals, byChannel, byCategory, byArea, areas, trend, byStage, byDepartment, ratings };
}

export interface CaseStatsDeps {
  db: Kysely<DB>;
  read: CaseReader;
  config: CaseConfigService;
  timeZone: string;
}

const rate = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/**
 * The work dashboard (工作台): each viewer's to-dos, counted through the case list itself so a
 * count and the list it opens cannot disagree, and the figures of a period for those who oversee.
 */
export class CaseStatsService {
  constructor(private readonly deps: CaseStatsDeps) {}

  /** The to-dos the principal's permissions give them, each with the list filter behind it. */
  todoFilters(principal: Principal): { key: TodoKey; filter: Record<string, string> }[] {
    const has = (p: Parameters<Principal['permissions']['has']>[0]) => principal.permissions.has(p);
    // A department's staff count their own department's cases; readers, their scope.
    const handles = has('case.handle');
    const reads = has('case.read');
    const own: Record<string, string> = handles ? { mine: 'true' } : {};
    const watch = handles || reads;
    const out: { key: TodoKey; filter: Record<string, string> }[] = [];
    const add = (key: TodoKey, when: boolean, filter: Record<string, string>) => {
      if (when) out.push({ key, filter });
    };
    add('dispatch', has('case.dispatch'), { state: 'pending_dispatch,rejected', sort: 'reported' });
    add('accept', watch, { ...own, state: 'assigned', sort: 'due' });
    add('feedback', watch, { ...own, state: 'accepted,rework', sort: 'due' });
    add('visit', has('case.visit') || (reads && !handles), { state: 'handled', sort: 'due' });
    add('archive', has('case.archive'), { state: 'pending_archive', sort: 'updated' });
    add('dueSoon', watch, { ...own, dueSoon: 'true', sort: 'due' });
    add('overdue', watch, { ...own, overdue: 'any', sort: 'due' });
    return out;
  }

  async todos(principal: Principal): Promise<CaseTodos> {
    const items = await Promise.all(
      this.todoFilters(principal).map(async ({ key, filter }) => {
        const query = listQuery(filter);
        const { total } = await this.deps.read.list(principal, { ...query, page: 1, pageSize: 1 });
        return { key, count: total, filter };
      }),
    );
    return { items };
  }

  async stats(principal: Principal, period: StatsPeriod, now: Date = new Date()): Promise<CaseStats> {
    const today = todayIn(this.deps.timeZone, now);
    const range = periodRange(period, today);
    const trendFrom = addDays(today, -(STATS_TREND_DAYS - 1));
    const empty = principal.scopePaths.length === 0;
    const f = empty
      ? null
      : await caseFigures(this.deps.db, principal, range, { timeZone: this.deps.timeZone, now, trendFrom });
    const num = (v: string | number | bigint | null | undefined) => Number(v ?? 0);

    // Top-level categories, each with its subtree's cases.
    const categories = await this.deps.config.listCategories();
    const byId = new Map(categories.map((c) => [c.id, c]));
    const rootOf = (id: number) => {
      let c = byId.get(id);
      while (c && c.parentId !== null && byId.has(c.parentId)) c = byId.get(c.parentId);
      return c;
    };
    const catCounts = new Map<number, number>();
    for (const r of f?.byCategory ?? []) {
      const root = rootOf(r.category_id);
      if (root) catCounts.set(root.id, (catCounts.get(root.id) ?? 0) + num(r.n));
    }
    const areaNames = new Map((f?.areas ?? []).map((a) => [a.id, a]));
    const trendCounts = new Map((f?.trend ?? []).map((r) => [r.day, num(r.n)]));
    const stage = Object.fromEntries((f?.byStage ?? []).map((r) => [r.stage, num(r.n)]));
    const t = f?.totals;
    const accepted = num(t?.accepted);
    const acceptedLate = num(t?.accepted_late);
    const handled = num(t?.handled);
    const handledLate = num(t?.handled_late);
    const satisfied = num(t?.satisfied);
    const unsatisfied = num(t?.unsatisfied);
    const overdue = { accept: stage.accept ?? 0, feedback: stage.feedback ?? 0, visit: stage.visit ?? 0 };
    return {
      period,
      ...range,
      total: num(t?.total),
      byChannel: (f?.byChannel ?? [])
        .map((r) => ({ channel: r.channel as CaseChannel, count: num(r.n) }))
        .sort((a, b) => b.count - a.count),
      byCategory: [...catCounts]
        .map(([id, count]) => ({ id, name: byId.get(id)!.name, nameEn: byId.get(id)!.nameEn, count }))
        .sort((a, b) => b.count - a.count || a.id - b.id),
      byArea: (f?.byArea ?? [])
        .map((r) => {
          const a = r.area === null ? undefined : areaNames.get(r.area);
          return { id: a ? a.id : null, name: a?.name ?? '', kind: a?.kind ?? '', count: num(r.n) };
        })
        .sort((a, b) => b.count - a.count || (a.id ?? 0) - (b.id ?? 0)),
      acceptance: { done: accepted, late: acceptedLate, rate: rate(accepted - acceptedLate, accepted) },
      closure: { done: handled, late: handledLate, rate: rate(handled - handledLate, handled) },
      satisfaction: {
        visited: satisfied + unsatisfied,
        satisfied,
        unsatisfied,
        rate: rate(satisfied, satisfied + unsatisfied),
      },
      citizenRating: ratingsOf(f?.ratings ?? []),
      overdue: { ...overdue, total: overdue.accept + overdue.feedback + overdue.visit },
      trend: Array.from({ length: STATS_TREND_DAYS }, (_, i) => {
        const date = addDays(trendFrom, i);
        return { date, count: trendCounts.get(date) ?? 0 };
      }),
      departmentOverdue: (f?.byDepartment ?? []).map((r) => ({ id: r.id, name: r.name, count: num(r.n) })),
    };
  }
}

/** A to-do's filter (query-string values) as the list's typed query. */
function listQuery(filter: Record<string, string>): CaseListQuery {
  const q: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(filter)) q[k] = v === 'true' ? true : v === 'false' ? false : v;
  return q as CaseListQuery;
}

/** The citizens' ratings: satisfied and basically satisfied count as satisfied in the rate. */
function ratingsOf(rows: { rating: string; n: string | number }[]) {
  const n = (k: string) => Number(rows.find((r) => r.rating === k)?.n ?? 0);
  const satisfied = n('satisfied');
  const basic = n('basic');
  const unsatisfied = n('unsatisfied');
  const rated = satisfied + basic + unsatisfied;
  return { rated, satisfied, basic, unsatisfied, rate: rated ? (satisfied + basic) / rated : null };
}
