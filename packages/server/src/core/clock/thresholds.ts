import type { AlertKind } from '@wangge/shared';

/** What the clock needs of the calendar (WorkCalendar implements it). */
export interface Clock {
  addMinutes(from: Date, minutes: number, natural: boolean): Date;
}

export interface StageClock {
  startedAt: Date;
  limitMinutes: number;
  natural: boolean;
}

export interface AlertSettings {
  warnFraction: number | null;
  escalateFraction: number | null;
}

/** The reminder thresholds of a running clock, in time order. */
export function thresholds(
  calendar: Clock,
  clock: StageClock,
  settings: AlertSettings,
): { kind: AlertKind; at: Date }[] {
  const at = (fraction: number) =>
    calendar.addMinutes(
      clock.startedAt,
      Math.round(clock.limitMinutes * fraction * 100) / 100,
      clock.natural,
    );
  const list: { kind: AlertKind; at: Date }[] = [];
  if (settings.warnFraction !== null) list.push({ kind: 'warn', at: at(settings.warnFraction) });
  list.push({ kind: 'overdue', at: at(1) });
  if (settings.escalateFraction !== null) list.push({ kind: 'escalate', at: at(settings.escalateFraction) });
  return list;
}

export function dueAt(calendar: Clock, clock: StageClock): Date {
  return calendar.addMinutes(clock.startedAt, clock.limitMinutes, clock.natural);
}

/** The first threshold still ahead of `now`: the next time the sweep must look at the case. */
export function nextAlert(
  list: readonly { kind: AlertKind; at: Date }[],
  now: Date,
): { kind: AlertKind; at: Date } | null {
  return list.find((t) => t.at.getTime() > now.getTime()) ?? null;
}

/**
 * The threshold to act on at `now`: the most severe one already passed. After a pause (a server
 * down over a weekend) only that one is sent, not every threshold missed on the way.
 */
export function passedAlert(
  list: readonly { kind: AlertKind; at: Date }[],
  now: Date,
): { kind: AlertKind; at: Date } | null {
  let hit: { kind: AlertKind; at: Date } | null = null;
  for (const t of list) if (t.at.getTime() <= now.getTime()) hit = t;
  return hit;
}
