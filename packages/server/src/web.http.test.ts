import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../test/engines.ts';
import { createTestApp, type TestApp } from '../test/factories.ts';
import { IMMUTABLE } from './web.ts';

/** A built web app as Vite and its precompress step leave it: hashed assets with .br / .gz copies. */
function fakeBuild(): { dir: string; script: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-web-dist-'));
  const script = `export const pages = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `页面${i}`))};\n`;
  fs.mkdirSync(path.join(dir, 'assets'));
  const asset = path.join(dir, 'assets', 'index-B1x2Y3z4.js');
  fs.writeFileSync(asset, script);
  fs.writeFileSync(`${asset}.br`, zlib.brotliCompressSync(script));
  fs.writeFileSync(`${asset}.gz`, zlib.gzipSync(script));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><script type="module" src="/assets/index-B1x2Y3z4.js"></script><div id="root"></div>',
  );
  return { dir, script };
}

describe.each(testEngines())('serving the web app on $name', (engine) => {
  let t: TestApp;
  const build = fakeBuild();
  const get = (url: string, encoding?: string) =>
    t.app.inject({ method: 'GET', url, headers: encoding ? { 'accept-encoding': encoding } : {} });

  beforeAll(async () => {
    t = await createTestApp(await engine.open(), { webDist: build.dir });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(build.dir, { recursive: true, force: true });
  });

  it('sends a hashed asset compressed (brotli first, then gzip) and cacheable forever', async () => {
    const br = await get('/assets/index-B1x2Y3z4.js', 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['cache-control']).toBe(IMMUTABLE);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(br.rawPayload).toString()).toBe(build.script);

    const gz = await get('/assets/index-B1x2Y3z4.js', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['cache-control']).toBe(IMMUTABLE);
    expect(zlib.gunzipSync(gz.rawPayload).toString()).toBe(build.script);

    const plain = await get('/assets/index-B1x2Y3z4.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(build.script);
  });

  it('answers a page address with index.html, revalidated on every use', async () => {
    const page = await get('/report?from=qr', 'br');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('/assets/index-B1x2Y3z4.js');
  });

  it('compresses API answers on the fly', async () => {
    const res = await get('/api/openapi.json', 'br');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(JSON.parse(zlib.brotliDecompressSync(res.rawPayload).toString()).openapi).toBe('3.1.0');
  });

  it('keeps a missing asset a 404, not the page', async () => {
    const res = await get('/assets/index-gone.js', 'br');
    expect(res.statusCode).toBe(404);
  });
});
