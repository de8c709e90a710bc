import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyTemplate } from '@wangge/shared';
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
import { ClockSweeper } from '../../core/clock/sweep.ts';
import type { NotifyMessage } from '../../core/notify/notify.service.ts';
import { placeholders, render } from '../../core/notify/notify.templates.ts';
import { insertGridNode } from '../grid/grid.repository.ts';
import { loadPrincipal } from '../identity/principal.repository.ts';

/** Registered templates that nothing sends (yet); each must say why. */
const NOT_SENT: Record<string, string> = {
  'case.archived': 'kept for administrators who want an in-app note on archiving; no step sends it',
};

const TEXTS = ['emailSubject', 'emailBody', 'smsText', 'inappTitle', 'inappBody'] as const;
const SECTION = /\{\{\s*#\s*([A-Za-z_][\w.]*)\s*\}\}([\s\S]*?)\{\{\s*\/\s*\1\s*\}\}/g;

/** Where one notice came from: the step of the scenario (a workflow action, intake, the sweep). */
interface Sent {
  step: string;
  template: string;
  data: NotifyMessage['data'];
}

/**
 * Every notification template, rendered with the values the code really passes for every event it
 * is sent for: the scenario drives intake, each workflow action and the reminder sweep, records
 * what reaches the notification service, and checks it against the templates. Which (action,
 * template) pairs must occur comes from the workflow's own declarations, so a new notice that the
 * scenario does not reach fails here instead of going out untested.
 */
describe.each(testEngines())('notification texts on $name', (engine) => {
  let t: TestApp;
  const sent: Sent[] = [];
  let current = '';
  const cookies: Record<string, string> = {};
  const { ok } = requests(() => t.app, cookies);
  let grid: { id: number; path: string };
  let cat: Record<string, number>;
  let dept1: number;
  let dept2: number;
  let townUnit: number;
  const users: Record<string, number> = {};

  /** Runs one step of the scenario, labelling what it sends. */
  async function step<T>(label: string, run: () => Promise<T>): Promise<T> {
    current = label;
    try {
      return await run();
    } finally {
      current = '';
    }
  }
  const act = (who: string, id: number, action: string, body: object = {}, path = action) =>
    step(action, () => ok(who, 'POST', `/api/cases/${id}/${path}`, body));
  const report = (label: string, body: object = {}) =>
    step(label, () =>
      ok('member', 'POST', '/api/cases', {
        categoryId: cat.SRHJ01,
        nature: 'civil',
        handlingType: 'coordination',
        description: '小区门口垃圾堆积三天无人清运',
        gridId: grid.id,
        ...body,
      }),
    );

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const notify = t.app.ctx.notify;
    const prepare = notify.prepareMany.bind(notify);
    // Everything sent goes through prepareMany (enqueue, the sweep's batches, intake's statement).
    notify.prepareMany = (trx, messages) => {
      for (const m of messages)
        if (m.to.length) sent.push({ step: current || 'unlabelled', template: m.template, data: m.data });
      return prepare(trx, messages);
    };

    const territory = await buildTerritory(t.db);
    grid = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [119.6, 30.6],
            [119.61, 30.6],
            [119.61, 30.61],
            [119.6, 30.61],
            [119.6, 30.6],
          ],
        ],
      },
    });
    t.app.ctx.locator.invalidate();
    const categories = await t.db.selectFrom('case_category').select(['id', 'code']).execute();
    cat = Object.fromEntries(categories.map((c) => [c.code, c.id]));
    dept1 = await buildDepartment(t.db, '城管执法局', 'CG');
    dept2 = await buildDepartment(t.db, '派出所', 'PCS');
    // A township's own unit (属地): a department with the township's grid.
    townUnit = await buildDepartment(t.db, '甲镇综合治理中心', 'JZZZ');
    await t.db
      .updateTable('department')
      .set({ grid_id: territory.townA.id })
      .where('id', '=', townUnit)
      .execute();
    const staff = (username: string, departmentId: number, phone: string) =>
      buildDepartmentStaff(t, { username, departmentId, phone, scopeId: territory.county.id });
    users.cg1 = await staff('cg1', dept1, '13900000001');
    users.cg2 = await staff('cg2', dept1, '13900000002');
    users.police = await staff('police', dept2, '13900000003');
    users.town = await staff('town', townUnit, '13900000004');
    users.member = await buildUser(t, {
      username: 'member',
      roles: ['grid_member'],
      scopes: [territory.villageA.id],
    });
    users.worker = await buildUser(t, {
      username: 'worker',
      roles: ['social_worker'],
      scopes: [territory.villageA.id],
    });
    users.command = await buildUser(t, {
      username: 'command',
      roles: ['command_center'],
      scopes: [territory.county.id],
    });
    // The chief above the grid, who hears of escalations.
    const chief = await t.db
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
        person_id: chief.id,
        node_id: territory.villageA.id,
        role: 'chief',
        valid_from: '2026-01-01',
      })
      .execute();
    for (const u of ['cg1', 'police', 'member', 'worker', 'command']) cookies[u] = await login(t.app, u);
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.SRHJ, departmentId: dept1 });
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.ZA, departmentId: dept2 });
  });
  afterAll(() => t.close());

  it('runs every event that sends a notice', async () => {
    // Intake: auto-dispatch, an emergency, handling on the spot.
    const auto = await report('report');
    expect(auto.state).toBe('assigned');
    await report('report', { categoryId: cat.ZA, urgency: 'urgent', handlingType: 'emergency' });
    const onSpot = await report('report', { handlingType: 'routine', onSpot: { note: '已现场劝离并清理' } });
    expect(onSpot.state).toBe('handled');

    // The workflow, round by round, on a case no rule takes.
    const c = await report('report', { categoryId: cat.MSJF01, description: '邻里噪音纠纷，多次协商无果' });
    expect(c.state).toBe('pending_dispatch');
    await act('worker', c.id, 'dispatch', { departmentId: dept1 });
    await act('cg1', c.id, 'reject', { reason: '不属于本部门职责' });
    await act('worker', c.id, 'dispatch', { departmentId: dept1, note: '请再核实' });
    await act('cg1', c.id, 'accept');
    await act('cg1', c.id, 'request', { kind: 'defer', reason: '需协调多方', extraMinutes: 120 }, 'requests');
    const detail = await ok('command', 'GET', `/api/cases/${c.id}`);
    await act(
      'command',
      c.id,
      'decide',
      { approve: true, note: '同意' },
      `requests/${detail.requests[0].id}/decide`,
    );
    await act('cg1', c.id, 'feedback', { note: '已上门调解' });
    await act('worker', c.id, 'visit', { satisfied: false, note: '群众反映噪音仍在' });
    await act('cg1', c.id, 'feedback', { note: '再次调解并签订协议' });
    const closed = await act('worker', c.id, 'visit', { satisfied: true, note: '群众满意' });
    expect(closed.state).toBe('archived');

    // A citizen's report: the closing message goes back to them.
    const receipt = await step('report', () =>
      ok('', 'POST', '/api/public/cases', {
        categoryId: cat.SRHJ01,
        description: '路口垃圾桶满了很多天',
        location: { lng: 119.605, lat: 30.605 },
        contact: { name: '王女士', phone: '13700000000' },
      }),
    );
    const found = await ok('worker', 'GET', `/api/cases?q=${receipt.number}`);
    const pub = found.items[0].id as number;
    await act('cg1', pub, 'accept');
    await act('cg1', pub, 'feedback', { note: '已清运' });
    await act('worker', pub, 'visit', { satisfied: true, note: '满意' });

    // Supervision of cases in hand (催办, 督办, 交办, 协办, 改派, 撤回, 退回属地), through the engine.
    const run = async (who: string, id: number, action: string, input: object) => {
      const principal = (await loadPrincipal(t.db, users[who]!))!;
      const actor = { id: principal.userId, name: principal.username, ip: null, userAgent: null };
      return step(action, () => t.app.ctx.cases.act(principal, actor, id, action, input));
    };
    const personOf = async (who: string) =>
      (
        await t.db
          .selectFrom('person')
          .select('id')
          .where('user_id', '=', users[who]!)
          .executeTakeFirstOrThrow()
      ).id;
    const s = await report('report', { description: '人行道被占用摆摊' });
    expect(s.state).toBe('assigned');
    await run('worker', s.id, 'urge', { note: '群众多次来电，请尽快受理' });
    await run('command', s.id, 'supervise', { note: '限三日内办结' });
    await run('cg1', s.id, 'handOver', { personId: await personOf('cg2'), note: '请负责现场核查' });
    await run('worker', s.id, 'assist', { departmentIds: [dept2], note: '请派出所配合维持秩序' });
    await run('police', s.id, 'assistFeedback', { note: '已派民警到场配合' });
    await run('worker', s.id, 'reassign', { departmentId: dept2, note: '更适合由派出所处理' });
    await run('worker', s.id, 'recall', { note: '需重新研判' });
    const unassigned = await run(
      'command',
      (await report('report', { categoryId: cat.MSJF01 })).id,
      'supervise',
      {
        note: '尽快分派',
      },
    );
    expect(unassigned.departmentId).toBeNull();
    const d = await report('report', { description: '小区内违章搭建' });
    await run('cg1', d.id, 'devolve', { note: '属地管理事项' });

    // The sweep: warning, overdue and escalation on the auto-dispatched case.
    await ok('command', 'PUT', '/api/case-settings', { warnFraction: 0.5, escalateFraction: 2 });
    const sweeper = new ClockSweeper(t.db, { clocks: t.app.ctx.clocks });
    // Each threshold as the clock has it (on the work calendar): sweep just past it.
    for (let i = 0; i < 3; i++) {
      const clock = await casesWithClocks(t.db)
        .select(['next_alert_at'])
        .where('c.id', '=', auto.id)
        .executeTakeFirstOrThrow();
      if (!clock.next_alert_at) break;
      await step('sweep', () => sweeper.runOnce(new Date(clock.next_alert_at!.getTime() + 1000)));
    }
    expect(new Set(sent.filter((s) => s.step === 'sweep').map((s) => s.template))).toEqual(
      new Set(['case.warn', 'case.overdue', 'case.escalate']),
    );
  });

  it('fills every variable a template uses, for every event it was sent for', async () => {
    const templates = new Map(
      ((await t.app.ctx.notify.templates()) as NotifyTemplate[]).map((x) => [x.key, x]),
    );
    const problems: string[] = [];
    for (const s of sent) {
      const def = templates.get(s.template)!;
      const where = `${s.template} (${s.step})`;
      for (const name of def.vars) {
        if (s.data[name] === undefined) problems.push(`${where}: variable {{${name}}} is not passed`);
      }
      for (const field of TEXTS) {
        const text = def[field];
        for (const name of placeholders(text)) {
          if (!def.vars.includes(name)) problems.push(`${where}: ${field} uses undeclared {{${name}}}`);
        }
        // Outside sections a variable is printed as it is: empty would leave a hole in the text.
        for (const name of placeholders(text.replace(SECTION, ''))) {
          const value = s.data[name];
          if (value === null || value === undefined || String(value).trim() === '')
            problems.push(`${where}: ${field} renders {{${name}}} empty`);
        }
        if (render(text, s.data).includes('{{')) problems.push(`${where}: ${field} leaves a placeholder`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
    // The rejection's message, as the bug report saw it: department and reason in the text.
    const rejected = sent.find((s) => s.template === 'case.rejected')!;
    expect(render(templates.get('case.rejected')!.inappBody, rejected.data)).toMatch(
      /^城管执法局驳回了事件 SJ\d{14}（.+，甲村第1网格）。理由：不属于本部门职责$/,
    );
  });

  it('covers every template and every notice the workflow declares', async () => {
    const seen = new Set(sent.map((s) => `${s.step} → ${s.template}`));
    const templatesSent = new Set(sent.map((s) => s.template));
    const spec = t.app.ctx.cases.workflow.spec;
    const missing: string[] = [];
    for (const [key, action] of Object.entries(spec.actions)) {
      for (const n of action.notify ?? []) {
        if (!seen.has(`${key} → ${n.template}`)) missing.push(`action ${key} → ${n.template}`);
      }
    }
    for (const [state, s] of Object.entries(spec.states)) {
      for (const n of s.notify ?? []) {
        if (!templatesSent.has(n.template)) missing.push(`state ${state} → ${n.template}`);
      }
    }
    for (const x of (await t.app.ctx.notify.templates()) as NotifyTemplate[]) {
      if (!templatesSent.has(x.key) && !NOT_SENT[x.key]) missing.push(`template ${x.key}`);
    }
    expect(missing).toEqual([]);
    for (const key of Object.keys(NOT_SENT)) expect(templatesSent.has(key), key).toBe(false);
  });
});
