import type { ColumnType } from 'kysely';

/**
 * A stage clock of a subject (a case waiting for acceptance, a hazard for rectification …).
 * Each new deadline is a new round (a new stage, a second handling, a deferral); a subject has
 * at most one running clock (`stopped_at` null). Stopped rounds stay: how long each stage took.
 */
export interface ClockTable {
  subject_kind: string;
  subject_id: number;
  stage: string;
  /** Per subject, increasing: reminders are claimed per round. */
  round: number;
  started_at: Date;
  limit_minutes: number;
  /** Natural time (minutes of the clock) instead of working time on the work calendar. */
  natural_time: boolean;
  due_at: Date;
  next_alert_at: Date | null;
  next_alert: string | null;
  /** Stopped for now (挂账): no reminders until it resumes. */
  parked_at: Date | null;
  stopped_at: Date | null;
}

/** A reminder sent: at most one per (clock round, threshold), across restarts and servers. */
export interface ClockReminderTable {
  subject_kind: string;
  subject_id: number;
  round: number;
  threshold: string;
  sent_at: ColumnType<Date, Date | undefined, never>;
}
