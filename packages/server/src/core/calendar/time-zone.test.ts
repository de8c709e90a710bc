import { describe, expect, it } from 'vitest';
import { ZoneClock } from './time-zone.ts';

describe('zone clock', () => {
  it('reads local times exactly in zones with quarter-hour offsets, odd transitions and old local mean time', () => {
    for (const [timeZone, from, to] of [
      ['America/New_York', '2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'],
      ['America/New_York', '2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'],
      ['Australia/Lord_Howe', '2026-04-03T00:00:00Z', '2026-04-07T00:00:00Z'], // half-hour DST
      ['Asia/Kathmandu', '1985-12-30T00:00:00Z', '1986-01-02T00:00:00Z'], // +05:30 → +05:45
      ['Asia/Shanghai', '1900-12-30T00:00:00Z', '1901-01-02T00:00:00Z'], // LMT +08:05:43 → +08:00
    ] as const) {
      const clock = ZoneClock.of(timeZone);
      const truth = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
      const two = (n: number) => String(n).padStart(2, '0');
      const mine = (ms: number) => {
        const [y, mo, d, h, mi, sec] = clock.localTime(ms);
        return `${y}-${two(mo)}-${two(d)}, ${two(h)}:${two(mi)}:${two(sec)}`;
      };
      // Every 61 s across the transition: the kept quarter-hour offsets must never disagree
      // with the time-zone database.
      const wrong: string[] = [];
      for (let ms = Date.parse(from); ms < Date.parse(to); ms += 61_000) {
        if (mine(ms) !== truth.format(ms))
          wrong.push(`${new Date(ms).toISOString()}: ${mine(ms)} ≠ ${truth.format(ms)}`);
      }
      expect(wrong.slice(0, 3), timeZone).toEqual([]);
    }
  });

  it('writes dates and minutes in the zone, and refuses unknown zones', () => {
    const beijing = ZoneClock.of('Asia/Shanghai');
    const at = Date.parse('2026-12-31T16:30:59Z');
    expect(beijing.date(at)).toBe('2027-01-01');
    expect(beijing.minutes(at)).toBe('2027-01-01 00:30');
    expect(beijing.offsetAt(at)).toBe(8 * 3_600_000);
    expect(ZoneClock.of('America/New_York').minutes(Date.parse('2026-07-01T04:05:00Z'))).toBe(
      '2026-07-01 00:05',
    );
    expect(() => ZoneClock.of('Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
