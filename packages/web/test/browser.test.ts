/**
 * Browser tests: the real server with demo data, the built web app, and Debian's Chromium driven
 * by playwright-core. They run when Chromium is installed; with WANGGE_REQUIRE_BROWSER=1 (set by
 * .ci/run) a missing browser or web build is a failure, not a skip.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, DEMO_PASSWORD, shots, startHarness, type Harness } from './harness.ts';
import type { App } from '../../server/src/context.ts';

describe.skipIf(!browserTestsRun)('web app in Chromium', () => {
  let h: Harness;
  let app: App;
  let base: string;

  beforeAll(async () => {
    h = await startHarness();
    ({ app, base } = h);
  });

  afterAll(async () => {
    await h?.close();
  });

  const newPage = (width?: number, height?: number) => h.newPage(width, height);
  const logIn = (page: Page, username: string, password?: string) => h.logIn(page, username, password);

  const stateOf = async (caseId: number) =>
    (await app.ctx.db.selectFrom('cases').select('state').where('id', '=', caseId).executeTakeFirstOrThrow())
      .state;

  const menuTexts = (page: Page) =>
    page.locator('[data-testid=main-menu] .ant-menu-title-content').allInnerTexts();

  it('renders Chinese with a real CJK font, not empty boxes', async () => {
    const page = await newPage();
    await page.goto(`${base}/`);
    const title = page.locator('[data-testid=app-title]');
    await expect.poll(() => title.innerText()).toBe('网格化管理平台');
    // This server runs the demo, so the login page tells visitors the demo password.
    await expect.poll(() => page.locator('[data-testid=demo-hint]').innerText()).toContain('Wangge@2026');

    // Which font did Chromium actually use for the title's glyphs?
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', {
      nodeId: root.nodeId,
      selector: '[data-testid=app-title]',
    });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    const cjk = fonts.filter((f) =>
      /CJK|Noto Sans SC|WenQuanYi|Droid Sans Fallback|Source Han/i.test(f.familyName),
    );
    expect(cjk.reduce((n, f) => n + f.glyphCount, 0)).toBeGreaterThanOrEqual(6);

    // And the glyphs differ from one another: missing-glyph boxes would all look the same.
    const distinct = await page.evaluate(() => {
      const draw = (ch: string) => {
        const canvas = document.createElement('canvas');
        canvas.width = 48;
        canvas.height = 48;
        const ctx = canvas.getContext('2d')!;
        ctx.font =
          getComputedStyle(document.body).fontSize.replace(/\d+px/, '40px') +
          ' ' +
          getComputedStyle(document.body).fontFamily;
        ctx.fillText(ch, 4, 40);
        const data = ctx.getImageData(0, 0, 48, 48).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4) ink += data[i]! > 0 ? 1 : 0;
        return { ink, sig: Array.from(data.filter((_, i) => i % 4 === 3)).join(',') };
      };
      const a = draw('网');
      const b = draw('格');
      const tofu = draw('\u{10FFFD}');
      return { ink: a.ink, differ: a.sig !== b.sig, notTofu: a.sig !== tofu.sig && b.sig !== tofu.sig };
    });
    expect(distinct.ink).toBeGreaterThan(50);
    expect(distinct.differ).toBe(true);
    expect(distinct.notTofu).toBe(true);
    await page.screenshot({ path: path.join(shots, 'login.png') });
  });

  it('logs in and builds the menu from the user’s permissions', async () => {
    const page = await newPage();
    await logIn(page, 'townchief');
    await page.waitForSelector('[data-testid=welcome]');
    expect(await menuTexts(page)).toEqual([
      '工作台',
      '网格',
      '事件',
      '事件列表',
      '上报事件',
      '分发台',
      '超时事件',
    ]);
    await expect.poll(() => page.locator('text=递铺街道').first().isVisible()).toBe(true);
    await page.screenshot({ path: path.join(shots, 'home-townchief.png') });

    const sys = await newPage();
    await logIn(sys, 'sysadmin');
    await sys.waitForSelector('[data-testid=welcome]');
    expect(await menuTexts(sys)).toEqual([
      '工作台',
      '网格',
      '导入行政区划',
      '通知',
      '邮件查看',
      '短信查看',
      '系统管理',
      '用户管理',
      '开放接口密钥',
      '接口文档',
    ]);

    const auditor = await newPage();
    await logIn(auditor, 'auditadmin');
    await auditor.waitForSelector('[data-testid=welcome]');
    expect(await menuTexts(auditor)).toEqual(['工作台', '安全审计', '审计日志', '登录日志']);
    await auditor.click('text=审计日志');
    await auditor.click('[data-testid=audit-verify]');
    await expect
      .poll(() => auditor.locator('[data-testid=audit-verify-result]').innerText())
      .toMatch(/校验通过/);
    await auditor.screenshot({ path: path.join(shots, 'audit-log.png') });
  });

  it('rejects a wrong password with the server’s Chinese message', async () => {
    const page = await newPage();
    await logIn(page, 'leader', 'not-the-password');
    await expect
      .poll(() => page.locator('[data-testid=login-error]').innerText())
      .toContain('用户名或密码错误');
  });

  it('switches to English and remembers the choice', async () => {
    const page = await newPage();
    await logIn(page, 'secadmin');
    await page.waitForSelector('[data-testid=welcome]');
    await page.click('[data-testid=lang-switch]');
    await expect
      .poll(() => menuTexts(page))
      .toEqual([
        'Dashboard',
        'Grids',
        'Administration',
        'Users',
        'Roles',
        'Security policy',
        'API reference',
      ]);
    expect(await page.locator('[data-testid=welcome]').innerText()).toMatch(/^Welcome, /);
    await page.reload();
    await page.waitForSelector('[data-testid=welcome]');
    expect(await menuTexts(page)).toContain('Security policy');
    await page.click('[data-testid=lang-switch]');
    await expect.poll(() => menuTexts(page)).toContain('安全策略');
  });

  it('makes a new user change the initial password before anything else', async () => {
    // The system administrator creates the account through the API, as the users page does.
    const loginRes = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'sysadmin', password: DEMO_PASSWORD }),
    });
    const cookie = loginRes.headers.get('set-cookie')!.split(';')[0]!;
    const created = await fetch(`${base}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ username: 'zhao.liu', displayName: '赵六', password: 'Initial-Pass-2026' }),
    });
    expect(created.status).toBe(201);

    const page = await newPage(390, 844);
    await logIn(page, 'zhao.liu', 'Initial-Pass-2026');
    await page.waitForSelector('[data-testid=change-password]');
    expect(await page.locator('[data-testid=change-password]').innerText()).toContain('首次登录');
    await page.screenshot({ path: path.join(shots, 'forced-change-phone.png') });
    await page.fill('#currentPassword', 'Initial-Pass-2026');
    await page.fill('#newPassword', 'short');
    await page.fill('#confirm', 'short');
    await page.click('[data-testid=password-submit]');
    await expect
      .poll(() => page.locator('[data-testid=password-error]').innerText())
      .toContain('长度至少 10 位');
    await page.fill('#newPassword', 'My-Own-Secret-77');
    await page.fill('#confirm', 'My-Own-Secret-77');
    await page.click('[data-testid=password-submit]');
    await page.waitForSelector('[data-testid=welcome]');
    expect(await page.locator('[data-testid=welcome]').innerText()).toBe('欢迎，赵六');
  });

  it('browses the grid tree, shows the outline, and edits people on duty with a handover', async () => {
    const page = await newPage();
    await logIn(page, 'townchief');
    await page.waitForSelector('[data-testid=welcome]');
    await page.click('[data-testid=main-menu] >> text=网格');
    await page.click('[data-testid=grid-tree] .ant-tree-node-content-wrapper >> nth=0');
    await page.waitForSelector('[data-testid=grid-detail]');
    await page.waitForSelector('[data-testid=grid-map] canvas');
    expect(await page.locator('[data-testid=grid-detail]').innerText()).toContain('330523001');

    // Search by code finds a community; selecting it opens its page.
    await page.fill('[data-testid=grid-search] input', '330523001002');
    await page.press('[data-testid=grid-search] input', 'Enter');
    await page.click('[data-testid=grid-results] >> text=苕秀社区');
    await expect
      .poll(() => page.locator('[data-testid=grid-detail] .ant-card-head').innerText())
      .toContain('苕秀社区');

    await page.click('[data-testid=grid-detail] >> text=责任人');
    await page.waitForSelector('[data-testid=duty-table] tr.ant-table-row');
    const before = await page.locator('[data-testid=duty-table] tr.ant-table-row').count();

    // A new person takes a role the scheme allows at this level.
    await page.click('[data-testid=duty-assign]');
    await page.click('[data-testid=duty-role]');
    await page.locator('.ant-select-item-option', { hasText: '网格员' }).first().click();
    await page.fill('[data-testid=duty-new-name]', '测试新网格员');
    await page.fill('[data-testid=duty-new-phone]', '13700001111');
    await page.click('.ant-modal-footer .ant-btn-primary');
    await expect
      .poll(() => page.locator('[data-testid=duty-table] tr.ant-table-row').count())
      .toBe(before + 1);
    expect(await page.locator('[data-testid=duty-table]').innerText()).toContain('137****1111');

    // The village chief hands over to the new person.
    const chiefRow = page.locator('[data-testid=duty-table] tr.ant-table-row', { hasText: '网格长' });
    await chiefRow.locator('button', { hasText: '交接' }).click();
    await page.click('[data-testid=duty-successor]');
    await page.keyboard.type('测试新');
    await page.locator('.ant-select-item-option', { hasText: '测试新网格员' }).first().click();
    await page.click('.ant-modal-footer .ant-btn-primary');
    await expect
      .poll(async () =>
        (
          await page.locator('[data-testid=duty-table] tr.ant-table-row', { hasText: '网格长' }).innerText()
        ).includes('测试新网格员'),
      )
      .toBe(true);
    await page.screenshot({ path: path.join(shots, 'grid-duties.png') });
  });

  it('adds a child grid from the grid page, with its code generated by the scheme', async () => {
    const page = await newPage();
    await logIn(page, 'sysadmin');
    await page.waitForSelector('[data-testid=welcome]');
    await page.goto(`${base}/grids`);
    await page.fill('[data-testid=grid-search] input', '330523001002');
    await page.press('[data-testid=grid-search] input', 'Enter');
    await page.click('[data-testid=grid-results] >> text=苕秀社区');
    await page.click('[data-testid=grid-add-child]');
    await page.fill('[data-testid=grid-child-name]', '苕秀社区新增网格');
    await page.click('.ant-modal-footer .ant-btn-primary');
    await expect
      .poll(() => page.locator('[data-testid=grid-detail] .ant-card-head').innerText())
      .toContain('苕秀社区新增网格');
    // The next free unit-grid sequence under 苕秀社区 (which has four grids in the demo).
    await expect
      .poll(() => page.locator('[data-testid=grid-detail]').innerText())
      .toMatch(/编码\s*33052300100205/);
  });

  it('lets a citizen report from a phone without logging in, then follow it by number and code', async () => {
    const page = await newPage(390, 844);
    await page.goto(`${base}/report`);
    await page.waitForSelector('[data-testid=category-option]');
    await page.locator('[data-testid=category-option]', { hasText: '市容环境' }).click();
    await page.locator('[data-testid=category-option]', { hasText: '井盖缺失' }).click();
    await page.fill('[data-testid=public-description]', '人行道上井盖缺失，晚上很危险');
    await page.fill('[data-testid=public-address]', '递铺街道胜利西路 12 号门口');
    await page.fill('[data-testid=public-phone]', '13800138000');
    await page.click('[data-testid=public-submit]');
    await page.waitForSelector('[data-testid=public-receipt]');
    const number = await page.locator('[data-testid=receipt-number]').innerText();
    const code = await page.locator('[data-testid=receipt-code]').innerText();
    expect(number).toMatch(/^[A-Z]{2}\d{14}$/);
    expect(code).toMatch(/^[0-9A-Z]{6}$/);
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, 'public-receipt-phone.png') });

    await page.click('[data-testid=receipt-track]');
    await page.waitForSelector('[data-testid=track-result]');
    // The code is not put in the address.
    expect(page.url()).not.toContain(code);
    expect(await page.locator('[data-testid=track-result]').innerText()).toContain('井盖缺失');

    // Another browser, by hand; a wrong code finds nothing.
    const other = await newPage(390, 844);
    await other.goto(`${base}/track`);
    await other.fill('[data-testid=track-number]', number.toLowerCase());
    await other.fill('[data-testid=track-code]', 'ZZZZZ9');
    await other.click('[data-testid=track-submit]');
    await expect.poll(() => other.locator('[data-testid=track-error]').innerText()).toContain('不正确');
    await other.fill('[data-testid=track-code]', code);
    await other.click('[data-testid=track-submit]');
    await other.waitForSelector('[data-testid=track-timeline]');
    await other.screenshot({ path: path.join(shots, 'public-track-phone.png'), fullPage: true });
  });

  it('runs a case end to end: a citizen reports by phone, the dispatcher dispatches, the department accepts and feeds back, the social worker visits and it is archived', async () => {
    // A point inside 苕秀社区第1网格, checked with the server's own locator.
    const grid = await app.ctx.db
      .selectFrom('grid_node')
      .select(['id', 'lng', 'lat'])
      .where('name', '=', '苕秀社区第1网格')
      .executeTakeFirstOrThrow();
    const rootId = (await app.ctx.caseConfig.caseRootId())!;
    expect(await app.ctx.locator.locate(rootId, grid.lng!, grid.lat!)).toBe(grid.id);

    // 1. The citizen, on a phone, without an account, with the phone's position.
    const phone = await h.browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: { longitude: grid.lng!, latitude: grid.lat! },
      permissions: ['geolocation'],
    });
    const citizen = await phone.newPage();
    citizen.on('pageerror', (err) => {
      throw err;
    });
    await citizen.goto(`${base}/report`);
    await citizen.waitForSelector('[data-testid=category-option]');
    // 其他: no dispatch rule covers it, so it waits for the dispatcher.
    await citizen.locator('[data-testid=category-option]', { hasText: '其他' }).click();
    await citizen.fill('[data-testid=public-description]', '小区门口路灯已经坏了一个星期，晚上很黑');
    // The map follows the phone's position down to the base grid.
    await citizen.click('[data-testid=geolocate]');
    await expect
      .poll(() => citizen.locator('[data-testid=picked-location]').innerText())
      .toContain('苕秀社区第1网格');
    await citizen.click('[data-testid=public-submit]');
    await citizen.waitForSelector('[data-testid=public-receipt]');
    const number = await citizen.locator('[data-testid=receipt-number]').innerText();
    const code = await citizen.locator('[data-testid=receipt-code]').innerText();
    const row = await app.ctx.db
      .selectFrom('cases')
      .select(['id', 'state', 'grid_id'])
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'pending_dispatch', grid_id: grid.id });

    // 2. The command centre dispatches it from the dispatch console.
    const desk = await newPage();
    await logIn(desk, 'command');
    await desk.waitForSelector('[data-testid=welcome]');
    await desk.goto(`${base}/dispatch?tab=pending`);
    const pending = desk.locator('[data-testid=dispatch-console-table] [data-testid=case-row]', {
      hasText: number,
    });
    await pending.locator('[data-testid=quick-dispatch]').click();
    await desk.click('[data-testid=dispatch-department]');
    await desk.locator('.ant-select-item-option', { hasText: '县综合行政执法局' }).click();
    await desk.fill('[data-testid=action-note]', '请尽快修复路灯');
    await desk.click('[data-testid=action-ok]');
    await expect.poll(async () => await stateOf(row.id)).toBe('assigned');
    await desk.screenshot({ path: path.join(shots, 'dispatch-console.png') });

    // 3. The department accepts and feeds back from its inbox.
    const dept = await newPage();
    await logIn(dept, 'dept');
    await dept.waitForSelector('[data-testid=welcome]');
    await dept.goto(`${base}/inbox/department?tab=assigned`);
    const assigned = dept.locator('[data-testid=dept-inbox-table] [data-testid=case-row]', {
      hasText: number,
    });
    await assigned.locator('[data-testid=quick-accept]').click();
    await dept.click('[data-testid=action-ok]');
    await expect.poll(async () => await stateOf(row.id)).toBe('accepted');
    await dept.goto(`${base}/inbox/department?tab=accepted`);
    const accepted = dept.locator('[data-testid=dept-inbox-table] [data-testid=case-row]', {
      hasText: number,
    });
    await accepted.locator('[data-testid=quick-feedback]').click();
    await dept.fill('[data-testid=action-note]', '已更换路灯灯泡，恢复照明');
    await dept.click('[data-testid=action-ok]');
    await expect.poll(async () => await stateOf(row.id)).toBe('handled');

    // 4. The community's social worker makes the return visit, on the case page: satisfied.
    const worker = await newPage();
    await logIn(worker, 'socialworker');
    await worker.waitForSelector('[data-testid=welcome]');
    await worker.goto(`${base}/dispatch?tab=visit`);
    await worker
      .locator('[data-testid=dispatch-console-table] [data-testid=case-row]', { hasText: number })
      .getByRole('link', { name: number })
      .click();
    await worker.waitForSelector('[data-testid=case-detail]');
    await worker.click('[data-testid=do-visit]');
    await worker.locator('[data-testid=visit-satisfied] label').first().click();
    await worker.fill('[data-testid=action-note]', '电话回访，居民表示路灯已修好，满意');
    await worker.click('[data-testid=action-ok]');
    // Auto-archive is on: a satisfied visit closes the case.
    await expect.poll(async () => await stateOf(row.id)).toBe('archived');
    await expect.poll(() => worker.locator('[data-testid=case-timeline]').innerText()).toContain('回访');
    await worker.screenshot({ path: path.join(shots, 'case-archived.png'), fullPage: true });
    const actions = (
      await app.ctx.db
        .selectFrom('timeline_entry')
        .select('action')
        .where('subject_kind', '=', 'case')
        .where('subject_id', '=', row.id)
        .orderBy('id')
        .execute()
    ).map((e) => e.action);
    expect(actions).toEqual(['report', 'dispatch', 'accept', 'feedback', 'visit', 'auto_archive']);

    // 5. The citizen sees it done and which unit handled it, without the names of staff.
    await citizen.goto(`${base}/track`);
    await citizen.fill('[data-testid=track-number]', number);
    await citizen.fill('[data-testid=track-code]', code);
    await citizen.click('[data-testid=track-submit]');
    await citizen.waitForSelector('[data-testid=track-timeline]');
    const tracked = await citizen.locator('[data-testid=track-result]').innerText();
    expect(tracked).toContain('已办结');
    expect(tracked).toContain('县综合行政执法局');
    const staff = await app.ctx.db
      .selectFrom('app_user')
      .select('display_name')
      .where('username', 'in', ['command', 'dept', 'socialworker'])
      .execute();
    for (const u of staff) expect(tracked).not.toContain(u.display_name);
    await citizen.screenshot({ path: path.join(shots, 'public-track-archived.png'), fullPage: true });
    await phone.close();
  });

  it('opens the case pages at phone width without sideways scrolling', async () => {
    const page = await newPage(390, 844);
    await logIn(page, 'command');
    await page.waitForSelector('[data-testid=welcome]');
    const pages: [string, string][] = [
      ['/cases', '[data-testid=case-row]'],
      ['/dispatch', '[data-testid=dispatch-console]'],
      ['/cases/overdue', '[data-testid=overdue]'],
      ['/cases/new', '[data-testid=case-report-form]'],
      ['/case-settings?tab=rules', '[data-testid=rules-table] [data-testid=row]'],
      ['/case-settings?tab=categories', '[data-testid=categories-table] tr.ant-table-row'],
      ['/case-settings?tab=calendar', '[data-testid=calendar-days] [data-testid=row]'],
      ['/notify/sms', '[data-testid=outbox-sms]'],
      ['/notify/templates', '[data-testid=templates-table] [data-testid=row]'],
      ['/inbox', '[data-testid=inbox]'],
    ];
    for (const [url, selector] of pages) {
      await page.goto(`${base}${url}`);
      await page.waitForSelector(selector);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, url).toBeLessThanOrEqual(0);
    }
  });

  it('shows the re-timing of running deadlines after a calendar change until it is done', async () => {
    // A change whose re-timing has not run yet (as a restart would leave it).
    const db = app.ctx.db;
    await db
      .insertInto('setting')
      .values({ key: 'calendar.generation', value: JSON.stringify(1000), updated_by: null })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(1000) }))
      .execute();
    const page = await newPage(390, 844);
    await logIn(page, 'command');
    await page.waitForSelector('[data-testid=welcome]');
    await page.goto(`${base}/case-settings?tab=calendar`);
    const notice = page.locator('[data-testid=calendar-retime]');
    await notice.waitFor();
    expect(await notice.textContent()).toContain('重新计算在办事件的期限');
    await page.screenshot({ path: path.join(shots, 'calendar-retime-phone.png') });
    const desk = await newPage();
    await logIn(desk, 'command');
    await desk.waitForSelector('[data-testid=welcome]');
    await desk.goto(`${base}/case-settings?tab=calendar`);
    await desk.locator('[data-testid=calendar-retime]').waitFor();
    await desk.screenshot({ path: path.join(shots, 'calendar-retime-desk.png') });
    await desk.close();
    // It runs (at the next start, or here now): the page follows until the notice goes.
    app.ctx.clockRetimer.request();
    await notice.waitFor({ state: 'detached', timeout: 20_000 });
    const job = await db
      .selectFrom('job')
      .select(['status', 'done', 'total'])
      .where('kind', '=', 'calendar.retime')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(job.status).toBe('done');
    expect(job.total).toBeGreaterThan(0);
    expect(job.done).toBe(job.total);
  });

  it('imports a roster: template, a file with bad rows, the error list, a fixed file, the job to its end', async () => {
    const { default: ExcelJS } = await import('exceljs');
    const villages = await app.ctx.db
      .selectFrom('grid_node')
      .select(['code'])
      .where('code', 'like', '330523001%')
      .where('kind', 'in', ['community', 'village'])
      .orderBy('code')
      .limit(2)
      .execute();
    const roster = async (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const sheet = wb.addWorksheet('花名册');
      sheet.addRow(['递铺街道网格员花名册（2026年）']);
      sheet.addRow(['姓名', '手机号', '身份证号', '网格编码', '职责', '起始日期']);
      for (const r of rows) sheet.addRow(r);
      const file = path.join(shots, `roster-${rows.length}.xlsx`);
      fs.mkdirSync(shots, { recursive: true });
      await wb.xlsx.writeFile(file);
      return file;
    };
    const good = [
      ['花名甲', '13812340001', '11010519491231002X', villages[0]!.code, '网格员', '2026.3.1'],
      ['花名乙', '13812340002', null, villages[1]!.code, '网格员', '2026年3月2日'],
    ];
    const bad = await roster([...good, ['花名丙', '1381234', null, '330523999999', '扫地僧', null]]);

    for (const [width, height] of [
      [1440, 900],
      [360, 780],
    ] as const) {
      const page = await newPage(width, height);
      await logIn(page, 'townchief');
      await page.goto(`${base}/duties/roster`);
      await page.waitForSelector('[data-testid=ledger-wizard]');
      const [template] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=ledger-template]'),
      ]);
      expect(template.suggestedFilename()).toContain('网格员花名册');
      await page.setInputFiles('[data-testid=ledger-file]', bad);
      await page.waitForSelector('[data-testid=ledger-errors-table]');
      const check = await page.locator('[data-testid=ledger-check]').innerText();
      expect(check).toContain('1 行有问题');
      expect(check).toContain('手机号');
      expect(check).toContain('330523999999');
      expect(await page.locator('[data-testid=ledger-import]').isDisabled()).toBe(true);
      const [marked] = await Promise.all([
        page.waitForEvent('download'),
        page.click('[data-testid=ledger-errors]'),
      ]);
      expect(marked.suggestedFilename()).toContain('错误');
      const noSideways = await page.evaluate(
        () => document.documentElement.scrollWidth <= window.innerWidth + 1,
      );
      expect(noSideways, `no sideways scrolling at ${width}px`).toBe(true);
      await page.screenshot({ path: path.join(shots, `roster-errors-${width}.png`), fullPage: true });
      await page.close();
    }

    const page = await newPage();
    await logIn(page, 'townchief');
    await page.goto(`${base}/duties/roster`);
    await page.setInputFiles('[data-testid=ledger-file]', await roster(good));
    await page.waitForSelector('[data-testid=ledger-check] >> text=全部可以导入');
    await page.click('[data-testid=ledger-import]');
    await page.waitForSelector('[data-testid=ledger-done]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=ledger-done]').innerText()).toContain('新增 2');
    await page.waitForTimeout(600); // the bar's animation to its end
    await page.screenshot({ path: path.join(shots, 'roster-done-1440.png'), fullPage: true });
    const people = await app.ctx.db
      .selectFrom('person')
      .select('name')
      .where('name', 'in', ['花名甲', '花名乙'])
      .execute();
    expect(people).toHaveLength(2);
  });

  it('shows unread messages in the header and marks them read', async () => {
    const page = await newPage();
    await logIn(page, 'dept');
    await page.waitForSelector('[data-testid=welcome]');
    const badge = page.locator('[data-testid=inbox-bell]').locator('xpath=..').locator('.ant-badge-count');
    await expect.poll(() => badge.count()).toBe(1);
    await page.click('[data-testid=inbox-bell]');
    await page.waitForSelector('[data-testid=inbox-item]');
    await page.click('[data-testid=inbox-read-all]');
    await expect.poll(() => badge.count()).toBe(0);
  });

  it('works at phone width: drawer menu, no sideways scrolling', async () => {
    const page = await newPage(390, 844);
    await logIn(page, 'sysadmin');
    await page.waitForSelector('[data-testid=welcome]');
    await page.click('[data-testid=menu-toggle]');
    await page.click('.ant-drawer >> text=用户管理');
    await page.waitForSelector('[data-testid=users-table] tr.ant-table-row');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(shots, 'users-phone.png'), fullPage: true });
  });
});
