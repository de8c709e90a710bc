import type { Kysely } from 'kysely';
import type { DB } from '../../core/db/types.ts';

interface Waiting<P, R> {
  plan: P;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for case intake. Reports that arrive while earlier ones are being written wait
 * here and are then written together, atomically, with multi-row inserts, so a burst costs a
 * few statements and one commit instead of a dozen statements and a commit per case.
 * A lone report is written after one turn of the event loop, alone: the queue adds no waiting
 * for company when there is no load.
 *
 * Each report stays all-or-nothing: if a batch fails, its reports are written again one by
 * one, so one bad report (a photo token used twice, say) fails
 * alone and the others commit.
 */
export class IntakeQueue<P, R> {
  private readonly waiting: Waiting<P, R>[] = [];
  private running = 0;
  private scheduled = false;
  /** Transactions committed and the reports in them. */
  readonly stats = { batches: 0, reports: 0, largest: 0 };

  constructor(
    private readonly db: Kysely<DB>,
    /** Writes the batch atomically (one statement, or a transaction of its own). */
    private readonly write: (db: Kysely<DB>, plans: readonly P[]) => Promise<R[]>,
    /** Batches written at the same time (connections they may hold). */
    private readonly concurrency: number,
    private readonly maxBatch = 100,
  ) {}

  submit(plan: P): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ plan, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Starts the next batches after the requests already received have had their turn: on the
   * embedded database a query completes without waiting for I/O, so without this step one
   * request would run from start to answer before the next is even read, and nothing would ever
   * be grouped. It costs one turn of the event loop.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.running++;
      void this.run(batch).finally(() => {
        this.running--;
        if (this.waiting.length) this.schedule();
      });
    }
  }

  private async run(batch: Waiting<P, R>[]): Promise<void> {
    try {
      const results = await this.write(
        this.db,
        batch.map((w) => w.plan),
      );
      this.stats.batches++;
      this.stats.reports += batch.length;
      this.stats.largest = Math.max(this.stats.largest, batch.length);
      batch.forEach((w, i) => w.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const w of batch) {
        try {
          const [result] = await this.write(this.db, [w.plan]);
          this.stats.batches++;
          this.stats.reports++;
          this.stats.largest = Math.max(this.stats.largest, 1);
          w.resolve(result!);
        } catch (one) {
          w.reject(one);
        }
      }
    }
  }
}
