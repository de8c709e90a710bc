import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { SESSION_COOKIE, type BuiltinRoleKey } from '@wangge/shared';
import { expect } from 'vitest';
import { buildApp, type BuildOptions } from '../src/app.ts';
import { PasswordHasher } from '../src/modules/identity/password-hasher.ts';
import { ensureBuiltinRoles, ensureCaseDefaults, ensureSchemes } from '../src/bootstrap.ts';
import { parseConfig, type Config } from '../src/config.ts';
import { FieldCipher } from '../src/core/pii/crypto.ts';
import type { Database } from '../src/core/db/database.ts';
import { migrateToLatest } from '../src/migrations/index.ts';
import type { Executor } from '../src/core/db/types.ts';
import { insertGridNode } from '../src/modules/grid/grid.repository.ts';
import type { App } from '../src/context.ts';

export const TEST_PASSWORD = 'Test-Passw0rd!';

/** Configuration for tests: a private data folder, a random data key, cheap argon2. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return parseConfig(
    {},
    {
      dataDir: path.join(os.tmpdir(), `wangge-test-${process.pid}-${randomBytes(4).toString('hex')}`),
      dataKey: randomBytes(32),
      demo: false,
      argon2: { memoryCost: 1024, timeCost: 1 },
      loginRateLimit: 1000,
      // Tests drive background workers themselves (runOnce).
      workers: false,
      ...overrides,
    },
  );
}

export interface TestApp {
  app: App;
  config: Config;
  database: Database;
  db: Database['db'];
  hasher: PasswordHasher;
  cipher: FieldCipher;
  close(): Promise<void>;
}

export async function createTestApp(
  database: Database,
  overrides: Partial<Config> = {},
  build: BuildOptions = {},
): Promise<TestApp> {
  const config = testConfig(overrides);
  await migrateToLatest(database.db);
  await ensureBuiltinRoles(database.db);
  await ensureSchemes(database.db);
  await ensureCaseDefaults(database.db, config.timeZone);
  const app = await buildApp(config, database, { logger: process.env.TEST_LOG === '1', ...build });
  await app.ready();
  return {
    app,
    config,
    database,
    db: database.db,
    hasher: new PasswordHasher(config.argon2),
    cipher: new FieldCipher(config.dataKey!),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

export async function buildGrid(
  db: Executor,
  props: { parentId?: number | null; name?: string; kind?: string; code?: string | null } = {},
): Promise<{ id: number; path: string }> {
  return insertGridNode(db, {
    parentId: props.parentId ?? null,
    kind: props.kind ?? 'base_grid',
    name: props.name ?? `网格${randomBytes(2).toString('hex')}`,
    code: props.code ?? null,
  });
}

/** A small territory: county → two towns → one village each. */
export async function buildTerritory(db: Executor) {
  const county = await buildGrid(db, { name: '测试县', kind: 'county', code: '330523' });
  const townA = await buildGrid(db, { parentId: county.id, name: '甲镇', kind: 'town', code: '330523101' });
  const townB = await buildGrid(db, { parentId: county.id, name: '乙镇', kind: 'town', code: '330523102' });
  const villageA = await buildGrid(db, {
    parentId: townA.id,
    name: '甲村',
    kind: 'village',
    code: '330523101201',
  });
  const villageB = await buildGrid(db, {
    parentId: townB.id,
    name: '乙村',
    kind: 'village',
    code: '330523102201',
  });
  return { county, townA, townB, villageA, villageB };
}

export async function buildUser(
  t: TestApp,
  props: {
    username: string;
    roles?: (BuiltinRoleKey | string)[];
    scopes?: number[];
    password?: string;
    mustChange?: boolean;
    isDemo?: boolean;
    phone?: string;
  },
): Promise<number> {
  const hash = await t.hasher.hash(props.password ?? TEST_PASSWORD);
  const user = await t.db
    .insertInto('app_user')
    .values({
      username: props.username,
      display_name: props.username,
      password_hash: hash,
      must_change_password: props.mustChange ?? false,
      is_demo: props.isDemo ?? false,
      phone_enc: props.phone ? t.cipher.encrypt(props.phone) : null,
      phone_hash: props.phone ? t.cipher.blindIndex(props.phone) : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db.insertInto('password_history').values({ user_id: user.id, password_hash: hash }).execute();
  for (const role of props.roles ?? [])
    await t.db.insertInto('user_role').values({ user_id: user.id, role_key: role }).execute();
  for (const grid of props.scopes ?? [])
    await t.db.insertInto('user_scope').values({ user_id: user.id, grid_id: grid }).execute();
  return user.id;
}

/** Logs in through the API and returns the Cookie header for later requests. */
export async function login(app: App, username: string, password = TEST_PASSWORD): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie');
  return `${SESSION_COOKIE}=${cookie.value}`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Requests through `app()` as the users whose Cookie headers `cookies` holds, by name ('' for
 * nobody). `call` returns the response; `ok` expects success and returns the body (null for
 * 204). `app` is read at each call, so the helpers may be made before the app is.
 */
export function requests(app: () => App, cookies: Record<string, string>) {
  const call = (who: string, method: Method, url: string, payload?: object) =>
    app().inject({
      method,
      url,
      headers: who ? { cookie: cookies[who]! } : {},
      ...(payload ? { payload } : {}),
    });
  const ok = async (who: string, method: Method, url: string, payload?: object) => {
    const res = await call(who, method, url, payload);
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.statusCode === 204 ? null : res.json();
  };
  return { call, ok };
}

/** A department; returns its id. */
export async function buildDepartment(db: Executor, name: string, code: string): Promise<number> {
  const row = await db
    .insertInto('department')
    .values({ name, code, sectors: [], categories: [] })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A department staff member: an account (scope `scopeId`) and its person, in the department. */
export async function buildDepartmentStaff(
  t: TestApp,
  props: { username: string; departmentId: number; phone: string; scopeId: number },
): Promise<number> {
  const userId = await buildUser(t, {
    username: props.username,
    roles: ['department_staff'],
    scopes: [props.scopeId],
    phone: props.phone,
  });
  const person = await t.db
    .insertInto('person')
    .values({
      name: props.username,
      user_id: userId,
      phone_enc: t.cipher.encrypt(props.phone),
      phone_hash: t.cipher.blindIndex(props.phone),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.db
    .insertInto('department_staff')
    .values({ department_id: props.departmentId, person_id: person.id, role: 'staff' })
    .execute();
  return userId;
}
