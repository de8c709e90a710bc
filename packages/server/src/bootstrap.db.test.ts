import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEngines } from '../test/engines.ts';
import { createTestApp, login, testConfig } from '../test/factories.ts';
import { buildApp } from './app.ts';
import { prepare, resetDatabase } from './bootstrap.ts';
import { openPglite } from './core/db/database.ts';

describe('first start of a real deployment', () => {
  it('creates the three administrators, each forced to change the initial password', async () => {
    const database = await testEngines()[0]!.open();
    const config = testConfig({ initialAdminPassword: 'Initial-Admin-1' });
    const prepared = await prepare(config, database);
    expect(prepared.firstStart).toBe(true);
    expect(prepared.initialAdmins).toMatchObject({
      usernames: ['sysadmin', 'secadmin', 'auditadmin'],
      generated: false,
    });
    const app = await buildApp(config, database, { logger: false });
    for (const username of ['sysadmin', 'secadmin', 'auditadmin']) {
      const cookie = await login(app, username, 'Initial-Admin-1');
      const me = (await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).json();
      expect(me).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'initial', isDemo: false });
      expect(me.roles).toHaveLength(1);
    }
    // A second start reuses the data and creates nobody.
    const again = await prepare(config, database);
    expect(again.firstStart).toBe(false);
    expect(await database.db.selectFrom('app_user').select('id').execute()).toHaveLength(3);
    await app.close();
    await database.close();
  });

  it('generates a strong initial password when none is configured', async () => {
    const t = await createTestApp(await testEngines()[0]!.open());
    const prepared = await prepare(t.config, t.database);
    expect(prepared.initialAdmins!.generated).toBe(true);
    expect(prepared.initialAdmins!.password.length).toBeGreaterThanOrEqual(14);
    await t.close();
  });
});

describe('demo data on the embedded database', () => {
  const config = testConfig({ demo: true, demoSeed: 7 });
  afterAll(() => fs.rmSync(config.dataDir, { recursive: true, force: true }));

  it('is loaded on first start, reused on restart and rebuilt by --reset-demo', async () => {
    const open = () => openPglite(path.join(config.dataDir, 'pgdata'));
    let database = await open();
    const first = await prepare(config, database);
    expect(first.demo?.county).toBe('浙江省湖州市安吉县');
    await database.db.updateTable('grid_node').set({ name: '改过的名字' }).where('depth', '=', 0).execute();
    await database.close();

    database = await open();
    const second = await prepare(config, database);
    expect(second.firstStart).toBe(false);
    expect(second.demo).toBeNull();
    const root = await database.db
      .selectFrom('grid_node')
      .select('name')
      .where('depth', '=', 0)
      .executeTakeFirstOrThrow();
    expect(root.name).toBe('改过的名字');
    await database.close();

    await resetDatabase(config);
    database = await open();
    const third = await prepare(config, database);
    expect(third.demo?.gridCount).toBe(first.demo?.gridCount);
    const rebuilt = await database.db
      .selectFrom('grid_node')
      .select('name')
      .where('depth', '=', 0)
      .executeTakeFirstOrThrow();
    expect(rebuilt.name).toBe('安吉县');
    await database.close();
  });
});
