import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { SessionCache } from './session.cache.ts';

const entry = (userId: number, fetchedAt = Date.now()) => ({
  userId,
  value: `user ${userId}`,
  touchedAt: fetchedAt,
  lastSeenAt: fetchedAt,
  fetchedAt,
});

describe('session cache', () => {
  it("drops a user's sessions when a change to that user is announced, and all on '*' or reset", () => {
    const bus = new EventEmitter();
    const cache = new SessionCache<string>(bus);
    cache.set('a1', entry(1), cache.begin());
    cache.set('a2', entry(1), cache.begin());
    cache.set('b1', entry(2), cache.begin());
    bus.emit('wangge_auth', '1');
    expect([cache.get('a1'), cache.get('a2'), cache.get('b1')?.value]).toEqual([
      undefined,
      undefined,
      'user 2',
    ]);
    cache.set('a1', entry(1), cache.begin());
    bus.emit('wangge_auth', '*');
    expect([cache.size, cache.get('a1'), cache.get('b1')]).toEqual([0, undefined, undefined]);
    cache.set('a1', entry(1), cache.begin());
    bus.emit('reset');
    expect(cache.size).toBe(0);
  });

  it('does not keep what a lookup read while a change was announced', () => {
    const bus = new EventEmitter();
    const cache = new SessionCache<string>(bus);
    const token = cache.begin();
    // The lookup is in flight when someone else's change commits.
    bus.emit('wangge_auth', '99');
    cache.set('a1', entry(1), token);
    expect(cache.get('a1')).toBeUndefined();
    cache.set('a1', entry(1), cache.begin());
    expect(cache.get('a1')?.value).toBe('user 1');
  });

  it('reads an entry again after its maximum age, and keeps at most so many, the least used going first', () => {
    const bus = new EventEmitter();
    const cache = new SessionCache<string>(bus, { maxAgeMs: 1000, maxEntries: 2 });
    const t0 = Date.now();
    cache.set('a', entry(1, t0), cache.begin());
    expect(cache.get('a', t0 + 1000)?.value).toBe('user 1');
    expect(cache.get('a', t0 + 1001)).toBeUndefined();
    cache.set('a', entry(1, t0), cache.begin());
    cache.set('b', entry(2, t0), cache.begin());
    cache.get('a', t0); // a is now the most recently used
    cache.set('c', entry(3, t0), cache.begin());
    expect([cache.get('a', t0)?.value, cache.get('b', t0), cache.get('c', t0)?.value]).toEqual([
      'user 1',
      undefined,
      'user 3',
    ]);
    // An evicted session's user no longer refers to it.
    bus.emit('wangge_auth', '2');
    expect(cache.size).toBe(2);
  });
});
