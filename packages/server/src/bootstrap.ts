import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ADMIN_ROLE_KEYS, BUILTIN_ROLES, SCHEMES, type BuiltinRoleKey } from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import { appendAudit, purgeExpiredAudit, SYSTEM_ACTOR } from './core/audit/audit.service.ts';
import { PasswordHasher } from './modules/identity/password-hasher.ts';
import type { Config } from './config.ts';
import { FieldCipher, loadDataKey } from './core/pii/crypto.ts';
import { openDatabase, type Database } from './core/db/database.ts';
import { migrateToLatest } from './migrations/index.ts';
import type { DB } from './core/db/types.ts';
import { loadDemo, type DemoLogin } from './demo/demo.ts';
import { loadDemoCases } from './demo/demo-cases.ts';
import { insertGridNode } from './modules/grid/grid.repository.ts';
import { CaseConfigService } from './modules/case/case-config.service.ts';
import { CalendarService } from './core/calendar/calendar.service.ts';

/** Built-in roles as code defines them: the admin roles are forced to their definition on every start. */
export async function ensureBuiltinRoles(db: Kysely<DB>): Promise<void> {
  for (const [key, def] of Object.entries(BUILTIN_ROLES) as [
    BuiltinRoleKey,
    (typeof BUILTIN_ROLES)[BuiltinRoleKey],
  ][]) {
    const values = {
      key,
      name: def.zh,
      name_en: def.en,
      builtin: true,
      editable: def.editable,
      permissions: [...def.permissions],
    };
    if (def.editable) {
      await db
        .insertInto('role')
        .values(values)
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
    } else {
      await db
        .insertInto('role')
        .values(values)
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            name: def.zh,
            name_en: def.en,
            editable: false,
            builtin: true,
            permissions: [...def.permissions],
          }),
        )
        .execute();
    }
  }
}

/** The seed's case categories and default time limits, into an empty database. */
export async function ensureCaseDefaults(db: Kysely<DB>, timeZone: string): Promise<void> {
  await new CaseConfigService(db).ensureDefaultCategories();
  await new CalendarService(db, timeZone).ensureShipped();
}

/** The shipped schemes (S0–S11) as rows, refreshed from the data files on every start. */
export async function ensureSchemes(db: Kysely<DB>): Promise<void> {
  for (const scheme of SCHEMES) {
    const values = {
      key: scheme.key,
      code: scheme.code,
      name: scheme.name,
      name_en: scheme.nameEn,
      definition: JSON.stringify(scheme),
      builtin: true,
    };
    await db
      .insertInto('scheme')
      .values(values)
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          code: scheme.code,
          name: scheme.name,
          name_en: scheme.nameEn,
          definition: JSON.stringify(scheme),
          updated_at: new Date(),
        }),
      )
      .execute();
  }
}

export interface InitialAdmins {
  password: string;
  generated: boolean;
  usernames: string[];
}

/**
 * A real deployment starts with the three separated administrators and one root node for the
 * territory. They share an initial password that each must change at first login.
 */
export async function createInitialAdmins(
  db: Kysely<DB>,
  config: Config,
  hasher: PasswordHasher,
): Promise<InitialAdmins> {
  const generated = !config.initialAdminPassword;
  const password = config.initialAdminPassword ?? `Wg-${randomBytes(9).toString('base64url')}9a`;
  const names: Record<(typeof ADMIN_ROLE_KEYS)[number], [string, string]> = {
    sys_admin: ['sysadmin', '系统管理员'],
    sec_admin: ['secadmin', '安全管理员'],
    audit_admin: ['auditadmin', '审计管理员'],
  };
  await db.transaction().execute(async (trx) => {
    const root = await insertGridNode(trx, { parentId: null, kind: 'county', name: '本辖区', code: null });
    for (const role of ADMIN_ROLE_KEYS) {
      const [username, displayName] = names[role];
      const hash = await hasher.hash(password);
      const user = await trx
        .insertInto('app_user')
        .values({ username, display_name: displayName, password_hash: hash, must_change_password: true })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('password_history').values({ user_id: user.id, password_hash: hash }).execute();
      await trx.insertInto('user_role').values({ user_id: user.id, role_key: role }).execute();
      if (role !== 'audit_admin')
        await trx.insertInto('user_scope').values({ user_id: user.id, grid_id: root.id }).execute();
    }
    await appendAudit(trx, SYSTEM_ACTOR, {
      action: 'system.initialise',
      after: { admins: Object.values(names).map((n) => n[0]) },
    });
  });
  return { password, generated, usernames: Object.values(names).map((n) => n[0]) };
}

export interface Prepared {
  database: Database;
  migrated: string[];
  demo: { county: string; gridCount: number; logins: DemoLogin[] } | null;
  initialAdmins: InitialAdmins | null;
  firstStart: boolean;
}

/** Removes the demo data: the embedded database folder, or every table on a PostgreSQL server. */
export async function resetDatabase(config: Config): Promise<void> {
  if (!config.demo)
    throw new Error('--reset-demo 只能在演示模式下使用 (only in demo mode: WANGGE_DEMO=true)');
  if (config.databaseUrl) {
    const database = await openDatabase(config);
    await sql`drop schema public cascade`.execute(database.db);
    await sql`create schema public`.execute(database.db);
    await database.close();
  } else {
    fs.rmSync(path.join(config.dataDir, 'pgdata'), { recursive: true, force: true });
  }
}

/** Opens, migrates and, on an empty database, fills it (demo data or initial administrators). */
export async function prepare(
  config: Config,
  database?: Database,
  progress: (message: string) => void = () => undefined,
): Promise<Prepared> {
  if (!database) progress('打开数据库 (opening the database)…');
  const db = database ?? (await openDatabase(config));
  const migrated = await migrateToLatest(db.db);
  if (migrated.length) progress(`已执行数据库迁移 (migrated): ${migrated.join(', ')}`);
  await ensureBuiltinRoles(db.db);
  await ensureSchemes(db.db);
  await ensureCaseDefaults(db.db, config.timeZone);
  const users = await db.db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const firstStart = users.n === 0;
  const hasher = new PasswordHasher(config.argon2);
  let demo: Prepared['demo'] = null;
  let initialAdmins: InitialAdmins | null = null;
  if (firstStart) {
    if (config.demo) {
      const cipher = new FieldCipher(loadDataKey(config.dataKey, config.dataDir));
      demo = await loadDemo(db.db, {
        hasher,
        cipher,
        seed: config.demoSeed,
        password: config.demoPassword,
        open311Key: config.demoOpen311Key,
        progress,
      });
      const demoCases = await loadDemoCases(db.db, { cipher, config, seed: config.demoSeed, progress });
      progress(`演示事件 (demo cases): ${demoCases.cases}`);
    } else {
      initialAdmins = await createInitialAdmins(db.db, config, hasher);
    }
  }
  await purgeExpiredAudit(db.db, config.auditRetentionDays);
  return { database: db, migrated, demo, initialAdmins, firstStart };
}
