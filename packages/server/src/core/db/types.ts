import type { Kysely, Transaction } from 'kysely';
import type { AuditHeadTable, AuditLogTable } from '../audit/audit.table.ts';
import type { CalendarDayTable } from '../calendar/calendar.table.ts';
import type { ClockReminderTable, ClockTable } from '../clock/clock.table.ts';
import type { AttachmentTable } from '../files/attachment.table.ts';
import type { JobTable } from '../jobs/job.table.ts';
import type { InboxMessageTable, NotifyTemplateTable, OutboxTable } from '../notify/notify.table.ts';
import type { ScheduleClaimTable } from '../schedule/schedule.table.ts';
import type { TimelineEntryTable } from '../workflow/timeline.table.ts';
import type { SettingTable } from './settings.table.ts';

/**
 * The database schema: the kernel's own tables here; every module adds its tables to this
 * interface from its `*.table.ts` (`declare module '…/core/db/types.ts' { interface DB { … } }`),
 * so the kernel never imports a module.
 */
export interface DB {
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  setting: SettingTable;
  job: JobTable;
  notify_template: NotifyTemplateTable;
  outbox: OutboxTable;
  inbox_message: InboxMessageTable;
  calendar_day: CalendarDayTable;
  schedule_claim: ScheduleClaimTable;
  timeline_entry: TimelineEntryTable;
  attachment: AttachmentTable;
  clock: ClockTable;
  clock_reminder: ClockReminderTable;
}

/** The database or an open transaction: repository functions accept either. */
export type Executor = Kysely<DB> | Transaction<DB>;
