import { ZoneClock } from '../calendar/time-zone.ts';
import type { Executor } from '../db/types.ts';

export type PeriodKind = 'day' | 'week' | 'month' | 'quarter' | 'year';

/**
 * The name of the period holding `at` in `timeZone`: `2026-12-06`, `2026-W49` (ISO week),
 * `2026-12`, `2026-Q4`, `2026`.
 */
export function periodOf(kind: PeriodKind, at: Date, timeZone: string): string {
  const [y, m, d] = ZoneClock.of(timeZone).localTime(at.getTime());
  const pad = (n: number) => String(n).padStart(2, '0');
  switch (kind) {
    case 'day':
      return `${y}-${pad(m)}-${pad(d)}`;
    case 'month':
      return `${y}-${pad(m)}`;
    case 'quarter':
      return `${y}-Q${Math.ceil(m / 3)}`;
    case 'year':
      return String(y);
    case 'week': {
      // ISO 8601: the week with the year's first Thursday is week 1.
      const date = new Date(Date.UTC(y, m - 1, d));
      const weekday = date.getUTCDay() || 7;
      date.setUTCDate(d + 4 - weekday);
      const yearStart = Date.UTC(date.getUTCFullYear(), 0, 1);
      const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
      return `${date.getUTCFullYear()}-W${pad(week)}`;
    }
  }
}

/**
 * Claims (key, period) once: true for the one caller that gets it, false for every other, across
 * restarts and instances. Inside the caller's transaction the claim stands or falls with its work.
 */
export async function claimOnce(db: Executor, key: string, period: string, by?: string): Promise<boolean> {
  const row = await db
    .insertInto('schedule_claim')
    .values({ key, period, claimed_by: by ?? null })
    .onConflict((oc) => oc.columns(['key', 'period']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}
