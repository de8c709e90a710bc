import type { ColumnType, Generated } from 'kysely';

/** An uploaded file: unclaimed (no subject) until a step of a subject's workflow claims it. */
export interface AttachmentTable {
  id: Generated<number>;
  token: string;
  subject_kind: string | null;
  subject_id: number | null;
  /** The timeline entry it came with. */
  entry_id: number | null;
  /** What it shows (report, feedback, visit …). */
  kind: string | null;
  file: string;
  mime: string;
  bytes: number;
  sha256: string;
  uploaded_by: number | null;
  uploaded_at: ColumnType<Date, Date | undefined, never>;
}
