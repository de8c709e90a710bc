import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Benchmark, Figure } from '../bench.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const serverMain = path.join(root, 'packages/server/src/main.ts');

interface Started {
  seconds: number;
  peakRssMb: number;
}

/**
 * Starts a Node process and waits until it prints `ready` on stdout (the server prints its URL
 * once it listens), then reads its peak resident memory (VmHWM) and stops it.
 */
function timeProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 300_000,
): Promise<Started> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!ready.test(output)) return;
      const seconds = (performance.now() - started) / 1000;
      let peakRssMb = 0;
      try {
        const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
        peakRssMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
      } catch {
        // not on Linux: no figure
      }
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.kill('SIGTERM');
      child.once('exit', () => resolve({ seconds, peakRssMb }));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!ready.test(output)) reject(new Error(`exited with ${code} before ready:\n${output}`));
    });
  });
}

/** The floor: a bare process that opens PGlite in the same kind of folder and runs one query. */
const BARE_PGLITE = `
import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create(process.env.BENCH_DIR);
await db.query('select 1');
console.log('ready');
await new Promise(() => {});
`;

export const appStart: Benchmark = {
  names: ['app.start.first_s', 'app.start.restart_s', 'app.start.rss_mb'],
  async run(): Promise<Figure[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wangge-bench-'));
    const bareScript = path.join(root, 'packages/server/.bench-bare-pglite.mjs');
    fs.writeFileSync(bareScript, BARE_PGLITE);
    try {
      const env = { WANGGE_DATA_DIR: path.join(dir, 'app'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
      const serverArgs = ['--import', 'tsx', serverMain];
      const ready = /URL:\s+http/;
      console.error('app.start: first start (empty data folder, demo load)…');
      const first = await timeProcess(serverArgs, env, ready);
      console.error('app.start: restart on the same data…');
      const restart = await timeProcess(serverArgs, env, ready);

      console.error('app.start: baseline, bare PGlite…');
      const bareEnv = { BENCH_DIR: path.join(dir, 'bare') };
      const bareFirst = await timeProcess([bareScript], bareEnv, /ready/);
      const bareRestart = await timeProcess([bareScript], bareEnv, /ready/);
      return [
        { bench: 'app.start.first_s', value: first.seconds, unit: 's', baseline: bareFirst.seconds },
        { bench: 'app.start.restart_s', value: restart.seconds, unit: 's', baseline: bareRestart.seconds },
        {
          bench: 'app.start.rss_mb',
          value: Math.max(first.peakRssMb, restart.peakRssMb),
          unit: 'MB',
          baseline: Math.max(bareFirst.peakRssMb, bareRestart.peakRssMb),
        },
      ];
    } finally {
      fs.rmSync(bareScript, { force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
