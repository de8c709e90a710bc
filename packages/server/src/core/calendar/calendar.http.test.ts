import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../app.ts';
import { ClockRetimer } from '../clock/retimer.ts';
import { casesWithClocks, setCaseClock } from '../../../test/clocks.ts';
import { testEngines } from '../../../test/engines.ts';
import {
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';

describe.each(testEngines())('work calendar API on $name', (engine) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  let gridId: number;
  let categoryId: number;

  const { call, ok } = requests(() => t.app, cookies);
  /** A grid member's report, auto-dispatched: its acceptance clock runs in working time. */
  const report = (description: string) =>
    ok('member', 'POST', '/api/cases', {
      categoryId,
      nature: 'civil',
      handlingType: 'coordination',
      description,
      gridId,
    });
  /** Until the re-timing after the last calendar change has gone through every running clock. */
  const retimed = () =>
    expect
      .poll(async () => (await ok('command', 'GET', '/api/calendar')).retime.running, { interval: 20 })
      .toBe(false);

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const territory = await buildTerritory(t.db);
    gridId = (await buildGrid(t.db, { parentId: territory.villageA.id, name: '甲村第1网格' })).id;
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    for (const u of ['command', 'member']) cookies[u] = await login(t.app, u);
    const dept = await t.db
      .insertInto('department')
      .values({ name: '城管执法局', code: 'CG', sectors: [], categories: [] })
      .returning('id')
      .executeTakeFirstOrThrow();
    categoryId = (
      await t.db
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', 'SRHJ01')
        .executeTakeFirstOrThrow()
    ).id;
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId, departmentId: dept.id });
  });
  afterAll(() => t.close());

  it('ships the 2026 and 2027 national holidays once, with the make-up working days', async () => {
    const y2026 = await ok('member', 'GET', '/api/calendar?year=2026');
    expect(y2026.hours).toEqual([
      { start: '08:30', end: '12:00' },
      { start: '13:30', end: '17:30' },
    ]);
    expect(y2026.days).toContainEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节' });
    expect(y2026.days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' });
    expect((await ok('member', 'GET', '/api/calendar?year=2027')).days.length).toBeGreaterThan(10);
    // A removed shipped day stays removed across restarts (the year is copied in only once).
    await ok('command', 'DELETE', '/api/calendar/days/2027-06-09');
    expect(await t.app.ctx.calendar.ensureShipped()).toEqual([]);
    const y2027 = await ok('member', 'GET', '/api/calendar?year=2027');
    expect(y2027.days.map((d: { date: string }) => d.date)).not.toContain('2027-06-09');
    await ok('command', 'PUT', '/api/calendar/days/2027-06-09', { kind: 'holiday', name: '端午节' });
  });

  it('previews deadlines in working time and natural time', async () => {
    const working = await ok(
      'member',
      'GET',
      '/api/calendar/deadline?from=2026-09-30T16:30:00%2B08:00&minutes=120',
    );
    expect(working.due).toBe('2026-10-08T01:30:00.000Z'); // 8 Oct 09:30 in Beijing
    const natural = await ok(
      'member',
      'GET',
      '/api/calendar/deadline?from=2026-09-30T16:30:00%2B08:00&minutes=120&natural=true',
    );
    expect(natural.due).toBe('2026-09-30T10:30:00.000Z');
    expect((await call('member', 'GET', '/api/calendar/deadline?from=yesterday&minutes=5')).statusCode).toBe(
      400,
    );
  });

  it('lets only case.config edit, validates, and audits every change', async () => {
    expect(
      (await call('member', 'PUT', '/api/calendar/days/2026-12-24', { kind: 'holiday', name: '平安夜' }))
        .statusCode,
    ).toBe(403);
    expect((await call('', 'GET', '/api/calendar')).statusCode).toBe(401);
    const badDate = await call('command', 'PUT', '/api/calendar/days/2026-02-30', {
      kind: 'holiday',
      name: '无此日',
    });
    expect(badDate.statusCode).toBe(400);
    const badKind = await call('command', 'PUT', '/api/calendar/days/2026-12-24', {
      kind: 'weekend',
      name: 'x',
    });
    expect(badKind.statusCode).toBe(400);
    const blank = await call('command', 'PUT', '/api/calendar/days/2026-12-24', {
      kind: 'holiday',
      name: '  ',
    });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.code).toBe('VALIDATION_FAILED');
    const overlap = await call('command', 'PUT', '/api/calendar/hours', {
      hours: [
        { start: '08:00', end: '12:00' },
        { start: '11:00', end: '17:00' },
      ],
    });
    expect(overlap.statusCode).toBe(400);
    expect(overlap.json().error.fields).toHaveProperty('hours/1/start');
    expect((await call('command', 'DELETE', '/api/calendar/days/2026-12-23')).statusCode).toBe(404);

    const set = await ok('command', 'PUT', '/api/calendar/days/2026-12-24', {
      kind: 'holiday',
      name: '县里统一放假',
    });
    expect(set).toEqual({ date: '2026-12-24', kind: 'holiday', name: '县里统一放假' });
    await ok('command', 'DELETE', '/api/calendar/days/2026-12-24');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('action', 'like', 'calendar.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => `${a.action} ${a.target_id}`)).toEqual(
      expect.arrayContaining(['calendar.day.set 2026-12-24', 'calendar.day.delete 2026-12-24']),
    );
  });

  it('re-times running working-time clocks when the calendar changes', async () => {
    const c = await report('小区门口垃圾堆积三天无人清运');
    expect(c.state).toBe('assigned');
    const clock = () =>
      casesWithClocks(t.db)
        .select(['stage_started_at', 'limit_minutes', 'limit_natural', 'due_at', 'next_alert_at'])
        .where('c.id', '=', c.id)
        .executeTakeFirstOrThrow();
    const before = await clock();
    expect(before.limit_natural).toBe(false);
    const cal = await t.app.ctx.calendar.get();
    const dueDay = cal.localDate(before.due_at!);
    // The deadline's day becomes a day off: the deadline moves to a later working day, once the
    // re-timing that follows the change has gone through the running clocks.
    await ok('command', 'PUT', `/api/calendar/days/${dueDay}`, { kind: 'holiday', name: '临时放假' });
    await retimed();
    const after = await clock();
    expect(after.due_at!.getTime()).toBeGreaterThan(before.due_at!.getTime());
    const edited = await t.app.ctx.calendar.get();
    expect(edited.isWorkingDay(dueDay)).toBe(false);
    expect(after.due_at!.toISOString()).toBe(
      edited.addWorkingMinutes(before.stage_started_at!, before.limit_minutes!).toISOString(),
    );
    expect(edited.localDate(after.due_at!)).not.toBe(dueDay);
    expect(after.next_alert_at!.getTime()).toBeLessThanOrEqual(after.due_at!.getTime());
    // And back.
    await ok('command', 'DELETE', `/api/calendar/days/${dueDay}`);
    await retimed();
    expect((await clock()).due_at!.toISOString()).toBe(before.due_at!.toISOString());
    const job = await t.db
      .selectFrom('job')
      .selectAll()
      .where('kind', '=', 'calendar.retime')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job).toMatchObject({ status: 'done', done: job.total, error: null });
    expect(job.total).toBeGreaterThanOrEqual(1);
  });

  it('re-times what a restart left undone: a change committed, its re-timing never ran', async () => {
    const c = await report('楼道堆放杂物影响通行');
    const dueAt = async () =>
      (await casesWithClocks(t.db).select('due_at').where('c.id', '=', c.id).executeTakeFirstOrThrow())
        .due_at!;
    const before = await dueAt();
    const dueDay = (await t.app.ctx.calendar.get()).localDate(before);
    // What a server stopped right after the change's commit leaves behind.
    await t.db
      .insertInto('calendar_day')
      .values({ day: dueDay, kind: 'holiday', name: '停电放假', updated_by: null })
      .execute();
    await t.db
      .updateTable('setting')
      .set({ value: sql`to_jsonb(value::text::bigint + 1)` })
      .where('key', '=', 'calendar.generation')
      .execute();
    t.app.ctx.calendar.invalidate();
    // The calendar page says the deadlines are not all re-timed yet.
    expect((await ok('command', 'GET', '/api/calendar')).retime.running).toBe(true);
    expect((await dueAt()).getTime()).toBe(before.getTime());
    // The next start finishes the work.
    const restarted = await buildApp(t.config, t.database, { logger: false });
    try {
      await restarted.ready();
      await restarted.ctx.clockRetimer.settled();
      await retimed();
      expect((await dueAt()).getTime()).toBeGreaterThan(before.getTime());
    } finally {
      await restarted.close();
      await ok('command', 'DELETE', `/api/calendar/days/${dueDay}`);
      await retimed();
    }
  });

  it('tries a failed re-timing again', async () => {
    const retimer = new ClockRetimer(t.db, {
      calendar: t.app.ctx.calendar,
      clocks: t.app.ctx.clocks,
      jobs: t.app.ctx.jobs,
      retryMs: 50,
    });
    const count = vi
      .spyOn(t.app.ctx.clocks, 'countRunning')
      .mockRejectedValueOnce(new Error('connection refused'));
    const jobs = () =>
      t.db
        .selectFrom('job')
        .select(['status'])
        .where('kind', '=', 'calendar.retime')
        .where('id', '>', before)
        .orderBy('id')
        .execute();
    const before =
      (
        await t.db
          .selectFrom('job')
          .select((eb) => eb.fn.max<number>('id').as('id'))
          .executeTakeFirst()
      )?.id ?? 0;
    try {
      retimer.request();
      await expect.poll(async () => (await jobs()).map((j) => j.status)).toEqual(['failed', 'done']);
      expect(count).toHaveBeenCalledTimes(2);
    } finally {
      count.mockRestore();
      await retimer.stop();
    }
  });

  it('leaves a clock that changed meanwhile as its change left it, and counts its progress', async () => {
    // Many running clocks: several batches.
    const stamp = new Date(Date.now() - 3_600_000);
    await sql`with c as (insert into cases (number, category_id, nature, handling_type, urgency, title,
        description, grid_id, reporter_kind, channel, state)
      select 'RT' || lpad(i::text, 12, '0'), ${categoryId}, 'civil', 'coordination', 'normal', '批量', '批量',
        ${gridId}, 'staff', 'desk', 'accepted'
      from generate_series(1, 4500) i returning id)
      insert into clock (subject_kind, subject_id, stage, round, started_at, limit_minutes, natural_time, due_at)
      select 'case', id, 'feedback', 1, ${stamp}, 2400, false, ${stamp} from c`.execute(t.db);
    const total = await t.app.ctx.clocks.countRunning(t.db);
    const seen: number[] = [];
    const calendar = await t.app.ctx.calendar.get();
    const first = await t.db
      .selectFrom('cases')
      .select(['id'])
      .where('number', 'like', 'RT%')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    // A clock restarted by a transition while the pass runs: after the pass has read it, before
    // the pass writes it.
    const retimedCount = await t.app.ctx.clocks.retime(t.db, calendar, {
      batchSize: 2000,
      afterRead: async (ids) => {
        if (!ids.includes(first.id)) return;
        await setCaseClock(t.db, first.id, { stage_seq: 2, due_at: new Date('2030-01-01T00:00:00Z') });
      },
      onBatch: (n) => void seen.push(n),
    });
    expect(seen.reduce((a, b) => a + b, 0)).toBe(total);
    expect(seen.length).toBe(Math.ceil(total / 2000));
    expect(retimedCount).toBe(total - 1);
    const rows = await casesWithClocks(t.db)
      .select(['c.id', 'due_at'])
      .where('number', 'like', 'RT%')
      .orderBy('c.id')
      .execute();
    // The changed clock as its change left it; the others re-timed: 40 working hours from an
    // hour ago.
    expect(rows[0]!.due_at!.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    const due = calendar.addWorkingMinutes(stamp, 2400).toISOString();
    expect(rows.slice(1).every((r) => r.due_at!.toISOString() === due)).toBe(true);
    await sql`delete from clock where subject_kind = 'case'
      and subject_id in (select id from cases where number like 'RT%')`.execute(t.db);
    await t.db.deleteFrom('cases').where('number', 'like', 'RT%').execute();
  });
});
