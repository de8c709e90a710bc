import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../test/engines.ts';
import { casesWithClocks } from '../../test/clocks.ts';
import { testConfig } from '../../test/factories.ts';
import { PasswordHasher } from '../modules/identity/password-hasher.ts';
import { ensureBuiltinRoles, ensureCaseDefaults, ensureSchemes } from '../bootstrap.ts';
import { CalendarService } from '../core/calendar/calendar.service.ts';
import { FieldCipher } from '../core/pii/crypto.ts';
import type { Database } from '../core/db/database.ts';
import { migrateToLatest } from '../migrations/index.ts';
import { readCounty, townshipKind, villageKind } from '../modules/grid/divisions.ts';
import { loadDemo, DEMO_COUNTY, type DemoResult } from './demo.ts';
import { loadDemoCases } from './demo-cases.ts';

describe('national division data', () => {
  it('reads the demo county with its real townships and villages', async () => {
    const d = await readCounty(DEMO_COUNTY.code);
    expect(d.county.name).toBe('安吉县');
    expect(d.city.name).toBe('湖州市');
    expect(d.province.name).toBe('浙江省');
    expect(d.townships.map((t) => t.name)).toContain('递铺街道');
    expect(d.townships).toHaveLength(15);
    expect(d.villages.length).toBe(218);
    for (const v of d.villages) expect(v.code.startsWith(v.townshipCode)).toBe(true);
  });

  it('classifies codes by GB/T 10114 and the statistical division rules', () => {
    expect(townshipKind('330523001')).toBe('street');
    expect(townshipKind('330523103')).toBe('town');
    expect(townshipKind('330523201')).toBe('township');
    expect(villageKind('330523001002')).toBe('community');
    expect(villageKind('330523103201')).toBe('village');
  });
});

describe.each(testEngines())('demo dataset on $name', (engine) => {
  let database: Database;
  let result: DemoResult;
  const config = testConfig();

  beforeAll(async () => {
    database = await engine.open();
    await migrateToLatest(database.db);
    await ensureBuiltinRoles(database.db);
    await ensureSchemes(database.db);
    result = await loadDemo(database.db, {
      hasher: new PasswordHasher(config.argon2),
      cipher: new FieldCipher(config.dataKey!),
      seed: 20261122,
      password: 'Wangge@2026',
    });
  });
  afterAll(() => database.close());

  it('builds county → township → village/community → base grid with codes that agree with the parent chain', async () => {
    const nodes = await database.db.selectFrom('grid_node').selectAll().execute();
    expect(nodes).toHaveLength(result.gridCount);
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const count = (kind: string) => nodes.filter((n) => n.kind === kind).length;
    expect(count('county')).toBe(1);
    expect(count('street') + count('town') + count('township')).toBe(15);
    expect(count('community') + count('village') + count('special_area')).toBe(218);
    expect(count('base_grid')).toBeGreaterThan(218 * 2 - 1);
    for (const n of nodes) {
      if (!n.parent_id) continue;
      const parent = byId.get(n.parent_id)!;
      expect(n.path).toBe(`${parent.path}${n.id}/`);
      expect(n.depth).toBe(parent.depth + 1);
      expect(n.code!.startsWith(parent.code!)).toBe(true);
      expect(n.code!.length).toBe({ 1: 9, 2: 12, 3: 14 }[n.depth]);
      expect(n.geometry).toBeTruthy();
      expect(n.lng! > 119 && n.lng! < 120.5 && n.lat! > 30.2 && n.lat! < 31.1).toBe(true);
    }
  });

  it('has one account for every demo role, all exempt from forced change', async () => {
    const users = await database.db
      .selectFrom('app_user')
      .innerJoin('user_role', 'user_role.user_id', 'app_user.id')
      .select(['username', 'role_key', 'must_change_password', 'is_demo'])
      .execute();
    expect(new Set(users.map((u) => u.role_key))).toEqual(
      new Set([
        'sys_admin',
        'sec_admin',
        'audit_admin',
        'leader',
        'command_center',
        'department_staff',
        'grid_chief',
        'social_worker',
        'grid_member',
      ]),
    );
    expect(users.every((u) => u.is_demo)).toBe(true);
  });

  it('puts a named person on duty on every township and village, and members on nearly every base grid', async () => {
    const onDuty = await database.db
      .selectFrom('duty')
      .innerJoin('grid_node', 'grid_node.id', 'duty.node_id')
      .select(['grid_node.kind', 'duty.role', 'duty.node_id'])
      .where('duty.valid_to', 'is', null)
      .execute();
    const chiefs = new Set(onDuty.filter((d) => d.role === 'chief').map((d) => d.node_id));
    const nodes = await database.db.selectFrom('grid_node').select(['id', 'kind', 'depth']).execute();
    for (const n of nodes.filter((n) => n.depth === 1 || n.depth === 2)) expect(chiefs.has(n.id)).toBe(true);
    const baseGrids = nodes.filter((n) => n.kind === 'base_grid');
    const staffed = new Set(onDuty.filter((d) => d.role === 'member').map((d) => d.node_id));
    const gaps = baseGrids.filter((g) => !staffed.has(g.id)).length;
    expect(gaps).toBeGreaterThan(0);
    expect(gaps).toBeLessThan(baseGrids.length * 0.1);
    const member01 = await database.db
      .selectFrom('person')
      .innerJoin('app_user', 'app_user.id', 'person.user_id')
      .innerJoin('duty', 'duty.person_id', 'person.id')
      .select(['duty.role'])
      .where('app_user.username', '=', 'member01')
      .execute();
    expect(member01).toEqual([{ role: 'member' }]);
  });

  it('is deterministic: the same seed gives the same polygons', async () => {
    const digest = async (db: Database) => {
      const rows = await db.db
        .selectFrom('grid_node')
        .select(['code', 'name', 'geometry'])
        .orderBy('code')
        .execute();
      return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
    };
    const other = await engine.open();
    try {
      await migrateToLatest(other.db);
      await ensureBuiltinRoles(other.db);
      await ensureSchemes(other.db);
      await loadDemo(other.db, {
        hasher: new PasswordHasher(config.argon2),
        cipher: new FieldCipher(config.dataKey!),
        seed: 20261122,
        password: 'Wangge@2026',
      });
      expect(await digest(other)).toBe(await digest(database));
    } finally {
      await other.close();
    }
  });

  it('drives demo cases through the real workflow, with timelines in the past and clocks on the work calendar', async () => {
    await ensureCaseDefaults(database.db, config.timeZone);
    const loaded = await loadDemoCases(database.db, {
      cipher: new FieldCipher(config.dataKey!),
      config,
      seed: 20261122,
    });
    expect(loaded.cases).toBe(150);
    const rows = await casesWithClocks(database.db).selectAll().execute();
    expect(rows).toHaveLength(150);
    const states = new Set(rows.map((r) => r.state));
    for (const s of [
      'pending_dispatch',
      'assigned',
      'accepted',
      'handled',
      'rework',
      'rejected',
      'archived',
      'voided',
    ]) {
      expect(states, s).toContain(s);
    }
    const events = await database.db
      .selectFrom('timeline_entry')
      .select(['subject_id as case_id', 'at', 'id'])
      .where('subject_kind', '=', 'case')
      .orderBy('id')
      .execute();
    const now = Date.now();
    const calendar = await new CalendarService(database.db, config.timeZone).get();
    for (const r of rows) {
      const timeline = events.filter((e) => e.case_id === r.id);
      expect(timeline.length).toBeGreaterThan(0);
      expect(timeline[0]!.at.getTime()).toBe(r.reported_at.getTime());
      for (let i = 1; i < timeline.length; i++) {
        expect(timeline[i]!.at.getTime()).toBeGreaterThanOrEqual(timeline[i - 1]!.at.getTime());
      }
      expect(timeline[timeline.length - 1]!.at.getTime()).toBeLessThanOrEqual(now);
      if (r.stage) {
        // The deadline is the limit counted on the calendar from the stage's (backdated) start.
        expect(r.due_at!.toISOString()).toBe(
          calendar.addMinutes(r.stage_started_at!, r.limit_minutes!, r.limit_natural).toISOString(),
        );
      }
    }
    expect(rows.filter((r) => r.stage && r.due_at!.getTime() < now).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.stage && r.due_at!.getTime() > now).length).toBeGreaterThan(0);
  });
});
