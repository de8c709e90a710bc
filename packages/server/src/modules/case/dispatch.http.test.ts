import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { casesWithClocks } from '../../../test/clocks.ts';
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
import { insertGridNode } from '../grid/grid.repository.ts';

/** Re-dispatch after a rejection, and the order of the dispatch queues. */
describe.each(testEngines())('dispatch queues on $name', (engine) => {
  let t: TestApp;
  let grid: { id: number; path: string };
  let dept1: number;
  let dept2: number;
  let cat: Record<string, number>;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);
  const report = (body: object = {}) =>
    ok('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '小区门口垃圾堆积三天无人清运',
      gridId: grid.id,
      ...body,
    });

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const territory = await buildTerritory(t.db);
    grid = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
    });
    const categories = await t.db.selectFrom('case_category').select(['id', 'code']).execute();
    cat = Object.fromEntries(categories.map((c) => [c.code, c.id]));
    dept1 = await buildDepartment(t.db, '城管执法局', 'CG');
    dept2 = await buildDepartment(t.db, '住建局', 'ZJ');
    await buildDepartmentStaff(t, {
      username: 'cg1',
      departmentId: dept1,
      phone: '13900000001',
      scopeId: territory.county.id,
    });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'worker', roles: ['social_worker'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'workerB', roles: ['social_worker'], scopes: [territory.villageB.id] });
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    for (const u of ['cg1', 'member', 'worker', 'workerB', 'command']) cookies[u] = await login(t.app, u);
    // Two rules for the same category: 城管 wins, 住建 is the runner-up.
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.SRHJ, departmentId: dept1 });
    await ok('command', 'POST', '/api/dispatch-rules', {
      categoryId: cat.SRHJ,
      departmentId: dept2,
      priority: 500,
    });
  });
  afterAll(() => t.close());

  it('shows why a case came back in the rejected queue, its page, and the in-app message', async () => {
    const c = await report();
    expect(c.state).toBe('assigned');
    await ok('cg1', 'POST', `/api/cases/${c.id}/reject`, { reason: '不属于本部门职责，建议转住建局' });

    const queue = await ok('worker', 'GET', '/api/cases?state=rejected&sort=queue');
    const row = queue.items.find((i: { id: number }) => i.id === c.id);
    expect(row.returned).toMatchObject({
      action: 'reject',
      departmentId: dept1,
      departmentName: '城管执法局',
      reason: '不属于本部门职责，建议转住建局',
      by: 'cg1',
    });
    expect(row.departmentName).toBeNull();
    const detail = await ok('worker', 'GET', `/api/cases/${c.id}`);
    expect(detail.returned.reason).toBe('不属于本部门职责，建议转住建局');

    // The dispatcher's message names the department and gives the reason.
    const inbox = await ok('worker', 'GET', '/api/inbox?pageSize=100');
    const message = inbox.items.find(
      (m: { caseId: number; title: string }) => m.caseId === c.id && m.title.includes('驳回'),
    );
    expect(message.body).toContain('城管执法局驳回了事件');
    expect(message.body).toContain('理由：不属于本部门职责，建议转住建局');

    // Once dispatched again the case no longer carries a return.
    await ok('worker', 'POST', `/api/cases/${c.id}/dispatch`, { departmentId: dept2 });
    const after = await ok('worker', 'GET', `/api/cases?q=${c.number}`);
    expect(after.items[0].returned).toBeNull();
  });

  it('does not suggest the unit that rejected the case, and previews the acceptance deadline', async () => {
    const c = await report();
    const before = await ok('worker', 'GET', `/api/cases/${c.id}/dispatch-preview`);
    expect(before.suggestion.departmentId).toBe(dept1);
    expect(before.returns).toEqual([]);

    await ok('cg1', 'POST', `/api/cases/${c.id}/reject`, { reason: '不归我局管' });
    const preview = await ok('worker', 'GET', `/api/cases/${c.id}/dispatch-preview`);
    expect(preview.matches.map((m: { departmentId: number }) => m.departmentId)).toEqual([dept1, dept2]);
    expect(preview.suggestion.departmentId).toBe(dept2);
    expect(preview.returns).toMatchObject([{ departmentName: '城管执法局', reason: '不归我局管' }]);
    // The default acceptance limit of a normal case, in working time.
    expect(preview.acceptLimit).toEqual({ minutes: expect.any(Number), natural: false });

    // The deadline shown is the one the dispatch sets (to the minute: the dispatch comes later).
    await ok('worker', 'POST', `/api/cases/${c.id}/dispatch`, { departmentId: dept2 });
    const clock = await casesWithClocks(t.db)
      .select(['due_at', 'stage'])
      .where('c.id', '=', c.id)
      .executeTakeFirstOrThrow();
    expect(clock.stage).toBe('accept');
    expect(Math.abs(clock.due_at!.getTime() - new Date(preview.acceptDueAt).getTime())).toBeLessThan(60_000);

    // Only dispatchers, only in their scope, only existing cases.
    expect((await call('member', 'GET', `/api/cases/${c.id}/dispatch-preview`)).statusCode).toBe(403);
    const outside = await call('workerB', 'GET', `/api/cases/${c.id}/dispatch-preview`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
    const missing = await call('worker', 'GET', '/api/cases/99999999/dispatch-preview');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe('事件不存在');
  });

  it('orders the dispatch queue by urgency, then by age', async () => {
    await ok('command', 'PUT', '/api/case-settings', { autoDispatch: false });
    const made: { id: number; urgency: string; ageMin: number }[] = [];
    for (const [urgency, ageMin] of [
      ['normal', 300],
      ['urgent', 30],
      ['normal', 600],
      ['urgent', 90],
      ['normal', 5],
    ] as const) {
      const c = await report({ urgency, description: `排序测试：${urgency} ${ageMin} 分钟前` });
      await t.db
        .updateTable('cases')
        .set({ reported_at: new Date(Date.now() - ageMin * 60_000) })
        .where('id', '=', c.id)
        .execute();
      made.push({ id: c.id, urgency, ageMin });
    }
    const queue = await ok('worker', 'GET', '/api/cases?state=pending_dispatch&sort=queue&pageSize=100');
    const ids = queue.items
      .map((i: { id: number }) => i.id)
      .filter((id: number) => made.some((m) => m.id === id));
    const expected = [...made]
      .sort((a, b) => Number(b.urgency === 'urgent') - Number(a.urgency === 'urgent') || b.ageMin - a.ageMin)
      .map((m) => m.id);
    expect(ids).toEqual(expected);
    // Paged the same way.
    const first = await ok('worker', 'GET', '/api/cases?state=pending_dispatch&sort=queue&pageSize=2');
    expect(first.items.map((i: { id: number }) => i.id)).toEqual(expected.slice(0, 2));
    expect((await call('worker', 'GET', '/api/cases?sort=oldest')).statusCode).toBe(400);
    await ok('command', 'PUT', '/api/case-settings', { autoDispatch: true });
  });
});
