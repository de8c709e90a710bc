import type { EventEmitter } from 'node:events';

/** What a session lookup found, kept between requests. */
export interface CachedSession<T> {
  readonly userId: number;
  readonly value: T;
  /** When the database last recorded activity on the session (ms). */
  touchedAt: number;
  /** The last activity this server saw (ms): at least `touchedAt`. */
  lastSeenAt: number;
  /** When the entry was read from the database (ms). */
  readonly fetchedAt: number;
}

export interface SessionCacheOptions {
  /** An entry is read again after this long even if no change was announced. */
  maxAgeMs?: number;
  /** At most this many sessions are kept; the longest unused go first. */
  maxEntries?: number;
}

/**
 * Login sessions with their user's roles and scopes, kept in memory so that a request does not
 * cost a database round trip to find out who is asking.
 *
 * Correctness rests on the database's announcements (`wangge_auth`, see the auth_notify
 * migration): any write that changes a user, their roles or scopes, a role's definition, a grid,
 * or a session announces itself when it commits, and the entries concerned are dropped. This
 * server's own writes are heard before their COMMIT returns; other servers' a moment later. When
 * announcements may have been missed (`reset`), everything is dropped. A read that overlaps an
 * announcement is not kept (the generation check), so a lookup never stores what was already
 * stale. Entries are read again after `maxAgeMs` regardless.
 */
export class SessionCache<T> {
  private readonly entries = new Map<string, CachedSession<T>>();
  /** The kept sessions of each user. */
  private readonly byUser = new Map<number, Set<string>>();
  private generation = 0;
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;

  constructor(notifications: EventEmitter, options: SessionCacheOptions = {}) {
    this.maxAgeMs = options.maxAgeMs ?? 30_000;
    this.maxEntries = options.maxEntries ?? 20_000;
    notifications.on('wangge_auth', (payload: string) => this.changed(payload));
    notifications.on('reset', () => this.changed('*'));
  }

  /** The kept entry for a session, if there is one and it is not too old. */
  get(idHash: string, now = Date.now()): CachedSession<T> | undefined {
    const entry = this.entries.get(idHash);
    if (!entry) return undefined;
    if (now - entry.fetchedAt > this.maxAgeMs) {
      this.delete(idHash);
      return undefined;
    }
    // Most recently used last, so that eviction takes the oldest first.
    this.entries.delete(idHash);
    this.entries.set(idHash, entry);
    return entry;
  }

  /** A token to pass to `set` for a lookup starting now. */
  begin(): number {
    return this.generation;
  }

  /** Keeps what a lookup begun at `token` found, unless a change was announced meanwhile. */
  set(idHash: string, entry: CachedSession<T>, token: number): void {
    if (token !== this.generation) return;
    this.delete(idHash);
    this.entries.set(idHash, entry);
    let sessions = this.byUser.get(entry.userId);
    if (!sessions) this.byUser.set(entry.userId, (sessions = new Set()));
    sessions.add(idHash);
    while (this.entries.size > this.maxEntries) this.delete(this.entries.keys().next().value!);
  }

  delete(idHash: string): void {
    const entry = this.entries.get(idHash);
    if (!entry) return;
    this.entries.delete(idHash);
    const sessions = this.byUser.get(entry.userId);
    sessions?.delete(idHash);
    if (sessions && !sessions.size) this.byUser.delete(entry.userId);
  }

  get size(): number {
    return this.entries.size;
  }

  private changed(payload: string): void {
    this.generation++;
    const userId = Number(payload);
    if (payload === '*' || !Number.isInteger(userId)) {
      this.entries.clear();
      this.byUser.clear();
      return;
    }
    for (const idHash of this.byUser.get(userId) ?? []) this.delete(idHash);
  }
}
