import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPglite, openPostgres, type Database } from '../src/db/database.ts';

export interface TestEngine {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database of this engine. */
  open(): Promise<Database>;
}

const created: { admin: string; name: string }[] = [];

/**
 * The engines the database tier runs on: embedded PGlite always, and the PostgreSQL server when
 * TEST_DATABASE_URL is set. Each `open()` on the server creates a database of its own (dropped
 * at the end), so test files never share state.
 */
export function testEngines(): TestEngine[] {
  const engines: TestEngine[] = [{ name: 'pglite', open: () => openPglite(null) }];
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
        return {
          ...database,
          async close() {
            await database.close();
            const admin = new pg.Client({ connectionString: url });
            await admin.connect();
            await admin.query(`drop database if exists ${name} with (force)`);
            await admin.end();
          },
        };
      },
    });
  }
  return engines;
}
