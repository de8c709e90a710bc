import { openPglite, openPostgres } from '../packages/server/src/db/database.ts';
import { buildApp } from '../packages/server/src/app.ts';
import { setUp } from './bench/case-intake.ts';
import { SESSION_COOKIE } from '@wangge/shared';
import pg from 'pg';

const usePg = process.argv[2] === 'pg';
let database;
if (usePg) {
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const name = 'wg_prof_' + Date.now();
  await admin.query(`create database ${name}`);
  await admin.end();
  database = await openPostgres(`postgres://postgres@127.0.0.1:5432/${name}`, 4);
} else database = await openPglite(null);
const setup = await setUp(database);
const counts = new Map<string, { n: number; ms: number }>();
let counting = false;
const app = await buildApp(setup.config, database, { logger: false });
// monkeypatch executor log
const exec = (database.db as any).getExecutor();
const orig = exec.executeQuery.bind(exec);
exec.executeQuery = async (q: any, id: any) => {
  const t = performance.now();
  try {
    return await orig(q, id);
  } finally {
    if (counting) {
      const key = q.sql.slice(0, 90);
      const c = counts.get(key) ?? { n: 0, ms: 0 };
      c.n++;
      c.ms += performance.now() - t;
      counts.set(key, c);
    }
  }
};
const svc = app.ctx.cases as any;
const timers = new Map<string, number>();
for (const m of ['report', 'get']) {
  const o = svc[m].bind(svc);
  svc[m] = async (...a: any[]) => {
    const t = performance.now();
    try {
      return await o(...a);
    } finally {
      if (counting) timers.set(m, (timers.get(m) ?? 0) + performance.now() - t);
    }
  };
}
const login = await app.inject({
  method: 'POST',
  url: '/api/auth/login',
  payload: { username: 'bench', password: 'Bench-Passw0rd!' },
});
const cookie = `${SESSION_COOKIE}=${login.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
const body = (i: number) => {
  const sq = setup.squares[i % setup.squares.length]!;
  return {
    categoryId: setup.categoryId,
    nature: 'civil',
    handlingType: 'coordination',
    description: '压测：小区门口垃圾堆积无人清运，请尽快处理',
    location: { lng: sq[0] + 0.003, lat: sq[1] + 0.003 },
    parties: [{ role: 'A', name: '张三', phone: '13812345678' }],
  };
};
for (let i = 0; i < 50; i++)
  await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: body(i) });
counting = true;
const N = 300;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const r = await app.inject({ method: 'POST', url: '/api/cases', headers: { cookie }, payload: body(i) });
  if (r.statusCode !== 201) {
    console.log(r.statusCode, r.body);
    break;
  }
}
const total = performance.now() - t0;
counting = false;
console.log(`sequential: ${(N / (total / 1000)).toFixed(0)}/s, ${(total / N).toFixed(2)} ms each`);
for (const [k, v] of timers) console.log(`${k}: ${(v / N).toFixed(2)} ms/req`);
const rows = [...counts.entries()].sort((a, b) => b[1].ms - a[1].ms);
for (const [k, v] of rows)
  console.log(`${(v.n / N).toFixed(2)}/req ${(v.ms / N).toFixed(3)} ms/req  ${k.replace(/\s+/g, ' ')}`);
await app.close();
await database.close();
