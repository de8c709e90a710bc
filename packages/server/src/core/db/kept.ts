/** A kept entry and what it came with. */
interface Entry<T> {
  /** The user whose change drops it (null: none). */
  readonly owner: number | null;
  readonly value: T;
  /** When it was read from the database (ms, monotonic clock). */
  readonly at: number;
}

export interface KeptOptions {
  /** An entry is read again after this long even if no change was announced. */
  maxAgeMs: number;
  /** At most this many entries are kept; the longest unused go first. */
  maxEntries?: number;
}

/**
 * Rows read from the database and kept in memory between requests, for as long as the database
 * has not announced a change to them (see the change_notify migration and
 * `Database.notifications`). The owner of the kept data wires the announcements to `drop`,
 * `dropOwner` and `clear`.
 *
 * A read that overlaps an announcement is not kept: take `begin()` before reading and pass it to
 * `set`; any drop in between makes `set` a no-op, so a lookup never stores what was already
 * stale. Entries are read again after `maxAgeMs` regardless, as a bound should an announcement
 * ever be lost.
 */
export class Kept<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** The kept keys of each owner. */
  private readonly byOwner = new Map<number, Set<string>>();
  private generation = 0;
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;

  constructor(options: KeptOptions) {
    this.maxAgeMs = options.maxAgeMs;
    this.maxEntries = options.maxEntries ?? 20_000;
  }

  /**
   * The kept value for `key`, if there is one and it is not too old. Ages are measured on the
   * monotonic clock (`performance.now()`), so a wall clock set back does not stretch them.
   */
  get(key: string, now = performance.now()): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at > this.maxAgeMs) {
      this.remove(key);
      return undefined;
    }
    // Most recently used last, so that eviction takes the oldest first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** A token to pass to `set` for a read starting now. */
  begin(): number {
    return this.generation;
  }

  /** Keeps what a read begun at `token` found, unless something was dropped meanwhile. */
  set(key: string, value: T, owner: number | null, token: number, now = performance.now()): void {
    if (token !== this.generation) return;
    this.remove(key);
    this.entries.set(key, { owner, value, at: now });
    if (owner !== null) {
      let keys = this.byOwner.get(owner);
      if (!keys) this.byOwner.set(owner, (keys = new Set()));
      keys.add(key);
    }
    while (this.entries.size > this.maxEntries) this.remove(this.entries.keys().next().value!);
  }

  /** Forgets one entry (a change announced for it). */
  drop(key: string): void {
    this.generation++;
    this.remove(key);
  }

  /** Forgets every entry of one user. */
  dropOwner(owner: number): void {
    this.generation++;
    for (const key of this.byOwner.get(owner) ?? []) this.remove(key);
  }

  /** Forgets everything. */
  clear(): void {
    this.generation++;
    this.entries.clear();
    this.byOwner.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    if (entry.owner === null) return;
    const keys = this.byOwner.get(entry.owner);
    keys?.delete(key);
    if (keys && !keys.size) this.byOwner.delete(entry.owner);
  }
}
