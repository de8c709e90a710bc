import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, DEMO_PASSWORD, shots, startHarness, type Harness } from './harness.ts';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR4nGPQWGBDEmIY1TCqYfhqAAAmYgQQV7FoPwAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(!browserTestsRun)('the citizen side in Chromium', () => {
  let h: Harness;
  let point: { lng: number; lat: number };
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
    const grid = await h.app.ctx.db
      .selectFrom('grid_node')
      .select(['lng', 'lat'])
      .where('name', '=', '苕秀社区第1网格')
      .executeTakeFirstOrThrow();
    point = { lng: grid.lng!, lat: grid.lat! };
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await h?.close();
  });

  /** A phone (or desk) browser at the grid's point, in Chinese. */
  const device = async (width: number, height = 800): Promise<Page> => {
    const context = await h.browser.newContext({
      viewport: { width, height },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: { longitude: point.lng, latitude: point.lat },
      permissions: ['geolocation'],
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => {
      throw err;
    });
    return page;
  };
  /** Staff through the API, with a demo login. */
  const asStaff = async (username: string) => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: DEMO_PASSWORD },
    });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    return async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const r = await h.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });
      expect(r.statusCode, `${method} ${url}: ${r.body}`).toBeLessThan(300);
      return r.json();
    };
  };
  const noSideScroll = async (page: Page) =>
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);

  it('a citizen reports, the department feeds back with a photo, the citizen sees it, rates it unsatisfied and it reopens', async () => {
    // 1. The citizen reports from a phone, with a photo and the phone's position.
    const citizen = await device(360, 780);
    await citizen.goto(`${h.base}/report`);
    await citizen.waitForSelector('[data-testid=category-option]');
    await citizen.locator('[data-testid=category-option]', { hasText: '市容环境' }).click();
    await citizen.locator('[data-testid=category-option]', { hasText: '暴露垃圾' }).click();
    await citizen.fill('[data-testid=public-description]', '小区东门垃圾桶满溢，两天没人清运');
    await citizen.locator('input[type=file]').first().setInputFiles({
      name: 'before.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await citizen.click('[data-testid=geolocate]');
    await expect
      .poll(() => citizen.locator('[data-testid=picked-location]').innerText())
      .toContain('苕秀社区');
    await citizen.fill('[data-testid=public-phone]', '13700001111');
    await expect
      .poll(() => citizen.locator('.ant-upload-list-item-done').count(), { timeout: 15_000 })
      .toBe(1);
    await citizen.click('[data-testid=public-submit]');
    await citizen.waitForSelector('[data-testid=public-receipt]');
    const number = await citizen.locator('[data-testid=receipt-number]').innerText();
    expect(await citizen.locator('[data-testid=public-receipt]').innerText()).not.toContain('已分派待接受');
    const row = await h.app.ctx.db
      .selectFrom('cases')
      .select(['id', 'state'])
      .where('number', '=', number)
      .executeTakeFirstOrThrow();

    // 2. The department (县综合行政执法局, user dept) accepts and feeds back with a photo.
    const command = await asStaff('command');
    const dept = await asStaff('dept');
    const unit = await h.app.ctx.db
      .selectFrom('department_staff as s')
      .innerJoin('person as p', 'p.id', 's.person_id')
      .innerJoin('app_user as u', 'u.id', 'p.user_id')
      .innerJoin('department as d', 'd.id', 's.department_id')
      .select(['d.id', 'd.name', 'u.display_name', 'p.name as person'])
      .where('u.username', '=', 'dept')
      .executeTakeFirstOrThrow();
    if (row.state !== 'assigned' || (await command('GET', `/api/cases/${row.id}`)).departmentId !== unit.id)
      await command('POST', `/api/cases/${row.id}/dispatch`, { departmentId: unit.id });
    await dept('POST', `/api/cases/${row.id}/accept`, {});
    const photo = await dept('POST', '/api/case-photos', {
      dataUrl: `data:image/png;base64,${PNG.toString('base64')}`,
    });
    await dept('POST', `/api/cases/${row.id}/feedback`, {
      note: `已安排清运并冲洗地面。现场负责人${unit.person}，电话13900001111`,
      photoTokens: [photo.token],
    });
    await command('POST', `/api/cases/${row.id}/visit`, {
      satisfied: true,
      note: '电话回访，居民表示已清运',
    });

    // 3. The citizen sees what was done, by whom (the unit), with the photo — no staff name or phone.
    await citizen.click('[data-testid=receipt-track]');
    await citizen.waitForSelector('[data-testid=track-feedback]');
    const result = citizen.locator('[data-testid=track-result]');
    const text = await result.innerText();
    expect(text).toContain(`已转${unit.name}办理`);
    expect(text).toContain('已安排清运并冲洗地面');
    expect(text).toContain('139****1111');
    expect(text).not.toContain('13900001111');
    expect(text).not.toContain(unit.person);
    expect(text).not.toContain('已分派待接受');
    expect(await citizen.locator('[data-testid=track-state]').innerText()).toBe('已办结');
    // The photos load (through the number and code).
    for (const testId of ['track-report-photos', 'track-feedback-photos']) {
      const img = citizen.locator(`[data-testid=${testId}] img`).first();
      await expect
        .poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth), { timeout: 15_000 })
        .toBe(16);
      expect(await img.getAttribute('src')).toMatch(
        /^\/api\/public\/cases\/SJ\d{14}\/photos\/\d+\?code=[0-9A-Z]{6}$/,
      );
    }
    await noSideScroll(citizen);
    await citizen.screenshot({ path: path.join(shots, 'citizen-track-360.png'), fullPage: true });

    // 4. Unsatisfied: reopen is offered with it; the case goes back to the unit.
    await citizen.locator('[data-testid=rate-options] label', { hasText: '不满意' }).click();
    expect(await citizen.locator('[data-testid=rate-card] input[type=checkbox]').isChecked()).toBe(true);
    await citizen.fill('[data-testid=reopen-reason]', '第二天又堆满了，还有异味');
    // An element shot: a full-page one resizes the viewport, and the click after it would miss.
    await citizen
      .locator('[data-testid=rate-card]')
      .screenshot({ path: path.join(shots, 'citizen-rate-360.png') });
    await citizen.click('[data-testid=rate-submit]');
    await expect
      .poll(() => citizen.locator('[data-testid=track-state]').innerText(), { timeout: 15_000 })
      .toBe('正在重新处理');
    const after = await h.app.ctx.db
      .selectFrom('cases')
      .select(['state', 'round', 'department_id'])
      .where('id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ state: 'rework', round: 2, department_id: unit.id });
    const rating = await h.app.ctx.db
      .selectFrom('case_rating')
      .select(['rating', 'reopened'])
      .where('case_id', '=', row.id)
      .executeTakeFirstOrThrow();
    expect(rating).toEqual({ rating: 'unsatisfied', reopened: true });
    expect(await citizen.locator('[data-testid=track-round]').count()).toBe(2);
    expect(await citizen.locator('[data-testid=track-step][data-step=reopen]').innerText()).toContain(
      '第二天又堆满了',
    );
    await citizen.screenshot({ path: path.join(shots, 'citizen-reopened-360.png'), fullPage: true });

    // The same page at desk width, and in English.
    const desk = await device(1440, 900);
    await desk.goto(`${h.base}/track?number=${number}&code=${await codeOf(citizen)}`);
    await desk.waitForSelector('[data-testid=track-feedback]');
    await noSideScroll(desk);
    await desk.screenshot({ path: path.join(shots, 'citizen-track-1440.png'), fullPage: true });
    await desk.click('[data-testid=lang-switch]');
    await expect
      .poll(() => desk.locator('[data-testid=track-state]').innerText())
      .toBe('Being dealt with again');
    expect(await desk.locator('[data-testid=track-result]').innerText()).toContain(`Passed to ${unit.name}`);
    await desk.screenshot({ path: path.join(shots, 'citizen-track-1440-en.png'), fullPage: true });
    await citizen.click('[data-testid=lang-switch]');
    await noSideScroll(citizen);
    await citizen.screenshot({ path: path.join(shots, 'citizen-track-360-en.png'), fullPage: true });
  });

  it('shows open reports of the kind nearby before submitting and lets the citizen follow one', async () => {
    const page = await device(360, 780);
    await page.goto(`${h.base}/report`);
    await page.waitForSelector('[data-testid=category-option]');
    await page.locator('[data-testid=category-option]', { hasText: '市容环境' }).click();
    await page.locator('[data-testid=category-option]', { hasText: '暴露垃圾' }).click();
    await page.click('[data-testid=geolocate]');
    await page.waitForSelector('[data-testid=nearby-item]');
    const nearby = await page.locator('[data-testid=nearby]').innerText();
    expect(nearby).toContain('附近已有人反映');
    expect(nearby).toContain('小区东门垃圾桶满溢');
    expect(nearby).not.toContain('13700001111');
    await noSideScroll(page);
    await page
      .locator('[data-testid=nearby]')
      .screenshot({ path: path.join(shots, 'citizen-nearby-360.png') });
    const cases = async () =>
      Number(
        (
          await h.app.ctx.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await cases();
    await page.locator('[data-testid=nearby-follow]').first().click();
    await page.waitForSelector('[data-testid=follow-receipt]');
    expect(await cases()).toBe(before);
    await page.click('[data-testid=follow-track]');
    await page.waitForSelector('[data-testid=track-result]');
    const text = await page.locator('[data-testid=track-result]').innerText();
    expect(text).toContain('另有 1 位群众反映了同一问题');
    expect(text).toContain('原反映人');
    expect(text).toContain('已收到反映');
    expect(text).toContain('反映人要求重新办理');
    expect(text).not.toContain('您要求重新办理');
    expect(await page.locator('[data-testid=rate-card]').count()).toBe(0);
    await page.screenshot({ path: path.join(shots, 'citizen-follower-360.png'), fullPage: true });
    await page.click('[data-testid=lang-switch]');
    await page.goto(`${h.base}/report`);
    await page.locator('[data-testid=category-option]', { hasText: 'City appearance' }).click();
    await page.locator('[data-testid=category-option]', { hasText: 'Exposed rubbish' }).click();
    await page.click('[data-testid=geolocate]');
    await page.waitForSelector('[data-testid=nearby-item]');
    expect(await page.locator('[data-testid=nearby]').innerText()).toContain('Already reported nearby');
    await page
      .locator('[data-testid=nearby]')
      .screenshot({ path: path.join(shots, 'citizen-nearby-360-en.png') });
  });

  /** The code the page was opened with (saved on the device by the receipt). */
  async function codeOf(page: Page): Promise<string> {
    return page.evaluate(
      () => (JSON.parse(localStorage.getItem('wangge.receipts') ?? '[]') as { code: string }[])[0]!.code,
    );
  }
});
