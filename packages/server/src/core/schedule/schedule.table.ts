import type { ColumnType } from 'kysely';

export interface ScheduleClaimTable {
  key: string;
  period: string;
  claimed_at: ColumnType<Date, Date | undefined, never>;
  claimed_by: string | null;
}
