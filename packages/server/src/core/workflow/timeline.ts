import type { Insertable } from 'kysely';
import type { Executor } from '../db/types.ts';
import type { TimelineEntryTable } from './timeline.table.ts';

/** Who a timeline entry names: a user (by display name) or the system (id null). */
export interface EntryActor {
  id: number | null;
  name: string;
}

/** One step to record in a subject's timeline. */
export interface EntryInput {
  action: string;
  from?: string | null;
  to?: string | null;
  unitId?: number | null;
  note?: string | null;
  data?: unknown;
}

/** The row of one entry (for multi-row inserts). */
export function entryRow(
  kind: string,
  subjectId: number,
  actor: EntryActor,
  e: EntryInput,
): Insertable<TimelineEntryTable> {
  return {
    subject_kind: kind,
    subject_id: subjectId,
    action: e.action,
    from_state: e.from ?? null,
    to_state: e.to ?? null,
    actor_id: actor.id,
    actor_name: actor.name,
    unit_id: e.unitId ?? null,
    note: e.note ?? null,
    data: e.data === undefined || e.data === null ? null : JSON.stringify(e.data),
  };
}

/** Records one step; returns the entry's id (attachments hang on it). */
export async function writeEntry(
  db: Executor,
  kind: string,
  subjectId: number,
  actor: EntryActor,
  e: EntryInput,
): Promise<number> {
  const row = await db
    .insertInto('timeline_entry')
    .values(entryRow(kind, subjectId, actor, e))
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records several steps of one or more subjects in one statement. */
export async function writeEntries(
  db: Executor,
  rows: readonly Insertable<TimelineEntryTable>[],
): Promise<void> {
  if (rows.length)
    await db
      .insertInto('timeline_entry')
      .values([...rows])
      .execute();
}
