import type { ColumnType, GeneratedAlways } from 'kysely';

/**
 * An entry is inserted unsealed (`seq`, `prev_hash` and `hash` null) and sealed later by
 * `sealAudit`, which gives it its chain position and hash; the trigger allows no other update.
 */
export interface AuditLogTable {
  /** Insertion order (identity). */
  id: GeneratedAlways<number>;
  /** Chain position; null until sealed. */
  seq: ColumnType<number | null, never, number>;
  at: Date;
  actor_id: number | null;
  actor_name: string;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  result: string;
  prev_hash: ColumnType<string | null, never, string>;
  hash: ColumnType<string | null, never, string>;
}

export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}
