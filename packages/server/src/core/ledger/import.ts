import type { Kysely } from 'kysely';
import type { DB, Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { JobProgress } from '../jobs/job.service.ts';
import {
  CellError,
  readLedger,
  writeLedger,
  type CellValue,
  type LedgerDef,
  type ReadRow,
} from './ledger.ts';

/** How a ledger is imported: its columns, its natural key, the checks and the writes of a batch. */
export interface LedgerImport {
  def: LedgerDef<unknown>;
  /** The natural key of a row: a re-import updates the same record; a file may hold a key once. */
  key(fields: Record<string, unknown>): string;
  /**
   * Checks a batch of rows against the database (references by code, scope …): adds to
   * `row.errors`. Rows with bad cells come too (every problem of a row is reported at once):
   * a field whose cell was bad is absent from `fields`.
   */
  check?(db: Executor, rows: ReadRow[]): Promise<void>;
  /** Writes a batch of good rows in its transaction, idempotently on the natural key. */
  write(trx: Executor, rows: ReadRow[]): Promise<WriteCounts>;
  batchSize?: number;
}

export interface WriteCounts {
  created: number;
  updated: number;
  unchanged: number;
}

export interface RowProblem {
  line: number;
  column: string | null;
  message: string;
}

export interface DryRunResult {
  total: number;
  valid: number;
  /** The first 200 problems (all of them are in the error file). */
  errors: RowProblem[];
  errorCount: number;
}

const SHOWN = 200;

/**
 * Reads the file and checks every row (cells, duplicates within the file, the database checks):
 * first the header's cells, then the rows batch by batch with their problems. Writes nothing;
 * holds one batch at a time.
 */
async function* checkedBatches(
  db: Executor,
  spec: LedgerImport,
  input: Buffer,
): AsyncGenerator<{ header: CellValue[] } | ReadRow[]> {
  const seen = new Map<string, number>();
  let batch: ReadRow[] = [];
  const reading = readLedger(spec.def, input);
  for (;;) {
    let next: IteratorResult<Awaited<ReturnType<typeof reading.next>>['value']>;
    try {
      next = await reading.next();
    } catch (err) {
      throw fileError(err);
    }
    if (next.done) break;
    const item = next.value;
    if ('header' in item) {
      yield { header: item.header };
      continue;
    }
    if (!item.errors.length) {
      const key = spec.key(item.fields);
      const first = seen.get(key);
      if (first !== undefined) item.errors.push({ key: '', message: `与第 ${first} 行重复` });
      else seen.set(key, item.line);
    }
    batch.push(item);
    if (batch.length >= (spec.batchSize ?? 1000)) {
      await spec.check?.(db, batch);
      yield batch;
      batch = [];
    }
  }
  if (batch.length) {
    await spec.check?.(db, batch);
    yield batch;
  }
}

/** What the reader found wrong with the file itself, as the user should hear it. */
function fileError(err: unknown): AppError {
  if (err instanceof CellError) return new AppError('VALIDATION_FAILED', err.message, { file: err.message });
  if (err instanceof AppError) return err;
  return new AppError('INVALID_UPLOAD', '无法读取该文件：请上传 Excel（.xlsx）文件', {
    file: '文件无法读取',
  });
}

function problemsOf(spec: LedgerImport, row: ReadRow): RowProblem[] {
  return row.errors.map((e) => ({
    line: row.line,
    column: spec.def.columns.find((c) => c.key === e.key)?.zh ?? null,
    message: e.message,
  }));
}

/** A dry run: every bad row with its reasons, nothing written. */
export async function dryRunLedger(db: Executor, spec: LedgerImport, input: Buffer): Promise<DryRunResult> {
  const result: DryRunResult = { total: 0, valid: 0, errors: [], errorCount: 0 };
  for await (const rows of checkedBatches(db, spec, input)) {
    if (!Array.isArray(rows)) continue;
    for (const row of rows) {
      result.total += 1;
      if (!row.errors.length) result.valid += 1;
      const problems = problemsOf(spec, row);
      result.errorCount += problems.length;
      for (const p of problems) if (result.errors.length < SHOWN) result.errors.push(p);
    }
  }
  return result;
}

/** The uploaded rows as they were, with an error column added (empty for good rows); streamed. */
export async function errorWorkbook(db: Executor, spec: LedgerImport, input: Buffer): Promise<Buffer> {
  const batches = checkedBatches(db, spec, input);
  // The header comes first (a file without one is refused by the reader).
  const first = await batches.next();
  const header = first.done || Array.isArray(first.value) ? [] : first.value.header;
  type Marked = { cells: CellValue[]; errors: string };
  async function* marked(): AsyncGenerator<Marked> {
    for await (const rows of batches) {
      if (!Array.isArray(rows)) continue;
      for (const row of rows) yield { cells: row.cells, errors: row.errors.map((e) => e.message).join('；') };
    }
  }
  const columns = header.map((h, i) => ({
    key: `c${i}`,
    zh: String(h ?? ''),
    en: String(h ?? ''),
    format: 'text' as const,
    value: (r: Marked) => r.cells[i] ?? null,
  }));
  return writeLedger({ sheet: spec.def.sheet, columns }, marked(), {
    extra: { header: '错误原因', width: 40, value: (r) => r.errors || null },
  });
}

/**
 * Imports a checked file: first every row is checked (a file with a bad row is refused whole,
 * with its problems), then written batch by batch, each batch in one transaction, idempotently
 * on the natural key; `progress` hears the rows written.
 */
export async function commitLedger(
  db: Kysely<DB>,
  spec: LedgerImport,
  input: Buffer,
  progress: JobProgress = () => undefined,
): Promise<WriteCounts & { total: number }> {
  const dry = await dryRunLedger(db, spec, input);
  if (dry.errorCount) {
    throw new AppError(
      'VALIDATION_FAILED',
      `有 ${dry.total - dry.valid} 行不能导入（${dry.errors[0]!.line} 行：${dry.errors[0]!.message}），请先改正`,
      { file: '存在错误行' },
    );
  }
  const counts = { total: dry.total, created: 0, updated: 0, unchanged: 0 };
  let done = 0;
  progress(0, dry.total, '开始导入');
  for await (const rows of checkedBatches(db, spec, input)) {
    if (!Array.isArray(rows)) continue;
    // A row that changed meanwhile (a code closed since the check) stops the import here: the
    // batches written stay, this one is not written.
    const bad = rows.find((r) => r.errors.length);
    if (bad) throw new AppError('VALIDATION_FAILED', `第 ${bad.line} 行：${bad.errors[0]!.message}`);
    const written = await db.transaction().execute((trx) => spec.write(trx, rows));
    counts.created += written.created;
    counts.updated += written.updated;
    counts.unchanged += written.unchanged;
    done += rows.length;
    progress(done, dry.total, `已导入 ${done} / ${dry.total} 行`);
  }
  return counts;
}
