/**
 * The dispatcher's desk in Chromium: a rejected case shows its reason in the queue and in the
 * re-dispatch dialog (with the description, photos and the deadline the dispatch will set, and
 * without the rejecting unit chosen again); the return visit shows the department's feedback and
 * reveals the reporter's phone as a `tel:` link; no case list cuts its deadline or action column
 * at desk or phone width.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, DEMO_PASSWORD, shots, startHarness, type Harness } from './harness.ts';
import { login } from '../../server/test/factories.ts';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const REASON = '经核实该路段由住建部门管养，不属于本局职责';

describe.skipIf(!browserTestsRun)('dispatch desk in Chromium', () => {
  let h: Harness;
  const cookies: Record<string, string> = {};
  /** The case rejected by 县综合行政执法局, and the one waiting for its return visit. */
  let rejected: { id: number; number: string; description: string };
  let visited: { id: number; number: string };
  let unit: { id: number; name: string };

  const as = async (who: string, method: 'GET' | 'POST', url: string, payload?: object) => {
    cookies[who] ??= await login(h.app, who, DEMO_PASSWORD);
    const res = await h.app.inject({ method, url, headers: { cookie: cookies[who]! }, payload });
    if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };

  beforeAll(async () => {
    h = await startHarness();
    const db = h.app.ctx.db;
    // The department of the demo's `dept`, a category its rules take, and member01's grid.
    const staff = await db
      .selectFrom('department_staff as s')
      .innerJoin('person as p', 'p.id', 's.person_id')
      .innerJoin('app_user as u', 'u.id', 'p.user_id')
      .innerJoin('department as d', 'd.id', 's.department_id')
      .select(['d.id', 'd.name'])
      .where('u.username', '=', 'dept')
      .executeTakeFirstOrThrow();
    unit = staff;
    const rule = await db
      .selectFrom('dispatch_rule as r')
      .innerJoin('case_category as c', 'c.parent_id', 'r.category_id')
      .select(['c.id as categoryId'])
      .where('r.department_id', '=', unit.id)
      .where('r.grid_id', 'is', null)
      .where('c.active', '=', true)
      .orderBy('r.priority')
      .executeTakeFirstOrThrow();
    const grid = await db
      .selectFrom('user_scope as s')
      .innerJoin('app_user as u', 'u.id', 's.user_id')
      .select('s.grid_id')
      .where('u.username', '=', 'member01')
      .executeTakeFirstOrThrow();
    const report = async (description: string, extra: object = {}) => {
      const photo = await as('member01', 'POST', '/api/case-photos', { dataUrl: PNG });
      return as('member01', 'POST', '/api/cases', {
        categoryId: rule.categoryId,
        nature: 'civil',
        handlingType: 'coordination',
        description,
        gridId: grid.grid_id,
        photoTokens: [photo.token],
        ...extra,
      });
    };

    const r = await report('浏览器测试：人行道护栏被撞倒，横在路中间影响通行');
    if (r.state !== 'assigned' || r.departmentId !== unit.id)
      throw new Error(`not auto-dispatched: ${r.state}`);
    await as('dept', 'POST', `/api/cases/${r.id}/reject`, { reason: REASON });
    rejected = { id: r.id, number: r.number, description: r.description };

    const v = await report('浏览器测试：小区门口垃圾桶满溢', {
      reporter: { name: '周先生', phone: '13812345678' },
    });
    await as('dept', 'POST', `/api/cases/${v.id}/accept`, {});
    const after = await as('dept', 'POST', '/api/case-photos', { dataUrl: PNG });
    await as('dept', 'POST', `/api/cases/${v.id}/feedback`, {
      note: '已安排清运车辆，垃圾桶已清空并消毒',
      photoTokens: [after.token],
    });
    visited = { id: v.id, number: v.number };
  });

  afterAll(async () => {
    await h?.close();
  });

  const open = async (width: number, who: string, to: string) => {
    const page = await h.newPage(width, 900);
    await h.logIn(page, who);
    await page.waitForSelector('[data-testid=main-menu], [data-testid=user-menu]');
    await page.goto(`${h.base}${to}`);
    return page;
  };
  const rowOf = (page: Page, number: string) =>
    page.locator('[data-testid=case-row]').filter({ hasText: number }).first();

  /** Every box of `selector` lies inside the viewport's width (and there is at least one). */
  const insideViewport = async (page: Page, selector: string, width: number) => {
    const boxes = await page.locator(selector).evaluateAll((els) =>
      els
        .filter((e) => (e as HTMLElement).offsetParent !== null)
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { left: r.left, right: r.right, width: r.width };
        }),
    );
    expect(boxes.length, selector).toBeGreaterThan(0);
    for (const b of boxes) {
      expect(b.width, selector).toBeGreaterThan(0);
      expect(b.left, selector).toBeGreaterThanOrEqual(0);
      expect(b.right, selector).toBeLessThanOrEqual(width);
    }
  };

  it('shows the rejection in the queue and re-dispatches without the rejecting unit chosen', async () => {
    const page = await open(1440, 'command', '/dispatch?tab=rejected');
    const row = rowOf(page, rejected.number);
    await expect.poll(() => row.locator('[data-testid=case-returned-reason]').innerText()).toBe(REASON);
    expect(await row.locator('[data-testid=case-returned]').innerText()).toContain(`${unit.name}驳回`);
    await page.screenshot({ path: path.join(shots, 'dispatch-rejected-1440.png') });

    await row.locator('[data-testid=quick-dispatch]').click();
    const dialog = page.locator('.ant-modal-body');
    await expect
      .poll(() => dialog.locator('[data-testid=dispatch-description]').innerText())
      .toBe(rejected.description);
    expect(await dialog.locator('[data-testid=dispatch-returned-reason]').innerText()).toContain(REASON);
    expect(await dialog.locator('[data-testid=dispatch-photos] img').count()).toBe(1);
    await expect.poll(() => dialog.locator('[data-testid=dispatch-deadline]').innerText()).toMatch(/前受理/);
    expect(await dialog.locator('[data-testid=dispatch-place]').innerText()).toContain('苕秀社区');
    // The suggestion has come in: the rejecting unit is not what the dialog has chosen.
    await expect.poll(() => dialog.locator('[data-testid=dispatch-suggestion]').count()).toBe(1);
    const chosen = await dialog
      .locator('[data-testid=dispatch-department] .ant-select-selection-item')
      .allInnerTexts();
    expect(chosen.join('')).not.toContain(unit.name);
    await page.screenshot({ path: path.join(shots, 'dispatch-dialog-1440.png') });
    // Choosing the unit again is possible, and the list says it rejected the case.
    await dialog.locator('[data-testid=dispatch-department]').click();
    await page.keyboard.type(unit.name);
    await expect
      .poll(() => page.locator('.ant-select-item-option').filter({ hasText: unit.name }).first().innerText())
      .toContain('曾驳回');
    await page.context().close();
  });

  it('shows the feedback on the return visit and reveals the phone as a tel: link, audited', async () => {
    const page = await open(360, 'socialworker', '/dispatch?tab=visit');
    const row = rowOf(page, visited.number);
    await row.locator('[data-testid=quick-visit]').click();
    const dialog = page.locator('.ant-modal-body');
    await expect
      .poll(() => dialog.locator('[data-testid=visit-feedback-note]').innerText())
      .toBe('已安排清运车辆，垃圾桶已清空并消毒');
    expect(await dialog.locator('[data-testid=visit-feedback-photos] img').count()).toBe(1);
    expect(await dialog.locator('[data-testid=visit-phone]').innerText()).toBe('138****5678');
    await dialog.locator('[data-testid=visit-reveal-reason]').fill('回访核实清运情况');
    await dialog.locator('[data-testid=visit-reveal]').click();
    const link = dialog.locator('a[data-testid=visit-phone]');
    await expect.poll(() => link.getAttribute('href')).toBe('tel:13812345678');
    await page.screenshot({ path: path.join(shots, 'visit-dialog-360.png') });
    const audit = await h.app.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'after'])
      .where('action', '=', 'personal.reveal')
      .where('target_id', '=', String(visited.id))
      .execute();
    expect(JSON.stringify(audit)).toContain('回访核实清运情况');
    await page.context().close();
  });

  for (const width of [1440, 360]) {
    it(`keeps the deadline and action columns of the case lists inside ${width} px`, async () => {
      const phone = width < 768;
      const lists: [string, string, string[]][] = [
        ['command', '/dispatch?tab=pending', ['[data-testid=quick-dispatch]']],
        ['command', '/dispatch?tab=rejected', ['[data-testid=quick-dispatch]', '[data-testid=quick-void]']],
        ['command', '/dispatch?tab=visit', ['[data-testid=quick-visit]', '[data-testid=countdown]']],
        ['command', '/cases', ['[data-testid=countdown]']],
        ['command', '/cases/overdue', ['[data-testid=countdown]']],
        ['dept', '/inbox/department', ['[data-testid=countdown]']],
      ];
      for (const [who, to, selectors] of lists) {
        const page = await open(width, who, to);
        await page.locator('[data-testid=case-row]').first().waitFor();
        // The whole column on the desk (its header too), the cards' own boxes on a phone.
        if (!phone) await insideViewport(page, '.ant-table-thead th:last-child', width);
        for (const s of selectors) await insideViewport(page, s, width);
        if (to === '/cases') {
          await page.screenshot({ path: path.join(shots, `case-list-${width}.png`) });
          // On a phone the filters fold away behind one button.
          const filters = page.locator('[data-testid=case-table-filters]');
          if (phone) {
            expect(await filters.count()).toBe(0);
            await page.locator('[data-testid=filters-toggle]').click();
            await filters.waitFor();
            await insideViewport(page, '[data-testid=case-table-filters]', width);
          } else {
            expect(await page.locator('[data-testid=filters-toggle]').count()).toBe(0);
            expect(await filters.count()).toBe(1);
          }
        }
        await page.context().close();
      }
    });
  }
});
