const MINUTE_MS = 60_000;
/** Every transition of a modern zone falls on a quarter hour (UTC). */
const BUCKET_MS = 15 * MINUTE_MS;

export type LocalTime = [
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Local wall-clock time in one IANA time zone, fast. Reading the zone database through Intl
 * costs microseconds per call; the zone's offset is read once per quarter hour and kept, unless
 * the two ends of the quarter disagree (a transition inside it, as with old local mean time):
 * then, and only then, each instant is read exactly.
 */
export class ZoneClock {
  private static readonly clocks = new Map<string, ZoneClock>();

  /** The clock of `timeZone`; throws RangeError for an unknown zone. */
  static of(timeZone: string): ZoneClock {
    let clock = ZoneClock.clocks.get(timeZone);
    if (!clock) ZoneClock.clocks.set(timeZone, (clock = new ZoneClock(timeZone)));
    return clock;
  }

  private readonly format: Intl.DateTimeFormat;
  /** Offsets by quarter hour since the epoch (NaN: a transition inside it). */
  private readonly offsets = new Map<number, number>();

  private constructor(readonly timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Zone offset (local − UTC, ms) at an instant. */
  offsetAt(ms: number): number {
    const bucket = Math.floor(ms / BUCKET_MS);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      const start = this.exactOffsetAt(bucket * BUCKET_MS);
      offset = start === this.exactOffsetAt((bucket + 1) * BUCKET_MS - 1) ? start : Number.NaN;
      if (this.offsets.size >= 4096) this.offsets.clear();
      this.offsets.set(bucket, offset);
    }
    return Number.isNaN(offset) ? this.exactOffsetAt(ms) : offset;
  }

  /** [year, month, day, hour, minute, second] of an instant in the zone. */
  localTime(ms: number): LocalTime {
    const local = new Date(ms + this.offsetAt(ms));
    return [
      local.getUTCFullYear(),
      local.getUTCMonth() + 1,
      local.getUTCDate(),
      local.getUTCHours(),
      local.getUTCMinutes(),
      local.getUTCSeconds(),
    ];
  }

  /** `YYYY-MM-DD` of an instant. */
  date(ms: number): string {
    const p = this.localTime(ms);
    return `${pad(p[0], 4)}-${pad(p[1])}-${pad(p[2])}`;
  }

  /** `YYYY-MM-DD HH:mm` of an instant. */
  minutes(ms: number): string {
    const p = this.localTime(ms);
    return `${pad(p[0], 4)}-${pad(p[1])}-${pad(p[2])} ${pad(p[3])}:${pad(p[4])}`;
  }

  /** The same, read from the zone database through Intl. */
  exactLocalTime(ms: number): LocalTime {
    const out: LocalTime = [0, 1, 1, 0, 0, 0];
    for (const part of this.format.formatToParts(ms)) {
      switch (part.type) {
        case 'year':
          out[0] = Number(part.value);
          break;
        case 'month':
          out[1] = Number(part.value);
          break;
        case 'day':
          out[2] = Number(part.value);
          break;
        case 'hour':
          out[3] = Number(part.value);
          break;
        case 'minute':
          out[4] = Number(part.value);
          break;
        case 'second':
          out[5] = Number(part.value);
          break;
      }
    }
    return out;
  }

  private exactOffsetAt(ms: number): number {
    const p = this.exactLocalTime(ms);
    const local = Date.UTC(p[0], p[1] - 1, p[2], p[3], p[4], p[5]);
    return local - (ms - (((ms % 1000) + 1000) % 1000));
  }
}
