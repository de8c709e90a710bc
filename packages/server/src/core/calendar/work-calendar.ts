/**
 * Working-time arithmetic over a calendar of holidays and make-up working days (工作日历).
 * Pure: no I/O. Steps interval by interval and day by day, never minute by minute, and converts
 * local times of the calendar's time zone to instants with Intl (daylight saving included).
 */
import { ZoneClock, type LocalTime } from './time-zone.ts';

export interface WorkHours {
  /** 'HH:MM', local time. */
  start: string;
  /** 'HH:MM', local time, after start ('24:00' allowed). */
  end: string;
}

export type CalendarDayKind = 'holiday' | 'workday';

/** 上午 8:30–12:00，下午 13:30–17:30. */
export const DEFAULT_WORK_HOURS: readonly WorkHours[] = Object.freeze([
  Object.freeze({ start: '08:30', end: '12:00' }),
  Object.freeze({ start: '13:30', end: '17:30' }),
]);

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
/** Enough for any limit the settings accept (a year of working minutes ≈ 4.5 years of days). */
const MAX_DAYS = 366 * 30;
const DAY_CACHE_MAX = 4000;

const TIME_RE = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/** Minutes since midnight of 'HH:MM', or null when malformed. */
export function parseTimeOfDay(value: string): number | null {
  const m = TIME_RE.exec(value);
  if (!m) return null;
  return Number(m[1] ?? m[3]) * 60 + Number(m[2] ?? m[4]);
}

/**
 * Problems with a list of work hours, keyed like request fields (`hours/1/end`), in Chinese;
 * empty when the list is usable: well-formed times, start before end, sorted, not overlapping,
 * at least one interval.
 */
export function workHoursProblems(hours: readonly WorkHours[]): Record<string, string> {
  const problems: Record<string, string> = {};
  if (hours.length === 0) {
    problems.hours = '至少需要一个工作时段';
    return problems;
  }
  let previousEnd: number | null = null;
  hours.forEach((h, i) => {
    const start = parseTimeOfDay(h.start);
    const end = parseTimeOfDay(h.end);
    if (start === null || start === DAY_MINUTES)
      problems[`hours/${i}/start`] = '时间格式应为 HH:MM，如 08:30';
    if (end === null) problems[`hours/${i}/end`] = '时间格式应为 HH:MM，如 17:30';
    if (start === null || end === null || start === DAY_MINUTES) return;
    if (end <= start) {
      problems[`hours/${i}/end`] = '下班时间应晚于上班时间';
      return;
    }
    if (previousEnd !== null && start < previousEnd) {
      problems[`hours/${i}/start`] = '各时段应按时间先后排列且不能重叠';
    }
    previousEnd = Math.max(previousEnd ?? end, end);
  });
  return problems;
}

/** Calendar arithmetic on 'YYYY-MM-DD' strings (no time zone involved). */
function ymdParts(ymd: string): [number, number, number] {
  return [Number(ymd.slice(0, 4)), Number(ymd.slice(5, 7)), Number(ymd.slice(8, 10))];
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function ymdOfUtc(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function nextYmd(ymd: string): string {
  const [y, m, d] = ymdParts(ymd);
  return ymdOfUtc(Date.UTC(y, m - 1, d + 1));
}

/** 0 = Sunday … 6 = Saturday. */
function weekday(ymd: string): number {
  const [y, m, d] = ymdParts(ymd);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

function roundToSecond(ms: number): Date {
  return new Date(Math.round(ms / 1000) * 1000);
}

export class WorkCalendar {
  readonly timeZone: string;
  readonly hours: readonly WorkHours[];
  private readonly days: ReadonlyMap<string, CalendarDayKind>;
  private readonly clock: ZoneClock;
  /** [start, end) minutes since local midnight. */
  private readonly intervals: readonly (readonly [number, number])[];
  /** Working intervals of a local day as instants (ms), flattened [s0, e0, s1, e1, …]. */
  private readonly dayCache = new Map<string, readonly number[]>();

  constructor(opts: {
    timeZone: string;
    days: ReadonlyMap<string, CalendarDayKind>;
    hours: readonly WorkHours[];
  }) {
    const problems = workHoursProblems(opts.hours);
    if (Object.keys(problems).length) {
      throw new RangeError(`invalid work hours: ${JSON.stringify(problems)}`);
    }
    this.timeZone = opts.timeZone;
    this.clock = ZoneClock.of(opts.timeZone); // throws RangeError on an unknown zone
    this.days = new Map(opts.days);
    this.hours = opts.hours.map((h) => ({ start: h.start, end: h.end }));
    this.intervals = opts.hours.map((h) => [parseTimeOfDay(h.start)!, parseTimeOfDay(h.end)!] as const);
  }

  /** Working day: a 'workday' entry, or Mon–Fri without a 'holiday' entry. */
  isWorkingDay(ymd: string): boolean {
    const kind = this.days.get(ymd);
    if (kind === 'workday') return true;
    if (kind === 'holiday') return false;
    const wd = weekday(ymd);
    return wd >= 1 && wd <= 5;
  }

  /** The local date (YYYY-MM-DD) of an instant in the calendar's time zone. */
  localDate(at: Date | number): string {
    return this.clock.date(typeof at === 'number' ? at : at.getTime());
  }

  /**
   * The instant `minutes` working minutes after `from` (counting only the work-hour intervals of
   * working days, in the calendar's time zone). minutes = 0 → the next instant inside working
   * time at or after `from`. A sum that ends exactly at the close of an interval ends there.
   */
  addWorkingMinutes(from: Date, minutes: number): Date {
    if (!Number.isFinite(minutes) || minutes < 0) {
      throw new RangeError(`working minutes must be a finite number ≥ 0, got ${minutes}`);
    }
    const fromMs = from.getTime();
    if (Number.isNaN(fromMs)) throw new RangeError('invalid start instant');
    let remaining = minutes * MINUTE_MS;
    let ymd = this.localDate(fromMs);
    for (let i = 0; i < MAX_DAYS; i++, ymd = nextYmd(ymd)) {
      const spans = this.workingSpans(ymd);
      for (let k = 0; k < spans.length; k += 2) {
        const end = spans[k + 1]!;
        if (end <= fromMs) continue;
        const start = Math.max(spans[k]!, fromMs);
        const available = end - start;
        if (available <= 0) continue;
        if (remaining <= available) return roundToSecond(start + remaining);
        remaining -= available;
      }
    }
    throw new RangeError(`no working time within ${MAX_DAYS} days after ${from.toISOString()}`);
  }

  /** Working minutes between two instants (0 if to <= from), to the second. */
  workingMinutesBetween(from: Date, to: Date): number {
    const fromMs = from.getTime();
    const toMs = to.getTime();
    if (Number.isNaN(fromMs) || Number.isNaN(toMs)) throw new RangeError('invalid instant');
    if (toMs <= fromMs) return 0;
    const last = this.localDate(toMs);
    let total = 0;
    let ymd = this.localDate(fromMs);
    for (;;) {
      const spans = this.workingSpans(ymd);
      for (let k = 0; k < spans.length; k += 2) {
        const start = Math.max(spans[k]!, fromMs);
        const end = Math.min(spans[k + 1]!, toMs);
        if (end > start) total += end - start;
      }
      if (ymd >= last) break;
      ymd = nextYmd(ymd);
    }
    return Math.round(total / 1000) / 60;
  }

  /** Adds natural (calendar) minutes when `natural`, working minutes otherwise. */
  addMinutes(from: Date, minutes: number, natural: boolean): Date {
    if (!natural) return this.addWorkingMinutes(from, minutes);
    if (!Number.isFinite(minutes)) throw new RangeError(`minutes must be finite, got ${minutes}`);
    return new Date(from.getTime() + Math.round(minutes * MINUTE_MS));
  }

  /** The working intervals of a local day as instants, flattened; empty on a day off. */
  private workingSpans(ymd: string): readonly number[] {
    const cached = this.dayCache.get(ymd);
    if (cached) return cached;
    let spans: number[] = [];
    if (this.isWorkingDay(ymd)) {
      const [y, m, d] = ymdParts(ymd);
      const midnight = Date.UTC(y, m - 1, d);
      // One offset for the whole day unless it changes within it (a daylight-saving switch).
      const offsetStart = this.offsetAt(midnight - this.offsetAt(midnight));
      const offsetEnd = this.offsetAt(midnight + DAY_MINUTES * MINUTE_MS - offsetStart);
      const instant =
        offsetStart === offsetEnd
          ? (minute: number) => midnight + minute * MINUTE_MS - offsetStart
          : (minute: number) => this.localToInstant(midnight + minute * MINUTE_MS);
      for (const [s, e] of this.intervals) {
        const start = instant(s);
        const end = instant(e);
        if (end > start) spans.push(start, end);
      }
      // Local times skipped or repeated by a clock change can make intervals touch or overlap.
      spans = mergeSpans(spans);
    }
    if (this.dayCache.size >= DAY_CACHE_MAX) this.dayCache.clear();
    this.dayCache.set(ymd, spans);
    return spans;
  }

  /** The instant of a local wall-clock time given as if it were UTC (ms). */
  private localToInstant(localMs: number): number {
    const first = localMs - this.offsetAt(localMs);
    const offset = this.offsetAt(first);
    const second = localMs - offset;
    if (this.offsetAt(second) === offset) return second;
    // The wall-clock time does not exist (clocks jumped forward): read it with the offset from
    // before the jump, so 02:30 in a 02:00→03:00 gap becomes 03:30 (as Temporal's 'compatible').
    return Math.max(first, second);
  }

  /** Zone offset (local − UTC, ms) at an instant. */
  private offsetAt(ms: number): number {
    return this.clock.offsetAt(ms);
  }

  /** [year, month, day, hour, minute, second] of an instant in the calendar's zone. */
  localTime(ms: number): LocalTime {
    return this.clock.localTime(ms);
  }
}

/** Sorted, non-overlapping spans from flattened [start, end] pairs. */
function mergeSpans(spans: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let k = 0; k < spans.length; k += 2) pairs.push([spans[k]!, spans[k + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [s, e] of pairs) {
    const lastEnd = out.length ? out[out.length - 1]! : -Infinity;
    if (s <= lastEnd) out[out.length - 1] = Math.max(lastEnd, e);
    else out.push(s, e);
  }
  return out;
}
