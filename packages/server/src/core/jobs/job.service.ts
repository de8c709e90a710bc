import type { Job } from '@wangge/shared';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Principal } from '../access/principal.ts';
import { coversARoot } from '../access/scope.ts';
import type { Actor } from '../audit/audit.service.ts';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { JobTable } from './job.table.ts';

export type JobProgress = (done: number, total: number, message: string) => void;

const WRITE_EVERY_MS = 500;

/**
 * Long-running work (imports) in the background of the server process, with its progress in the
 * `job` table so any client can follow it. One job of a kind at a time.
 */
export class JobService {
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Kysely<DB>) {}

  /** Jobs left "running" by a process that stopped are marked failed. */
  async recover(): Promise<void> {
    await this.db
      .updateTable('job')
      .set({
        status: 'failed',
        error: '服务重启，任务中断；可重新发起（导入可重复执行）',
        finished_at: new Date(),
      })
      .where('status', '=', 'running')
      .execute();
  }

  async start<T>(
    kind: string,
    params: unknown,
    actor: Actor,
    work: (progress: JobProgress) => Promise<T>,
  ): Promise<number> {
    if (this.running.has(kind)) throw new AppError('JOB_RUNNING');
    // Claimed before the first await, so a second start of the same kind is refused at once.
    let release!: () => void;
    this.running.set(kind, new Promise<void>((resolve) => (release = resolve)));
    let row: { id: number };
    try {
      row = await this.db
        .insertInto('job')
        .values({ kind, params: JSON.stringify(params ?? null), created_by: actor.id, message: '排队中' })
        .returning('id')
        .executeTakeFirstOrThrow();
    } catch (err) {
      this.running.delete(kind);
      release();
      throw err;
    }
    let lastWrite = 0;
    let pending: Promise<unknown> = Promise.resolve();
    const progress: JobProgress = (done, total, message) => {
      const now = Date.now();
      if (now - lastWrite < WRITE_EVERY_MS) return;
      lastWrite = now;
      pending = pending.then(() =>
        this.db
          .updateTable('job')
          .set({ done, total: total || null, message })
          .where('id', '=', row.id)
          .execute(),
      );
    };
    const task = (async () => {
      try {
        const result = await work(progress);
        await pending;
        await this.db
          .updateTable('job')
          .set({
            status: 'done',
            done: sql<number>`coalesce(total, done)`,
            result: JSON.stringify(result),
            message: '完成',
            finished_at: new Date(),
          })
          .where('id', '=', row.id)
          .execute();
      } catch (err) {
        await pending.catch(() => undefined);
        // Only our own coded errors are shown; anything else is logged and summarised.
        const message = err instanceof AppError ? err.message : '任务因服务器错误失败，详见服务日志';
        if (!(err instanceof AppError)) console.error(`job ${row.id} (${kind}) failed`, err);
        await this.db
          .updateTable('job')
          .set({ status: 'failed', error: message.slice(0, 1000), finished_at: new Date() })
          .where('id', '=', row.id)
          .execute();
      } finally {
        this.running.delete(kind);
        release();
      }
    })();
    this.running.set(kind, task);
    return row.id;
  }

  isRunning(kind: string): boolean {
    return this.running.has(kind);
  }

  /** Waits for the running job of a kind (tests, shutdown). */
  async settled(kind: string): Promise<void> {
    await this.running.get(kind);
  }

  async get(id: number): Promise<Job> {
    const row = await this.db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '任务不存在');
    return toJob(row);
  }

  /**
   * A job as `principal` may see it. Jobs are deployment-wide work: their starter sees them, and
   * anyone whose scope covers a whole tree.
   */
  async getFor(principal: Principal, id: number): Promise<Job> {
    const row = await this.db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '任务不存在');
    if (row.created_by !== principal.userId && !coversARoot(principal)) throw new AppError('OUT_OF_SCOPE');
    return toJob(row);
  }
}

function toJob(row: Selectable<JobTable>): Job {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    done: row.done,
    total: row.total,
    message: row.message,
    params: row.params ?? null,
    result: row.result ?? null,
    error: row.error,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
