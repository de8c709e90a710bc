import { sql } from 'kysely';
import type { Executor } from '../src/core/db/types.ts';

/**
 * Cases with their running clock in the columns the case row used to carry (stage, stage_seq,
 * stage_started_at, limit_minutes, limit_natural, due_at, next_alert_at, next_alert, parked_at),
 * so tests written against those columns read the kernel's clock table the same way.
 */
export function casesWithClocks(db: Executor) {
  const inner = db
    .selectFrom('cases as c')
    .leftJoin('clock as k', (j) =>
      j.on('k.subject_kind', '=', 'case').onRef('k.subject_id', '=', 'c.id').on('k.stopped_at', 'is', null),
    )
    .selectAll('c')
    .select([
      'k.stage',
      'k.round as stage_seq',
      'k.started_at as stage_started_at',
      'k.limit_minutes',
      sql<boolean>`coalesce(k.natural_time, false)`.as('limit_natural'),
      'k.due_at',
      'k.next_alert_at',
      'k.next_alert',
      'k.parked_at',
    ]);
  return db.selectFrom(inner.as('c'));
}

/** Changes a case's running clock, named by the old case columns. */
export async function setCaseClock(
  db: Executor,
  caseId: number,
  values: {
    stage_seq?: number;
    stage_started_at?: Date;
    due_at?: Date;
    next_alert_at?: Date | null;
    next_alert?: string | null;
  },
): Promise<void> {
  await db
    .updateTable('clock')
    .set({
      ...(values.stage_seq === undefined ? {} : { round: values.stage_seq }),
      ...(values.stage_started_at === undefined ? {} : { started_at: values.stage_started_at }),
      ...(values.due_at === undefined ? {} : { due_at: values.due_at }),
      ...(values.next_alert_at === undefined ? {} : { next_alert_at: values.next_alert_at }),
      ...(values.next_alert === undefined ? {} : { next_alert: values.next_alert }),
    })
    .where('subject_kind', '=', 'case')
    .where('subject_id', '=', caseId)
    .where('stopped_at', 'is', null)
    .execute();
}

/** The reminders claimed for cases, named by the old `case_reminder` columns. */
export function caseReminders(db: Executor) {
  return db
    .selectFrom('clock_reminder')
    .select(['subject_id as case_id', 'round as stage_seq', 'threshold', 'sent_at'])
    .where('subject_kind', '=', 'case');
}
