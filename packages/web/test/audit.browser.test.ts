/**
 * The audit log as the audit administrator reads it: actions in Chinese, targets named and
 * linked, the date range, the export.
 */
import path from 'node:path';
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

/** The day `daysAgo` days back in the deployment's zone (YYYY-MM-DD). */
const dayBack = (daysAgo: number, timeZone: string) =>
  new Intl.DateTimeFormat('sv-SE', { timeZone }).format(new Date(Date.now() - daysAgo * 86_400_000));

describe.skipIf(!browserTestsRun)('audit log in Chromium', () => {
  let h: Harness;
  let grid: { id: number; name: string };
  let oldDay: string;

  beforeAll(async () => {
    h = await startHarness();
    const { db, config } = { db: h.app.ctx.db, config: h.app.ctx.config };
    grid = await db
      .selectFrom('grid_node')
      .select(['id', 'name'])
      .where('kind', '=', 'town')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    // A grid renamed twelve days ago, for the date range to find alone.
    await sql`insert into audit_log (at, actor_name, action, target_type, target_id, result)
      values (now() - interval '12 days', 'sysadmin', 'grid.rename', 'grid', ${String(grid.id)}, 'success')`.execute(
      db,
    );
    oldDay = dayBack(12, config.timeZone);
  });

  afterAll(async () => {
    await h?.close();
  });

  const rows = (page: Page) => page.locator('[data-testid=audit-table] tbody tr.ant-table-row');

  /** Picks the date range in the range picker, as a person types it. */
  const pickRange = async (page: Page, from: string, to: string) => {
    const inputs = page.locator('[data-testid=audit-table-filters] .ant-picker-range input');
    await inputs.nth(0).click();
    await inputs.nth(0).fill(from);
    await inputs.nth(0).press('Enter');
    await inputs.nth(1).fill(to);
    await inputs.nth(1).press('Enter');
  };

  it('shows actions in Chinese, linked targets, and filters by date range', async () => {
    const page = await h.newPage(1440, 900);
    await h.logIn(page, 'auditadmin');
    await page.waitForSelector('[data-testid=welcome]');
    await page.click('text=审计日志');
    await page.waitForURL(/\/audit\/log/);

    // The administrator's own sign-in: named in Chinese, the account linked.
    const login = rows(page).filter({ hasText: '登录成功' }).first();
    await expect.poll(() => login.count()).toBe(1);
    const account = login.locator('[data-testid=audit-target-link]');
    expect(await account.innerText()).toContain('auditadmin');
    expect(await account.getAttribute('href')).toBe('/admin/users?q=auditadmin');
    expect(await login.locator('.ant-tag').innerText()).toBe('成功');
    await page.screenshot({ path: path.join(shots, 'audit-log-1440.png'), fullPage: true });

    await pickRange(page, oldDay, oldDay);
    await expect.poll(() => new URL(page.url()).searchParams.get('from')).toBe(oldDay);
    expect(new URL(page.url()).searchParams.get('to')).toBe(oldDay);
    await expect.poll(() => rows(page).count()).toBe(1);
    const renamed = rows(page).first();
    expect(await renamed.locator('[data-testid=audit-action]').innerText()).toBe('网格改名');
    const link = renamed.locator('[data-testid=audit-target-link]');
    expect(await link.innerText()).toBe(grid.name);
    expect(await link.getAttribute('href')).toBe(`/grids?id=${grid.id}`);
    expect(await renamed.innerText()).toContain('网格');
    await page.screenshot({ path: path.join(shots, 'audit-log-range-1440.png'), fullPage: true });

    // The export downloads the filtered log and is itself on record.
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=audit-export]'),
    ]);
    expect(file.suggestedFilename()).toMatch(/^审计日志-\d{8}\.xlsx$/);
    const exports = await h.app.ctx.db
      .selectFrom('audit_log')
      .select(['actor_name', 'after'])
      .where('action', '=', 'audit.export')
      .execute();
    expect(exports).toHaveLength(1);
    expect(exports[0]).toMatchObject({
      actor_name: 'auditadmin',
      after: { count: 1, filters: { from: oldDay } },
    });

    // Following the link opens the grid.
    await link.click();
    await page.waitForURL(new RegExp(`/grids\\?id=${grid.id}$`));
  });

  it('reads on a phone and in English', async () => {
    const page = await h.newPage(360, 780);
    await h.logIn(page, 'auditadmin');
    await page.waitForSelector('[data-testid=welcome]');
    await page.goto(`${h.base}/audit/log`);
    const card = page.locator('[data-testid=audit-table] [data-testid=row]').filter({ hasText: '登录成功' });
    await expect.poll(() => card.count()).toBeGreaterThan(0);
    expect(await card.first().locator('[data-testid=audit-target-link]').count()).toBe(1);
    await page.screenshot({ path: path.join(shots, 'audit-log-360.png') });
    await page.click('[data-testid=filters-toggle]');
    await page.waitForSelector('[data-testid=audit-filter-dates]');
    await page.screenshot({ path: path.join(shots, 'audit-log-filters-360.png') });

    await page.click('[data-testid=lang-switch]');
    await expect
      .poll(() =>
        page.locator('[data-testid=audit-table] [data-testid=row]').filter({ hasText: 'Logged in' }).count(),
      )
      .toBeGreaterThan(0);
    await page.screenshot({ path: path.join(shots, 'audit-log-360-en.png') });
  });
});
