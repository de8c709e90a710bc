import type { AlertKind } from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import type { DB, Executor } from '../db/types.ts';
import { PeriodicTask } from '../schedule/periodic.ts';
import type { Clocks, DueReminder } from './clocks.ts';
import { nextAlert, passedAlert, thresholds } from './thresholds.ts';

export interface SweepResult {
  examined: number;
  reminders: number;
  escalations: number;
}

const BATCH = 500;

/**
 * The overdue sweep (定时器) of every kind of clock: finds running clocks whose next reminder
 * threshold has passed — through the `next_alert_at` index, so the cost follows the clocks due,
 * not the clocks running — and for each has its kind send the most severe passed reminder once.
 * "Once" is a primary key: (subject, round, threshold) in `clock_reminder`, written in the same
 * transaction as the kind's notifications, so neither a restart nor a second server sends it
 * twice.
 */
export class ClockSweeper {
  private readonly loop: PeriodicTask;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly deps: {
      clocks: Clocks;
      /** Milliseconds between passes, read before every wait (a setting); 60 s by default. */
      every?: () => Promise<number> | number;
      /** More housekeeping after each pass (stale uploads …). */
      after?: () => Promise<unknown>;
      log?: (msg: string, err?: unknown) => void;
    },
  ) {
    this.loop = new PeriodicTask({
      name: 'clock sweep',
      every: async () => (deps.every ? await deps.every() : 60_000),
      firstDelayMs: 1000,
      jitter: 0.1,
      maxBackoffMs: 5 * 60_000,
      log: deps.log,
      run: async () => {
        await this.runOnce();
        await deps.after?.();
      },
    });
  }

  start(): void {
    this.loop.start();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
  }

  /** One pass over everything due at `now`. */
  async runOnce(now: Date = new Date()): Promise<SweepResult> {
    const total: SweepResult = { examined: 0, reminders: 0, escalations: 0 };
    for (;;) {
      const r = await this.db.transaction().execute((trx) => this.batch(trx, now));
      total.examined += r.examined;
      total.reminders += r.reminders;
      total.escalations += r.escalations;
      if (r.examined < BATCH) break;
    }
    return total;
  }

  private async batch(trx: Executor, now: Date): Promise<SweepResult> {
    const { clocks } = this.deps;
    // Only kinds a module has registered (a clock of a kind no longer served is left alone).
    const kinds = clocks.registered.map((k) => k.kind);
    if (!kinds.length) return { examined: 0, reminders: 0, escalations: 0 };
    const rows = await trx
      .selectFrom('clock')
      .select([
        'subject_kind',
        'subject_id',
        'stage',
        'round',
        'started_at',
        'limit_minutes',
        'natural_time',
        'due_at',
      ])
      .where('stopped_at', 'is', null)
      .where('next_alert_at', '<=', now)
      .where('subject_kind', 'in', kinds)
      .orderBy('next_alert_at')
      .limit(BATCH)
      .forUpdate()
      .skipLocked()
      .execute();
    if (!rows.length) return { examined: 0, reminders: 0, escalations: 0 };
    const calendar = await clocks.workCalendar(trx);
    const settings = new Map(
      await Promise.all(
        [...new Set(rows.map((r) => r.subject_kind))].map(
          async (k) => [k, await clocks.kind(k).alerts(trx)] as const,
        ),
      ),
    );
    const plans = rows.map((r) => {
      const list = thresholds(
        calendar,
        { startedAt: r.started_at, limitMinutes: r.limit_minutes, natural: r.natural_time },
        settings.get(r.subject_kind)!,
      );
      return { row: r, passed: passedAlert(list, now), next: nextAlert(list, now) };
    });

    // Claim the reminders: only rows inserted now are sent.
    const wanted = plans.filter((p) => p.passed);
    const claimed = wanted.length
      ? await trx
          .insertInto('clock_reminder')
          .values(
            wanted.map((p) => ({
              subject_kind: p.row.subject_kind,
              subject_id: p.row.subject_id,
              round: p.row.round,
              threshold: p.passed!.kind,
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning(['subject_kind', 'subject_id'])
          .execute()
      : [];
    const claimedKeys = new Set(claimed.map((c) => `${c.subject_kind}:${c.subject_id}`));
    const toSend = wanted.filter((p) => claimedKeys.has(`${p.row.subject_kind}:${p.row.subject_id}`));
    const byKind = new Map<string, DueReminder[]>();
    for (const p of toSend) {
      const list = byKind.get(p.row.subject_kind) ?? [];
      list.push({
        subjectId: p.row.subject_id,
        stage: p.row.stage,
        round: p.row.round,
        threshold: p.passed!.kind as AlertKind,
        dueAt: p.row.due_at,
      });
      byKind.set(p.row.subject_kind, list);
    }
    for (const [kind, due] of byKind) await clocks.kind(kind).remind(trx, due, now);

    // Move every examined clock to its next threshold (or off the sweep's index).
    await sql`update clock set next_alert_at = v.at, next_alert = v.kind
      from (select unnest(${sql.val(plans.map((p) => p.row.subject_kind))}::text[]) as kind_,
                   unnest(${sql.val(plans.map((p) => p.row.subject_id))}::bigint[]) as id,
                   unnest(${sql.val(plans.map((p) => p.row.round))}::integer[]) as round,
                   unnest(${sql.val(plans.map((p) => (p.next ? p.next.at.toISOString() : null)))}::timestamptz[]) as at,
                   unnest(${sql.val(plans.map((p) => p.next?.kind ?? null))}::text[]) as kind) v
      where clock.subject_kind = v.kind_ and clock.subject_id = v.id and clock.round = v.round
        and clock.stopped_at is null`.execute(trx);

    return {
      examined: rows.length,
      reminders: toSend.length,
      escalations: toSend.filter((p) => p.passed!.kind === 'escalate').length,
    };
  }
}
