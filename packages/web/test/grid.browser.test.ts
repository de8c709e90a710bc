/**
 * The grid page in Chromium: the overview map on landing with names that do not overlap, a click
 * on a grid opening it, colouring by a measure with its legend, the history tab, and closing a
 * grid (asked first, never the root).
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

interface Label {
  id: number;
  name: string;
  x: number;
  y: number;
}

describe.skipIf(!browserTestsRun)('grid page in Chromium', () => {
  let h: Harness;
  let county: { id: number; name: string };
  let townships: Map<number, string>;

  beforeAll(async () => {
    h = await startHarness();
    const db = h.app.ctx.db;
    county = await db
      .selectFrom('grid_node')
      .select(['id', 'name'])
      .where('parent_id', 'is', null)
      .where('code', '=', '330523')
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('grid_node')
      .select(['id', 'name'])
      .where('parent_id', '=', county.id)
      .where('valid_to', 'is', null)
      .execute();
    townships = new Map(rows.map((r) => [r.id, r.name]));
    // Loading the demo data takes a while on a busy machine.
  }, 600_000);

  afterAll(async () => {
    await h?.close();
  });

  /** The names the map placed (after its collision detection), once it has drawn them. */
  const labelsOf = async (page: Page, testId: string): Promise<Label[]> => {
    const map = page.locator(`[data-testid=${testId}]`);
    await map.locator('canvas').waitFor();
    await expect
      .poll(async () => JSON.parse((await map.getAttribute('data-labels')) ?? '[]').length)
      .toBeGreaterThan(0);
    return JSON.parse((await map.getAttribute('data-labels'))!) as Label[];
  };

  const openGrids = async (page: Page, user: string, width?: number) => {
    await h.logIn(page, user);
    await page.waitForSelector('[data-testid=welcome]');
    await page.goto(`${h.base}/grids`);
    if (width) await page.setViewportSize({ width, height: 800 });
  };

  it('lands on an overview map of the townships with their names; a click opens one', async () => {
    const page = await h.newPage(1440, 900);
    await openGrids(page, 'command');
    expect(await page.locator('[data-testid=grid-detail]').count()).toBe(0);
    const labels = await labelsOf(page, 'grid-overview-map');
    // Names of the county's townships, several of them placed at desk width.
    expect(labels.length).toBeGreaterThanOrEqual(5);
    for (const l of labels) expect(townships.get(l.id)).toBe(l.name);

    // Coloured by open cases: the legend, and classes reaching the largest count the server gives.
    await page.click('[data-testid=measure-switch] >> text=未结事件');
    const legend = page.locator('[data-testid=map-legend]');
    await expect.poll(() => legend.innerText()).toContain('未结事件数');
    const res = await page.request.get(
      `${h.base}/api/grids/measures?measure=open_cases&parentId=${county.id}`,
    );
    const values = ((await res.json()) as { items: { value: number }[] }).items.map((i) => i.value);
    expect(values.length).toBe(townships.size);
    const max = Math.max(...values);
    expect(max).toBeGreaterThan(0);
    expect(await legend.innerText()).toMatch(new RegExp(`(–|\\n)${max}\\s*$`));
    expect(page.url()).toContain('measure=open_cases');
    await page.screenshot({ path: path.join(shots, 'grid-overview-1440.png') });

    // A click inside a township (where its name stands) opens it, keeping the colouring.
    const target = (await labelsOf(page, 'grid-overview-map'))[0]!;
    const box = (await page.locator('[data-testid=grid-overview-map]').boundingBox())!;
    await page.mouse.click(box.x + target.x, box.y + target.y);
    await expect
      .poll(() => page.locator('[data-testid=grid-detail] .ant-card-head').innerText())
      .toContain(target.name);
    expect(page.url()).toContain(`id=${target.id}`);
    expect(page.url()).toContain('measure=open_cases');
    // Its own map names its villages and keeps the legend.
    const villages = await labelsOf(page, 'grid-map');
    expect(villages.every((v) => !townships.has(v.id))).toBe(true);
    await expect
      .poll(() => page.locator('[data-testid=grid-detail] [data-testid=map-legend]').count())
      .toBe(1);
  });

  it('keeps the names apart on a phone', async () => {
    const page = await h.newPage(360, 760);
    await openGrids(page, 'command');
    await page.click('[data-testid=measure-switch] >> text=无人网格');
    await expect
      .poll(() => page.locator('[data-testid=map-legend]').innerText())
      .toContain('无人值守的基础网格数');
    const labels = await labelsOf(page, 'grid-overview-map');
    const map = (await page.locator('[data-testid=grid-overview-map]').boundingBox())!;
    expect(map.width).toBeLessThanOrEqual(360);
    // Two lines of 12 px text (name, count), at least two characters wide: placed names this close would overlap.
    for (const a of labels)
      for (const b of labels)
        if (a.id < b.id)
          expect(Math.abs(a.x - b.x) >= 24 || Math.abs(a.y - b.y) >= 28, `${a.name} / ${b.name}`).toBe(true);
    // Nothing sticks out of the page sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: path.join(shots, 'grid-overview-360.png'), fullPage: true });
  });

  it('shows a grid’s history, or says there is none', async () => {
    const page = await h.newPage(1440, 900);
    await openGrids(page, 'sysadmin');
    // A demo township: loaded in bulk, no change recorded.
    const [townId] = [...townships.keys()];
    await page.goto(`${h.base}/grids?id=${townId}`);
    await page.click('[data-testid=grid-detail] .ant-tabs-tab >> text=沿革');
    await expect
      .poll(() => page.locator('[data-testid=grid-history-empty]').innerText())
      .toContain('暂无变更记录');

    // Renamed: the history lists it, old name → new name.
    const name = townships.get(townId!)!;
    await page.click('[data-testid=grid-rename]');
    await page.fill('.ant-modal input#name', `${name}（新）`);
    await page.click('.ant-modal-footer .ant-btn-primary');
    await page.click('[data-testid=grid-detail] .ant-tabs-tab >> text=沿革');
    const entry = page.locator('[data-testid=grid-history-entry]').first();
    await expect.poll(() => entry.innerText()).toContain(`${name} → ${name}（新）`);
    expect(await entry.innerText()).toContain('改名');
    await page.screenshot({ path: path.join(shots, 'grid-history.png') });
  });

  it('asks before closing a grid, and offers no closing on the root', async () => {
    const page = await h.newPage(1440, 900);
    await openGrids(page, 'sysadmin');
    await page.click('[data-testid=grid-tree] .ant-tree-node-content-wrapper >> nth=0');
    await expect
      .poll(() => page.locator('[data-testid=grid-detail] .ant-card-head').innerText())
      .toContain(county.name);
    await page.waitForSelector('[data-testid=grid-add-child]');
    expect(await page.locator('[data-testid=grid-close]').count()).toBe(0);

    const db = h.app.ctx.db;
    const grid = await db
      .selectFrom('grid_node')
      .select(['id', 'name'])
      .where('kind', '=', 'base_grid')
      .where('valid_to', 'is', null)
      .orderBy('code', 'desc')
      .executeTakeFirstOrThrow();
    const closedAt = async () =>
      (
        await db
          .selectFrom('grid_node')
          .select('valid_to')
          .where('id', '=', grid.id)
          .executeTakeFirstOrThrow()
      ).valid_to;
    await page.goto(`${h.base}/grids?id=${grid.id}`);
    await page.click('[data-testid=grid-close]');
    const dialog = page.locator('.ant-modal');
    await expect.poll(() => dialog.innerText()).toContain(`撤销网格“${grid.name}”`);
    expect(await dialog.innerText()).toContain('确定撤销？');
    // Cancelled: nothing happens.
    await dialog.locator('.ant-modal-footer button:not(.ant-btn-dangerous)').click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await closedAt()).toBeNull();

    await page.click('[data-testid=grid-close]');
    await page.locator('.ant-modal-footer .ant-btn-dangerous').click();
    await expect.poll(closedAt).not.toBeNull();
    await page.click('[data-testid=grid-detail] .ant-tabs-tab >> text=沿革');
    await expect
      .poll(() => page.locator('[data-testid=grid-history-entry]').first().innerText())
      .toContain('撤销');
    expect(await page.locator('[data-testid=grid-close]').count()).toBe(0);
  });
});
