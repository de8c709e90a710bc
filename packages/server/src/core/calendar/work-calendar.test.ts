import { HOLIDAYS_2026, HOLIDAYS_2027, SHIPPED_HOLIDAYS } from '@wangge/shared';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WORK_HOURS,
  WorkCalendar,
  parseTimeOfDay,
  workHoursProblems,
  type CalendarDayKind,
} from './work-calendar.ts';

const shipped = new Map<string, CalendarDayKind>(
  Object.values(SHIPPED_HOLIDAYS)
    .flat()
    .map((d) => [d.date, d.kind]),
);
const cal = new WorkCalendar({ timeZone: 'Asia/Shanghai', days: shipped, hours: DEFAULT_WORK_HOURS });
/** An instant given in Beijing local time. */
const bj = (local: string) => new Date(`${local}+08:00`);
const iso = (d: Date) => d.toISOString();

describe('working-time calendar', () => {
  it('parses times of day and rejects malformed work hours', () => {
    expect(parseTimeOfDay('08:30')).toBe(510);
    expect(parseTimeOfDay('24:00')).toBe(1440);
    expect(parseTimeOfDay('24:30')).toBeNull();
    expect(parseTimeOfDay('8:30')).toBeNull();
    expect(workHoursProblems([])).toEqual({ hours: '至少需要一个工作时段' });
    expect(workHoursProblems([{ start: '09:00', end: '08:00' }])).toHaveProperty('hours/0/end');
    expect(
      workHoursProblems([
        { start: '08:00', end: '12:00' },
        { start: '11:00', end: '17:00' },
      ]),
    ).toHaveProperty('hours/1/start');
    expect(() => new WorkCalendar({ timeZone: 'Asia/Shanghai', days: new Map(), hours: [] })).toThrow(
      RangeError,
    );
  });

  it('knows weekends, the 2026 holidays and their make-up working days', () => {
    expect(cal.isWorkingDay('2026-12-01')).toBe(true); // Tuesday
    expect(cal.isWorkingDay('2026-12-05')).toBe(false); // Saturday
    expect(cal.isWorkingDay('2026-01-01')).toBe(false); // 元旦, Thursday
    expect(cal.isWorkingDay('2026-01-04')).toBe(true); // 元旦调休, Sunday
    expect(cal.isWorkingDay('2026-02-14')).toBe(true); // 春节调休, Saturday
    expect(cal.isWorkingDay('2026-02-23')).toBe(false); // 春节, Monday
    expect(cal.isWorkingDay('2026-09-20')).toBe(true); // 国庆调休, Sunday
    expect(cal.isWorkingDay('2026-10-07')).toBe(false); // 国庆, Wednesday
    expect(cal.isWorkingDay('2026-10-10')).toBe(true); // 国庆调休, Saturday
    // 2026 under the State Council's arrangement: 261 weekdays − 19 weekday holidays + 6 make-up
    // weekend days = 248 working days.
    let working = 0;
    for (let d = Date.UTC(2026, 0, 1); d < Date.UTC(2027, 0, 1); d += 86_400_000) {
      if (cal.isWorkingDay(new Date(d).toISOString().slice(0, 10))) working++;
    }
    expect(working).toBe(248);
    expect(HOLIDAYS_2026.filter((d) => d.kind === 'workday')).toHaveLength(6);
    expect(HOLIDAYS_2027.length).toBeGreaterThan(10);
  });

  it('adds working minutes within a day, across lunch and across the evening', () => {
    // 240 minutes from 09:00 on a Tuesday: 3 h before lunch, 1 h after → 14:30.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-01T09:00:00'), 240))).toBe(iso(bj('2026-12-01T14:30:00')));
    // Started during lunch: the clock starts at 13:30.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-01T12:40:00'), 30))).toBe(iso(bj('2026-12-01T14:00:00')));
    // Started in the evening: counted from 08:30 the next day.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-01T20:00:00'), 60))).toBe(iso(bj('2026-12-02T09:30:00')));
    // A sum ending exactly at the close ends at the close, not at the next opening.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-01T17:00:00'), 30))).toBe(iso(bj('2026-12-01T17:30:00')));
    // Zero minutes: the next working instant.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-05T10:00:00'), 0))).toBe(iso(bj('2026-12-07T08:30:00')));
    // Three working days (3 × 450 min) from Wednesday 10:00 → the next Monday 10:00 over a weekend.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-02T10:00:00'), 3 * 450))).toBe(
      iso(bj('2026-12-07T10:00:00')),
    );
  });

  it('skips holidays and counts make-up working days', () => {
    // Wednesday 30 Sep 2026, 16:30 + 2 working hours: 1 h that day, then the National Day week
    // (1–7 Oct) and the weekend of 3–4 Oct are off; 8 Oct (Thursday) is the next working day.
    expect(iso(cal.addWorkingMinutes(bj('2026-09-30T16:30:00'), 120))).toBe(iso(bj('2026-10-08T09:30:00')));
    // Friday 18 Sep 17:00 + 60 min: Sunday 20 Sep is a make-up working day.
    expect(iso(cal.addWorkingMinutes(bj('2026-09-18T17:00:00'), 60))).toBe(iso(bj('2026-09-20T09:00:00')));
    // Friday 13 Feb 17:00 + 450 min: Saturday 14 Feb is a make-up day → ends there 17:00.
    expect(iso(cal.addWorkingMinutes(bj('2026-02-13T17:00:00'), 450))).toBe(iso(bj('2026-02-14T17:00:00')));
    // Saturday 14 Feb 17:00 + 60 min: Spring Festival 15–23 Feb off → Tuesday 24 Feb 09:00.
    expect(iso(cal.addWorkingMinutes(bj('2026-02-14T17:00:00'), 60))).toBe(iso(bj('2026-02-24T09:00:00')));
    // Across the new year into 2027: Thursday 31 Dec 17:00 + 60 → 1–3 Jan 2027 off → Monday 4 Jan.
    expect(iso(cal.addWorkingMinutes(bj('2026-12-31T17:00:00'), 60))).toBe(iso(bj('2027-01-04T09:00:00')));
  });

  it('measures working minutes between instants, inverse to adding them', () => {
    expect(cal.workingMinutesBetween(bj('2026-12-01T09:00:00'), bj('2026-12-01T14:30:00'))).toBe(240);
    expect(cal.workingMinutesBetween(bj('2026-09-30T16:30:00'), bj('2026-10-08T09:30:00'))).toBe(120);
    expect(cal.workingMinutesBetween(bj('2026-12-05T00:00:00'), bj('2026-12-06T23:59:00'))).toBe(0);
    expect(cal.workingMinutesBetween(bj('2026-12-02T10:00:00'), bj('2026-12-01T10:00:00'))).toBe(0);
    const starts = [
      '2026-02-10T11:11:00',
      '2026-04-30T16:00:00',
      '2026-06-18T12:30:00',
      '2026-09-19T08:00:00',
    ];
    for (const s of starts) {
      for (const minutes of [1, 59, 450, 1000, 5000]) {
        const from = bj(s);
        const due = cal.addWorkingMinutes(from, minutes);
        expect(cal.workingMinutesBetween(from, due), `${s} + ${minutes}`).toBe(minutes);
      }
    }
  });

  it('adds natural minutes for emergencies, ignoring the calendar', () => {
    expect(iso(cal.addMinutes(bj('2026-10-01T23:50:00'), 30, true))).toBe(iso(bj('2026-10-02T00:20:00')));
    expect(iso(cal.addMinutes(bj('2026-10-01T23:50:00'), 30, false))).toBe(iso(bj('2026-10-08T09:00:00')));
  });

  it('follows an edited calendar and other work hours', () => {
    const days = new Map(shipped);
    days.set('2026-12-02', 'holiday'); // an extra day off
    days.set('2026-12-05', 'workday'); // an extra Saturday at work
    const edited = new WorkCalendar({
      timeZone: 'Asia/Shanghai',
      days,
      hours: [{ start: '09:00', end: '17:00' }],
    });
    expect(iso(edited.addWorkingMinutes(bj('2026-12-01T16:00:00'), 120))).toBe(
      iso(bj('2026-12-03T10:00:00')),
    );
    expect(iso(edited.addWorkingMinutes(bj('2026-12-04T16:00:00'), 120))).toBe(
      iso(bj('2026-12-05T10:00:00')),
    );
  });

  it('keeps local working hours across a daylight-saving change', () => {
    const ny = new WorkCalendar({
      timeZone: 'America/New_York',
      days: new Map(),
      hours: [{ start: '09:00', end: '17:00' }],
    });
    // Friday 6 Mar 2026 16:00 EST + 120 min → Monday 9 Mar 10:00 EDT (clocks went forward on the 8th).
    expect(iso(ny.addWorkingMinutes(new Date('2026-03-06T16:00:00-05:00'), 120))).toBe(
      '2026-03-09T14:00:00.000Z',
    );
    expect(ny.localDate(new Date('2026-03-09T14:00:00Z'))).toBe('2026-03-09');
  });

  it('refuses negative and non-finite limits', () => {
    expect(() => cal.addWorkingMinutes(bj('2026-12-01T09:00:00'), -1)).toThrow(RangeError);
    expect(() => cal.addWorkingMinutes(bj('2026-12-01T09:00:00'), Number.NaN)).toThrow(RangeError);
    const never = new WorkCalendar({
      timeZone: 'Asia/Shanghai',
      days: new Map(),
      hours: [{ start: '09:00', end: '09:01' }],
    });
    expect(() => never.addWorkingMinutes(bj('2026-12-01T09:00:00'), 60 * 24 * 365 * 10)).toThrow(RangeError);
  });
});
