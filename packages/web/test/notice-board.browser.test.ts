import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestsRun, shots, startHarness, type Harness } from './harness.ts';

/** A 120×160 PNG portrait (a plain colour: enough for the upload path). */
function portrait(): Buffer {
  const png = new PNG({ width: 120, height: 160 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([90, 140, 200, 255], i);
  return PNG.sync.write(png);
}

describe.skipIf(!browserTestsRun)('people on duty for the notice board, in Chromium', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  it('uploads a person’s photo and sets the supervising department from the duty tab', async () => {
    const page = await h.newPage(1440, 900);
    await h.logIn(page, 'townchief');
    await page.waitForSelector('[data-testid=welcome]');
    await page.goto(`${h.base}/grids`);
    await page.fill('[data-testid=grid-search] input', '330523001002');
    await page.press('[data-testid=grid-search] input', 'Enter');
    await page.click('[data-testid=grid-results] >> text=苕秀社区');
    await page.click('[data-testid=grid-detail] >> text=责任人');
    await page.waitForSelector('[data-testid=duty-table] tr.ant-table-row');

    // The supervising department: chosen here, printed on the boards of the grids below.
    await page.click('[data-testid=grid-department-select]');
    await page.locator('.ant-select-item-option', { hasText: '县综合行政执法局' }).first().click();
    await expect
      .poll(() => page.locator('[data-testid=grid-department]').innerText())
      .toContain('县综合行政执法局');

    // A photo for the first person on duty.
    const upload = page.locator('[data-testid^=person-photo-upload-]').first();
    const id = (await upload.getAttribute('data-testid'))!.replace('person-photo-upload-', '');
    await page
      .locator('[data-testid=duty-table] input[type=file]')
      .first()
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: portrait() });
    await page.waitForSelector(`[data-testid=person-photo-${id}] img`);
    const photo = await page.request.get(`${h.base}/api/people/${id}/photo`);
    expect(photo.headers()['content-type']).toBe('image/png');
    await page.screenshot({ path: path.join(shots, 'duty-photo-1440.png') });

    // A type the board cannot print is refused before it is sent.
    await page
      .locator('[data-testid=duty-table] input[type=file]')
      .first()
      .setInputFiles({ name: 'x.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') });
    await page.waitForSelector('.ant-message >> text=只接受 JPEG 或 PNG 图片');

    await page.setViewportSize({ width: 360, height: 800 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(shots, 'duty-photo-360.png'), fullPage: true });
    await page.context().close();
  });

  it('opens the public report page at the grid the notice board’s QR code names', async () => {
    const grids = (await (await fetch(`${h.base}/api/public/grid-outlines`)).json()) as {
      parts: { id: number; name: string }[];
    };
    const town = grids.parts[0]!;
    const page = await h.newPage(360, 800);
    await page.goto(`${h.base}/report?grid=${town.id}`);
    await page.waitForSelector('[data-testid=public-report-form]');
    await expect.poll(() => page.locator('[data-testid=map-levels]').innerText()).toContain(town.name);
    await page.screenshot({ path: path.join(shots, 'report-preset-360.png'), fullPage: true });
    // An unknown grid falls back to the whole territory.
    await page.goto(`${h.base}/report?grid=99999999`);
    await page.waitForSelector('[data-testid=public-report-form]');
    await expect.poll(() => page.locator('[data-testid=map-levels]').innerText()).not.toContain(town.name);
    await page.context().close();
  });
});
