/** How long to wait: a fixed number of ms, or asked before every wait (a setting that may change). */
export type Interval = number | (() => number | Promise<number>);

export interface PeriodicTaskOptions {
  /** Named in the log when a pass fails. */
  name: string;
  /** One pass. A pass never overlaps another of the same task. */
  run: () => Promise<unknown>;
  /** The pause after a pass before the next; null runs passes only when triggered. */
  every: Interval | null;
  /** The pause before the first pass after start (default: `every`, at most 1 s). */
  firstDelayMs?: number;
  /** Up to this fraction of the pause is added at random, so instances drift apart (0–1). */
  jitter?: number;
  /**
   * After a failed pass the pause doubles with every failure in a row, from `retryMs` (default:
   * the pause itself) up to `maxBackoffMs`; without it a failure waits as a success does.
   */
  maxBackoffMs?: number;
  retryMs?: number;
  log?: (msg: string, err?: unknown) => void;
  /** Test seam for the jitter. */
  random?: () => number;
}

/**
 * A background loop: start, stop, a pass every so often (with jitter and backoff after
 * failures), a pass on demand. Every periodic piece of work in the server runs on one.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private again = false;
  private failures = 0;

  constructor(private readonly opts: PeriodicTaskOptions) {}

  get started(): boolean {
    return !this.stopped;
  }

  /** Failed passes in a row (0 after a success). */
  get failuresInARow(): number {
    return this.failures;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.opts.every === null) return;
    const first =
      this.opts.firstDelayMs ??
      (typeof this.opts.every === 'number' ? Math.min(this.opts.every, 1000) : 1000);
    this.schedule(first);
  }

  /** Stops the loop and waits for a pass under way; a stopped task runs no more passes by itself. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.again = false;
    this.clearTimer();
    await this.running;
  }

  /**
   * Runs a pass now and resolves when it has run; a pass under way is joined instead of doubled.
   * Failures are logged, not thrown (the loop's own backoff deals with them).
   */
  tick(): Promise<void> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /**
   * Asks for a pass as soon as possible: now if idle, right after the pass under way otherwise
   * (several requests meanwhile give one more pass, not several).
   */
  trigger(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.clearTimer();
    void this.tick();
  }

  private async pass(): Promise<void> {
    let ok = true;
    try {
      await this.opts.run();
      this.failures = 0;
    } catch (err) {
      ok = false;
      this.failures += 1;
      this.opts.log?.(`${this.opts.name} failed`, err);
    }
    if (this.stopped) return;
    if (this.again) {
      this.again = false;
      this.schedule(0);
      return;
    }
    const pause = await this.pause(ok);
    if (pause !== null && !this.stopped) this.schedule(pause);
  }

  private async pause(ok: boolean): Promise<number | null> {
    const { every, maxBackoffMs, retryMs, jitter = 0 } = this.opts;
    let base: number | null = null;
    if (every !== null) {
      try {
        base = typeof every === 'number' ? every : await every();
      } catch (err) {
        this.opts.log?.(`${this.opts.name}: reading its interval failed`, err);
        base = 60_000;
      }
    }
    if (!ok && maxBackoffMs !== undefined) {
      const from = retryMs ?? base ?? 1000;
      base = Math.min(from * 2 ** (this.failures - 1), maxBackoffMs);
    }
    if (base === null) return null;
    return base + Math.floor(base * jitter * (this.opts.random ?? Math.random)());
  }

  private schedule(ms: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.tick();
    }, ms);
    this.timer.unref?.();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
