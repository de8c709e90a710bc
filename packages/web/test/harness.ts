/**
 * What every browser test file shares: the real server with demo data serving the built web app,
 * Debian's Chromium driven by playwright-core, pages that fail on a script error, and logging in.
 * `WANGGE_WEB_DIST` points at another build of the web app (a private `vite build --outDir`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts';
import { testEngines } from '../../server/test/engines.ts';
import { testConfig } from '../../server/test/factories.ts';
import { buildApp } from '../../server/src/app.ts';
import { prepare } from '../../server/src/bootstrap.ts';
import type { App } from '../../server/src/context.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const webDist = process.env.WANGGE_WEB_DIST ?? path.resolve(here, '../dist');
export const shots = path.resolve(here, '../test-results');
export const DEMO_PASSWORD = 'Wangge@2026';
const required = process.env.WANGGE_REQUIRE_BROWSER === '1';
/** Whether the browser tests run (skipped without Chromium or a build, unless required). */
export const browserTestsRun =
  required || (fs.existsSync(CHROMIUM) && fs.existsSync(path.join(webDist, 'index.html')));

export interface Harness {
  app: App;
  browser: Browser;
  base: string;
  newPage(width?: number, height?: number): Promise<Page>;
  logIn(page: Page, username: string, password?: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts the demo server on a free port and Chromium (call in `beforeAll`). */
export async function startHarness(): Promise<Harness> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  if (!fs.existsSync(path.join(webDist, 'index.html')))
    throw new Error('web app not built: npm run build:web');
  const config = testConfig({ demo: true, webDist, demoPassword: DEMO_PASSWORD });
  const database = await testEngines()[0]!.open();
  await prepare(config, database);
  const app = await buildApp(config, database, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  fs.mkdirSync(shots, { recursive: true });
  return {
    app,
    browser,
    base,
    async newPage(width = 1366, height = 800) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'zh-CN' });
      const page = await context.newPage();
      page.on('pageerror', (err) => {
        throw err;
      });
      return page;
    },
    async logIn(page, username, password = DEMO_PASSWORD) {
      await page.goto(`${base}/`);
      await page.fill('#username', username);
      await page.fill('#password', password);
      await page.click('[data-testid=login-submit]');
    },
    async close() {
      await browser.close();
      await app.close();
      await app.ctx.db.destroy();
    },
  };
}
