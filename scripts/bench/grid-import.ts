import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sql } from 'kysely';
import { ensureSchemes } from '../../packages/server/src/bootstrap.ts';
import { openPglite, openPostgres, type Database } from '../../packages/server/src/core/db/database.ts';
import { migrateToLatest } from '../../packages/server/src/migrations/index.ts';
import { importDivisions } from '../../packages/server/src/modules/grid/divisions.import.ts';
import type { Benchmark, Figure } from '../bench.ts';

const actor = { id: null, name: 'bench', ip: null, userAgent: null };

async function measure(database: Database, engine: string): Promise<Figure[]> {
  await migrateToLatest(database.db);
  await ensureSchemes(database.db);
  const started = performance.now();
  let lastReport = 0;
  const result = await importDivisions(database.db, {
    scope: {},
    actor,
    timeZone: 'Asia/Shanghai',
    progress: (done, total) => {
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        console.error(`grid.import.national.${engine}: ${done}/${total}`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.added < 600_000) throw new Error(`national import added only ${result.added} nodes`);

  // Subtree of one county: every active node below it, in tree order.
  const county = await database.db
    .selectFrom('grid_node')
    .select('path')
    .where('code', '=', '330523')
    .executeTakeFirstOrThrow();
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const t = performance.now();
    const rows = await sql`select id, parent_id, name, code, kind, depth from grid_node
      where path like ${`${county.path}%`} and valid_to is null order by path`.execute(database.db);
    times.push(performance.now() - t);
    if (rows.rows.length < 200) throw new Error('county subtree too small');
  }
  times.sort((a, b) => a - b);
  const suffix = engine === 'postgres' ? '' : `.${engine}`;
  return [
    { bench: `grid.import.national.${engine}`, value: seconds, unit: 's' },
    { bench: `grid.subtree.county${suffix}`, value: times[Math.floor(times.length / 2)]!, unit: 'ms' },
  ];
}

export const gridImport: Benchmark = {
  names: [
    'grid.import.national.postgres',
    'grid.import.national.pglite',
    'grid.subtree.county',
    'grid.subtree.county.pglite',
  ],
  async run(): Promise<Figure[]> {
    const figures: Figure[] = [];
    const serverUrl =
      process.env.BENCH_DATABASE_URL ??
      process.env.TEST_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `wangge_bench_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    try {
      await admin.connect();
      await admin.query(`create database ${name}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}`;
      console.error('grid.import.national: PostgreSQL server…');
      const database = await openPostgres(url.toString(), 4);
      try {
        figures.push(...(await measure(database, 'postgres')));
      } finally {
        await database.close();
        await admin.query(`drop database if exists ${name} with (force)`);
      }
    } catch (err) {
      console.error(`grid.import.national.postgres skipped: ${(err as Error).message}`);
    } finally {
      await admin.end().catch(() => undefined);
    }
    console.error('grid.import.national: embedded PGlite…');
    const embedded = await openPglite(null);
    try {
      figures.push(...(await measure(embedded, 'pglite')));
    } finally {
      await embedded.close();
    }
    return figures;
  },
};
