import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../core/db/types.ts';
import { IntakeQueue } from './intake.queue.ts';

/** The queue hands the database to the writer without using it itself. */
function fakeDb() {
  return { db: {} as Kysely<DB> };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('intake queue (group commit)', () => {
  it('writes a lone report at once, and reports arriving meanwhile together', async () => {
    const { db } = fakeDb();
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new IntakeQueue<number, string>(
      db,
      async (_trx, plans) => {
        batches.push([...plans]);
        if (batches.length === 1) await gate;
        return plans.map((p) => `ok ${p}`);
      },
      1,
    );
    const first = queue.submit(0);
    await tick();
    expect(batches).toEqual([[0]]); // not held back waiting for company
    const rest = Array.from({ length: 10 }, (_, i) => queue.submit(i + 1));
    await tick();
    expect(batches).toHaveLength(1); // one batch at a time: the others wait
    release();
    expect(await first).toBe('ok 0');
    expect(await Promise.all(rest)).toEqual(rest.map((_, i) => `ok ${i + 1}`));
    expect(batches).toEqual([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]);
    expect(queue.stats).toEqual({ batches: 2, reports: 11, largest: 10 });
  });

  it('caps the batch size and runs as many batches at once as allowed', async () => {
    const { db } = fakeDb();
    const sizes: number[] = [];
    let inFlight = 0;
    let most = 0;
    const queue = new IntakeQueue<number, number>(
      db,
      async (_trx, plans) => {
        inFlight++;
        most = Math.max(most, inFlight);
        sizes.push(plans.length);
        await tick();
        inFlight--;
        return [...plans];
      },
      2,
      4,
    );
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => queue.submit(i)));
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(4);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(20);
    expect(most).toBe(2);
  });

  it('retries a failed batch report by report, so only the bad one fails', async () => {
    const { db } = fakeDb();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    const queue = new IntakeQueue<number, number>(
      db,
      async (_trx, plans) => {
        calls++;
        if (calls === 1) await gate;
        if (plans.includes(3)) throw new Error(`bad report 3 in [${plans.join(',')}]`);
        return plans.map((p) => p * 10);
      },
      1,
    );
    const first = queue.submit(0);
    const rest = [1, 2, 3, 4].map((p) => queue.submit(p));
    release();
    expect(await first).toBe(0);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(settled.filter((s) => s.status === 'fulfilled').map((s) => s.value)).toEqual([10, 20, 40]);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toContain('bad report 3 in [3]');
    // 1 (first) + 1 (the failed batch) + 4 (one by one).
    expect(calls).toBe(6);
    expect(queue.stats).toEqual({ batches: 4, reports: 4, largest: 1 });
  });
});
