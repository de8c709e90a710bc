import type { CaseState, RequestKind, Urgency } from '@wangge/shared';
import { sql, type Selectable, type Updateable } from 'kysely';
import type { CalendarService } from '../../core/calendar/calendar.service.ts';
import type { Executor } from '../../core/db/types.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { dueAt, nextAlert, thresholds, type Clock } from './case.clock.ts';
import { stageOf } from './case.machine.ts';
import type { CasesTable } from './case.table.ts';

type CaseRow = Selectable<CasesTable>;

/**
 * The clocks of cases, kept on the case row: the stage clock a state starts (limit from the
 * category and urgency, deadline and next reminder on the work calendar), parking and deferral,
 * and the re-timing of every running clock after a calendar change.
 */
export class CaseClocks {
  constructor(private readonly deps: { config: CaseConfigService; calendar: CalendarService }) {}

  /** The clock columns for a case entering `state` at `now` (a new clock when the stage starts). */
  async columns(
    db: Executor,
    c: { category_id: number; urgency: string; stage: string | null; stage_seq: number },
    state: CaseState,
    now: Date,
    restart = false,
  ): Promise<Partial<Updateable<CasesTable>>> {
    const stage = stageOf(state);
    if (stage === null) {
      return {
        stage: null,
        stage_started_at: null,
        limit_minutes: null,
        due_at: null,
        next_alert_at: null,
        next_alert: null,
      };
    }
    if (stage === c.stage && !restart) return {};
    const [limit, calendar, settings] = await Promise.all([
      this.deps.config.limitFor(c.category_id, c.urgency as Urgency, stage, db),
      this.deps.calendar.get(db),
      this.deps.config.settings(db),
    ]);
    const clock = { startedAt: now, limitMinutes: limit.minutes, natural: limit.natural };
    const next = nextAlert(thresholds(calendar, clock, settings), now);
    return {
      stage,
      stage_seq: c.stage_seq + 1,
      stage_started_at: now,
      limit_minutes: limit.minutes,
      limit_natural: limit.natural,
      due_at: dueAt(calendar, clock),
      next_alert_at: next?.at ?? null,
      next_alert: next?.kind ?? null,
    };
  }

  async applyRequest(
    trx: Executor,
    row: CaseRow,
    kind: RequestKind,
    extraMinutes: number | null,
    now: Date,
  ): Promise<Partial<Updateable<CasesTable>>> {
    const calendar = await this.deps.calendar.get(trx);
    const settings = await this.deps.config.settings(trx);
    if (kind === 'park') {
      // The clock stops: no reminders while parked.
      return { parked_at: now, next_alert_at: null, next_alert: null, updated_at: now };
    }
    let limit = row.limit_minutes ?? 0;
    if (kind === 'unpark' && row.parked_at) {
      // Time spent parked does not count: the limit grows by it.
      const parked = row.limit_natural
        ? (now.getTime() - row.parked_at.getTime()) / 60000
        : calendar.workingMinutesBetween(row.parked_at, now);
      limit += Math.ceil(parked);
    }
    if (kind === 'defer') limit += extraMinutes ?? 0;
    const clock = { startedAt: row.stage_started_at!, limitMinutes: limit, natural: row.limit_natural };
    const next = nextAlert(thresholds(calendar, clock, settings), now);
    return {
      limit_minutes: limit,
      due_at: dueAt(calendar, clock),
      // A new deadline is a new clock for reminders: its thresholds may fire again.
      stage_seq: row.stage_seq + 1,
      next_alert_at: kind === 'defer' && row.parked_at ? null : (next?.at ?? null),
      next_alert: kind === 'defer' && row.parked_at ? null : (next?.kind ?? null),
      ...(kind === 'unpark' ? { parked_at: null } : {}),
      ...(kind === 'defer' ? { deferred: true } : {}),
      updated_at: now,
    };
  }

  /** The running clocks `retimeClocks` goes through (natural-time ones only with `natural`). */
  private runningClocks(db: Executor, natural = false) {
    return db
      .selectFrom('cases')
      .where('stage', 'is not', null)
      .$if(!natural, (qb) => qb.where('limit_natural', '=', false))
      .where('parked_at', 'is', null);
  }

  async countRunningClocks(db: Executor, opts: { natural?: boolean } = {}): Promise<number> {
    const row = await this.runningClocks(db, opts.natural)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * After a calendar change: the deadline and next reminder of every running working-time clock,
   * recomputed on the new calendar (natural-time clocks only with `natural`; parked clocks stay
   * stopped). The next reminder is the first threshold not yet sent for the clock; if it has
   * already passed, the next sweep sends it.
   *
   * In batches of `batchSize` by id, each written by one statement of its own: a clock that
   * changed after its batch was read (a transition, a deferral, a parking; or another re-timing)
   * is left as that change left it. `onBatch` hears how many clocks each batch went through, and
   * `stop` ends the pass between batches. Returns how many clocks were re-timed.
   */
  async retimeClocks(
    db: Executor,
    calendar: Clock,
    opts: {
      natural?: boolean;
      batchSize?: number;
      onBatch?: (clocks: number) => Promise<void> | void;
      /** Hears each batch's ids between reading and writing them (tests interleave a change). */
      afterRead?: (ids: number[]) => Promise<void>;
      stop?: () => boolean;
    } = {},
  ): Promise<number> {
    const settings = await this.deps.config.settings(db);
    let after = 0;
    let total = 0;
    while (!opts.stop?.()) {
      const rows = await this.runningClocks(db, opts.natural)
        .select(['id', 'stage_seq', 'stage_started_at', 'limit_minutes', 'limit_natural'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(opts.batchSize ?? 2000)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      const sent = await db
        .selectFrom('case_reminder')
        .select(['case_id', 'stage_seq', 'threshold'])
        .where(
          'case_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const sentKeys = new Set(sent.map((r) => `${r.case_id}:${r.stage_seq}:${r.threshold}`));
      const plans = rows
        .filter((r) => r.stage_started_at && r.limit_minutes !== null)
        .map((r) => {
          const clock = {
            startedAt: r.stage_started_at!,
            limitMinutes: r.limit_minutes!,
            natural: r.limit_natural,
          };
          const next = thresholds(calendar, clock, settings).find(
            (t) => !sentKeys.has(`${r.id}:${r.stage_seq}:${t.kind}`),
          );
          return { row: r, due: dueAt(calendar, clock), next: next ?? null };
        });
      await opts.afterRead?.(rows.map((r) => r.id));
      let retimed = 0;
      if (plans.length) {
        // Only clocks still as they were read: same stage round, start and limit, not parked.
        const result = await sql`update cases set due_at = v.due, next_alert_at = v.at, next_alert = v.kind
          from (select unnest(${sql.val(plans.map((p) => p.row.id))}::bigint[]) as id,
                       unnest(${sql.val(plans.map((p) => p.row.stage_seq))}::integer[]) as seq,
                       unnest(${sql.val(plans.map((p) => p.row.stage_started_at!.toISOString()))}::timestamptz[]) as started,
                       unnest(${sql.val(plans.map((p) => p.row.limit_minutes))}::integer[]) as limit_minutes,
                       unnest(${sql.val(plans.map((p) => p.due.toISOString()))}::timestamptz[]) as due,
                       unnest(${sql.val(plans.map((p) => (p.next ? p.next.at.toISOString() : null)))}::timestamptz[]) as at,
                       unnest(${sql.val(plans.map((p) => p.next?.kind ?? null))}::text[]) as kind) v
          where cases.id = v.id and cases.stage_seq = v.seq and cases.stage_started_at = v.started
            and cases.limit_minutes = v.limit_minutes and cases.stage is not null and cases.parked_at is null`.execute(
          db,
        );
        retimed = Number(result.numAffectedRows ?? 0);
      }
      total += retimed;
      await opts.onBatch?.(rows.length);
    }
    return total;
  }
}
