// Builds the web app when its output is missing or older than any of its sources, so
// `npm start` and `npm test` work on a fresh clone without rebuilding on every run.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const output = path.join(root, 'packages/web/dist/index.html');
const sources = [
  'packages/web/src',
  'packages/web/public',
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  'packages/shared/src',
  'package-lock.json',
];

function newest(p) {
  const full = path.join(root, p);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(full).map((name) => newest(path.join(p, name))));
}

const built = fs.existsSync(output) ? fs.statSync(output).mtimeMs : 0;
if (built < Math.max(...sources.map(newest))) {
  console.log('构建前端 (building the web app)…');
  execSync('npm run build -w @wangge/web', { cwd: root, stdio: 'inherit' });
}
