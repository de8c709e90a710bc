import type { CalendarWorkHours, CalendarYear } from '@wangge/shared';
import { useApi } from '../../../core/query.tsx';

/** The shipped hours (8:30–12:00, 13:30–17:30): 450 minutes. */
export const DEFAULT_DAY_MINUTES = 450;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes of one working day by these hours (the default when there are none). */
export function dayMinutes(hours: CalendarWorkHours[]): number {
  const total = hours.reduce((n, h) => n + Math.max(0, minutesOf(h.end) - minutesOf(h.start)), 0);
  return total > 0 ? total : DEFAULT_DAY_MINUTES;
}

/** Minutes of one working day by the calendar's hours (the default when it cannot be read). */
export function useWorkdayMinutes(): number {
  const calendar = useApi<CalendarYear>('/api/calendar').data;
  return calendar ? dayMinutes(calendar.hours) : DEFAULT_DAY_MINUTES;
}
