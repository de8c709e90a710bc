import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { SESSION_COOKIE } from '@wangge/shared';
import { sql } from 'kysely';
import pg from 'pg';
import { appendAudit } from '../../packages/server/src/core/audit/audit.service.ts';
import { buildApp } from '../../packages/server/src/app.ts';
import { PasswordHasher } from '../../packages/server/src/modules/identity/password-hasher.ts';
import {
  ensureBuiltinRoles,
  ensureCaseDefaults,
  ensureSchemes,
} from '../../packages/server/src/bootstrap.ts';
import { parseConfig } from '../../packages/server/src/config.ts';
import { FieldCipher } from '../../packages/server/src/core/pii/crypto.ts';
import { openPglite, openPostgres, type Database } from '../../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../../packages/server/src/migrations/index.ts';
import { insertGridNode } from '../../packages/server/src/modules/grid/grid.repository.ts';
import type { Benchmark, Figure } from '../bench.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/**
 * Load before measuring, so that the figures are the sustained rate: the JIT settles on the
 * intake path only after some seconds of load (the rate still climbs for 15–20 s).
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CLIENTS ?? 32);

/**
 * The load generator: `concurrency` clients, each sending one report after another on its own
 * keep-alive connection (undici, whose client costs far less CPU than node:http; on a small
 * machine the generator shares the cores with the server and the database). It runs in a
 * worker thread, so it does not share the server's event loop.
 */
const CLIENT = `
const { Pool } = require('undici');
const { parentPort, workerData } = require('node:worker_threads');
const { port, cookie, seconds, concurrency, categoryId, squares } = workerData;
const pool = new Pool('http://127.0.0.1:' + port, { connections: concurrency, pipelining: 1 });
const latencies = [];
let done = 0, failed = 0, firstError = null;
const end = Date.now() + seconds * 1000;
async function one() {
  const sq = squares[Math.floor(Math.random() * squares.length)];
  const body = JSON.stringify({
    categoryId, nature: 'civil', handlingType: 'coordination',
    description: '压测：小区门口垃圾堆积无人清运，请尽快处理',
    location: { lng: sq[0] + 0.001 + Math.random() * (sq[2] - 0.002), lat: sq[1] + 0.001 + Math.random() * (sq[2] - 0.002) },
    parties: [{ role: 'A', name: '张三', phone: '13812345678' }],
  });
  const t = process.hrtime.bigint();
  try {
    const res = await pool.request({ path: '/api/cases', method: 'POST', body,
      headers: { cookie, 'content-type': 'application/json' } });
    const text = await res.body.text();
    latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
    if (res.statusCode === 201) done++; else { failed++; firstError ??= res.statusCode + ' ' + text.slice(0, 300); }
  } catch (e) { failed++; firstError ??= String(e); }
}
async function loop() { while (Date.now() < end) await one(); }
const started = Date.now();
Promise.all(Array.from({ length: concurrency }, loop)).then(async () => {
  parentPort.postMessage({ done, failed, firstError, seconds: (Date.now() - started) / 1000, latencies });
  await pool.close();
});
`;

interface LoadResult {
  done: number;
  failed: number;
  firstError: string | null;
  seconds: number;
  latencies: number[];
}

export function load(data: object): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(CLIENT, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;

/** A territory of 4 towns × 25 square base grids, a department and a rule for every category. */
export async function setUp(database: Database) {
  await migrateToLatest(database.db);
  await ensureBuiltinRoles(database.db);
  await ensureSchemes(database.db);
  await ensureCaseDefaults(database.db, 'Asia/Shanghai');
  const db = database.db;
  const county = await insertGridNode(db, { parentId: null, kind: 'county', name: '压测县', code: '330523' });
  const squares: [number, number, number][] = [];
  const side = 0.01;
  for (let t = 0; t < 4; t++) {
    const town = await insertGridNode(db, {
      parentId: county.id,
      kind: 'town',
      name: `镇${t}`,
      code: `33052310${t}`,
    });
    for (let g = 0; g < 25; g++) {
      const x = 119.5 + t * 0.06 + (g % 5) * side;
      const y = 30.5 + Math.floor(g / 5) * side;
      squares.push([x, y, side]);
      await insertGridNode(db, {
        parentId: town.id,
        kind: 'base_grid',
        name: `镇${t}网格${g}`,
        code: null,
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x, y],
              [x + side, y],
              [x + side, y + side],
              [x, y + side],
              [x, y],
            ],
          ],
        },
      });
    }
  }
  const dept = await db
    .insertInto('department')
    .values({ name: '城管执法局', code: 'CG', sectors: [], categories: [] })
    .returning('id')
    .executeTakeFirstOrThrow();
  const category = await db
    .selectFrom('case_category')
    .select('id')
    .where('code', '=', 'SRHJ01')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('dispatch_rule')
    .values({ category_id: null, grid_id: null, department_id: dept.id })
    .execute();
  const config = parseConfig(
    {},
    {
      dataDir: path.join(os.tmpdir(), `wangge-bench-${randomBytes(4).toString('hex')}`),
      dataKey: randomBytes(32),
      demo: false,
      argon2: { memoryCost: 1024, timeCost: 1 },
      loginRateLimit: 1000,
    },
  );
  const cipher = new FieldCipher(config.dataKey!);
  const hasher = new PasswordHasher(config.argon2);
  const hash = await hasher.hash('Bench-Passw0rd!');
  const user = await db
    .insertInto('app_user')
    .values({ username: 'bench', display_name: '压测员', password_hash: hash, must_change_password: false })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db.insertInto('user_role').values({ user_id: user.id, role_key: 'grid_member' }).execute();
  await db.insertInto('user_scope').values({ user_id: user.id, grid_id: county.id }).execute();
  const person = await db
    .insertInto('person')
    .values({
      name: '城管员',
      user_id: user.id,
      phone_enc: cipher.encrypt('13900000001'),
      phone_hash: cipher.blindIndex('13900000001'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('department_staff')
    .values({ department_id: dept.id, person_id: person.id, role: 'staff' })
    .execute();
  return { config, squares, categoryId: category.id, departmentId: dept.id, countyId: county.id };
}

/** Baseline: the bare "insert case row + audit row" transaction, from `workers` concurrent loops. */
async function bareLoop(
  database: Database,
  setup: Awaited<ReturnType<typeof setUp>>,
  workers: number,
): Promise<number> {
  const warmUpEnd = Date.now() + Math.min(WARM_UP_SECONDS, 3) * 1000;
  const end = warmUpEnd + SECONDS * 1000;
  let n = 0;
  let started = 0;
  const actor = { id: null, name: 'bench', ip: null, userAgent: null };
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        await database.db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('cases')
            .values({
              number: sql<string>`'BL' || lpad((nextval('case_number_seq') % 100000000000000)::text, 14, '0')`,
              category_id: setup.categoryId,
              nature: 'civil',
              handling_type: 'coordination',
              urgency: 'normal',
              title: '基线',
              description: '压测：小区门口垃圾堆积无人清运，请尽快处理',
              grid_id: setup.countyId,
              reporter_kind: 'staff',
              channel: 'desk',
              state: 'pending_dispatch',
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          await appendAudit(trx, actor, { action: 'case.report', targetType: 'case', targetId: row.id });
        });
        // Counted from the end of the warm-up.
        if (Date.now() >= warmUpEnd) {
          started ||= Date.now();
          n++;
        }
      }
    }),
  );
  return n / ((Date.now() - started) / 1000);
}

export async function measure(database: Database, engine: 'postgres' | 'pglite'): Promise<Figure[]> {
  const setup = await setUp(database);
  const baseline = await bareLoop(database, setup, engine === 'postgres' ? 4 : 1);
  console.error(`case.intake.${engine}: bare loop ${baseline.toFixed(0)}/s`);
  const app = await buildApp(setup.config, database, { logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const port = (app.server.address() as { port: number }).port;
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'bench', password: 'Bench-Passw0rd!' },
    });
    const cookie = `${SESSION_COOKIE}=${login.cookies.find((c) => c.name === SESSION_COOKIE)!.value}`;
    const data = {
      port,
      cookie,
      concurrency: CONCURRENCY,
      categoryId: setup.categoryId,
      squares: setup.squares,
    };
    await load({ ...data, seconds: WARM_UP_SECONDS }); // JIT, caches, connections
    const r = await load({ ...data, seconds: SECONDS });
    if (r.failed)
      throw new Error(`case.intake.${engine}: ${r.failed} failed requests, first: ${r.firstError}`);
    const rate = r.done / r.seconds;
    console.error(`case.intake.${engine}: ${rate.toFixed(0)}/s, p99 ${p99(r.latencies).toFixed(1)} ms`);
    const suffix = engine === 'postgres' ? '' : '.pglite';
    return [
      { bench: `case.intake${suffix}`, value: rate, unit: 'cases/s', baseline },
      { bench: `case.intake_p99${suffix}`, value: p99(r.latencies), unit: 'ms' },
    ];
  } finally {
    await app.close();
  }
}

/** 1,000,000 open cases, a realistic minute's worth of thresholds due: one sweep pass. */
async function sweep(database: Database): Promise<Figure[]> {
  const setup = await setUp(database);
  const app = await buildApp(setup.config, database, { logger: false });
  try {
    const total = 1_000_000;
    const due = 2_000;
    console.error(`case.sweep: inserting ${total} open cases…`);
    // 1,000,000 running feedback clocks of 24 natural hours. `due` of them started 20 hours ago,
    // so their warning threshold (80 %) passed in the last minutes and the pass must really send
    // it (timeline entry, SMS/e-mail/in-app to the department, the once-only claim); the rest
    // started within the last 19 hours and are not due yet, so the index must keep them out.
    await sql`with c as (insert into cases (number, category_id, nature, handling_type, urgency, title, description,
        grid_id, reporter_kind, channel, state, department_id)
      select 'SW' || lpad(i::text, 14, '0'), ${setup.categoryId}, 'civil', 'coordination', 'normal', '压测', '压测',
        ${setup.countyId}, 'staff', 'desk', 'accepted', ${setup.departmentId}
      from generate_series(1, ${total}) i returning id, number)
      insert into clock (subject_kind, subject_id, stage, round, started_at, limit_minutes, natural_time, due_at,
        next_alert_at, next_alert)
      select 'case', c.id, 'feedback', 1, v.started, 1440, true, v.started + interval '24 hours',
        v.started + interval '1152 minutes', 'warn'
      from c, lateral (select substr(c.number, 3)::int as i) n,
        lateral (select case when n.i <= ${due} then now() - interval '20 hours' + (n.i % 60) * interval '1 second'
                      else now() - (n.i % 1140) * interval '1 minute' end as started) v`.execute(database.db);
    await sql`analyze cases`.execute(database.db);
    await sql`analyze clock`.execute(database.db);
    const started = performance.now();
    const result = await app.ctx.clockSweeper.runOnce();
    const ms = performance.now() - started;
    console.error(
      `case.sweep: ${result.examined} examined, ${result.reminders} reminders in ${ms.toFixed(0)} ms`,
    );
    if (result.examined !== due || result.reminders !== due) {
      throw new Error(
        `case.sweep: ${result.examined} examined, ${result.reminders} reminders; expected ${due}`,
      );
    }
    return [{ bench: 'case.sweep', value: ms, unit: 'ms' }];
  } finally {
    await app.close();
  }
}

export async function onServer<T>(run: (database: Database) => Promise<T>): Promise<T> {
  const serverUrl =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `wangge_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await openPostgres(url.toString(), 4);
  try {
    return await run(database);
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export const caseIntake: Benchmark = {
  names: ['case.intake', 'case.intake_p99', 'case.intake.pglite', 'case.intake_p99.pglite'],
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    figures.push(...(await onServer((db) => measure(db, 'postgres'))));
    const embedded = await openPglite(null);
    try {
      figures.push(...(await measure(embedded, 'pglite')));
    } finally {
      await embedded.close();
    }
    return figures;
  },
};

export const caseSweep: Benchmark = {
  names: ['case.sweep'],
  run: () => onServer((db) => sweep(db)),
};
