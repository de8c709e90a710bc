import {
  CalendarDateParam,
  CalendarDay,
  CalendarDayBody,
  CalendarDeadline,
  CalendarDeadlineQuery,
  CalendarHoursBody,
  CalendarYear,
  CalendarYearQuery,
  type Permission,
} from '@wangge/shared';
import { Type } from 'typebox';
import { todayIn } from './dates.ts';
import { actorOf, type App } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { withErrors } from '../http/responses.ts';

/**
 * The work calendar's routes. Who reads it (everyone shown deadlines) and who edits it are the
 * composition root's to say: the kernel names no module's permissions.
 */
export function calendarRoutes(access: { read: Permission[]; write: Permission }) {
  return (app: App) => routes(app, access.read, [access.write]);
}

async function routes(app: App, READERS: Permission[], EDITORS: Permission[]): Promise<void> {
  const { calendar } = app.ctx;
  const tags = ['calendar'];

  app.get(
    '/api/calendar',
    {
      schema: {
        tags,
        summary: '工作日历：某年的放假与调休安排及工作时段',
        querystring: CalendarYearQuery,
        response: withErrors({ 200: CalendarYear }),
      },
      config: { permissions: READERS },
    },
    async (request) => {
      const year = request.query.year ?? Number(todayIn(calendar.timeZone).slice(0, 4));
      const [days, retime] = await Promise.all([calendar.year(year), app.ctx.clockRetimer.state()]);
      return { ...days, retime };
    },
  );

  app.put(
    '/api/calendar/hours',
    {
      schema: {
        tags,
        summary: '设置每个工作日的工作时段',
        body: CalendarHoursBody,
        response: withErrors({ 200: CalendarHoursBody }),
      },
      config: { permissions: EDITORS },
    },
    async (request) => ({ hours: await calendar.setHours(actorOf(request), request.body.hours) }),
  );

  app.put(
    '/api/calendar/days/:date',
    {
      schema: {
        tags,
        summary: '设置某天为放假或调休上班',
        params: CalendarDateParam,
        body: CalendarDayBody,
        response: withErrors({ 200: CalendarDay }),
      },
      config: { permissions: EDITORS },
    },
    async (request) =>
      calendar.setDay(actorOf(request), request.params.date, request.body.kind, request.body.name),
  );

  app.delete(
    '/api/calendar/days/:date',
    {
      schema: {
        tags,
        summary: '删除某天的安排（按周一至周五上班计）',
        params: CalendarDateParam,
        response: withErrors({ 204: Type.Null() }),
      },
      config: { permissions: EDITORS },
    },
    async (request, reply) => {
      await calendar.deleteDay(actorOf(request), request.params.date);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/calendar/deadline',
    {
      schema: {
        tags,
        summary: '按工作日历推算期限（试算）',
        querystring: CalendarDeadlineQuery,
        response: withErrors({ 200: CalendarDeadline }),
      },
      config: { permissions: READERS },
    },
    async (request) => {
      const { from, minutes, natural = false } = request.query;
      const start = new Date(from);
      if (Number.isNaN(start.getTime())) {
        throw new AppError('VALIDATION_FAILED', undefined, { from: '应为带时区的 ISO 8601 时间' });
      }
      const cal = await calendar.get();
      return {
        from: start.toISOString(),
        minutes,
        natural,
        due: cal.addMinutes(start, minutes, natural).toISOString(),
      };
    },
  );
}
