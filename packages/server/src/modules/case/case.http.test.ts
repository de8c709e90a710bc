import ExcelJS from 'exceljs';
import gcoord from 'gcoord';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildTerritory,
  buildDepartment,
  buildDepartmentStaff,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { insertGridNode } from '../grid/grid.repository.ts';
import { ClockSweeper } from '../../core/clock/sweep.ts';
import { caseReminders, casesWithClocks, setCaseClock } from '../../../test/clocks.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

describe.each(testEngines())('cases on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let grid1: { id: number; path: string };
  let grid2: { id: number; path: string };
  let dept1: number;
  let dept2: number;
  let cat: { SRHJ01: number; MSJF01: number; ZA: number; SRHJ: number };
  const cookies: Record<string, string> = {};

  const { call, ok } = requests(() => t.app, cookies);
  const setSwitches = (s: object) => ok('command', 'PUT', '/api/case-settings', s);
  const report = (who: string, body: object = {}) =>
    ok(who, 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '小区门口垃圾堆积三天无人清运',
      gridId: grid1.id,
      ...body,
    });

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    // Base grids with outlines, so locations resolve to them.
    grid1 = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
      geometry: square(119.6, 30.6, 0.01),
    });
    grid2 = await insertGridNode(t.db, {
      parentId: territory.villageB.id,
      kind: 'base_grid',
      name: '乙村第1网格',
      code: '33052310220101',
      geometry: square(119.7, 30.6, 0.01),
    });
    t.app.ctx.locator.invalidate();
    const categories = (await t.db.selectFrom('case_category').select(['id', 'code']).execute()) as {
      id: number;
      code: string;
    }[];
    const byCode = Object.fromEntries(categories.map((c) => [c.code, c.id]));
    cat = { SRHJ01: byCode.SRHJ01!, MSJF01: byCode.MSJF01!, ZA: byCode.ZA!, SRHJ: byCode.SRHJ! };

    const dep = (name: string, code: string) => buildDepartment(t.db, name, code);
    dept1 = await dep('城管执法局', 'CG');
    dept2 = await dep('派出所', 'PCS');
    const staff = (username: string, departmentId: number, phone: string) =>
      buildDepartmentStaff(t, { username, departmentId, phone, scopeId: territory.county.id });
    await staff('cg1', dept1, '13900000001');
    await staff('cg2', dept1, '13900000002');
    await staff('police', dept2, '13900000003');
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'memberB', roles: ['grid_member'], scopes: [territory.villageB.id] });
    await buildUser(t, { username: 'worker', roles: ['social_worker'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    // The chief above 甲村's grids: a person on duty as chief of 甲村.
    const chiefPerson = await t.db
      .insertInto('person')
      .values({
        name: '村网格长',
        phone_enc: t.cipher.encrypt('13900000009'),
        phone_hash: t.cipher.blindIndex('13900000009'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('duty')
      .values({
        person_id: chiefPerson.id,
        node_id: territory.villageA.id,
        role: 'chief',
        valid_from: '2026-01-01',
      })
      .execute();
    for (const u of ['cg1', 'cg2', 'police', 'member', 'memberB', 'worker', 'chief', 'command'])
      cookies[u] = await login(t.app, u);

    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.SRHJ, departmentId: dept1 });
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.ZA, departmentId: dept2 });
  });
  afterAll(() => t.close());

  it('runs the whole loop with the default switches: auto-dispatch, accept, feedback, unsatisfied visit, second handling, archive', async () => {
    await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: true });
    let c = await report('member');
    expect(c.state).toBe('assigned');
    expect(c.departmentId).toBe(dept1);
    expect(c.number).toMatch(/^SJ\d{14}$/);
    expect(c.stage).toBe('accept');
    expect(c.dueAt).not.toBeNull();
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'auto_dispatch']);

    c = await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
    expect(c.state).toBe('accepted');
    expect(c.stage).toBe('feedback');
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '已联系环卫清运' });
    expect(c.state).toBe('handled');
    expect(c.stage).toBe('visit');
    c = await ok('worker', 'POST', `/api/cases/${c.id}/visit`, {
      satisfied: false,
      note: '居民反映仍有残留',
    });
    expect(c.state).toBe('rework');
    expect(c.round).toBe(2);
    expect(c.stage).toBe('feedback');
    c = await ok('cg2', 'POST', `/api/cases/${c.id}/feedback`, { note: '已彻底清理并冲洗' });
    expect(c.state).toBe('handled');
    c = await ok('worker', 'POST', `/api/cases/${c.id}/visit`, { satisfied: true, note: '居民满意' });
    expect(c.state).toBe('archived');
    expect(c.stage).toBeNull();
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual([
      'report',
      'auto_dispatch',
      'accept',
      'feedback',
      'visit',
      'feedback',
      'visit',
      'auto_archive',
    ]);

    // Every transition left an audit entry.
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'case')
      .where('target_id', '=', String(c.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'case.report',
      'case.accept',
      'case.feedback',
      'case.visit_unsatisfied',
      'case.feedback',
      'case.visit_satisfied',
    ]);
    // The department heard of the assignment, in its inbox.
    const inbox = await t.db
      .selectFrom('inbox_message as m')
      .innerJoin('app_user as u', 'u.id', 'm.user_id')
      .select(['u.username', 'm.title'])
      .where('m.case_id', '=', c.id)
      .execute();
    expect(inbox.filter((m) => m.username === 'cg1').length).toBeGreaterThan(0);
    expect(inbox.filter((m) => m.username === 'worker').length).toBeGreaterThan(0);
  });

  it('with auto-dispatch off waits for manual dispatch; a rejection returns it for re-dispatch; without visits and auto-archive it waits for archiving', async () => {
    await setSwitches({ autoDispatch: false, returnVisit: false, autoArchive: false });
    let c = await report('member');
    expect(c.state).toBe('pending_dispatch');
    expect(c.stage).toBeNull();
    expect(c.allowedActions).not.toContain('dispatch'); // a grid member does not dispatch
    const asWorker = await ok('worker', 'GET', `/api/cases/${c.id}`);
    expect(asWorker.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'void']));

    c = await ok('worker', 'POST', `/api/cases/${c.id}/dispatch`, {
      departmentId: dept2,
      note: '请派出所处理',
    });
    expect(c.state).toBe('assigned');
    const reject = await call('police', 'POST', `/api/cases/${c.id}/reject`, { reason: '' });
    expect(reject.statusCode).toBe(400);
    c = await ok('police', 'POST', `/api/cases/${c.id}/reject`, { reason: '不属于本部门职责' });
    expect(c.state).toBe('rejected');
    expect(c.departmentId).toBeNull();
    // The rejecting department no longer sees it.
    expect((await call('police', 'GET', `/api/cases/${c.id}`)).statusCode).toBe(403);
    const queue = await ok('worker', 'GET', '/api/cases?state=rejected');
    expect(queue.items.map((i: { id: number }) => i.id)).toContain(c.id);

    c = await ok('worker', 'POST', `/api/cases/${c.id}/dispatch`, { departmentId: dept1 });
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '已处理' });
    expect(c.state).toBe('pending_archive');
    c = await ok('worker', 'POST', `/api/cases/${c.id}/archive`, { note: '核实后归档' });
    expect(c.state).toBe('archived');
    await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: true });
  });

  it('refuses illegal transitions with CASE_STATE and changes nothing', async () => {
    const c = await report('member');
    const visit = await call('worker', 'POST', `/api/cases/${c.id}/visit`, { satisfied: true, note: '满意' });
    expect(visit.statusCode).toBe(409);
    expect(visit.json().error.code).toBe('CASE_STATE');
    const feedback = await call('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '未接受先反馈' });
    expect(feedback.json().error.code).toBe('CASE_STATE');
    const after = await ok('cg1', 'GET', `/api/cases/${c.id}`);
    expect(after.state).toBe('assigned');
    expect(after.timeline).toHaveLength(2);
  });

  it('lets one of two people accepting the same case at once win', async () => {
    const c = await report('member');
    const [a, b] = await Promise.all([
      call('cg1', 'POST', `/api/cases/${c.id}/accept`, {}),
      call('cg2', 'POST', `/api/cases/${c.id}/accept`, {}),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const detail = await ok('cg1', 'GET', `/api/cases/${c.id}`);
    expect(detail.timeline.filter((e: { action: string }) => e.action === 'accept')).toHaveLength(1);
  });

  it('shows a department only its cases, and grid staff only their subtree', async () => {
    const mine = await report('member');
    const police = await report('member', { categoryId: cat.ZA, description: '夜间有人聚众斗殴' });
    expect(police.departmentId).toBe(dept2);
    const listed = await ok('police', 'GET', '/api/cases?pageSize=200');
    expect(listed.items.every((i: { departmentId: number }) => i.departmentId === dept2)).toBe(true);
    expect(listed.items.map((i: { id: number }) => i.id)).toContain(police.id);
    expect((await call('police', 'GET', `/api/cases/${mine.id}`)).statusCode).toBe(403);
    const accept = await call('police', 'POST', `/api/cases/${mine.id}/accept`, {});
    expect(accept.json().error.code).toBe('CASE_NOT_ASSIGNED_TO_YOU');
    // A grid member of another village neither sees nor reports into 甲村.
    const other = await ok('memberB', 'GET', '/api/cases?pageSize=200');
    expect(other.items.map((i: { id: number }) => i.id)).not.toContain(mine.id);
    const outside = await call('memberB', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '越界上报',
      gridId: grid1.id,
    });
    expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
  });

  it('exports the ledger as a real Excel file with the list filters, audited', async () => {
    await report('member', { description: '导出测试：路灯损坏' });
    const res = await call('chief', 'GET', '/api/cases/export?q=' + encodeURIComponent('导出测试'));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('事件台账')!;
    expect(sheet.getRow(1).getCell(1).value).toBe('事件编号');
    expect(sheet.rowCount).toBe(2);
    expect(String(sheet.getRow(2).getCell(2).value)).toContain('导出测试');
    expect(sheet.getRow(2).getCell(7).value).toBe('已分派待接受');
    expect((await call('member', 'GET', '/api/cases/export')).statusCode).toBe(403);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'case.export')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('locates a picked point to the deepest grid and refuses points outside every grid', async () => {
    const c = await report('member', { gridId: null, location: { lng: 119.605, lat: 30.605 } });
    expect(c.gridId).toBe(grid1.id);
    expect(c.gridPath.map((g: { name: string }) => g.name)).toEqual([
      '测试县',
      '甲镇',
      '甲村',
      '甲村第1网格',
    ]);
    const nowhere = await call('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '海上某处',
      location: { lng: 100, lat: 20 },
    });
    expect(nowhere.json().error.code).toBe('NO_GRID_FOR_LOCATION');
    const dups = await ok(
      'member',
      'GET',
      `/api/cases/duplicates?categoryId=${cat.SRHJ01}&lng=119.6051&lat=30.6051`,
    );
    expect(dups.map((d: { id: number }) => d.id)).toContain(c.id);
    expect(dups[0].distanceM).toBeLessThan(50);
  });

  it('closes routine cases on the spot, then visits them', async () => {
    const c = await report('member', { handlingType: 'routine', onSpot: { note: '现场劝导摊主离开' } });
    expect(c.state).toBe('handled');
    expect(c.onSpot).toBe(true);
    expect(c.departmentId).toBeNull();
    const done = await ok('worker', 'POST', `/api/cases/${c.id}/visit`, {
      satisfied: true,
      note: '已无占道',
    });
    expect(done.state).toBe('archived');
    const notRoutine = await call('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '协调事项不能现场办结',
      gridId: grid1.id,
      onSpot: { note: '试图现场办结' },
    });
    expect(notRoutine.statusCode).toBe(400);
  });

  it('validates input exactly and writes nothing on a bad request', async () => {
    const before = (
      await t.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    const badPhone = await call('member', 'POST', '/api/cases', {
      categoryId: cat.MSJF01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '邻里因噪音发生争执',
      gridId: grid1.id,
      parties: [{ role: 'A', name: '张三', phone: '1234' }],
    });
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json().error.fields).toEqual({ 'parties/0/phone': '应为 11 位手机号，如 13800138000' });
    const badPhoto = await call('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '照片凭据无效',
      gridId: grid1.id,
      photoTokens: ['AAAAAAAAAAAAAAAAAAAAAAAA'],
    });
    expect(badPhoto.statusCode).toBe(400);
    expect(badPhoto.json().error.fields).toEqual({ photoTokens: '照片无效' });
    const badCategory = await call('member', 'POST', '/api/cases', {
      categoryId: 999999,
      nature: 'civil',
      handlingType: 'coordination',
      description: '分类不存在',
      gridId: grid1.id,
    });
    expect(badCategory.json().error.fields).toEqual({ categoryId: '事件分类不存在或已停用' });
    const after = (
      await t.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
    expect(after).toBe(before);
  });

  it('keeps parties encrypted and masked, and audits the reveal', async () => {
    const c = await report('member', {
      categoryId: cat.MSJF01,
      parties: [
        { role: 'A', name: '张三', phone: '13812345678' },
        { role: 'B', name: '李四', phone: '+86 139-1234-5678' },
      ],
    });
    expect(c.parties).toEqual([
      { role: 'A', name: '张三', phoneMasked: '138****5678' },
      { role: 'B', name: '李四', phoneMasked: '139****5678' },
    ]);
    const stored = await t.db
      .selectFrom('cases')
      .select('parties_enc')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(stored.parties_enc).not.toContain('13812345678');
    expect((await call('member', 'POST', `/api/cases/${c.id}/reveal`)).statusCode).toBe(403);
    const revealed = await ok('worker', 'POST', `/api/cases/${c.id}/reveal`);
    expect(revealed.parties[1].phone).toBe('13912345678');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'personal.reveal')
      .where('target_id', '=', String(c.id))
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('stores photos checked by content and serves them to those who see the case', async () => {
    const upload = await ok('member', 'POST', '/api/case-photos', {
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
    expect(upload.type).toBe('image/png');
    const fake = await call('member', 'POST', '/api/case-photos', {
      dataUrl: `data:image/png;base64,${Buffer.from('not really a picture at all').toString('base64')}`,
    });
    expect(fake.json().error.code).toBe('INVALID_UPLOAD');
    const c = await report('member', { photoTokens: [upload.token] });
    expect(c.photos).toHaveLength(1);
    const img = await call('member', 'GET', c.photos[0].url);
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(img.rawPayload, PNG)).toBe(0);
    expect((await call('memberB', 'GET', c.photos[0].url)).statusCode).toBe(403);
    // A claimed token cannot be claimed again.
    const again = await call('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '再次使用同一照片',
      gridId: grid1.id,
      photoTokens: [upload.token],
    });
    expect(again.statusCode).toBe(400);
  });

  it('parks and defers with a reason and someone else’s approval', async () => {
    let c = await report('member');
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
    const due = new Date(c.dueAt).getTime();
    const noExtra = await call('cg1', 'POST', `/api/cases/${c.id}/requests`, {
      kind: 'defer',
      reason: '需要协调资金',
    });
    expect(noExtra.statusCode).toBe(400);
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/requests`, {
      kind: 'defer',
      reason: '需要协调资金',
      extraMinutes: 450,
    });
    const reqId = c.requests[0].id;
    expect(c.requests[0].state).toBe('pending');
    const twice = await call('cg1', 'POST', `/api/cases/${c.id}/requests`, {
      kind: 'park',
      reason: '重复申请',
    });
    expect(twice.statusCode).toBe(409);
    expect(
      (await call('cg1', 'POST', `/api/cases/${c.id}/requests/${reqId}/decide`, { approve: true }))
        .statusCode,
    ).toBe(403);
    c = await ok('chief', 'POST', `/api/cases/${c.id}/requests/${reqId}/decide`, {
      approve: true,
      note: '同意延期一个工作日',
    });
    expect(c.deferred).toBe(true);
    expect(new Date(c.dueAt).getTime()).toBeGreaterThan(due);

    c = await ok('cg1', 'POST', `/api/cases/${c.id}/requests`, { kind: 'park', reason: '等待上级批复' });
    c = await ok('chief', 'POST', `/api/cases/${c.id}/requests/${c.requests[1].id}/decide`, {
      approve: true,
    });
    expect(c.parked).toBe(true);
    const parked = await casesWithClocks(t.db)
      .select(['next_alert_at'])
      .where('c.id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(parked.next_alert_at).toBeNull();
    c = await ok('cg1', 'POST', `/api/cases/${c.id}/requests`, { kind: 'unpark', reason: '已批复' });
    c = await ok('chief', 'POST', `/api/cases/${c.id}/requests/${c.requests[2].id}/decide`, {
      approve: false,
      note: '继续挂账',
    });
    expect(c.parked).toBe(true);
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['request', 'defer', 'park', 'deny']),
    );
  });

  it('answers "who would get this?" and keeps the history of rule changes', async () => {
    const before = await ok(
      'command',
      'GET',
      `/api/dispatch-rules/dry-run?categoryId=${cat.SRHJ01}&gridId=${grid1.id}`,
    );
    expect(before.departmentId).toBe(dept1);
    // A rule for 甲村's subtree beats the territory-wide rule at equal priority.
    const rule = await ok('command', 'POST', '/api/dispatch-rules', {
      categoryId: cat.SRHJ01,
      gridId: territory.villageA.id,
      departmentId: dept2,
    });
    const after = await ok(
      'command',
      'GET',
      `/api/dispatch-rules/dry-run?categoryId=${cat.SRHJ01}&lng=119.605&lat=30.605`,
    );
    expect(after.gridId).toBe(grid1.id);
    expect(after.departmentId).toBe(dept2);
    expect(after.matches.map((m: { id: number }) => m.id)[0]).toBe(rule.id);
    expect(after.matches).toHaveLength(2);
    // A point near the grid's east edge as a map app in China gives it (GCJ-02) is in the grid;
    // the same numbers read as WGS84 lie some 500 m east, outside it.
    const [gx, gy] = gcoord.transform([119.608, 30.605], gcoord.WGS84, gcoord.GCJ02) as [number, number];
    const dryRun = (crs: string) =>
      ok('command', 'GET', `/api/dispatch-rules/dry-run?categoryId=${cat.SRHJ01}&lng=${gx}&lat=${gy}${crs}`);
    expect((await dryRun('&crs=gcj02')).gridId).toBe(grid1.id);
    expect((await dryRun('')).gridId).not.toBe(grid1.id);
    const elsewhere = await ok(
      'command',
      'GET',
      `/api/dispatch-rules/dry-run?categoryId=${cat.SRHJ01}&gridId=${grid2.id}`,
    );
    expect(elsewhere.departmentId).toBe(dept1);
    await ok('command', 'PUT', `/api/dispatch-rules/${rule.id}`, {
      categoryId: cat.SRHJ01,
      gridId: territory.villageA.id,
      departmentId: dept2,
      priority: 200,
    });
    expect(
      (await ok('command', 'GET', `/api/dispatch-rules/dry-run?categoryId=${cat.SRHJ01}&gridId=${grid1.id}`))
        .departmentId,
    ).toBe(dept1);
    await ok('command', 'DELETE', `/api/dispatch-rules/${rule.id}`);
    const history = await ok('command', 'GET', `/api/dispatch-rules/history?ruleId=${rule.id}`);
    expect(history.items.map((h: { action: string }) => h.action)).toEqual(['delete', 'update', 'create']);
    expect(history.items[1].before.priority).toBe(100);
    expect(history.items[1].after.priority).toBe(200);
    expect((await call('worker', 'POST', '/api/dispatch-rules', { departmentId: dept1 })).statusCode).toBe(
      403,
    );
  });

  it('sends each reminder once, across a restart, and escalates to the chief above', async () => {
    await ok('command', 'PUT', '/api/case-settings', { warnFraction: 0.5, escalateFraction: 2 });
    const c = await report('member', {
      categoryId: cat.ZA,
      urgency: 'urgent',
      description: '紧急：有人聚集滋事',
    });
    const row = await casesWithClocks(t.db)
      .select(['stage_started_at', 'due_at', 'limit_minutes', 'limit_natural', 'next_alert', 'next_alert_at'])
      .where('c.id', '=', c.id)
      .executeTakeFirstOrThrow();
    // Urgent acceptance: 30 natural minutes.
    expect(row.limit_natural).toBe(true);
    expect(row.due_at!.getTime() - row.stage_started_at!.getTime()).toBe(30 * 60_000);
    expect(row.next_alert).toBe('warn');
    const start = row.stage_started_at!.getTime();
    const deps = { clocks: t.app.ctx.clocks };
    const reminders = async () =>
      (
        await caseReminders(t.db)
          .select('threshold')
          .where('subject_id', '=', c.id)
          .orderBy('sent_at')
          .execute()
      ).map((r) => r.threshold);
    const sweeper = new ClockSweeper(t.db, deps);
    await sweeper.runOnce(new Date(start + 10 * 60_000));
    expect(await reminders()).toEqual([]);
    await sweeper.runOnce(new Date(start + 16 * 60_000));
    await sweeper.runOnce(new Date(start + 17 * 60_000));
    expect(await reminders()).toEqual(['warn']);
    // A new process: nothing is sent again.
    const restarted = new ClockSweeper(t.db, deps);
    await restarted.runOnce(new Date(start + 18 * 60_000));
    expect(await reminders()).toEqual(['warn']);
    await Promise.all([
      restarted.runOnce(new Date(start + 31 * 60_000)),
      sweeper.runOnce(new Date(start + 31 * 60_000)),
    ]);
    expect(await reminders()).toEqual(['warn', 'overdue']);
    // The overdue lists go by the real clock: not overdue yet, then overdue once its deadline is past.
    const overdueIds = async (stage: string) =>
      (await ok('police', 'GET', `/api/cases?overdue=${stage}`)).items.map((i: { id: number }) => i.id);
    expect(await overdueIds('accept')).not.toContain(c.id);
    await setCaseClock(t.db, c.id, { due_at: new Date(Date.now() - 60_000) });
    expect(await overdueIds('accept')).toContain(c.id);
    expect(await overdueIds('feedback')).not.toContain(c.id);
    await restarted.runOnce(new Date(start + 61 * 60_000));
    expect(await reminders()).toEqual(['warn', 'overdue', 'escalate']);
    await restarted.runOnce(new Date(start + 120 * 60_000));
    expect(await reminders()).toEqual(['warn', 'overdue', 'escalate']);
    const events = await t.db
      .selectFrom('timeline_entry')
      .select('action')
      .where('subject_kind', '=', 'case')
      .where('subject_id', '=', c.id)
      .orderBy('id')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['report', 'auto_dispatch', 'remind', 'remind', 'escalate']);
    // The escalation reached the chief of 甲村 by SMS.
    const sms = await t.db
      .selectFrom('outbox')
      .select(['template', 'to_masked'])
      .where('case_id', '=', c.id)
      .where('template', '=', 'case.escalate')
      .execute();
    expect(sms.map((s) => s.to_masked)).toContain('139****0009');
    await ok('command', 'PUT', '/api/case-settings', { warnFraction: 0.8, escalateFraction: 2 });
  });

  it('lets a citizen report without an account and follow the case by number and code only', async () => {
    const categories = await ok('', 'GET', '/api/public/case-categories');
    expect(categories.length).toBeGreaterThan(5);
    const receipt = await ok('', 'POST', '/api/public/cases', {
      categoryId: cat.SRHJ01,
      description: '路口垃圾桶满了很多天',
      location: { lng: 119.605, lat: 30.606 },
      contact: { name: '王女士', phone: '13700000000' },
    });
    expect(receipt.number).toMatch(/^SJ\d{14}$/);
    expect(receipt.accessCode).toMatch(/^[0-9A-Z]{6}$/);
    const status = await ok('', 'GET', `/api/public/cases/${receipt.number}?code=${receipt.accessCode}`);
    // In citizens' words, naming the unit in charge but no staff (case.citizen.http.test.ts has more).
    expect(status.stateName).toBe('已转承办单位');
    expect(status.unit).toBe('城管执法局');
    expect(JSON.stringify(status)).not.toMatch(/cg1|cg2|1390000/);
    expect(JSON.stringify(status)).not.toContain('13700000000');
    const wrong = await call('', 'GET', `/api/public/cases/${receipt.number}?code=AAAAAA`);
    expect(wrong.statusCode).toBe(404);
    // Staff see the citizen's contact masked.
    const staffView = await ok('worker', 'GET', `/api/cases?q=${receipt.number}`);
    const detail = await ok('worker', 'GET', `/api/cases/${staffView.items[0].id}`);
    expect(detail.reporterPhoneMasked).toBe('137****0000');
    expect(detail.reporterKind).toBe('public');
  });

  it('takes a category out of use with its deactivated parent', async () => {
    const parent = await ok('command', 'POST', '/api/case-categories', { code: 'TESTP', name: '测试大类' });
    const child = await ok('command', 'POST', '/api/case-categories', {
      code: 'TESTP01',
      name: '测试小类',
      parentId: parent.id,
    });
    await report('member', { categoryId: child.id });
    await ok('command', 'PUT', `/api/case-categories/${parent.id}`, {
      code: 'TESTP',
      name: '测试大类',
      active: false,
    });
    const refused = await call('member', 'POST', '/api/cases', {
      categoryId: child.id,
      nature: 'civil',
      handlingType: 'coordination',
      description: '停用大类下的小类',
      gridId: grid1.id,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields.categoryId).toContain('停用');
    const offered = (await ok('', 'GET', '/api/public/case-categories')).map((c: { id: number }) => c.id);
    expect(offered).not.toContain(child.id);
    expect(offered).not.toContain(parent.id);
  });

  it('gives citizens the grid outlines to pick a place on, level by level, and names a bad phone by its field', async () => {
    const top = await ok('', 'GET', '/api/public/grid-outlines');
    expect(top.id).toBe(territory.county.id);
    // The towns have no outlines here, so there is nothing to draw at the top.
    expect(top.parts).toEqual([]);
    const village = await ok('', 'GET', `/api/public/grid-outlines?parentId=${territory.villageA.id}`);
    expect(village.parts).toEqual([
      expect.objectContaining({
        id: grid1.id,
        name: '甲村第1网格',
        leaf: true,
        geometry: expect.objectContaining({ type: 'Polygon' }),
      }),
    ]);
    expect(JSON.stringify(village)).not.toMatch(/phone|person|code/);
    const outside = await insertGridNode(t.db, {
      parentId: null,
      kind: 'county',
      name: '别的树',
      code: '330522',
    });
    expect((await call('', 'GET', `/api/public/grid-outlines?parentId=${outside.id}`)).statusCode).toBe(404);

    const bad = await call('', 'POST', '/api/public/cases', {
      categoryId: cat.SRHJ01,
      description: '路口垃圾桶满了很多天',
      location: { lng: 119.605, lat: 30.606 },
      contact: { name: '王女士', phone: '1370000' },
    });
    expect(bad.statusCode).toBe(400);
    expect(Object.keys(bad.json().error.fields)).toEqual(['contact/phone']);
  });

  it('writes concurrent reports together, each complete, and a bad one fails alone', async () => {
    await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: true });
    const upload = await ok('member', 'POST', '/api/case-photos', {
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
    await report('member', { photoTokens: [upload.token], description: '先用掉这张照片的上报' });
    const before = { ...t.app.ctx.cases.intakeStats };
    const bodies = Array.from({ length: 24 }, (_, i) => ({
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: `并发上报第${i}件`,
      gridId: grid1.id,
      // The 8th reuses a photo already claimed: only it is refused.
      ...(i === 7 ? { photoTokens: [upload.token] } : {}),
    }));
    const results = await Promise.all(bodies.map((b) => call('member', 'POST', '/api/cases', b)));
    expect(results.map((r) => r.statusCode)).toEqual(bodies.map((_, i) => (i === 7 ? 400 : 201)));
    expect(results[7]!.json().error.fields).toHaveProperty('photoTokens');
    const made = results.filter((r) => r.statusCode === 201).map((r) => r.json());
    expect(new Set(made.map((c) => c.number)).size).toBe(23);
    for (const c of made) {
      expect(c.state).toBe('assigned');
      expect(c.departmentId).toBe(dept1);
      expect(c.timeline.map((e: { action: string }) => e.action)).toEqual(['report', 'auto_dispatch']);
    }
    const ids = made.map((c) => c.id);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('target_id')
      .where('action', '=', 'case.report')
      .where('target_id', 'in', ids.map(String))
      .execute();
    expect(audits).toHaveLength(23);
    const notices = await t.db
      .selectFrom('inbox_message')
      .select('case_id')
      .where('case_id', 'in', ids)
      .execute();
    expect(new Set(notices.map((n) => n.case_id)).size).toBe(23);
    expect(
      await t.db.selectFrom('cases').select('id').where('description', '=', '并发上报第7件').execute(),
    ).toEqual([]);
    // Every report that committed was counted once, in the transaction that wrote it.
    const after = t.app.ctx.cases.intakeStats;
    expect(after.reports - before.reports).toBe(23);
  });

  it('answers a report with exactly the case page a read back gives', async () => {
    const upload = await ok('member', 'POST', '/api/case-photos', {
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
    const variants = [
      { photoTokens: [upload.token], parties: [{ role: 'A', name: '张三', phone: '13812345678' }] },
      { handlingType: 'routine', onSpot: { note: '现场已劝导整改' } },
      { categoryId: cat.ZA, handlingType: 'emergency', description: '紧急：有人聚集滋事', address: '村口' },
      { categoryId: cat.MSJF01 },
    ];
    for (const v of variants) {
      const created = await report('member', v);
      const read = await ok('member', 'GET', `/api/cases/${created.id}`);
      expect(created).toEqual(read);
    }
  });
});
