import type { AlertKind } from '@wangge/shared';
import { sql, type ExpressionBuilder, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { CalendarService } from '../calendar/calendar.service.ts';
import type { WorkCalendar } from '../calendar/work-calendar.ts';
import type { DB, Executor } from '../db/types.ts';
import type { ClockTable } from './clock.table.ts';
import { dueAt, nextAlert, thresholds, type AlertSettings, type Clock } from './thresholds.ts';

export type ClockRow = Selectable<ClockTable>;

/** Whose clock: a subject kind and id. */
export interface ClockSubject {
  kind: string;
  id: number;
}

/** A stage's time limit: minutes of working time on the work calendar, or natural minutes. */
export interface ClockLimit {
  minutes: number;
  natural: boolean;
}

/** A reminder the sweep claimed, for the kind to send. */
export interface DueReminder {
  subjectId: number;
  stage: string;
  round: number;
  threshold: AlertKind;
  dueAt: Date;
}

/** What a kind of subject with clocks declares: its reminder thresholds and how it sends them. */
export interface ClockKind {
  kind: string;
  /** The reminder thresholds (fractions of the limit) of this kind's clocks. */
  alerts(db: Executor): Promise<AlertSettings>;
  /** Sends reminders the sweep has claimed, in the sweep's transaction (`now`: the sweep's time). */
  remind(trx: Executor, due: readonly DueReminder[], now: Date): Promise<void>;
}

/**
 * Stage clocks for every kind of subject, in one table: start (a new round, the running one
 * stopping), stop, park and resume, extend; the deadline and the reminder thresholds on the work
 * calendar. `sweep.ts` sends the reminders, `retimer.ts` follows calendar changes.
 */
export class Clocks {
  private readonly kinds = new Map<string, ClockKind>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly calendar: CalendarService,
  ) {}

  /** Declares a kind of subject whose clocks the sweep and the re-timer look after. */
  register(kind: ClockKind): void {
    if (this.kinds.has(kind.kind)) throw new Error(`clock kind ${kind.kind} registered twice`);
    this.kinds.set(kind.kind, kind);
  }

  kind(name: string): ClockKind {
    const k = this.kinds.get(name);
    if (!k) throw new Error(`no clock kind ${name}`);
    return k;
  }

  get registered(): readonly ClockKind[] {
    return [...this.kinds.values()];
  }

  /**
   * The row of a new clock of `stage` started at `now` (round given; not written): the deadline
   * and first reminder on the current calendar. Intake writes such rows in its own statement.
   */
  async plan(
    db: Executor,
    subject: ClockSubject,
    stage: string,
    limit: ClockLimit,
    now: Date,
    round: number,
  ): Promise<Insertable<ClockTable>> {
    const [calendar, alerts] = await Promise.all([this.calendar.get(db), this.kind(subject.kind).alerts(db)]);
    const clock = { startedAt: now, limitMinutes: limit.minutes, natural: limit.natural };
    const next = nextAlert(thresholds(calendar, clock, alerts), now);
    return {
      subject_kind: subject.kind,
      subject_id: subject.id,
      stage,
      round,
      started_at: now,
      limit_minutes: limit.minutes,
      natural_time: limit.natural,
      due_at: dueAt(calendar, clock),
      next_alert_at: next?.at ?? null,
      next_alert: next?.kind ?? null,
      parked_at: null,
      stopped_at: null,
    };
  }

  /** Starts a new round of `stage` at `now`; the running clock, if any, stops. */
  async start(
    trx: Executor,
    subject: ClockSubject,
    stage: string,
    limit: ClockLimit,
    now: Date,
  ): Promise<ClockRow> {
    await this.stop(trx, subject, now);
    const round = await this.nextRound(trx, subject);
    const row = await this.plan(trx, subject, stage, limit, now, round);
    return trx.insertInto('clock').values(row).returningAll().executeTakeFirstOrThrow();
  }

  /** Stops the running clock (no more reminders); it stays as history. */
  async stop(trx: Executor, subject: ClockSubject, now: Date): Promise<void> {
    await trx
      .updateTable('clock')
      .set({ stopped_at: now, next_alert_at: null, next_alert: null })
      .where(runningOf(subject))
      .execute();
  }

  /** The running clock of a subject, or null. */
  async running(
    db: Executor,
    subject: ClockSubject,
    opts: { lock?: boolean } = {},
  ): Promise<ClockRow | null> {
    const row = await db
      .selectFrom('clock')
      .selectAll()
      .where(runningOf(subject))
      .$if(Boolean(opts.lock), (q) => q.forUpdate())
      .executeTakeFirst();
    return row ?? null;
  }

  /** Parks the running clock (挂账): no reminders until it resumes. */
  async park(trx: Executor, subject: ClockSubject, now: Date): Promise<void> {
    await trx
      .updateTable('clock')
      .set({ parked_at: now, next_alert_at: null, next_alert: null })
      .where(runningOf(subject))
      .execute();
  }

  /**
   * A new deadline for the running stage, as a new round with the same start: `addMinutes` more
   * (a deferral), and with `resume` the time spent parked added and the clock running again.
   * A new round is a new clock for reminders: its thresholds may fire again.
   */
  async extend(
    trx: Executor,
    subject: ClockSubject,
    change: { addMinutes?: number; resume?: boolean },
    now: Date,
  ): Promise<ClockRow | null> {
    const current = await this.running(trx, subject, { lock: true });
    if (!current) return null;
    const [calendar, alerts] = await Promise.all([
      this.calendar.get(trx),
      this.kind(subject.kind).alerts(trx),
    ]);
    let limit = current.limit_minutes + (change.addMinutes ?? 0);
    if (change.resume && current.parked_at) {
      // Time spent parked does not count: the limit grows by it.
      const parked = current.natural_time
        ? (now.getTime() - current.parked_at.getTime()) / 60000
        : calendar.workingMinutesBetween(current.parked_at, now);
      limit += Math.ceil(parked);
    }
    const parkedAt = change.resume ? null : current.parked_at;
    const clock = { startedAt: current.started_at, limitMinutes: limit, natural: current.natural_time };
    const next = parkedAt ? null : nextAlert(thresholds(calendar, clock, alerts), now);
    await this.stop(trx, subject, now);
    return trx
      .insertInto('clock')
      .values({
        ...current,
        round: await this.nextRound(trx, subject),
        limit_minutes: limit,
        due_at: dueAt(calendar, clock),
        next_alert_at: next?.at ?? null,
        next_alert: next?.kind ?? null,
        parked_at: parkedAt,
        stopped_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Running clocks the re-timer goes through (natural-time ones only with `natural`; parked ones stay stopped). */
  private retimable(db: Executor, natural = false) {
    return db
      .selectFrom('clock')
      .where('stopped_at', 'is', null)
      .where('parked_at', 'is', null)
      .$if(!natural, (qb) => qb.where('natural_time', '=', false));
  }

  async countRunning(db: Executor, opts: { natural?: boolean } = {}): Promise<number> {
    const row = await this.retimable(db, opts.natural)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * After a calendar change: the deadline and next reminder of every running working-time clock,
   * recomputed on the new calendar (natural-time clocks only with `natural`; parked clocks stay
   * stopped). The next reminder is the first threshold not yet sent for the round; if it has
   * already passed, the next sweep sends it.
   *
   * In batches of `batchSize`, each written by one statement of its own: a clock that changed
   * after its batch was read (a transition, a deferral, a parking; or another re-timing) is left
   * as that change left it. `onBatch` hears how many clocks each batch went through, and `stop`
   * ends the pass between batches. Returns how many clocks were re-timed.
   */
  async retime(
    db: Executor,
    calendar: Clock,
    opts: {
      natural?: boolean;
      batchSize?: number;
      onBatch?: (clocks: number) => Promise<void> | void;
      /** Hears each batch's subject ids between reading and writing them (tests interleave a change). */
      afterRead?: (ids: number[]) => Promise<void>;
      stop?: () => boolean;
    } = {},
  ): Promise<number> {
    const alerts = new Map<string, AlertSettings>();
    for (const k of this.kinds.values()) alerts.set(k.kind, await k.alerts(db));
    let after: [string, number] = ['', 0];
    let total = 0;
    while (!opts.stop?.()) {
      const rows = await this.retimable(db, opts.natural)
        .select(['subject_kind', 'subject_id', 'round', 'started_at', 'limit_minutes', 'natural_time'])
        .where(sql<boolean>`(subject_kind, subject_id) > (${after[0]}, ${after[1]})`)
        .orderBy('subject_kind')
        .orderBy('subject_id')
        .limit(opts.batchSize ?? 2000)
        .execute();
      if (!rows.length) break;
      const last = rows[rows.length - 1]!;
      after = [last.subject_kind, last.subject_id];
      const sent = await db
        .selectFrom('clock_reminder as r')
        .select(['r.subject_kind', 'r.subject_id', 'r.round', 'r.threshold'])
        .where(
          sql<boolean>`(r.subject_kind, r.subject_id, r.round) in (select * from unnest(
            ${sql.val(rows.map((r) => r.subject_kind))}::text[],
            ${sql.val(rows.map((r) => r.subject_id))}::bigint[],
            ${sql.val(rows.map((r) => r.round))}::integer[]))`,
        )
        .execute();
      const sentKeys = new Set(
        sent.map((r) => `${r.subject_kind}:${r.subject_id}:${r.round}:${r.threshold}`),
      );
      const plans = rows.map((r) => {
        const clock = { startedAt: r.started_at, limitMinutes: r.limit_minutes, natural: r.natural_time };
        const kindAlerts = alerts.get(r.subject_kind) ?? { warnFraction: null, escalateFraction: null };
        const next = thresholds(calendar, clock, kindAlerts).find(
          (t) => !sentKeys.has(`${r.subject_kind}:${r.subject_id}:${r.round}:${t.kind}`),
        );
        return { row: r, due: dueAt(calendar, clock), next: next ?? null };
      });
      await opts.afterRead?.(rows.map((r) => r.subject_id));
      // Only clocks still as they were read: same round, start and limit, running, not parked.
      const result = await sql`update clock set due_at = v.due, next_alert_at = v.at, next_alert = v.kind
        from (select unnest(${sql.val(plans.map((p) => p.row.subject_kind))}::text[]) as kind_,
                     unnest(${sql.val(plans.map((p) => p.row.subject_id))}::bigint[]) as id,
                     unnest(${sql.val(plans.map((p) => p.row.round))}::integer[]) as round,
                     unnest(${sql.val(plans.map((p) => p.row.started_at.toISOString()))}::timestamptz[]) as started,
                     unnest(${sql.val(plans.map((p) => p.row.limit_minutes))}::integer[]) as limit_minutes,
                     unnest(${sql.val(plans.map((p) => p.due.toISOString()))}::timestamptz[]) as due,
                     unnest(${sql.val(plans.map((p) => (p.next ? p.next.at.toISOString() : null)))}::timestamptz[]) as at,
                     unnest(${sql.val(plans.map((p) => p.next?.kind ?? null))}::text[]) as kind) v
        where clock.subject_kind = v.kind_ and clock.subject_id = v.id and clock.round = v.round
          and clock.started_at = v.started and clock.limit_minutes = v.limit_minutes
          and clock.stopped_at is null and clock.parked_at is null`.execute(db);
      total += Number(result.numAffectedRows ?? 0);
      await opts.onBatch?.(rows.length);
    }
    return total;
  }

  /** The work calendar clocks run on now. */
  workCalendar(db: Executor = this.db): Promise<WorkCalendar> {
    return this.calendar.get(db);
  }

  /** The next round of a subject: past every clock and every reminder claimed for it. */
  private async nextRound(db: Executor, subject: ClockSubject): Promise<number> {
    const { rows } = await sql<{ n: number }>`select greatest(
        coalesce((select max(round) from clock where subject_kind = ${subject.kind} and subject_id = ${subject.id}), 0),
        coalesce((select max(round) from clock_reminder
                   where subject_kind = ${subject.kind} and subject_id = ${subject.id}), 0)) + 1 as n`.execute(
      db,
    );
    return Number(rows[0]!.n);
  }
}

/** The running clock of a subject, as a condition. */
function runningOf(subject: ClockSubject) {
  return (eb: ExpressionBuilder<DB, 'clock'>) =>
    eb.and([
      eb('subject_kind', '=', subject.kind),
      eb('subject_id', '=', subject.id),
      eb('stopped_at', 'is', null),
    ]);
}
