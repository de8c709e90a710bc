import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';
import { PGliteDialect } from './pglite-dialect.ts';

export type Engine = 'pglite' | 'postgres';

export interface Database {
  readonly db: Kysely<DB>;
  readonly engine: Engine;
  /**
   * What the database announces (NOTIFY) on the channels in `CHANNELS`: an event named after the
   * channel with the payload; `lost` when a listening connection ends; and `reset` when
   * announcements may have been missed (the last listening connection ended), so that whoever
   * keeps copies must drop them all.
   */
  readonly notifications: EventEmitter;
  close(): Promise<void>;
}

/**
 * The channels every connection listens on. A connection also hears what its own transactions
 * announce, before the COMMIT returns: a server sees its own writes at once, and other servers'
 * writes a moment later.
 */
export const CHANNELS = ['wangge_auth', 'wangge_contacts'] as const;

// Both engines return int8 (counts, bigserial ids) as numbers, dates as 'YYYY-MM-DD' strings,
// and timestamptz as Date, so code never depends on which engine runs it.
const INT8 = 20;
const DATE = 1082;
const NUMERIC = 1700;

const parseInt8 = (v: string) => Number(v);
const parseDate = (v: string) => v;

/** Opens embedded PGlite in `dataDir` (null: in memory), optionally starting from a cluster tarball. */
export async function openPglite(dataDir: string | null, loadDataDir?: Blob): Promise<Database> {
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create(dataDir ?? undefined, {
    ...(loadDataDir ? { loadDataDir } : {}),
    parsers: { [INT8]: parseInt8, [DATE]: parseDate, [NUMERIC]: (v: string) => Number(v) },
  });
  const notifications = new EventEmitter();
  client.onNotification((channel, payload) => notifications.emit(channel, payload));
  for (const channel of CHANNELS) await client.exec(`listen ${channel}`);
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  return { db, engine: 'pglite', notifications, close: () => db.destroy() };
}

export async function openPostgres(url: string, poolSize = 10): Promise<Database> {
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8) return parseInt8;
      if (oid === DATE) return parseDate;
      if (oid === NUMERIC) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const notifications = new EventEmitter();
  // Every connection listens before its first use (the pool awaits this hook), and every one of
  // them hears every announcement. While one listens, nothing is missed when another ends; only
  // when the last one ends may announcements go unheard until a new connection listens.
  let listening = 0;
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // One connection stays open when the server is quiet, so what is kept stays valid.
    min: 1,
    types: types as pg.CustomTypesConfig,
    onConnect: async (client: pg.ClientBase) => {
      let counted = false;
      client.on('notification', (message) => notifications.emit(message.channel, message.payload ?? ''));
      client.on('end', () => {
        if (!counted) return;
        counted = false;
        listening -= 1;
        notifications.emit('lost', listening);
        if (listening === 0) notifications.emit('reset');
      });
      for (const channel of CHANNELS) await client.query(`listen ${channel}`);
      counted = true;
      listening += 1;
    },
  });
  // An idle connection dropped by the server (restart, failover, administrator) must not crash
  // the process: pg removes the client from the pool, the next query opens a new one.
  pool.on('error', (err: Error & { code?: string }) => {
    process.stderr.write(`database: idle connection lost (${err.code ?? err.message})\n`);
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: 'postgres', notifications, close: () => db.destroy() };
}

/** Opens the database the configuration selects: a PostgreSQL server or PGlite in `dataDir/pgdata`. */
export function openDatabase(config: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  return config.databaseUrl
    ? openPostgres(config.databaseUrl)
    : openPglite(path.join(config.dataDir, 'pgdata'));
}

/** Answers once the database answers a query (health checks). */
export async function ping(db: Kysely<DB>): Promise<void> {
  await sql`select 1`.execute(db);
}
