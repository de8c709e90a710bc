/**
 * The work dashboard (工作台) in Chromium on the demo data: a figure read on the dashboard, once
 * clicked, opens the case list with exactly that many cases — for the command centre's
 * statistics and for a department's to-dos — and the page fits at desk and phone width.
 */
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

describe.skipIf(!browserTestsRun)('work dashboard in Chromium', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const number = async (figure: Locator) => {
    const text = await figure.locator('.ant-statistic-content-value').innerText();
    return Number(text.replace(/\D/g, ''));
  };

  /** Clicks `figure` and answers the total of the case list it opened (from the server and the pager). */
  const follow = async (page: Page, figure: Locator) => {
    const answer = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/cases' && r.request().method() === 'GET' && r.ok(),
    );
    await figure.click();
    await page.waitForURL(/\/cases\?/);
    const body = (await (await answer).json()) as { total: number; items: unknown[] };
    const pager = page.locator('.ant-pagination-total-text');
    if (body.total > 0 && (await pager.count()) > 0)
      await expect.poll(() => pager.innerText()).toContain(String(body.total));
    return { total: body.total, url: new URL(page.url()) };
  };

  /** Nothing wider than the window: no horizontal scrolling. */
  const fits = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

  it('opens, from each figure the command centre reads, the list of exactly that many cases', async () => {
    const page = await h.newPage(1440, 900);
    await h.logIn(page, 'command');
    const total = page.locator('[data-testid=stat-total]');
    await total.waitFor();
    // This month's reports: the demo has cases reported today.
    await page.click('[data-testid=period-month]');
    await page.locator('[data-testid=chart-trend] canvas').waitFor();
    const reported = await number(total);
    expect(reported).toBeGreaterThan(0);
    const opened = await follow(page, total);
    expect(opened.total).toBe(reported);
    expect(opened.url.searchParams.get('from')).toMatch(/^\d{4}-\d{2}-01$/);

    await page.goBack();
    const overdue = page.locator('[data-testid=stat-overdue]');
    await overdue.waitFor();
    const late = await number(overdue);
    const openedOverdue = await follow(page, overdue);
    expect(openedOverdue.total).toBe(late);
    expect(openedOverdue.url.searchParams.get('overdue')).toBe('any');

    // The late-acceptance figure behind the rate, as the caption states it.
    await page.goBack();
    const acceptance = page.locator('[data-testid=stat-acceptance]');
    await acceptance.waitFor();
    const caption = await acceptance.locator('.wg-figure-hint').innerText();
    const lateAccepted = Number(/(\d+)/.exec(caption)![1]);
    expect((await follow(page, acceptance)).total).toBe(lateAccepted);
    await expect.poll(() => page.locator('[data-testid=filter-tags]').innerText()).toContain('超时受理');
    await page.screenshot({ path: path.join(shots, 'dashboard-list-late-1440.png') });
  });

  it('opens a department’s to-dos as lists of exactly their counts', async () => {
    const page = await h.newPage(1440, 900);
    await h.logIn(page, 'dept');
    await page.locator('[data-testid=todo-accept]').waitFor();
    // A department sees no territory statistics.
    expect(await page.locator('[data-testid=stats]').count()).toBe(0);
    for (const key of ['accept', 'feedback', 'overdue']) {
      const todo = page.locator(`[data-testid=todo-${key}]`);
      await todo.waitFor();
      const count = await number(todo);
      const opened = await follow(page, todo);
      expect(opened.total, key).toBe(count);
      expect(opened.url.searchParams.get('mine')).toBe('true');
      await page.goBack();
    }
  });

  it('fits the dashboard at 1440 and 360 px for the leader, the command centre and a department', async () => {
    for (const [user, lang] of [
      ['leader', 'zh'],
      ['command', 'en'],
      ['dept', 'zh'],
    ] as const) {
      for (const width of [1440, 360]) {
        const page = await h.newPage(width, 900);
        if (lang === 'en') await page.addInitScript(() => localStorage.setItem('wangge.lang', 'en'));
        await h.logIn(page, user);
        await page.locator('[data-testid=todos] .ant-statistic').first().waitFor();
        if (user !== 'dept') await page.locator('[data-testid=chart-area] canvas').waitFor();
        await page.waitForTimeout(600); // charts' entry animation
        expect(await fits(page), `${user} at ${width}`).toBe(true);
        await page.screenshot({ path: path.join(shots, `dashboard-${user}-${width}.png`), fullPage: true });
        if (width === 360) await page.screenshot({ path: path.join(shots, `dashboard-${user}-360-top.png`) });
        await page.context().close();
      }
    }
  }, 300_000);
});
