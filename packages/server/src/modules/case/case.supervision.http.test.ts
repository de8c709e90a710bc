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

// Supervising cases in hand: urge, reassign, recall, co-handling, formal supervision, a named
// officer, and townships as handling units.
describe.each(testEngines())('case supervision on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let dept1: number;
  let dept2: number;
  let dept3: number;
  let townUnit: number;
  let townBUnit: number;
  let category: number;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);

  const inbox = async (username: string) =>
    t.db
      .selectFrom('inbox_message as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['m.title', 'm.body', 'm.case_id'])
      .where('u.username', '=', username)
      .orderBy('m.id')
      .execute();
  const personOf = async (username: string) =>
    (
      await t.db
        .selectFrom('person as p')
        .innerJoin('app_user as u', 'u.id', 'p.user_id')
        .select('p.id')
        .where('u.username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;
  /** A case reported in 甲村 and dispatched to `departmentId`. */
  const assigned = async (departmentId = dept1) => {
    const c = await ok('command', 'POST', '/api/cases', {
      categoryId: category,
      nature: 'civil',
      handlingType: 'coordination',
      description: '路口井盖缺失，夜间有安全隐患',
      gridId: territory.villageA.id,
    });
    await ok('command', 'POST', `/api/cases/${c.id}/dispatch`, { departmentId });
    return c.id as number;
  };

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    category = (
      await t.db
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', 'SRHJ03')
        .executeTakeFirstOrThrow()
    ).id;
    dept1 = await buildDepartment(t.db, '城管执法局', 'CG');
    dept2 = await buildDepartment(t.db, '住建局', 'ZJ');
    dept3 = await buildDepartment(t.db, '交通局', 'JT');
    townUnit = (
      await t.db
        .insertInto('department')
        .values({
          name: '甲镇综治中心',
          code: 'ZZA',
          sectors: [],
          categories: [],
          grid_id: territory.townA.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    townBUnit = (
      await t.db
        .insertInto('department')
        .values({
          name: '乙镇综治中心',
          code: 'ZZB',
          sectors: [],
          categories: [],
          grid_id: territory.townB.id,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const staff = (username: string, departmentId: number, phone: string) =>
      buildDepartmentStaff(t, { username, departmentId, phone, scopeId: territory.county.id });
    await staff('cg1', dept1, '13900000001');
    await staff('cg2', dept1, '13900000002');
    await staff('zj1', dept2, '13900000003');
    await staff('jt1', dept3, '13900000004');
    await staff('town1', townUnit, '13900000005');
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'leader', roles: ['leader'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'leaderB', roles: ['leader'], scopes: [territory.townB.id] });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    for (const u of ['cg1', 'cg2', 'zj1', 'jt1', 'town1', 'command', 'leader', 'leaderB', 'member'])
      cookies[u] = await login(t.app, u);
  });
  afterAll(() => t.close());

  it('urges the handling unit: each urge is counted, timed, on the timeline and heard by its staff', async () => {
    const id = await assigned();
    expect((await ok('command', 'GET', `/api/cases/${id}`)).allowedActions).toContain('urge');
    // Not the department's own staff, and not a grid member.
    expect((await ok('cg1', 'GET', `/api/cases/${id}`)).allowedActions).not.toContain('urge');
    expect((await call('member', 'POST', `/api/cases/${id}/urge`, {})).statusCode).toBe(403);
    await ok('command', 'POST', `/api/cases/${id}/urge`, { note: '群众多次来电' });
    const detail = await ok('leader', 'POST', `/api/cases/${id}/urge`, {});
    expect(detail.urgeCount).toBe(2);
    expect(detail.urgedAt).not.toBeNull();
    expect(detail.timeline.filter((e: { action: string }) => e.action === 'urge')).toHaveLength(2);
    const msgs = (await inbox('cg2')).filter((m) => m.case_id === id && m.title.startsWith('催办'));
    expect(msgs.map((m) => m.title)).toEqual([
      expect.stringContaining('第 1 次'),
      expect.stringContaining('第 2 次'),
    ]);
    expect(msgs[0]!.body).toContain('群众多次来电');
    const list = await ok('command', 'GET', `/api/cases?q=${detail.number}`);
    expect(list.items[0].urgeCount).toBe(2);
    // A case not in hand cannot be urged.
    await ok('cg1', 'POST', `/api/cases/${id}/reject`, { reason: '不属于本单位职责' });
    expect((await call('command', 'POST', `/api/cases/${id}/urge`, {})).json().error.code).toBe('CASE_STATE');
  });

  it('reassigns a case in hand to another unit: the accept clock starts again, both units hear it', async () => {
    const id = await assigned();
    await ok('cg1', 'POST', `/api/cases/${id}/accept`, {});
    await ok('cg1', 'POST', `/api/cases/${id}/hand-over`, { personId: await personOf('cg2') });
    const same = await call('command', 'POST', `/api/cases/${id}/reassign`, {
      departmentId: dept1,
      reason: '改派',
    });
    expect(same.statusCode).toBe(400);
    expect(
      (await call('command', 'POST', `/api/cases/${id}/reassign`, { departmentId: dept2 })).statusCode,
    ).toBe(400);
    const d = await ok('command', 'POST', `/api/cases/${id}/reassign`, {
      departmentId: dept2,
      reason: '属住建职责',
    });
    expect(d.state).toBe('assigned');
    expect(d.departmentId).toBe(dept2);
    expect(d.stage).toBe('accept');
    expect(d.assignee).toBeNull();
    const entry = d.timeline.at(-1);
    expect([entry.action, entry.fromState, entry.toState, entry.departmentName, entry.note]).toEqual([
      'reassign',
      'accepted',
      'assigned',
      '住建局',
      '属住建职责',
    ]);
    // The former officer hears it was taken away; the new unit that it is theirs.
    expect((await inbox('cg2')).some((m) => m.case_id === id && m.title.startsWith('事件已收回'))).toBe(true);
    expect((await inbox('zj1')).some((m) => m.case_id === id && m.title.startsWith('新事件待受理'))).toBe(
      true,
    );
    // The old unit no longer sees it; the new one can act.
    expect((await call('cg1', 'GET', `/api/cases/${id}`)).statusCode).toBe(403);
    expect((await ok('zj1', 'GET', `/api/cases/${id}`)).allowedActions).toContain('accept');
    // From assigned to assigned: the new unit is told once, and the clock restarts.
    const again = await ok('command', 'POST', `/api/cases/${id}/reassign`, {
      departmentId: dept3,
      reason: '交通设施',
    });
    expect(again.departmentId).toBe(dept3);
    expect(
      (await inbox('jt1')).filter((m) => m.case_id === id && m.title.startsWith('新事件待受理')),
    ).toHaveLength(1);
    expect(again.stage).toBe('accept');
    expect(Date.parse(again.stageStartedAt)).toBeGreaterThanOrEqual(Date.parse(d.stageStartedAt));
    const running = await t.db
      .selectFrom('clock')
      .select('stage')
      .where('subject_kind', '=', 'case')
      .where('subject_id', '=', id)
      .where('stopped_at', 'is', null)
      .execute();
    expect(running.map((c) => c.stage)).toEqual(['accept']);
  });

  it('recalls a case in hand to the dispatch queue, stopping its clock', async () => {
    const id = await assigned();
    expect((await call('command', 'POST', `/api/cases/${id}/recall`, { reason: '' })).statusCode).toBe(400);
    const d = await ok('command', 'POST', `/api/cases/${id}/recall`, { reason: '分派有误' });
    expect([d.state, d.departmentId, d.stage]).toEqual(['pending_dispatch', null, null]);
    expect(d.timeline.at(-1)).toMatchObject({
      action: 'recall',
      departmentName: '城管执法局',
      note: '分派有误',
    });
    expect((await inbox('cg1')).some((m) => m.case_id === id && m.body.includes('已从城管执法局收回'))).toBe(
      true,
    );
    expect((await ok('command', 'GET', `/api/cases/${id}`)).allowedActions).toContain('dispatch');
    expect((await call('command', 'POST', `/api/cases/${id}/recall`, { reason: '再撤' })).statusCode).toBe(
      409,
    );
  });

  it('co-handles: assisting units each feed back before the lead unit can', async () => {
    const id = await assigned();
    await ok('cg1', 'POST', `/api/cases/${id}/accept`, {});
    expect(
      (await call('command', 'POST', `/api/cases/${id}/assist`, { departmentIds: [dept1] })).json().error
        .code,
    ).toBe('VALIDATION_FAILED');
    let d = await ok('command', 'POST', `/api/cases/${id}/assist`, {
      departmentIds: [dept2, dept3],
      note: '联合整治',
    });
    expect(
      d.assists.map((a: { departmentName: string; state: string }) => [a.departmentName, a.state]),
    ).toEqual([
      ['住建局', 'open'],
      ['交通局', 'open'],
    ]);
    expect(
      (await call('command', 'POST', `/api/cases/${id}/assist`, { departmentIds: [dept2] })).statusCode,
    ).toBe(400);
    // Assisting staff see the case, in their inbox list too, and may feed back; the lead may not yet.
    expect((await inbox('zj1')).some((m) => m.case_id === id && m.title.startsWith('请协助办理'))).toBe(true);
    expect((await ok('zj1', 'GET', `/api/cases?mine=true`)).items.map((c: { id: number }) => c.id)).toContain(
      id,
    );
    expect((await ok('zj1', 'GET', `/api/cases/${id}`)).allowedActions).toEqual(
      expect.arrayContaining(['assistFeedback']),
    );
    expect((await ok('cg1', 'GET', `/api/cases/${id}`)).allowedActions).not.toContain('feedback');
    const early = await call('cg1', 'POST', `/api/cases/${id}/feedback`, { note: '已处理完毕' });
    expect(early.json().error.code).toBe('CASE_STATE');
    expect((await call('zj1', 'POST', `/api/cases/${id}/feedback`, { note: '代主办反馈' })).statusCode).toBe(
      403,
    );
    await ok('zj1', 'POST', `/api/cases/${id}/assist-feedback`, { note: '已核查建筑无违建' });
    expect(
      (await call('zj1', 'POST', `/api/cases/${id}/assist-feedback`, { note: '再次反馈' })).statusCode,
    ).toBe(403);
    d = await ok('jt1', 'POST', `/api/cases/${id}/assist-feedback`, { note: '已补设警示标志' });
    expect(
      d.assists.every((a: { state: string; fedBackBy: string }) => a.state === 'done' && a.fedBackBy),
    ).toBe(true);
    expect(
      (await inbox('cg1')).filter((m) => m.case_id === id && m.title.startsWith('协办单位已反馈')),
    ).toHaveLength(2);
    d = await ok('cg1', 'POST', `/api/cases/${id}/feedback`, { note: '会同住建、交通已处理完毕' });
    expect(d.state).toBe('handled');
    const entries = d.timeline.map((e: { action: string; departmentName: string | null }) => [
      e.action,
      e.departmentName,
    ]);
    expect(entries).toEqual(
      expect.arrayContaining([
        ['assistFeedback', '住建局'],
        ['assistFeedback', '交通局'],
      ]),
    );
  });

  it('puts a case under formal supervision by a named leader, shown on the case and in lists', async () => {
    const id = await assigned();
    expect((await call('command', 'POST', `/api/cases/${id}/supervise`, {})).statusCode).toBe(400);
    expect(
      (await call('member', 'POST', `/api/cases/${id}/supervise`, { note: '限期办结' })).statusCode,
    ).toBe(403);
    // A leader of another township may not supervise a case outside their scope.
    expect(
      (await call('leaderB', 'POST', `/api/cases/${id}/supervise`, { note: '限期办结' })).statusCode,
    ).toBe(403);
    const d = await ok('leader', 'POST', `/api/cases/${id}/supervise`, { note: '三日内办结并报告' });
    expect(d.supervised).toBe(true);
    expect(d.supervision).toMatchObject({ by: 'leader', note: '三日内办结并报告' });
    expect(d.allowedActions).not.toContain('supervise');
    expect((await call('leader', 'POST', `/api/cases/${id}/supervise`, { note: '再督' })).statusCode).toBe(
      409,
    );
    const msg = (await inbox('cg1')).find((m) => m.case_id === id && m.title.startsWith('督办'));
    expect(msg?.body).toContain('三日内办结并报告');
    const supervised = await ok('command', 'GET', '/api/cases?supervised=true&pageSize=100');
    expect(supervised.items.map((c: { id: number }) => c.id)).toContain(id);
    expect(supervised.items.every((c: { supervised: boolean }) => c.supervised)).toBe(true);
    const not = await ok('command', 'GET', '/api/cases?supervised=false&pageSize=100');
    expect(not.items.map((c: { id: number }) => c.id)).not.toContain(id);
  });

  it('hands a case to a named officer of the unit, who then gets its notices', async () => {
    const id = await assigned();
    const officers = await ok('cg1', 'GET', `/api/cases/${id}/officers`);
    expect(officers.map((o: { name: string }) => o.name)).toEqual(['cg1', 'cg2']);
    expect((await call('zj1', 'GET', `/api/cases/${id}/officers`)).statusCode).toBe(403);
    const outsider = await call('cg1', 'POST', `/api/cases/${id}/hand-over`, {
      personId: await personOf('zj1'),
    });
    expect(outsider.json().error.code).toBe('VALIDATION_FAILED');
    const d = await ok('cg1', 'POST', `/api/cases/${id}/hand-over`, { personId: await personOf('cg2') });
    expect(d.assignee).toMatchObject({ name: 'cg2' });
    expect((await inbox('cg2')).some((m) => m.case_id === id && m.title.startsWith('交由您办理'))).toBe(true);
    const before = (await inbox('cg1')).length;
    await ok('command', 'POST', `/api/cases/${id}/urge`, {});
    // The officer hears the urge; the rest of the unit does not.
    expect((await inbox('cg2')).some((m) => m.case_id === id && m.title.startsWith('催办'))).toBe(true);
    expect((await inbox('cg1')).length).toBe(before);
  });

  it('lets a township be a handling unit: dispatched to in its own territory, handed back to by a department', async () => {
    const id = await assigned();
    // 乙镇's unit does not take cases of 甲镇.
    const outside = await call('command', 'POST', `/api/cases/${id}/reassign`, {
      departmentId: townBUnit,
      reason: '属地',
    });
    expect(outside.json().error.fields).toMatchObject({ departmentId: '不在该单位辖区内' });
    const d = await ok('cg1', 'POST', `/api/cases/${id}/devolve`, { reason: '属村内道路，由镇里处置' });
    expect([d.state, d.departmentId, d.stage]).toEqual(['assigned', townUnit, 'accept']);
    expect(d.timeline.at(-1)).toMatchObject({ action: 'devolve', departmentName: '甲镇综治中心' });
    expect((await inbox('town1')).some((m) => m.case_id === id && m.title.startsWith('新事件待受理'))).toBe(
      true,
    );
    // The township's unit works it like any department; it cannot hand it back to itself.
    expect((await ok('town1', 'GET', `/api/cases/${id}`)).allowedActions).toEqual(
      expect.arrayContaining(['accept', 'reject']),
    );
    expect(
      (await call('town1', 'POST', `/api/cases/${id}/devolve`, { reason: '再退' })).json().error.code,
    ).toBe('CASE_STATE');
    await ok('town1', 'POST', `/api/cases/${id}/accept`, {});
    // Departments list the local units with their grid.
    const deps = await ok('command', 'GET', '/api/departments');
    expect(deps.find((x: { id: number }) => x.id === townUnit)).toMatchObject({ gridName: '甲镇' });
  });
});
