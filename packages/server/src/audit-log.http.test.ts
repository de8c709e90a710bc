import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, PageResult } from '@wangge/shared';
import { testEngines } from '../test/engines.ts';
import {
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../test/factories.ts';

/** The day of `d` in the deployment's zone (YYYY-MM-DD). */
const dayOf = (d: Date, timeZone: string) => new Intl.DateTimeFormat('sv-SE', { timeZone }).format(d);

describe.each(testEngines())('the audit log as people read it, on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let caseId: number;
  let caseNumber: string;
  let userId: number;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);
  const log = (query = '') => ok('auditor', 'GET', `/api/audit${query}`) as Promise<PageResult<AuditEntry>>;
  const today = () => dayOf(new Date(), t.config.timeZone);

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    const base = await buildGrid(t.db, { parentId: territory.villageA.id, name: '甲村第1网格' });
    await buildUser(t, { username: 'auditor', roles: ['audit_admin'] });
    await buildUser(t, { username: 'sys', roles: ['sys_admin'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'sec', roles: ['sec_admin'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    for (const u of ['auditor', 'sys', 'sec', 'member']) cookies[u] = await login(t.app, u);

    // Things to name: a user, a grid, a role, a case; and a refused request.
    userId = (
      await ok('sys', 'POST', '/api/users', {
        username: 'zhangsan',
        displayName: '张三',
        password: 'Xy-12345678!',
      })
    ).id;
    await ok('sys', 'PATCH', `/api/grids/${territory.villageA.id}`, {
      name: '甲村社区',
      effectiveDate: today(),
    });
    await ok('sec', 'POST', '/api/roles', {
      key: 'inspector',
      name: '巡查员',
      nameEn: 'Inspector',
      permissions: ['grid.read'],
    });
    const category = await t.db
      .selectFrom('case_category')
      .select('id')
      .where('code', '=', 'SRHJ01')
      .executeTakeFirstOrThrow();
    const c = await ok('member', 'POST', '/api/cases', {
      categoryId: category.id,
      nature: 'civil',
      handlingType: 'coordination',
      description: '小区门口垃圾堆积三天无人清运',
      gridId: base.id,
    });
    caseId = c.id;
    caseNumber = c.number;
    expect((await call('sys', 'GET', '/api/audit')).statusCode).toBe(403);
    // An entry from ten days ago, for the date range.
    await sql`insert into audit_log (at, actor_name, action, result)
      values (now() - interval '10 days', 'system', 'demo.load', 'success')`.execute(t.db);
  });
  afterAll(() => t.close());

  it('names actions in both languages and targets by name, with a link to their page', async () => {
    const { items } = await log('?pageSize=100');
    const one = (action: string) => {
      const found = items.find((e) => e.action === action);
      expect(found, action).toBeDefined();
      return found!;
    };
    const created = one('user.create');
    expect(created.actionLabel).toEqual({ zh: '新建用户', en: 'Created a user' });
    expect(created.actorName).toBe('sys');
    expect(created.target).toEqual({
      type: 'user',
      typeLabel: { zh: '用户', en: 'User' },
      id: String(userId),
      name: '张三（zhangsan）',
      nameEn: null,
      link: '/admin/users?q=zhangsan',
    });
    expect(one('grid.rename').target).toMatchObject({
      typeLabel: { zh: '网格', en: 'Grid' },
      name: '甲村社区',
      link: `/grids?id=${territory.villageA.id}`,
    });
    expect(one('role.create').target).toMatchObject({
      name: '巡查员',
      nameEn: 'Inspector',
      link: '/admin/roles',
    });
    expect(one('case.report')).toMatchObject({
      actionLabel: { zh: '上报事件', en: 'Reported a case' },
      target: { type: 'case', name: caseNumber, link: `/cases/${caseId}` },
    });
    const denied = one('access.denied');
    expect(denied).toMatchObject({
      result: 'denied',
      actionLabel: { zh: '越权访问被拒绝' },
      target: { type: 'route', typeLabel: { zh: '接口' }, name: 'GET /api/audit', link: null },
    });
    // Everything this test wrote is named: no entry falls back to its code.
    expect(items.filter((e) => !e.actionLabel).map((e) => e.action)).toEqual([]);
  });

  it('shows a target that no longer exists by its id', async () => {
    await ok('sec', 'DELETE', '/api/roles/inspector');
    const { items } = await log('?action=role.delete');
    expect(items[0]!.target).toMatchObject({ type: 'role', id: 'inspector', name: null, link: null });
  });

  it('filters by action, result, kind of target, actor and date range, page by page', async () => {
    const byAction = await log('?action=user.create');
    expect(byAction.items.map((e) => e.action)).toEqual(['user.create']);
    const denied = await log('?result=denied');
    expect(denied.items.length).toBeGreaterThan(0);
    expect(denied.items.every((e) => e.result === 'denied')).toBe(true);
    const grids = await log('?targetType=grid');
    expect(grids.items.map((e) => e.action)).toEqual(['grid.rename']);
    const bySec = await log('?actor=se');
    expect(new Set(bySec.items.map((e) => e.actorName))).toEqual(new Set(['sec']));

    const tenDaysAgo = dayOf(new Date(Date.now() - 10 * 86_400_000), t.config.timeZone);
    const old = await log(`?from=${tenDaysAgo}&to=${tenDaysAgo}`);
    expect(old.items.map((e) => e.action)).toEqual(['demo.load']);
    expect(old.items[0]!.actionLabel?.zh).toBe('加载演示数据');
    const recent = await log(`?from=${today()}&to=${today()}&pageSize=100`);
    expect(recent.items.some((e) => e.action === 'demo.load')).toBe(false);
    expect(recent.items.some((e) => e.action === 'user.create')).toBe(true);

    const all = await log('?pageSize=100');
    const page = await log('?pageSize=2&page=2');
    expect(page.items.map((e) => e.seq)).toEqual(all.items.slice(2, 4).map((e) => e.seq));
    expect(page.total).toBe(all.total);
  });

  it('refuses bad filters with a 4xx and a Chinese message', async () => {
    const backwards = await call('auditor', 'GET', '/api/audit?from=2026-03-02&to=2026-03-01');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: { to: '结束日期不能早于开始日期' },
    });
    for (const q of ['from=yesterday', 'action=DROP%20TABLE', 'result=maybe', 'page=Infinity']) {
      const res = await call('auditor', 'GET', `/api/audit?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.message, q).toMatch(/\p{Script=Han}/u);
    }
    expect((await call('auditor', 'GET', '/api/audit/export?to=2026-01-01&from=2026-02-01')).statusCode).toBe(
      400,
    );
  });

  it('offers the declared actions and kinds of target for the filters', async () => {
    const vocabulary = await ok('auditor', 'GET', '/api/audit/vocabulary');
    expect(vocabulary.actions).toContainEqual({
      key: 'case.dispatch',
      zh: '分派事件',
      en: 'Dispatched a case',
    });
    expect(vocabulary.targets).toContainEqual({ type: 'grid', zh: '网格', en: 'Grid' });
    expect((await call('sys', 'GET', '/api/audit/vocabulary')).statusCode).toBe(403);
  });

  it('exports the filtered log as Excel, named and localised, and records the export', async () => {
    const res = await call('auditor', 'GET', `/api/audit/export?from=${today()}&to=${today()}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(String(res.headers['content-disposition'])).toContain(encodeURIComponent('审计日志'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('审计日志')!;
    const rows = sheet.getSheetValues().slice(1) as unknown[][];
    const header = rows[0]!.slice(1);
    expect(header).toEqual([
      '序号',
      '时间',
      '操作人',
      '来源地址',
      '操作',
      '操作代码',
      '对象类型',
      '对象',
      '对象编号',
      '结果',
      '变更前',
      '变更后',
      '哈希',
    ]);
    const body = rows.slice(1).map((r) => r.slice(1));
    const col = (name: string) => header.indexOf(name);
    const created = body.find((r) => r[col('操作代码')] === 'user.create')!;
    expect(created[col('操作')]).toBe('新建用户');
    expect(created[col('对象类型')]).toBe('用户');
    expect(created[col('对象')]).toBe('张三（zhangsan）');
    expect(created[col('结果')]).toBe('成功');
    expect(String(created[col('时间')])).toMatch(new RegExp(`^${today()} \\d{2}:\\d{2}:\\d{2}$`));
    const refused = body.find((r) => r[col('操作代码')] === 'access.denied')!;
    expect(refused[col('结果')]).toBe('拒绝');
    // The date range holds: the entry from ten days ago is not in it.
    expect(body.some((r) => r[col('操作代码')] === 'demo.load')).toBe(false);
    const listed = await log(`?from=${today()}&to=${today()}&pageSize=100`);
    expect(body.map((r) => r[col('序号')])).toEqual(
      listed.items.filter((e) => e.action !== 'audit.export').map((e) => e.seq),
    );

    // The export is on record, with its filters and size.
    const exports = await log('?action=audit.export');
    expect(exports.items[0]).toMatchObject({
      actorName: 'auditor',
      actionLabel: { zh: '导出审计日志' },
      after: { filters: { from: today(), to: today() }, count: body.length },
    });
  });

  it('lets only the audit administrator read and export it', async () => {
    for (const who of ['sys', 'sec', 'member']) {
      expect((await call(who, 'GET', '/api/audit/export')).statusCode, who).toBe(403);
      expect((await call(who, 'GET', '/api/audit')).statusCode, who).toBe(403);
    }
    expect((await call('', 'GET', '/api/audit/export')).statusCode).toBe(401);
  });
});
