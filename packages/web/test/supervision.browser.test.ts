/**
 * Supervising cases in hand from the case page: 催办, 改派, 撤回 and 协办 with the assisting
 * unit's feedback, in the real web app over the demo data.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

describe.skipIf(!browserTestsRun)('case supervision in Chromium', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const db = () => h.app.ctx.db;
  const departmentId = async (name: string) =>
    (await db().selectFrom('department').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
  /** Demo cases of 县综合行政执法局 in `state`, oldest first. */
  const casesOf = async (state: string) =>
    db()
      .selectFrom('cases')
      .select(['id', 'number'])
      .where('state', '=', state)
      .where('department_id', '=', await departmentId('县综合行政执法局'))
      .orderBy('id')
      .execute();
  const row = (id: number) =>
    db()
      .selectFrom('cases')
      .select(['state', 'department_id', 'urge_count'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  const signedIn = async (username: string, width?: number) => {
    const page = await h.newPage(width);
    await h.logIn(page, username);
    await page.waitForSelector('[data-testid=welcome]');
    return page;
  };
  const act = async (page: Page, caseId: number, kind: string) => {
    await page.goto(`${h.base}/cases/${caseId}`);
    await page.click(`[data-testid=case-supervision-actions] [data-testid=do-${kind}]`);
    await page.waitForSelector('[data-testid=sup-form]');
  };
  const pick = async (page: Page, select: string, option: string) => {
    await page.click(`[data-testid=${select}]`);
    await page.locator('.ant-select-item-option', { hasText: option }).first().click();
  };

  it('urges, reassigns and recalls from the case page', async () => {
    const [first, second] = await casesOf('assigned');
    const desk = await signedIn('command');

    await act(desk, first!.id, 'urge');
    await desk.fill('[data-testid=sup-note]', '群众再次来电，请抓紧');
    await desk.click('[data-testid=sup-ok]');
    await expect.poll(() => desk.locator('[data-testid=urge-count]').innerText()).toContain('已催办 1 次');
    expect((await row(first!.id)).urge_count).toBe(1);

    await desk.click('[data-testid=case-supervision-actions] [data-testid=do-reassign]');
    await pick(desk, 'sup-department', '县住房和城乡建设局');
    await desk.fill('[data-testid=sup-reason]', '属于住建部门职责');
    await desk.click('[data-testid=sup-ok]');
    const zj = await departmentId('县住房和城乡建设局');
    await expect.poll(async () => (await row(first!.id)).department_id).toBe(zj);
    await expect.poll(() => desk.locator('.ant-timeline').innerText()).toContain('属于住建部门职责');
    await desk.screenshot({ path: path.join(shots, 'case-reassigned.png'), fullPage: true });

    await act(desk, second!.id, 'recall');
    await desk.fill('[data-testid=sup-reason]', '分派有误，重新研判');
    await desk.click('[data-testid=sup-ok]');
    await expect.poll(async () => (await row(second!.id)).state).toBe('pending_dispatch');
    expect((await row(second!.id)).department_id).toBeNull();
  });

  it('asks units to assist; the assisting unit feeds back on its phone, then the lead unit can', async () => {
    const [c] = await casesOf('accepted');
    const desk = await signedIn('command');
    await act(desk, c!.id, 'assist');
    await pick(desk, 'sup-departments', '县公安局城区派出所');
    await desk.keyboard.press('Escape');
    await desk.fill('[data-testid=sup-note]', '请派出所协助劝离');
    await desk.click('[data-testid=sup-ok]');
    await expect.poll(() => desk.locator('[data-testid=assists]').innerText()).toContain('待反馈');

    // The lead unit waits for the assisting one.
    const lead = await signedIn('dept');
    await lead.goto(`${h.base}/cases/${c!.id}`);
    await lead.waitForSelector('[data-testid=assists]');
    expect(await lead.locator('[data-testid=case-actions] [data-testid=do-feedback]').count()).toBe(0);

    const police = await signedIn('dept2', 360);
    await act(police, c!.id, 'assistFeedback');
    await police.fill('[data-testid=sup-note]', '已派民警到场劝离');
    await police.click('[data-testid=sup-ok]');
    await expect.poll(() => police.locator('[data-testid=assists]').innerText()).toContain('已反馈');
    await police.screenshot({ path: path.join(shots, 'case-assist-360.png'), fullPage: true });
    const width = await police.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(360);

    await lead.reload();
    await lead.waitForSelector('[data-testid=case-actions] [data-testid=do-feedback]');
  });
});
