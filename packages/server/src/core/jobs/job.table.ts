import type { ColumnType } from 'kysely';

/** A background job with progress (imports, re-timing). */
export interface JobTable {
  id: ColumnType<number, never, never>;
  kind: string;
  status: ColumnType<'running' | 'done' | 'failed', 'running' | 'done' | 'failed' | undefined>;
  done: ColumnType<number, number | undefined>;
  total: number | null;
  message: string | null;
  params: ColumnType<unknown, string | null, string | null>;
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_by: number | null;
  started_at: ColumnType<Date, Date | undefined, never>;
  finished_at: Date | null;
}
