import { Type, type Static } from 'typebox';
import { CALENDAR_DAY_KINDS, type CalendarDayKind } from '../holidays.ts';
import { Int, Num } from './numbers.ts';

/** 'HH:MM' on the 24-hour clock; '24:00' ends a day. */
export const TIME_OF_DAY_PATTERN = '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$';

/** Longest limit the deadline preview accepts: a year of minutes (as the time-limit settings). */
export const CALENDAR_MINUTES_MAX = 60 * 24 * 365;

export const CalendarDayKindSchema = Type.Enum([...CALENDAR_DAY_KINDS] as CalendarDayKind[], {
  description: 'holiday 放假；workday 调休上班',
});

export const CalendarWorkHours = Type.Object({
  start: Type.String({ pattern: TIME_OF_DAY_PATTERN, description: '上班时间 HH:MM' }),
  end: Type.String({ pattern: TIME_OF_DAY_PATTERN, description: '下班时间 HH:MM' }),
});
export type CalendarWorkHours = Static<typeof CalendarWorkHours>;

export const CalendarHoursBody = Type.Object({
  hours: Type.Array(CalendarWorkHours, { minItems: 1, maxItems: 8 }),
});
export type CalendarHoursBody = Static<typeof CalendarHoursBody>;

export const CalendarDay = Type.Object({
  date: Type.String({ format: 'date' }),
  kind: CalendarDayKindSchema,
  name: Type.String(),
});
export type CalendarDay = Static<typeof CalendarDay>;

/** The re-timing of running deadlines that follows every calendar change (a background job). */
export const CalendarRetime = Type.Object({
  /** Under way, or about to start: some deadlines may still follow the previous calendar. */
  running: Type.Boolean(),
  /** Running clocks gone through so far, of `total`. */
  done: Type.Integer(),
  total: Type.Union([Type.Integer(), Type.Null()]),
});
export type CalendarRetime = Static<typeof CalendarRetime>;

export const CalendarYear = Type.Object({
  year: Type.Integer(),
  hours: Type.Array(CalendarWorkHours),
  /** The year's entries; days without one follow the week (Monday–Friday work). */
  days: Type.Array(CalendarDay),
  retime: CalendarRetime,
});
export type CalendarYear = Static<typeof CalendarYear>;

export const CalendarYearQuery = Type.Object({
  /** Defaults to the current year. */
  year: Type.Optional(Int(2000, 2100)),
});
export type CalendarYearQuery = Static<typeof CalendarYearQuery>;

export const CalendarDateParam = Type.Object({ date: Type.String({ format: 'date' }) });
export type CalendarDateParam = Static<typeof CalendarDateParam>;

export const CalendarDayBody = Type.Object({
  kind: CalendarDayKindSchema,
  name: Type.String({ minLength: 1, maxLength: 40 }),
});
export type CalendarDayBody = Static<typeof CalendarDayBody>;

export const CalendarDeadlineQuery = Type.Object({
  from: Type.String({ format: 'date-time' }),
  minutes: Num(0, CALENDAR_MINUTES_MAX),
  /** Natural (calendar) time instead of working time. */
  natural: Type.Optional(Type.Boolean()),
});
export type CalendarDeadlineQuery = Static<typeof CalendarDeadlineQuery>;

export const CalendarDeadline = Type.Object({
  from: Type.String({ format: 'date-time' }),
  minutes: Type.Number(),
  natural: Type.Boolean(),
  due: Type.String({ format: 'date-time' }),
});
export type CalendarDeadline = Static<typeof CalendarDeadline>;
