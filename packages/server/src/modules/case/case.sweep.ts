import { ALERT_KINDS, CASE_STAGES, type AlertKind, type CaseStage } from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../core/audit/audit.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import type { NotifyMessage, NotifyRecipient } from '../../core/notify/notify.service.ts';
import type { CalendarService } from '../../core/calendar/calendar.service.ts';
import type { NotifyService } from '../../core/notify/notify.service.ts';
import { nextAlert, passedAlert, thresholds } from './case.clock.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { fmtTime } from './case.format.ts';
import { CASE } from './case.machine.ts';
import type { Cases } from './cases.ts';
import { entryRow, writeEntries } from '../../core/workflow/timeline.ts';
import { PeriodicTask } from '../../core/schedule/periodic.ts';

export interface SweepResult {
  examined: number;
  reminders: number;
  escalations: number;
}

const BATCH = 500;

/**
 * The overdue sweep (定时器): finds cases whose next reminder threshold has passed — through the
 * `next_alert_at` index, so the cost follows the cases due, not the cases open — and for each sends
 * the most severe passed reminder once. "Once" is a primary key: (case, clock round, threshold) in
 * `case_reminder`, written in the same transaction as the notifications, so neither a restart nor
 * a second instance can send it twice.
 */
export class CaseSweeper {
  private readonly loop: PeriodicTask;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly deps: {
      calendar: CalendarService;
      notify: NotifyService;
      config: CaseConfigService;
      cases: Cases;
      timeZone: string;
      log?: (msg: string, err?: unknown) => void;
    },
  ) {
    this.loop = new PeriodicTask({
      name: 'case sweep',
      // The interval is a case setting, read before every wait.
      every: async () => (await this.deps.config.settings()).sweepSeconds * 1000,
      firstDelayMs: 1000,
      jitter: 0.1,
      maxBackoffMs: 5 * 60_000,
      log: this.deps.log,
      run: async () => {
        await this.runOnce();
        await this.deps.cases.photos.purgeStale();
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
    const rows = await trx
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .select([
        'c.id',
        'c.number',
        'c.title',
        'c.category_id',
        'c.grid_id',
        'g.path as grid_path',
        'c.department_id',
        'c.state',
        'c.stage',
        'c.stage_seq',
        'c.stage_started_at',
        'c.limit_minutes',
        'c.limit_natural',
        'c.due_at',
      ])
      .where('c.next_alert_at', '<=', now)
      .orderBy('c.next_alert_at')
      .limit(BATCH)
      .forUpdate('c')
      .skipLocked()
      .execute();
    if (!rows.length) return { examined: 0, reminders: 0, escalations: 0 };
    const [calendar, settings] = await Promise.all([
      this.deps.calendar.get(trx),
      this.deps.config.settings(trx),
    ]);

    const plans = rows.map((r) => {
      if (!r.stage || !r.stage_started_at || r.limit_minutes === null) {
        return { row: r, passed: null, next: null };
      }
      const list = thresholds(
        calendar,
        { startedAt: r.stage_started_at, limitMinutes: r.limit_minutes, natural: r.limit_natural },
        settings,
      );
      return { row: r, passed: passedAlert(list, now), next: nextAlert(list, now) };
    });

    // Claim the reminders: only rows inserted now are sent.
    const wanted = plans.filter((p) => p.passed);
    const claimed = wanted.length
      ? await trx
          .insertInto('case_reminder')
          .values(
            wanted.map((p) => ({ case_id: p.row.id, stage_seq: p.row.stage_seq, threshold: p.passed!.kind })),
          )
          .onConflict((oc) => oc.doNothing())
          .returning(['case_id'])
          .execute()
      : [];
    const claimedIds = new Set(claimed.map((c) => c.case_id));
    const toSend = wanted.filter((p) => claimedIds.has(p.row.id));

    if (toSend.length) {
      await writeEntries(
        trx,
        toSend.map((p) =>
          entryRow(
            CASE,
            p.row.id,
            { id: null, name: SYSTEM_ACTOR.name },
            {
              action: p.passed!.kind === 'escalate' ? 'escalate' : 'remind',
              unitId: p.row.department_id,
              note: `${CASE_STAGES[p.row.stage as CaseStage].zh}${ALERT_KINDS[p.passed!.kind].zh}`,
              data: { threshold: p.passed!.kind, stage: p.row.stage, dueAt: p.row.due_at },
            },
          ),
        ),
      );
      // Recipients repeat across a batch (one department, one grid's chief): look each up once.
      const recipientCache = new Map<string, Promise<NotifyRecipient[]>>();
      const messages: NotifyMessage[] = [];
      for (const p of toSend) {
        const kind = p.passed!.kind;
        const to = await this.recipients(trx, p.row, kind, recipientCache);
        if (!to.length) continue;
        messages.push({
          template: kind === 'warn' ? 'case.warn' : kind === 'overdue' ? 'case.overdue' : 'case.escalate',
          to,
          caseId: p.row.id,
          link: `/cases/${p.row.id}`,
          data: {
            number: p.row.number,
            title: p.row.title,
            stage: CASE_STAGES[p.row.stage as CaseStage].zh,
            dueAt: fmtTime(p.row.due_at, this.deps.timeZone),
            link: `/cases/${p.row.id}`,
          },
        });
      }
      await this.deps.notify.enqueueMany(trx, messages);
    }

    // Move every examined case to its next threshold (or off the sweep's index).
    await sql`update cases set next_alert_at = v.at, next_alert = v.kind
      from (select unnest(${sql.val(plans.map((p) => p.row.id))}::bigint[]) as id,
                   unnest(${sql.val(plans.map((p) => (p.next ? p.next.at.toISOString() : null)))}::timestamptz[]) as at,
                   unnest(${sql.val(plans.map((p) => p.next?.kind ?? null))}::text[]) as kind) v
      where cases.id = v.id`.execute(trx);

    return {
      examined: rows.length,
      reminders: toSend.length,
      escalations: toSend.filter((p) => p.passed!.kind === 'escalate').length,
    };
  }

  /** Department staff for the acceptance and feedback clocks, the social workers for the visit clock, the chief above on escalation. */
  private recipients(
    trx: Executor,
    row: { department_id: number | null; stage: string | null; grid_path: string },
    kind: AlertKind,
    cache: Map<string, Promise<NotifyRecipient[]>>,
  ): Promise<NotifyRecipient[]> {
    const key =
      kind === 'escalate'
        ? `chief:${row.grid_path}`
        : row.stage === 'visit'
          ? `visit:${row.grid_path}`
          : `dept:${row.department_id}`;
    let hit = cache.get(key);
    if (!hit) {
      hit =
        kind === 'escalate'
          ? this.deps.cases.people.chiefAbove(trx, row.grid_path)
          : row.stage === 'visit'
            ? this.deps.cases.people.nearestUsers(trx, 'case.visit', row.grid_path)
            : row.department_id === null
              ? Promise.resolve([])
              : this.deps.cases.people.departmentStaff(trx, row.department_id);
      cache.set(key, hit);
    }
    return hit;
  }
}
