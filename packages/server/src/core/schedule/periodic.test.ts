import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { periodOf } from './claims.ts';
import { PeriodicTask } from './periodic.ts';

describe('periodic task', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a first pass after the first delay, then one per interval after each pass ends', async () => {
    const at: number[] = [];
    const start = Date.now();
    const task = new PeriodicTask({
      name: 'test',
      every: 5000,
      firstDelayMs: 1000,
      run: async () => {
        at.push(Date.now() - start);
        await new Promise((r) => setTimeout(r, 500));
      },
    });
    task.start();
    task.start(); // a second start changes nothing
    await vi.advanceTimersByTimeAsync(13_000);
    expect(at).toEqual([1000, 6500, 12_000]);
    await task.stop();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(at).toHaveLength(3);
  });

  it('asks a function for the interval before every wait', async () => {
    let interval = 1000;
    const at: number[] = [];
    const start = Date.now();
    const task = new PeriodicTask({
      name: 'test',
      every: async () => interval,
      firstDelayMs: 0,
      run: async () => {
        at.push(Date.now() - start);
        interval *= 2;
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(8000);
    expect(at).toEqual([0, 2000, 6000]);
    await task.stop();
  });

  it('adds jitter up to the given fraction', async () => {
    const at: number[] = [];
    const start = Date.now();
    const task = new PeriodicTask({
      name: 'test',
      every: 1000,
      firstDelayMs: 0,
      jitter: 0.2,
      random: () => 0.5,
      run: async () => {
        at.push(Date.now() - start);
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(2300);
    expect(at).toEqual([0, 1100, 2200]);
    await task.stop();
  });

  it('backs off after failures, doubling up to the cap, and logs them; a success resets it', async () => {
    const at: number[] = [];
    const log = vi.fn();
    const start = Date.now();
    let fail = 4;
    const task = new PeriodicTask({
      name: 'flaky',
      every: 1000,
      firstDelayMs: 0,
      maxBackoffMs: 5000,
      log,
      run: async () => {
        at.push(Date.now() - start);
        if (fail-- > 0) throw new Error('down');
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(20_000);
    // Failures at 0, 1000 (+1 s), 3000 (+2 s), 7000 (+4 s); then +5 s (capped) succeeds; then +1 s.
    expect(at.slice(0, 7)).toEqual([0, 1000, 3000, 7000, 12_000, 13_000, 14_000]);
    expect(log).toHaveBeenCalledTimes(4);
    expect(log.mock.calls[0]![0]).toBe('flaky failed');
    expect(task.failuresInARow).toBe(0);
    await task.stop();
  });

  it('joins a pass under way instead of doubling it, and a trigger meanwhile gives one more pass', async () => {
    let passes = 0;
    let active = 0;
    let overlap = false;
    const task = new PeriodicTask({
      name: 'test',
      every: null,
      run: async () => {
        active += 1;
        overlap ||= active > 1;
        passes += 1;
        await new Promise((r) => setTimeout(r, 100));
        active -= 1;
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(passes).toBe(0); // no interval: only on demand
    const a = task.tick();
    const b = task.tick();
    task.trigger();
    task.trigger();
    expect(a).toBe(b);
    await vi.advanceTimersByTimeAsync(150);
    await a;
    expect(passes).toBe(2); // the second, asked for during the first, has started
    await vi.advanceTimersByTimeAsync(1000);
    expect(passes).toBe(2);
    expect(overlap).toBe(false);
    await task.stop();
  });

  it('stop waits for the pass under way', async () => {
    let finished = false;
    const task = new PeriodicTask({
      name: 'test',
      every: 1000,
      firstDelayMs: 0,
      run: async () => {
        await new Promise((r) => setTimeout(r, 300));
        finished = true;
      },
    });
    task.start();
    await vi.advanceTimersByTimeAsync(10);
    const stopped = task.stop();
    await vi.advanceTimersByTimeAsync(300);
    await stopped;
    expect(finished).toBe(true);
    expect(task.started).toBe(false);
  });
});

describe('periods', () => {
  it('names the day, ISO week, month, quarter and year in the deployment zone', () => {
    // 2026-12-31 20:00 UTC is already 2027-01-01 in Shanghai.
    const at = new Date('2026-12-31T20:00:00Z');
    expect(periodOf('day', at, 'Asia/Shanghai')).toBe('2027-01-01');
    expect(periodOf('day', at, 'UTC')).toBe('2026-12-31');
    expect(periodOf('month', at, 'Asia/Shanghai')).toBe('2027-01');
    expect(periodOf('quarter', at, 'UTC')).toBe('2026-Q4');
    expect(periodOf('year', at, 'Asia/Shanghai')).toBe('2027');
    // ISO weeks: 2027-01-01 is a Friday, in week 53 of 2026; 2026-12-06 (Sunday) ends week 49.
    expect(periodOf('week', at, 'Asia/Shanghai')).toBe('2026-W53');
    expect(periodOf('week', new Date('2026-12-06T12:00:00Z'), 'UTC')).toBe('2026-W49');
    expect(periodOf('week', new Date('2026-12-07T12:00:00Z'), 'UTC')).toBe('2026-W50');
    expect(periodOf('week', new Date('2024-12-30T12:00:00Z'), 'UTC')).toBe('2025-W01');
  });
});
