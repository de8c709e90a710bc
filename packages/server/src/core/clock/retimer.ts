import type { CalendarRetime } from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Actor } from '../../core/audit/audit.service.ts';
import type { CalendarService } from '../../core/calendar/calendar.service.ts';
import type { DB } from '../../core/db/types.ts';
import type { JobService } from '../../core/jobs/job.service.ts';
import type { Clocks } from './clocks.ts';
import { PeriodicTask } from '../../core/schedule/periodic.ts';

/** The calendar generation whose re-timing last went through every running clock. */
const RETIMED_KEY = 'calendar.retimed';
const RETIME_JOB = 'calendar.retime';

const SYSTEM: Actor = { id: null, name: '系统', ip: null, userAgent: null };

/**
 * Re-times the running clocks after the calendar changes, in the background: the change commits
 * at once and the deadlines follow within moments, batch by batch, as a job whose progress the
 * calendar page shows. A change during a pass starts it again on the newest calendar. The
 * calendar's generation (bumped by every change) and the generation last re-timed are kept in
 * settings, so a pass a restart cut short runs again at the next start.
 */
export class ClockRetimer {
  /** A change the running pass has not yet taken in. */
  private again = false;
  private stopped = false;
  private actor: Actor = SYSTEM;
  private readonly loop: PeriodicTask;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly deps: {
      calendar: CalendarService;
      clocks: Clocks;
      jobs: JobService;
      log?: (msg: string, err?: unknown) => void;
      /** After a failed pass (the database unreachable, say), the next try; default 30 s. */
      retryMs?: number;
    },
  ) {
    // Passes run on demand; a failed one (the database unreachable, say) is tried again, the
    // work still owed.
    this.loop = new PeriodicTask({
      name: 're-timing clocks',
      every: null,
      retryMs: deps.retryMs ?? 30_000,
      maxBackoffMs: Math.max(deps.retryMs ?? 30_000, 10 * 60_000),
      log: deps.log,
      run: () => this.runJob(),
    });
    this.loop.start();
  }

  /** After a calendar change: re-times, or restarts the pass under way. */
  request(actor: Actor = SYSTEM): void {
    if (this.stopped) return;
    this.actor = actor;
    // The pass under way starts again when it sees `again`; should it be past looking, the
    // loop runs another after it.
    this.again = true;
    this.loop.trigger();
  }

  /** At start: re-times when the calendar changed since the last pass finished. */
  async resume(): Promise<void> {
    const [generation, retimed] = await Promise.all([this.deps.calendar.generation(), this.retimed()]);
    if (generation <= retimed) return;
    // Nothing to re-time (a new database, say): no job for it.
    if ((await this.deps.clocks.countRunning(this.db)) === 0) await this.markRetimed(generation);
    else this.request();
  }

  /** Running (a job under way) or due (the calendar changed since the last pass finished). */
  async state(): Promise<CalendarRetime> {
    const [generation, retimed, job] = await Promise.all([
      this.deps.calendar.generation(),
      this.retimed(),
      this.db
        .selectFrom('job')
        .select(['status', 'done', 'total'])
        .where('kind', '=', RETIME_JOB)
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    if (job?.status === 'running') return { running: true, done: job.done, total: job.total };
    return { running: generation > retimed, done: 0, total: null };
  }

  /** Waits for a pass under way (tests, shutdown). */
  settled(): Promise<void> {
    return this.deps.jobs.settled(RETIME_JOB);
  }

  /** Ends a pass under way between two batches; the next start finishes the work. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop.stop();
    await this.settled();
  }

  /** One job re-timing until no change is left untaken; throws when it failed (the job records it). */
  private async runJob(): Promise<void> {
    if (!this.again || this.stopped) return;
    let failure: unknown = null;
    await this.deps.jobs.start(RETIME_JOB, null, this.actor, async (progress) => {
      try {
        return await this.pass(progress);
      } catch (err) {
        // The work is still owed: a retry must run.
        this.again = true;
        failure = err;
        throw err;
      }
    });
    await this.settled();
    if (failure) throw failure;
  }

  private async pass(progress: (done: number, total: number, message: string) => void) {
    let retimed = 0;
    let passes = 0;
    while (this.again && !this.stopped) {
      this.again = false;
      passes += 1;
      const generation = await this.deps.calendar.generation();
      this.deps.calendar.invalidate();
      const calendar = await this.deps.calendar.get();
      const total = await this.deps.clocks.countRunning(this.db);
      let done = 0;
      progress(0, total, '按新日历重新计算在办期限');
      retimed = await this.deps.clocks.retime(this.db, calendar, {
        stop: () => this.again || this.stopped,
        onBatch: (n) => {
          done += n;
          progress(done, total, `已重新计算 ${done} / ${total} 个在办期限`);
        },
      });
      if (this.again || this.stopped) continue;
      // Done for this generation; a change that committed meanwhile asks for another pass.
      await this.markRetimed(generation);
      if ((await this.deps.calendar.generation()) > generation) this.again = true;
    }
    return { retimed, passes, stopped: this.stopped };
  }

  private async markRetimed(generation: number): Promise<void> {
    const value = JSON.stringify(generation);
    await this.db
      .insertInto('setting')
      .values({ key: RETIMED_KEY, value, updated_by: null })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
      .execute();
  }

  private async retimed(): Promise<number> {
    const row = await this.db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', RETIMED_KEY)
      .executeTakeFirst();
    return typeof row?.value === 'number' ? row.value : 0;
  }
}
