/** A value read a moment ago. */
export interface Cached<T> {
  value: T;
  at: number;
}

const CACHE_MS = 5000;

/** Whether a cached value is still fresh (a few seconds: an edit elsewhere shows up soon). */
export function fresh<T>(c: Cached<T> | null): c is Cached<T> {
  return c !== null && Date.now() - c.at < CACHE_MS;
}
