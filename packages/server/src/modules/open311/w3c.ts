/**
 * Date-times in the W3C profile of ISO 8601 that GeoReport v2 requires: always with a time zone
 * offset, written in the deployment's time zone (`2026-11-22T10:15:00+08:00`).
 */
import { ZoneClock } from '../../core/calendar/time-zone.ts';

/** Minutes the zone is ahead of UTC at the instant `ms`. */
function offsetMinutes(ms: number, timeZone: string): number {
  return Math.round(ZoneClock.of(timeZone).offsetAt(Math.floor(ms / 1000) * 1000) / 60000);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-11-22T10:15:00+08:00`: seconds precision, the offset of `timeZone` at that instant. */
export function w3cDateTime(d: Date, timeZone: string): string {
  const offset = offsetMinutes(d.getTime(), timeZone);
  const wall = new Date(Math.floor(d.getTime() / 1000) * 1000 + offset * 60000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(wall.getUTCFullYear(), 4)}-${pad(wall.getUTCMonth() + 1)}-${pad(wall.getUTCDate())}` +
    `T${pad(wall.getUTCHours())}:${pad(wall.getUTCMinutes())}:${pad(wall.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

const PATTERN =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads a W3C date-time (`2026-11-22T10:15:00+08:00`, `…Z`, `2026-11-22`, `2026-11`). Without an
 * offset the wall time is taken in `timeZone`. A `+` that arrived unencoded in a query string
 * (and so became a space) is put back. Returns null when the text is not such a date.
 */
export function parseW3cDateTime(raw: string, timeZone: string): Date | null {
  const text = raw.trim().replace(/^(.+T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/, '$1+$2');
  const m = PATTERN.exec(text);
  if (!m) return null;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)] as const;
  const wall = Date.UTC(...parts) + Math.floor(Number(`0.${frac || '0'}`) * 1000);
  // Reject dates that do not exist (2026-02-30, 25:00).
  const check = new Date(Date.UTC(...parts));
  if (
    check.getUTCFullYear() !== parts[0] ||
    check.getUTCMonth() !== parts[1] ||
    check.getUTCDate() !== parts[2] ||
    check.getUTCHours() !== parts[3] ||
    check.getUTCMinutes() !== parts[4] ||
    check.getUTCSeconds() !== parts[5]
  ) {
    return null;
  }
  if (tz) {
    if (tz.toUpperCase() === 'Z') return new Date(wall);
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2));
    if (hours > 23 || minutes > 59) return null;
    return new Date(wall - sign * (hours * 60 + minutes) * 60000);
  }
  const first = wall - offsetMinutes(wall, timeZone) * 60000;
  return new Date(wall - offsetMinutes(first, timeZone) * 60000);
}
