import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The web app's layering, read from its source files. */
const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/src');
const files = fs
  .readdirSync(src, { recursive: true, encoding: 'utf8' })
  .filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.test.ts'))
  .map((f) => ({ file: f, text: fs.readFileSync(path.join(src, f), 'utf8') }));
const modules = files.filter((f) => f.file.startsWith('modules/'));

describe('web layering', () => {
  it('reads the modules (the checks below are not vacuous)', () => {
    expect(modules.length).toBeGreaterThan(20);
    expect(modules.some((f) => /\buseApi\b/.test(f.text))).toBe(true);
  });

  it('reads server data through the query cache: no module fetches by hand', () => {
    // `get` from core/api is the cache's own fetcher; pages use useApi, fetchApi or a submit hook.
    // The kernel too (the unread count is a query), but for the cache itself and the API client.
    const byHand = files
      .filter((f) => f.file !== 'core/query.tsx' && f.file !== 'core/api.ts')
      .filter(
        (f) =>
          /import\s*\{[^}]*\b(get|getAllPages)\b[^}]*\}\s*from\s*'[./]*(core\/)?api\.ts'/.test(f.text) ||
          /\bfetch\(/.test(f.text),
      )
      .map((f) => f.file);
    expect(byHand).toEqual([]);
  });

  it('core/ names no module', () => {
    const outward = files
      .filter((f) => f.file.startsWith('core/') && /from\s*'[./]*modules\//.test(f.text))
      .map((f) => f.file);
    expect(outward).toEqual([]);
  });

  it('routes and menu entries are declared by the modules only', () => {
    const routes = files
      .filter((f) => !f.file.endsWith('.module.tsx') && /<Route\s+path="\/(?!login")[a-z]/.test(f.text))
      .map((f) => f.file);
    expect(routes).toEqual([]);
  });
});
