import type { ColumnType, Generated } from 'kysely';

/** One step in the history of a subject (a case, a hazard …), whoever took it. */
export interface TimelineEntryTable {
  id: Generated<number>;
  subject_kind: string;
  subject_id: number;
  at: ColumnType<Date, Date | undefined, never>;
  action: string;
  from_state: string | null;
  to_state: string | null;
  actor_id: number | null;
  actor_name: string;
  /** The organisational unit the step concerns (the handling department), if any. */
  unit_id: number | null;
  note: string | null;
  data: ColumnType<unknown, string | null | undefined, string | null>;
}
