import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseReminders, setCaseClock } from '../../../test/clocks.ts';
import { testEngines } from '../../../test/engines.ts';
import {
  buildDepartment,
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';

// A server with its background workers on (the default outside tests) sweeps by itself: nobody
// calls runOnce here.
describe.each(testEngines())('background workers on $name', (engine) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const { ok } = requests(() => t.app, cookies);
  let gridId: number;
  let categoryId: number;

  beforeAll(async () => {
    t = await createTestApp(await engine.open(), { workers: true });
    const territory = await buildTerritory(t.db);
    gridId = (await buildGrid(t.db, { parentId: territory.villageA.id, name: '甲村第1网格' })).id;
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    for (const u of ['command', 'member']) cookies[u] = await login(t.app, u);
    categoryId = (
      await t.db
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', 'SRHJ01')
        .executeTakeFirstOrThrow()
    ).id;
    const departmentId = await buildDepartment(t.db, '城管执法局', 'CG');
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId, departmentId });
  });
  afterAll(() => t.close());

  it('sends a reminder whose threshold has passed, once, without being asked', async () => {
    const c = await ok('member', 'POST', '/api/cases', {
      categoryId,
      nature: 'civil',
      handlingType: 'coordination',
      description: '路灯不亮已有一周',
      gridId,
    });
    expect(c.state).toBe('assigned');
    // Its acceptance clock started a month ago (every threshold long past) and is due.
    const started = new Date(Date.now() - 30 * 86_400_000);
    await setCaseClock(t.db, c.id, {
      stage_started_at: started,
      due_at: started,
      next_alert_at: started,
      next_alert: 'warn',
    });
    const reminders = async () =>
      (await caseReminders(t.db).select('threshold').where('subject_id', '=', c.id).execute()).map(
        (r) => r.threshold,
      );
    // The most severe threshold passed is sent (the lesser ones are not sent late).
    await expect.poll(reminders).toEqual(['escalate']);
    const timeline = await ok('command', 'GET', `/api/cases/${c.id}`);
    expect(timeline.timeline.map((e: { action: string }) => e.action)).toContain('escalate');
  });
});
