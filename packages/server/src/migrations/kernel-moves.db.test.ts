import { Migrator, sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/engines.ts';
import { createTestApp, testConfig, type TestApp } from '../../test/factories.ts';
import { ClockSweeper } from '../core/clock/sweep.ts';
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
  let t: TestApp;
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
    clocks: (
      await sql`select subject_kind, subject_id, stage, round, started_at, limit_minutes, natural_time, due_at,
                       next_alert_at, next_alert, parked_at
                  from clock where stopped_at is null order by subject_kind, subject_id`.execute(raw)
    ).rows,
    reminders: (
      await sql`select subject_kind, subject_id, round, threshold, sent_at from clock_reminder
                 order by subject_kind, subject_id, round, threshold`.execute(raw)
    ).rows,
  });
  const outbox = async () =>
    Number((await sql<{ n: number }>`select count(*)::int as n from outbox`.execute(raw)).rows[0]!.n);

  beforeAll(async () => {
    database = await engine.open();
    raw = database.db;
    await migrateToLatest(database.db);
    await ensureBuiltinRoles(database.db);
    await ensureSchemes(database.db);
    await loadDemo(database.db, {
      hasher: new PasswordHasher(config.argon2),
      cipher: new FieldCipher(config.dataKey!),
      seed: 20261122,
      password: 'Wangge@2026',
    });
    await ensureCaseDefaults(database.db, config.timeZone);
    await loadDemoCases(database.db, { cipher: new FieldCipher(config.dataKey!), config, seed: 20261122 });
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
    // The demo archives automatically: one case waits for archiving by hand (no clock runs there).
    await sql`update cases set state = 'pending_archive', closed_at = null
               where id = (select min(id) from cases where state = 'archived')`.execute(database.db);
    // The reminders due by now are sent (and claimed) before the move.
    t = await createTestApp(database);
    // The app re-times the demo's clocks at start: let that finish first, so the sweep's moves stay.
    for (let i = 0; i < 300 && (await t.app.ctx.clockRetimer.state()).running; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await t.app.ctx.clockRetimer.settled();
    await new ClockSweeper(database.db, { clocks: t.app.ctx.clocks }).runOnce();
  });
  afterAll(() => t.close());

  it('moves timelines, photos, clocks and reminder claims to the kernel tables and back, changing nothing', async () => {
    const before = await snapshot();
    expect(new Set(before.entries.map((e) => (e as { subject_kind: string }).subject_kind))).toEqual(
      new Set(['case']),
    );
    expect(before.attachments).toHaveLength(3);
    // Cases in every state: clocks running in each timed stage, reminders claimed.
    const states = await sql<{ state: string }>`select distinct state from cases`.execute(raw);
    expect(states.rows.length).toBe(9);
    const stages = new Set(before.clocks.map((c) => (c as { stage: string }).stage));
    expect(stages).toEqual(new Set(['accept', 'feedback', 'visit']));
    expect(before.reminders.length).toBeGreaterThan(0);
    const sent = await outbox();

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
    // Each case row carries its clock again: the same deadline and next reminder; the claims too.
    const columns = await sql`select 'case' as subject_kind, id as subject_id, stage, stage_seq as round,
        stage_started_at as started_at, limit_minutes, limit_natural as natural_time, due_at, next_alert_at,
        next_alert, parked_at from cases where stage is not null order by id`.execute(raw);
    expect(columns.rows).toEqual(before.clocks);
    const claims =
      await sql`select 'case' as subject_kind, case_id as subject_id, stage_seq as round, threshold,
        sent_at from case_reminder order by case_id, stage_seq, threshold`.execute(raw);
    expect(claims.rows).toEqual(before.reminders);

    expect(await migrateToLatest(raw)).toContain('2026-12-07T1000_timeline');
    expect(await snapshot()).toEqual(before);
    // Nothing is sent twice after the move.
    const again = await new ClockSweeper(database.db, { clocks: t.app.ctx.clocks }).runOnce();
    expect(again.reminders).toBe(0);
    expect(await outbox()).toBe(sent);
  });
});
