import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('start', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-start-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('prints the banner last, after every "Server listening" line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'main.ts')], {
      cwd: path.join(here, '..'),
      // All interfaces: Fastify then logs one "Server listening" line per address, the lines
      // that used to come out after the banner. An empty database with a strong password.
      env: {
        ...process.env,
        WANGGE_DATA_DIR: dataDir,
        WANGGE_DEMO: 'false',
        WANGGE_INITIAL_ADMIN_PASSWORD: 'Start-Test-Passw0rd!',
        WANGGE_WORKERS: 'false',
        PORT: '0',
        HOST: '0.0.0.0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await expect
        .poll(() => out, { timeout: 60_000, interval: 100 })
        .toMatch(/初始密码为 WANGGE_INITIAL_ADMIN_PASSWORD.*\n\n/);
      // Anything written late would show up meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const lines = out.split('\n');
    const banner = lines.findIndex((l) => l.includes('网格 Wangge 已启动'));
    const listening = lines.flatMap((l, i) => (l.includes('Server listening') ? [i] : []));
    expect(banner).toBeGreaterThan(0);
    expect(listening.length).toBeGreaterThan(0);
    expect(Math.max(...listening)).toBeLessThan(banner);
    expect(lines.slice(banner).join('\n')).toMatch(/监听 Listen: +0\.0\.0\.0:\d+\n/);
    expect(lines.slice(banner).some((l) => l.startsWith('{'))).toBe(false);
  }, 90_000);
});
