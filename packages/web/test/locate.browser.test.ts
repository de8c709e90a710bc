/**
 * The location picker at phone width (360 px): a tap opens one level, not the base grid; labels
 * never overlap; a place is found by name; dragging the pin finds the grid again. And the staff
 * report form puts the place and photos first on phones.
 */
import path from 'node:path';
import type { GeoJSONSource, Map as MapLibreMap, MapGeoJSONFeature } from 'maplibre-gl';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

const MAP = '[data-testid=location-map]';

type Box = [number, number, number, number];
interface Labels {
  /** Names MapLibre drew (queryRenderedFeatures: placed symbols only). */
  drawn: string[];
  /** Names the level offers. */
  offered: number;
  /** The text boxes of the collision index, screen pixels (+100 px of the index's margin). */
  boxes: Box[];
  /** Where each drawn name is anchored, in the same pixels. */
  anchors: [number, number][];
}

/** Resolves when the picker's map has drawn everything (tiles, symbol placement). */
async function settled(page: Page): Promise<void> {
  await page.waitForSelector(`${MAP}[data-loaded=true]`);
  await page.evaluate(
    (sel) =>
      new Promise<void>((resolve) => {
        const map = (document.querySelector(sel) as HTMLElement & { wgMap: MapLibreMap }).wgMap;
        map.once('idle', () => resolve());
        map.triggerRepaint();
      }),
    MAP,
  );
}

/**
 * The labels as MapLibre placed them. The collision index is where MapLibre decides that a name
 * would overlap one already placed and leaves it out: every placed text inserts its box there
 * (the label layer is the map's only symbol layer, so every box is a label's). Reading those boxes
 * tests what was really drawn, not a model of the font's metrics.
 */
function labels(page: Page): Promise<Labels> {
  return page.evaluate((sel) => {
    const map = (document.querySelector(sel) as HTMLElement & { wgMap: MapLibreMap }).wgMap;
    const seen = new Map<unknown, MapGeoJSONFeature>();
    for (const f of map.queryRenderedFeatures({ layers: ['parts-label'] })) seen.set(f.properties.id, f);
    const internals = map as unknown as {
      style: { placement: { collisionIndex: { grid: { boxKeys: unknown[]; bboxes: number[] } } } };
    };
    const grid = internals.style.placement.collisionIndex.grid;
    const boxes: [number, number, number, number][] = grid.boxKeys.map((_, i) => [
      grid.bboxes[i * 4]!,
      grid.bboxes[i * 4 + 1]!,
      grid.bboxes[i * 4 + 2]!,
      grid.bboxes[i * 4 + 3]!,
    ]);
    const source = map.getSource('labels') as GeoJSONSource;
    const data = source.serialize().data as { features: unknown[] };
    return {
      drawn: [...seen.values()].map((f) => String(f.properties.name)),
      offered: data.features.length,
      boxes,
      anchors: [...seen.values()].map((f) => {
        const p = map.project((f.geometry as GeoJSON.Point).coordinates as [number, number]);
        return [p.x + 100, p.y + 100] as [number, number];
      }),
    };
  }, MAP);
}

function expectNoOverlap(l: Labels): void {
  expect(l.drawn.length).toBeGreaterThan(0);
  expect(l.boxes).toHaveLength(l.drawn.length);
  // Each drawn name sits in a box of its own.
  for (const [x, y] of l.anchors)
    expect(l.boxes.some(([x1, y1, x2, y2]) => x1 <= x && x <= x2 && y1 <= y && y <= y2)).toBe(true);
  for (let i = 0; i < l.boxes.length; i++)
    for (let j = i + 1; j < l.boxes.length; j++) {
      const [a, b] = [l.boxes[i]!, l.boxes[j]!];
      const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
      expect(overlap, `${l.drawn[i]} / ${l.drawn[j]}`).toBe(false);
    }
}

/** Taps the map at a WGS84 point. */
async function tapAt(page: Page, lng: number, lat: number): Promise<void> {
  await page.locator(MAP).scrollIntoViewIfNeeded();
  const box = (await page.locator(MAP).boundingBox())!;
  const p = await page.evaluate(
    ({ sel, lng, lat }) => {
      const map = (document.querySelector(sel) as HTMLElement & { wgMap: MapLibreMap }).wgMap;
      const at = map.project([lng, lat]);
      return { x: at.x, y: at.y };
    },
    { sel: MAP, lng, lat },
  );
  await page.mouse.click(box.x + p.x, box.y + p.y);
}

const levels = (page: Page) => page.locator('[data-testid=map-levels]').innerText();
const picked = (page: Page) => page.locator('[data-testid=picked-location]').innerText();

describe.skipIf(!browserTestsRun)('location picker in Chromium', () => {
  let h: Harness;
  const place = async (name: string) =>
    h.app.ctx.db
      .selectFrom('grid_node')
      .select(['id', 'lng', 'lat'])
      .where('name', '=', name)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('opens one level per tap, keeps labels apart at 360 px, finds places by name, and follows the dragged pin', async () => {
    const grid1 = await place('苕秀社区第1网格');
    const grid2 = await place('苕秀社区第2网格');
    const rootId = (await h.app.ctx.caseConfig.caseRootId())!;
    // The points used are inside their grids, by the server's own locator.
    expect(await h.app.ctx.locator.locate(rootId, grid1.lng!, grid1.lat!)).toBe(grid1.id);
    expect(await h.app.ctx.locator.locate(rootId, grid2.lng!, grid2.lat!)).toBe(grid2.id);

    const page = await h.newPage(360, 780);
    await page.goto(`${h.base}/report`);
    await settled(page);
    expect(await levels(page)).toBe('安吉县');
    const county = await labels(page);
    expectNoOverlap(county);
    expect(county.offered).toBeGreaterThanOrEqual(15);

    // One tap at 苕秀社区第1网格's centre opens its township only, not the base grid.
    await tapAt(page, grid1.lng!, grid1.lat!);
    await expect.poll(() => levels(page)).toMatch(/^安吉县\s*\/\s*递铺街道$/);
    await expect.poll(() => picked(page)).toContain('递铺街道 › 苕秀社区（');
    await settled(page);
    // The township's 20-odd communities at phone width: some names must give way, none overlap.
    const township = await labels(page);
    expectNoOverlap(township);
    expect(township.drawn.length).toBeLessThan(township.offered);
    await page.screenshot({ path: path.join(shots, 'locate-township-360.png') });

    // Back up, and down again; a second tap reaches the community with its base grids.
    await page.click('[data-testid=map-up]');
    await expect.poll(() => levels(page)).toBe('安吉县');
    await settled(page);
    await tapAt(page, grid1.lng!, grid1.lat!);
    await expect.poll(() => levels(page)).toMatch(/递铺街道$/);
    await settled(page);
    await tapAt(page, grid1.lng!, grid1.lat!);
    await expect.poll(() => levels(page)).toMatch(/递铺街道\s*\/\s*苕秀社区$/);
    await expect.poll(() => picked(page)).toContain('苕秀社区 › 苕秀社区第1网格');
    await settled(page);
    expectNoOverlap(await labels(page));

    // Drag the pin into 苕秀社区第2网格: the grid is found again.
    const pin = page.locator('[data-testid=map-pin]');
    const from = (await pin.boundingBox())!;
    const target = await page.evaluate(
      ({ sel, a, b }) => {
        const map = (document.querySelector(sel) as HTMLElement & { wgMap: MapLibreMap }).wgMap;
        const p = map.project(a);
        const q = map.project(b);
        return { dx: q.x - p.x, dy: q.y - p.y };
      },
      {
        sel: MAP,
        a: [grid1.lng!, grid1.lat!] as [number, number],
        b: [grid2.lng!, grid2.lat!] as [number, number],
      },
    );
    const sx = from.x + from.width / 2;
    const sy = from.y + from.height / 2;
    await page.mouse.move(sx, sy);
    await page.mouse.down();
    await page.mouse.move(sx + target.dx / 2, sy + target.dy / 2, { steps: 5 });
    await page.mouse.move(sx + target.dx, sy + target.dy, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => picked(page)).toContain('苕秀社区 › 苕秀社区第2网格');
    expect(await levels(page)).toMatch(/递铺街道\s*\/\s*苕秀社区$/);
    await page.screenshot({ path: path.join(shots, 'locate-dragged-360.png') });

    // Search by name, in another township: the map flies there and the pin lands in the grid.
    await page.locator('[data-testid=place-search] input').fill('玉华村第1');
    const option = page.locator('[data-testid=place-option]', { hasText: '玉华村第1网格' });
    await option.waitFor();
    await page.screenshot({ path: path.join(shots, 'locate-search-360.png') });
    await option.click();
    await expect.poll(() => levels(page)).toMatch(/玉华村$/);
    await expect.poll(() => picked(page)).toContain('玉华村 › 玉华村第1网格');
    await settled(page);
    expectNoOverlap(await labels(page));
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);

    const wide = await h.newPage(1440, 900);
    await wide.goto(`${h.base}/report`);
    await settled(wide);
    await wide.screenshot({ path: path.join(shots, 'locate-public-1440.png'), fullPage: true });
  });

  it('puts the place and photos first on the staff report form at phone width, side by side on the desk', async () => {
    const top = async (page: Page, sel: string) => (await page.locator(sel).first().boundingBox())!;
    const phone = await h.newPage(360, 780);
    await h.logIn(phone, 'townchief');
    await phone.waitForSelector('[data-testid=welcome]');
    await phone.goto(`${h.base}/cases/new`);
    await phone.waitForSelector('[data-testid=case-report-form]');
    await settled(phone);
    const picker = await top(phone, '[data-testid=location-picker]');
    const photos = await top(phone, '.wg-report-photos');
    const category = await top(phone, '[data-testid=report-category]');
    expect(picker.y).toBeLessThan(photos.y);
    expect(photos.y).toBeLessThan(category.y);
    expect(
      await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    ).toBeLessThanOrEqual(0);
    // The desk's place search covers the chief's scope (递铺街道).
    await phone.locator('[data-testid=place-search] input').fill('苕秀社区第2');
    await phone.locator('[data-testid=place-option]', { hasText: '苕秀社区第2网格' }).click();
    await expect.poll(() => picked(phone)).toContain('苕秀社区第2网格');
    await phone.screenshot({ path: path.join(shots, 'locate-staff-360.png'), fullPage: true });

    const desk = await h.newPage(1440, 900);
    await h.logIn(desk, 'townchief');
    await desk.waitForSelector('[data-testid=welcome]');
    await desk.goto(`${h.base}/cases/new`);
    await desk.waitForSelector('[data-testid=case-report-form]');
    await settled(desk);
    const deskPicker = await top(desk, '[data-testid=location-picker]');
    const deskCategory = await top(desk, '[data-testid=report-category]');
    expect(deskPicker.x).toBeGreaterThan(deskCategory.x + deskCategory.width);
    expect(Math.abs(deskPicker.y - deskCategory.y)).toBeLessThan(120);
    await desk.screenshot({ path: path.join(shots, 'locate-staff-1440.png'), fullPage: true });
  });
});
