import type { CalendarWorkHours, CalendarYear } from '@wangge/shared';
import { useEffect, useState } from 'react';
import { get } from '../../../core/api.ts';

/** The shipped hours (8:30–12:00, 13:30–17:30): 450 minutes. */
export const DEFAULT_DAY_MINUTES = 450;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes of one working day by these hours (the default when there are none). */
export function dayMinutes(hours: CalendarWorkHours[]): number {
  const total = hours.reduce((n, h) => n + Math.max(0, minutesOf(h.end) - minutesOf(h.start)), 0);
  return total > 0 ? total : DEFAULT_DAY_MINUTES;
}

/** Minutes of one working day by the calendar's hours (the default when it cannot be read). */
export function useWorkdayMinutes(reloadKey = 0): number {
  const [minutes, setMinutes] = useState(DEFAULT_DAY_MINUTES);
  useEffect(() => {
    get<CalendarYear>('/api/calendar')
      .then((c) => setMinutes(dayMinutes(c.hours)))
      .catch(() => undefined);
  }, [reloadKey]);
  return minutes;
}
