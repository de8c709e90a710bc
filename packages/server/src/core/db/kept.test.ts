import { describe, expect, it } from 'vitest';
import { Kept } from './kept.ts';

describe('kept rows', () => {
  it("drops one entry, one owner's entries, or all", () => {
    const kept = new Kept<string>({ maxAgeMs: 60_000 });
    kept.set('a1', 'user 1, first', 1, kept.begin());
    kept.set('a2', 'user 1, second', 1, kept.begin());
    kept.set('b1', 'user 2', 2, kept.begin());
    kept.set('x', 'nobody', null, kept.begin());
    kept.dropOwner(1);
    expect([kept.get('a1'), kept.get('a2'), kept.get('b1'), kept.get('x')]).toEqual([
      undefined,
      undefined,
      'user 2',
      'nobody',
    ]);
    kept.drop('x');
    expect([kept.get('x'), kept.size]).toEqual([undefined, 1]);
    kept.set('a1', 'user 1', 1, kept.begin());
    kept.clear();
    expect([kept.size, kept.get('a1'), kept.get('b1')]).toEqual([0, undefined, undefined]);
  });

  it('does not keep what a read found while something was dropped', () => {
    const kept = new Kept<string>({ maxAgeMs: 60_000 });
    const token = kept.begin();
    // The read is in flight when someone else's change is announced.
    kept.dropOwner(99);
    kept.set('a1', 'stale', 1, token);
    expect(kept.get('a1')).toBeUndefined();
    kept.set('a1', 'fresh', 1, kept.begin());
    expect(kept.get('a1')).toBe('fresh');
  });

  it('reads an entry again after its maximum age, and keeps at most so many, the least used going first', () => {
    const kept = new Kept<string>({ maxAgeMs: 1000, maxEntries: 2 });
    const t0 = 1_000_000; // any instant of the monotonic clock
    kept.set('a', 'A', 1, kept.begin(), t0);
    expect(kept.get('a', t0 + 1000)).toBe('A');
    expect(kept.get('a', t0 + 1001)).toBeUndefined();
    kept.set('a', 'A', 1, kept.begin(), t0);
    kept.set('b', 'B', 2, kept.begin(), t0);
    kept.get('a', t0); // a is now the most recently used
    kept.set('c', 'C', 3, kept.begin(), t0);
    expect([kept.get('a', t0), kept.get('b', t0), kept.get('c', t0)]).toEqual(['A', undefined, 'C']);
    // An evicted entry's owner no longer refers to it.
    kept.dropOwner(2);
    expect(kept.size).toBe(2);
  });
});
