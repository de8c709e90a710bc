import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildDepartment,
  buildDepartmentStaff,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { setCaseClock } from '../../../test/clocks.ts';
import { insertGridNode } from '../grid/grid.repository.ts';

const TZ = 'Asia/Shanghai';
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** The date of an instant on the work calendar, computed here without the server's helpers. */
const localDate = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
const shift = (ymd: string, days: number) =>
  new Date(Date.parse(`${ymd}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);

interface Row {
  id: number;
  state: string;
  channel: string;
  category_id: number;
  department_id: number | null;
  path: string;
  day: string;
  accepted: boolean;
  handled: boolean;
  satisfied: boolean | null;
  lateAccept: boolean;
  lateFeedback: boolean;
  overdueStage: string | null;
  dueSoon: boolean;
}

describe.each(testEngines())('work dashboard figures on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let gridA: { id: number; path: string };
  let gridB: { id: number; path: string };
  let dept1: number;
  let dept2: number;
  let cat: Record<'SRHJ01' | 'SRHJ' | 'MSJF01' | 'MSJF' | 'ZA', number>;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);

  const report = (grid: number, categoryId: number, channel: string) =>
    ok('command', 'POST', '/api/cases', {
      categoryId,
      nature: 'civil',
      handlingType: 'coordination',
      description: '工作台统计测试事件',
      gridId: grid,
      channel,
    });
  const act = (who: string, id: number, action: string, body: object = {}) =>
    ok(who, 'POST', `/api/cases/${id}/${action}`, body);
  const listTotal = async (who: string, filter: Record<string, string | number>) => {
    const qs = new URLSearchParams(Object.entries(filter).map(([k, v]): [string, string] => [k, String(v)]));
    qs.set('pageSize', '1');
    return (await ok(who, 'GET', `/api/cases?${qs}`)).total as number;
  };

  /** Every case with what the figures read, straight from the tables. */
  const rows = async (): Promise<Row[]> => {
    const now = Date.now();
    const cases = await t.db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .select([
        'c.id',
        'c.state',
        'c.channel',
        'c.category_id',
        'c.department_id',
        'g.path',
        'c.reported_at',
        'c.accepted_at',
        'c.handled_at',
        'c.visit_satisfied',
      ])
      .execute();
    const clocks = await t.db.selectFrom('clock').selectAll().where('subject_kind', '=', 'case').execute();
    return cases.map((c) => {
      const mine = clocks.filter((k) => Number(k.subject_id) === c.id);
      const late = (stage: string) =>
        mine.some((k) => k.stage === stage && k.stopped_at !== null && k.stopped_at > k.due_at);
      const running = mine.find((k) => k.stopped_at === null);
      const live = running && running.parked_at === null ? running : null;
      return {
        id: c.id,
        state: c.state,
        channel: c.channel,
        category_id: c.category_id,
        department_id: c.department_id,
        path: c.path,
        day: localDate(c.reported_at),
        accepted: c.accepted_at !== null,
        handled: c.handled_at !== null,
        satisfied: c.visit_satisfied,
        lateAccept: c.accepted_at !== null && late('accept'),
        lateFeedback: c.handled_at !== null && late('feedback'),
        overdueStage: live && live.due_at.getTime() < now ? live.stage : null,
        dueSoon: Boolean(
          live &&
          live.due_at.getTime() >= now &&
          (live.next_alert !== 'warn' || (live.next_alert_at && live.next_alert_at.getTime() <= now)),
        ),
      };
    });
  };

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    gridA = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
    });
    gridB = await insertGridNode(t.db, {
      parentId: territory.villageB.id,
      kind: 'base_grid',
      name: '乙村第1网格',
      code: '33052310220101',
    });
    t.app.ctx.locator.invalidate();
    const categories = await t.db.selectFrom('case_category').select(['id', 'code']).execute();
    const byCode = Object.fromEntries(categories.map((c) => [c.code, c.id]));
    cat = {
      SRHJ01: byCode.SRHJ01!,
      SRHJ: byCode.SRHJ!,
      MSJF01: byCode.MSJF01!,
      MSJF: byCode.MSJF!,
      ZA: byCode.ZA!,
    };
    dept1 = await buildDepartment(t.db, '城管执法局', 'CG');
    dept2 = await buildDepartment(t.db, '派出所', 'PCS');
    await buildDepartmentStaff(t, {
      username: 'cg1',
      departmentId: dept1,
      phone: '13900000001',
      scopeId: territory.county.id,
    });
    await buildDepartmentStaff(t, {
      username: 'police',
      departmentId: dept2,
      phone: '13900000003',
      scopeId: territory.county.id,
    });
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'leader', roles: ['leader'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    for (const u of ['cg1', 'police', 'command', 'leader', 'chief', 'member'])
      cookies[u] = await login(t.app, u);
    await ok('command', 'PUT', '/api/case-settings', {
      autoDispatch: true,
      returnVisit: true,
      autoArchive: true,
    });
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.SRHJ, departmentId: dept1 });
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.ZA, departmentId: dept2 });

    const past = new Date(Date.now() - HOUR);
    // 甲镇 (townA)
    await report(gridA.id, cat.SRHJ01, 'desk'); // assigned
    const a2 = await report(gridA.id, cat.SRHJ01, 'hotline');
    await act('cg1', a2.id, 'accept'); // accepted
    await report(gridA.id, cat.MSJF01, 'wechat'); // no rule: awaiting dispatch
    const a4 = await report(gridA.id, cat.SRHJ01, 'hotline');
    await act('cg1', a4.id, 'accept');
    await act('cg1', a4.id, 'feedback', { note: '已处理' });
    await act('command', a4.id, 'visit', { satisfied: false, note: '群众不满意' }); // rework
    const a5 = await report(gridA.id, cat.ZA, 'desk');
    await setCaseClock(t.db, a5.id, { due_at: past }); // overdue, not accepted
    const a6 = await report(gridA.id, cat.SRHJ01, 'desk');
    // Past its warning, not yet due.
    await setCaseClock(t.db, a6.id, { due_at: new Date(Date.now() + 2 * HOUR), next_alert: 'overdue' });
    const a7 = await report(gridA.id, cat.SRHJ01, 'mobile');
    await t.db
      .updateTable('cases')
      .set({ reported_at: new Date(Date.now() - DAY) })
      .where('id', '=', a7.id)
      .execute();
    // 乙镇 (townB)
    const b1 = await report(gridB.id, cat.ZA, 'mobile');
    await act('police', b1.id, 'accept');
    await act('police', b1.id, 'feedback', { note: '已调解' }); // handled
    const b2 = await report(gridB.id, cat.SRHJ01, 'desk');
    await act('cg1', b2.id, 'accept');
    await act('cg1', b2.id, 'feedback', { note: '已清运' });
    await act('command', b2.id, 'visit', { satisfied: true, note: '满意' }); // archived
    const b3 = await report(gridB.id, cat.SRHJ01, 'wechat');
    await setCaseClock(t.db, b3.id, { due_at: past });
    await act('cg1', b3.id, 'accept'); // accepted late
    await setCaseClock(t.db, b3.id, { due_at: past });
    await act('cg1', b3.id, 'feedback', { note: '超时后反馈' }); // fed back late
    const b4 = await report(gridB.id, cat.ZA, 'desk');
    await t.db
      .updateTable('cases')
      .set({ reported_at: new Date(Date.now() - 40 * DAY) })
      .where('id', '=', b4.id)
      .execute();
    const b5 = await report(gridB.id, cat.MSJF01, 'hotline');
    await t.db
      .updateTable('cases')
      .set({ reported_at: new Date(Date.now() - 6 * DAY) })
      .where('id', '=', b5.id)
      .execute();
  });
  afterAll(() => t.close());

  /** The figures a viewer with `scope` should see, counted here from the rows. */
  const expected = (all: Row[], scope: string, from: string, to: string) => {
    const mine = all.filter((r) => r.path.startsWith(scope));
    const inPeriod = mine.filter((r) => r.day >= from && r.day <= to);
    const count = (pred: (r: Row) => boolean, of = inPeriod) => of.filter(pred).length;
    return { mine, inPeriod, count };
  };

  it.each(['today', 'week', 'month'] as const)(
    'gives the command centre every figure of %s as counted from the cases, each the total of its list',
    async (period) => {
      const s = await ok('command', 'GET', `/api/cases/stats?period=${period}`);
      const today = localDate(new Date());
      const weekday = new Date(`${today}T12:00:00Z`).getUTCDay();
      const from = { today, week: shift(today, -((weekday + 6) % 7)), month: `${today.slice(0, 7)}-01` }[
        period
      ];
      expect(s.from).toBe(from);
      expect(s.to).toBe(today);
      const all = await rows();
      const { mine, inPeriod, count } = expected(all, territory.county.path, from, today);
      expect(s.total).toBe(inPeriod.length);
      expect(s.total).toBeGreaterThan(0);
      const range = { from, to: today };
      expect(await listTotal('command', range)).toBe(s.total);

      // By channel.
      const channels = [...new Set(inPeriod.map((r) => r.channel))];
      expect(
        Object.fromEntries(s.byChannel.map((c: { channel: string; count: number }) => [c.channel, c.count])),
      ).toEqual(Object.fromEntries(channels.map((ch) => [ch, count((r) => r.channel === ch)])));
      for (const c of s.byChannel)
        expect(await listTotal('command', { ...range, channel: c.channel })).toBe(c.count);

      // By top-level category.
      const root = (id: number) => (id === cat.SRHJ01 ? cat.SRHJ : id === cat.MSJF01 ? cat.MSJF : id);
      const roots = [...new Set(inPeriod.map((r) => root(r.category_id)))];
      expect(
        Object.fromEntries(s.byCategory.map((c: { id: number; count: number }) => [c.id, c.count])),
      ).toEqual(Object.fromEntries(roots.map((id) => [id, count((r) => root(r.category_id) === id)])));
      for (const c of s.byCategory)
        expect(await listTotal('command', { ...range, categoryId: c.id })).toBe(c.count);

      // By township (one level below the county).
      const towns = [territory.townA, territory.townB].filter(
        (tw) => count((r) => r.path.startsWith(tw.path)) > 0,
      );
      expect(s.byArea.map((a: { id: number }) => a.id).sort()).toEqual(towns.map((tw) => tw.id).sort());
      for (const a of s.byArea) {
        const town = towns.find((tw) => tw.id === a.id)!;
        expect(a.count).toBe(count((r) => r.path.startsWith(town.path)));
        expect(a.name).toBe(town.id === territory.townA.id ? '甲镇' : '乙镇');
        expect(await listTotal('command', { ...range, gridId: a.id })).toBe(a.count);
      }

      // Rates.
      expect(s.acceptance.done).toBe(count((r) => r.accepted));
      expect(s.acceptance.late).toBe(count((r) => r.lateAccept));
      expect(s.closure.done).toBe(count((r) => r.handled));
      expect(s.closure.late).toBe(count((r) => r.lateFeedback));
      if (s.acceptance.done)
        expect(s.acceptance.rate).toBeCloseTo((s.acceptance.done - s.acceptance.late) / s.acceptance.done);
      expect(await listTotal('command', { ...range, late: 'accept' })).toBe(s.acceptance.late);
      expect(await listTotal('command', { ...range, late: 'feedback' })).toBe(s.closure.late);
      expect(s.satisfaction.satisfied).toBe(count((r) => r.satisfied === true));
      expect(s.satisfaction.unsatisfied).toBe(count((r) => r.satisfied === false));
      expect(s.satisfaction.rate).toBeCloseTo(s.satisfaction.satisfied / s.satisfaction.visited);
      expect(await listTotal('command', { ...range, satisfied: 'true' })).toBe(s.satisfaction.satisfied);
      expect(await listTotal('command', { ...range, satisfied: 'false' })).toBe(s.satisfaction.unsatisfied);

      // Overdue now, whatever the period.
      for (const stage of ['accept', 'feedback', 'visit'] as const) {
        expect(s.overdue[stage]).toBe(count((r) => r.overdueStage === stage, mine));
        expect(await listTotal('command', { overdue: stage })).toBe(s.overdue[stage]);
      }
      expect(s.overdue.total).toBe(count((r) => r.overdueStage !== null, mine));
      expect(s.overdue.accept).toBe(1);
      for (const d of s.departmentOverdue) {
        expect(d.count).toBe(count((r) => r.overdueStage !== null && r.department_id === d.id, mine));
        expect(await listTotal('command', { overdue: 'any', departmentId: d.id })).toBe(d.count);
      }
      expect(s.departmentOverdue).toEqual([{ id: dept2, name: '派出所', count: 1 }]);

      // The trend: 30 days ending today, the case of 40 days ago not in it.
      expect(s.trend).toHaveLength(30);
      expect(s.trend.at(-1).date).toBe(today);
      expect(s.trend[0].date).toBe(shift(today, -29));
      for (const d of s.trend) {
        expect(d.count, d.date).toBe(count((r) => r.day === d.date, mine));
        if (d.count) expect(await listTotal('command', { from: d.date, to: d.date })).toBe(d.count);
      }
      expect(s.trend.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(mine.length - 1);
    },
  );

  it('the known cases land where they should this month', async () => {
    const s = await ok('leader', 'GET', '/api/cases/stats');
    expect(s.period).toBe('month');
    expect(s.acceptance.late).toBe(1);
    expect(s.closure.late).toBe(1);
    expect(s.satisfaction).toMatchObject({ visited: 2, satisfied: 1, unsatisfied: 1, rate: 0.5 });
    // No citizen has rated yet; then three cases are rated (one twice: its latest round counts).
    expect(s.citizenRating).toEqual({ rated: 0, satisfied: 0, basic: 0, unsatisfied: 0, rate: null });
    const ids = (
      await t.db
        .selectFrom('cases')
        .select('id')
        .where('reported_at', '>', new Date(Date.now() - 3_600_000))
        .orderBy('id')
        .limit(3)
        .execute()
    ).map((c) => c.id);
    await t.db
      .insertInto('case_rating')
      .values([
        { case_id: ids[0]!, round: 1, rating: 'unsatisfied', reopened: true },
        { case_id: ids[0]!, round: 2, rating: 'satisfied' },
        { case_id: ids[1]!, round: 1, rating: 'basic' },
        { case_id: ids[2]!, round: 1, rating: 'unsatisfied' },
      ])
      .execute();
    const rated = await ok('leader', 'GET', '/api/cases/stats');
    expect(rated.citizenRating).toEqual({ rated: 3, satisfied: 1, basic: 1, unsatisfied: 1, rate: 2 / 3 });
    await t.db.deleteFrom('case_rating').where('case_id', 'in', ids).execute();
    const today = await ok('leader', 'GET', '/api/cases/stats?period=today');
    // Every case but the three moved back was reported today.
    expect(today.total).toBe(12 - 3);
  });

  it('shows a township chief only their township, by village', async () => {
    const s = await ok('chief', 'GET', '/api/cases/stats?period=month');
    const all = await rows();
    const { mine, inPeriod, count } = expected(all, territory.townA.path, s.from, s.to);
    expect(s.total).toBe(inPeriod.length);
    expect(await listTotal('chief', { from: s.from, to: s.to })).toBe(s.total);
    // 乙镇's cases are not counted anywhere.
    expect(s.byArea).toEqual([
      { id: territory.villageA.id, name: '甲村', kind: 'village', count: inPeriod.length },
    ]);
    expect(s.satisfaction).toMatchObject({ visited: 1, satisfied: 0, unsatisfied: 1 });
    expect(s.acceptance.late).toBe(0);
    expect(s.overdue.total).toBe(count((r) => r.overdueStage !== null, mine));
    expect(s.trend.reduce((n: number, d: { count: number }) => n + d.count, 0)).toBe(mine.length);
    const county = await ok('command', 'GET', '/api/cases/stats?period=month');
    expect(county.total).toBeGreaterThan(s.total);
  });

  it('counts the to-dos of a department, a chief and a grid member exactly as the lists they open', async () => {
    const all = await rows();
    const check = async (who: string, want: Record<string, number>) => {
      const { items } = await ok(who, 'GET', '/api/cases/todos');
      expect(Object.fromEntries(items.map((i: { key: string; count: number }) => [i.key, i.count]))).toEqual(
        want,
      );
      for (const i of items) expect(await listTotal(who, i.filter), `${who} ${i.key}`).toBe(i.count);
    };
    const of = (pred: (r: Row) => boolean) => all.filter(pred).length;
    const dept = (d: number) => (r: Row) => r.department_id === d;
    await check('cg1', {
      accept: of((r) => dept(dept1)(r) && r.state === 'assigned'),
      feedback: of((r) => dept(dept1)(r) && ['accepted', 'rework'].includes(r.state)),
      dueSoon: of((r) => dept(dept1)(r) && r.dueSoon),
      overdue: of((r) => dept(dept1)(r) && r.overdueStage !== null),
    });
    await check('police', { accept: 2, feedback: 0, dueSoon: 0, overdue: 1 });
    const townA = (r: Row) => r.path.startsWith(territory.townA.path);
    await check('chief', {
      dispatch: of((r) => townA(r) && ['pending_dispatch', 'rejected'].includes(r.state)),
      accept: of((r) => townA(r) && r.state === 'assigned'),
      feedback: of((r) => townA(r) && ['accepted', 'rework'].includes(r.state)),
      visit: of((r) => townA(r) && r.state === 'handled'),
      dueSoon: of((r) => townA(r) && r.dueSoon),
      overdue: of((r) => townA(r) && r.overdueStage !== null),
    });
    const cg1 = await ok('cg1', 'GET', '/api/cases/todos');
    expect(cg1.items.find((i: { key: string }) => i.key === 'dueSoon').count).toBe(1);
    await check('member', {
      accept: of((r) => townA(r) && r.state === 'assigned'),
      feedback: of((r) => townA(r) && ['accepted', 'rework'].includes(r.state)),
      visit: 0,
      dueSoon: 1,
      overdue: 1,
    });
  });

  it('answers bad input with a 400 and who may not read figures with a 403', async () => {
    const bad = await call('command', 'GET', '/api/cases/stats?period=year');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    const late = await call('command', 'GET', '/api/cases?late=visit');
    expect(late.statusCode).toBe(400);
    expect((await call('cg1', 'GET', '/api/cases/stats')).statusCode).toBe(403);
    expect((await call('', 'GET', '/api/cases/todos')).statusCode).toBe(401);
  });
});
