import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CHROMIUM_ARGS } from '../../packages/web/test/chromium.ts';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { buildApp } from '../../packages/server/src/app.ts';
import { prepare } from '../../packages/server/src/bootstrap.ts';
import { parseConfig } from '../../packages/server/src/config.ts';
import type { Benchmark, Figure } from '../bench.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Chrome DevTools' "Fast 3G" preset (bytes per second, milliseconds). */
const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};
const CPU_SLOWDOWN = 4;
const RUNS = Number(process.env.BENCH_WEB_RUNS ?? 3);

/** The floor of the throttled figure: a page of one line, under the same network and CPU. */
const BLANK =
  '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>空白</title><p id="ok">空白页</p>';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A fresh browser profile (empty cache) with a DevTools session on its one page. */
async function freshPage(
  browser: Browser,
): Promise<{ context: BrowserContext; page: Page; cdp: CDPSession }> {
  const context = await browser.newContext({ locale: 'zh-CN' });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  return { context, page, cdp };
}

/** JavaScript a page downloads: bytes on the wire (compressed, with headers) and decoded. */
async function scriptBytes(
  browser: Browser,
  url: string,
  ready: string,
): Promise<{ wire: number; decoded: number }> {
  const { context, page, cdp } = await freshPage(browser);
  try {
    const scripts = new Set<string>();
    const decoded = new Map<string, number>();
    let wire = 0;
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Script') scripts.add(e.requestId);
    });
    cdp.on('Network.dataReceived', (e) => {
      decoded.set(e.requestId, (decoded.get(e.requestId) ?? 0) + e.dataLength);
    });
    cdp.on('Network.loadingFinished', (e) => {
      if (scripts.has(e.requestId)) wire += e.encodedDataLength;
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    await page.locator(ready).waitFor({ state: 'visible' });
    const decodedTotal = [...scripts].reduce((sum, id) => sum + (decoded.get(id) ?? 0), 0);
    return { wire, decoded: decodedTotal };
  } finally {
    await context.close();
  }
}

/** Seconds from navigation until `ready` is visible, on Fast 3G with the CPU slowed down. */
async function throttledSeconds(browser: Browser, url: string, ready: string): Promise<number> {
  const { context, page, cdp } = await freshPage(browser);
  try {
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 120_000 });
    await page.locator(ready).first().waitFor({ state: 'visible', timeout: 120_000 });
    return (performance.now() - started) / 1000;
  } finally {
    await context.close();
  }
}

async function listenBlank(): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(BLANK);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/**
 * The web app as a visitor gets it: the built app (built first if stale) served by the server
 * in this process on an embedded database with the demo data, opened in Chromium.
 * - `web.login.js_kb`: JavaScript transferred (compressed) for the login page, cold cache.
 * - `web.report.fast3g_s`: the citizens' report page usable (its category options shown) on Fast 3G
 *   with the CPU 4× slower, cold cache (median of BENCH_WEB_RUNS); baseline: a one-line page.
 */
export const webPages: Benchmark = {
  names: ['web.login.js_kb', 'web.report.fast3g_s'],
  async run(): Promise<Figure[]> {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
    execFileSync(process.execPath, [path.join(root, 'scripts/build-web-if-needed.mjs')], {
      cwd: root,
      stdio: ['ignore', process.stderr, process.stderr],
    });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-bench-web-'));
    const config = parseConfig(
      {},
      {
        dataDir,
        dataKey: randomBytes(32),
        webDist: path.join(root, 'packages/web/dist'),
        argon2: { memoryCost: 1024, timeCost: 1 },
      },
    );
    console.error('web: preparing the database (demo data)…');
    const { database } = await prepare(config);
    const app = await buildApp(config, database, { logger: false });
    const blank = await listenBlank();
    let browser: Browser | null = null;
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const blankUrl = `http://127.0.0.1:${(blank.address() as AddressInfo).port}/`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

      console.error('web.login: JavaScript of the login page…');
      const login = await scriptBytes(browser, `${base}/login`, '[data-testid=login-submit]');
      console.error(
        `web.login: ${(login.wire / 1024).toFixed(0)} KB on the wire, ${(login.decoded / 1024).toFixed(0)} KB decoded`,
      );

      const report: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        console.error(`web.report: Fast 3G, CPU ×${CPU_SLOWDOWN}, run ${i + 1}/${RUNS}…`);
        floor.push(await throttledSeconds(browser, blankUrl, '#ok'));
        report.push(await throttledSeconds(browser, `${base}/report`, '[data-testid=category-option]'));
      }
      console.error(
        `web.report: ${report.map((s) => s.toFixed(2)).join(', ')} s; blank ${floor.map((s) => s.toFixed(2)).join(', ')} s`,
      );
      return [
        { bench: 'web.login.js_kb', value: login.wire / 1024, unit: 'KB' },
        { bench: 'web.report.fast3g_s', value: median(report), unit: 's', baseline: median(floor) },
      ];
    } finally {
      await browser?.close();
      await new Promise((resolve) => blank.close(resolve));
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
