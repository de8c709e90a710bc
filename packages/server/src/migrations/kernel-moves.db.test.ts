import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/engines.ts';
import { testConfig } from '../../test/factories.ts';
import { ensureBuiltinRoles, ensureCaseDefaults, ensureSchemes } from '../bootstrap.ts';
import type { Database } from '../core/db/database.ts';
import { FieldCipher } from '../core/pii/crypto.ts';
import { loadDemoCases } from '../demo/demo-cases.ts';
import { loadDemo } from '../demo/demo.ts';
import { PasswordHasher } from '../modules/identity/password-hasher.ts';
import { migrateToLatest, migrations } from './index.ts';

/**
 * The migrations that moved case machinery into the kernel, run on a database holding the demo's
 * cases in every state: taken back to the schema before them and forward again, nothing of the
 * cases' history changes.
 */
describe.each(testEngines())('kernel moves on $name', (engine) => {
  let database: Database;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema before the moves
  let raw: Kysely<any>;
  const config = testConfig();
  const migrator = () => new Migrator({ db: raw, provider: { getMigrations: async () => migrations } });

  const snapshot = async () => ({
    entries: (
      await sql`select id, subject_kind, subject_id, at, action, from_state, to_state, actor_id, actor_name,
                       unit_id, note, data from timeline_entry order by id`.execute(raw)
    ).rows,
    attachments: (
      await sql`select id, token, subject_kind, subject_id, entry_id, kind, file, sha256
                  from attachment order by id`.execute(raw)
    ).rows,
  });

  beforeAll(async () => {
    database = await engine.open();
    raw = database.db;
    await migrateToLatest(database.db);
    await ensureBuiltinRoles(database.db);
    await ensureSchemes(database.db);
    await loadDemo(database.db, {
      hasher: new PasswordHasher(config.argon2),
      cipher: new FieldCipher(config.dataKey!),
      seed: 7,
      password: 'Wangge@2026',
    });
    await ensureCaseDefaults(database.db, config.timeZone);
    await loadDemoCases(database.db, { cipher: new FieldCipher(config.dataKey!), config, seed: 7 });
    // A photo on a report, one on a feedback, one not yet claimed.
    const entries = await database.db
      .selectFrom('timeline_entry')
      .select(['id', 'subject_id', 'action'])
      .where('action', 'in', ['report', 'feedback'])
      .orderBy('id')
      .execute();
    const report = entries.find((e) => e.action === 'report')!;
    const feedback = entries.find((e) => e.action === 'feedback')!;
    const photo = (token: string, on: { id: number; subject_id: number } | null, kind: string | null) => ({
      token,
      subject_kind: on ? 'case' : null,
      subject_id: on?.subject_id ?? null,
      entry_id: on?.id ?? null,
      kind,
      file: `2026-12/${token}.png`,
      mime: 'image/png',
      bytes: 68,
      sha256: token.padEnd(64, '0'),
    });
    await database.db
      .insertInto('attachment')
      .values([photo('a1', report, 'report'), photo('a2', feedback, 'feedback'), photo('a3', null, null)])
      .execute();
  });
  afterAll(() => database.close());

  it('moves timelines and photos to the kernel tables and back without losing or changing a row', async () => {
    const before = await snapshot();
    expect(new Set(before.entries.map((e) => (e as { subject_kind: string }).subject_kind))).toEqual(
      new Set(['case']),
    );
    expect(before.attachments).toHaveLength(3);

    const down = await migrator().migrateTo('2026-12-06T1000_schedule_claim');
    expect(down.error).toBeUndefined();
    const tables = (await raw.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['case_event', 'case_photo']));
    expect(tables).not.toContain('timeline_entry');
    const events = await sql<{ n: number }>`select count(*)::int as n from case_event`.execute(raw);
    expect(events.rows[0]!.n).toBe(before.entries.length);
    const photos = await sql<{
      case_id: number | null;
      event_id: number | null;
    }>`select case_id, event_id from case_photo order by id`.execute(raw);
    expect(photos.rows.map((p) => p.event_id === null)).toEqual([false, false, true]);

    expect(await migrateToLatest(raw)).toContain('2026-12-07T1000_timeline');
    expect(await snapshot()).toEqual(before);
  });
});
