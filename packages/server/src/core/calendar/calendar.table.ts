import type { ColumnType } from 'kysely';

/** One entry of the working-time calendar: a day off or a make-up working day. */
export interface CalendarDayTable {
  /** 'YYYY-MM-DD' (the date type parser returns strings). */
  day: string;
  kind: 'holiday' | 'workday';
  name: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  /** null: shipped with the software (SHIPPED_HOLIDAYS). */
  updated_by: number | null;
}
