import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/core/db/database.ts';

const require = createRequire(import.meta.url);
// The package exports no package.json: find it next to the resolved entry point.
const pgliteVersion = (
  JSON.parse(
    fs.readFileSync(
      path.join(path.dirname(require.resolve('@electric-sql/pglite')), '..', 'package.json'),
      'utf8',
    ),
  ) as {
    version: string;
  }
).version;
let template: Promise<Blob> | null = null;

/**
 * An empty, freshly initialised PGlite cluster as a tarball. Initialising a cluster takes seconds;
 * loading a copy takes a fraction of that, so tests start from this template (kept on disk
 * between runs, keyed by the PGlite version).
 */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const file = path.join(os.tmpdir(), `wangge-pglite-template-${pgliteVersion}.tar`);
    if (fs.existsSync(file)) return new Blob([fs.readFileSync(file)]);
    const fresh = await PGlite.create();
    const dump = await fresh.dumpDataDir('none');
    await fresh.close();
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    fs.renameSync(tmp, file);
    return dump;
  })();
  return template;
}

export interface TestEngine {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database of this engine. */
  open(): Promise<Database>;
  /**
   * Another pool of connections to a database `open()` gave, as a second server would have
   * (the server engine only: embedded PGlite belongs to one process).
   */
  openAgain?(database: Database): Promise<Database>;
}

const urls = new WeakMap<Database, string>();

const created: { admin: string; name: string }[] = [];

/**
 * The engines the database tier runs on: embedded PGlite always, and the PostgreSQL server when
 * TEST_DATABASE_URL is set. Each `open()` on the server creates a database of its own (dropped
 * at the end), so test files never share state.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [
    { name: 'pglite', open: async () => openPglite(null, await pgliteTemplate()) },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    engines.push({
      name: 'postgres',
      async open() {
        const name = `wangge_t_${process.pid}_${randomBytes(4).toString('hex')}`;
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`create database ${name}`);
        await client.end();
        created.push({ admin: url, name });
        const target = new URL(url);
        target.pathname = `/${name}`;
        const database = await openPostgres(target.toString(), 4);
        const opened: Database = {
          ...database,
          async close() {
            await database.close();
            const admin = new pg.Client({ connectionString: url });
            await admin.connect();
            await admin.query(`drop database if exists ${name} with (force)`);
            await admin.end();
          },
        };
        urls.set(opened, target.toString());
        return opened;
      },
      openAgain(database) {
        const target = urls.get(database);
        if (!target) throw new Error('not a database this engine opened');
        return openPostgres(target, 4);
      },
    });
  }
  return engines;
}
