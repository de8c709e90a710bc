import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import type { Database } from './database.ts';
import { migrateToLatest, migrations } from '../../migrations/index.ts';

describe.each(testEngines())('migrations on $name', (engine) => {
  let database: Database;
  beforeAll(async () => {
    database = await engine.open();
  });
  afterAll(() => database.close());

  it('apply once, even when started concurrently, and are then up to date', async () => {
    const runs = await Promise.all([migrateToLatest(database.db), migrateToLatest(database.db)]);
    expect(runs.flat().sort()).toEqual(Object.keys(migrations).sort());
    expect(await migrateToLatest(database.db)).toEqual([]);
    const tables = await database.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'grid_node',
        'app_user',
        'role',
        'user_scope',
        'session',
        'login_log',
        'audit_log',
        'setting',
      ]),
    );
  });

  it('have timestamped names', () => {
    for (const name of Object.keys(migrations)) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}_[a-z_]+$/);
  });
});
