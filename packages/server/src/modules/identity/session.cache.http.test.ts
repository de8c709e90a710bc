import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { testEngines } from '../../../test/engines.ts';
import { buildTerritory, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';

// Sessions and their permissions are kept in memory between requests. Whatever changes what a
// session may do must take effect on the very next request, however it was written.
describe.each(testEngines())('kept sessions on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let chief: number;
  let cookie: string;

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
  });
  afterAll(() => t.close());

  const me = async (c = cookie, app = t.app) => {
    const res = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c } });
    return { status: res.statusCode, body: res.json() };
  };
  const grids = (c = cookie) => t.app.inject({ method: 'GET', url: '/api/grids', headers: { cookie: c } });
  // Every pooled connection hears every announcement, each when the event loop reads its socket:
  // on a loaded machine the announcement of a setup write (a new role, the login's session) may
  // reach a connection well after the write. Waits until none has come for a while.
  const announcementsSettled = async (quietMs = 300, maxMs = 10_000) => {
    let last = Date.now();
    const hear = () => (last = Date.now());
    t.database.notifications.on('wangge_auth', hear);
    try {
      const until = Date.now() + maxMs;
      while (Date.now() - last < quietMs && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    } finally {
      t.database.notifications.off('wangge_auth', hear);
    }
  };

  it('sees role, role-definition, scope, grid and user changes written straight to the database at once', async () => {
    chief = await buildUser(t, {
      username: 'kept_chief',
      roles: ['grid_chief'],
      scopes: [territory.townA.id],
    });
    cookie = await login(t.app, 'kept_chief');
    expect((await grids()).statusCode).toBe(200);
    expect((await me()).body.roles.map((r: { key: string }) => r.key)).toEqual(['grid_chief']);

    // A role's definition loses a permission (another tool, or psql).
    const granted = await t.db
      .selectFrom('role')
      .select('permissions')
      .where('key', '=', 'grid_chief')
      .executeTakeFirstOrThrow();
    await sql`update role set permissions = array_remove(permissions, 'grid.read') where key = 'grid_chief'`.execute(
      t.db,
    );
    expect((await grids()).statusCode).toBe(403);
    await t.db
      .updateTable('role')
      .set({ permissions: granted.permissions })
      .where('key', '=', 'grid_chief')
      .execute();
    expect((await grids()).statusCode).toBe(200);

    // The user's roles and scopes.
    await t.db.insertInto('user_role').values({ user_id: chief, role_key: 'grid_member' }).execute();
    expect((await me()).body.roles.map((r: { key: string }) => r.key)).toEqual(['grid_chief', 'grid_member']);
    await t.db.deleteFrom('user_role').where('user_id', '=', chief).execute();
    expect((await me()).body.permissions).toEqual([]);
    expect((await grids()).statusCode).toBe(403);
    await t.db.insertInto('user_role').values({ user_id: chief, role_key: 'grid_chief' }).execute();
    await t.db.insertInto('user_scope').values({ user_id: chief, grid_id: territory.townB.id }).execute();
    expect((await me()).body.scopes.map((s: { name: string }) => s.name)).toEqual(['甲镇', '乙镇']);

    // A grid in the user's scope is renamed.
    await t.db
      .updateTable('grid_node')
      .set({ name: '甲镇（新）' })
      .where('id', '=', territory.townA.id)
      .execute();
    expect((await me()).body.scopes.map((s: { name: string }) => s.name)).toEqual(['甲镇（新）', '乙镇']);

    // The user's own record.
    await t.db.updateTable('app_user').set({ display_name: '王网格长' }).where('id', '=', chief).execute();
    expect((await me()).body.displayName).toBe('王网格长');
    await t.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', chief).execute();
    expect((await me()).status).toBe(401);
  });

  it('ends a session at once when it is deleted or idle, and after logging out', async () => {
    const id = await buildUser(t, {
      username: 'kept_member',
      roles: ['grid_member'],
      scopes: [territory.villageA.id],
    });
    let c = await login(t.app, 'kept_member');
    expect((await me(c)).status).toBe(200);
    await t.db.deleteFrom('session').where('user_id', '=', id).execute();
    expect((await me(c)).status).toBe(401);

    c = await login(t.app, 'kept_member');
    expect((await me(c)).status).toBe(200);
    await t.db
      .updateTable('session')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where('user_id', '=', id)
      .execute();
    expect((await me(c)).body.error.code).toBe('SESSION_EXPIRED');

    // Emptied wholesale (an administrator ending every session).
    c = await login(t.app, 'kept_member');
    expect((await me(c)).status).toBe(200);
    await sql`truncate session`.execute(t.db);
    expect((await me(c)).status).toBe(401);

    c = await login(t.app, 'kept_member');
    expect((await me(c)).status).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: c } });
    expect(out.statusCode).toBeLessThan(300);
    expect((await me(c)).status).toBe(401);
  });

  it('announces what can refuse a session, but not the touch that only keeps one alive', async () => {
    const id = await buildUser(t, {
      username: 'kept_touch',
      roles: ['grid_member'],
      scopes: [territory.villageA.id],
    });
    const c = await login(t.app, 'kept_touch');
    // Heard on one connection (every connection of a pool hears every announcement): a second
    // pool with one connection on the server, or PGlite's own.
    const listener = engine.openAgain ? await engine.openAgain(t.database) : t.database;
    if (listener !== t.database) await sql`select 1`.execute(listener.db);
    const heard: string[] = [];
    const hear = (payload: string) => heard.push(payload);
    listener.notifications.on('wangge_auth', hear);
    try {
      // Activity moved back (as if the session had been idle a minute): announced, and the
      // next request reads the session again and touches it, since it was last recorded a minute
      // ago.
      await t.db
        .updateTable('session')
        .set({ last_seen_at: new Date(Date.now() - 60_000) })
        .where('user_id', '=', id)
        .execute();
      await expect.poll(() => heard.filter((p) => p === String(id)).length).toBe(1);
      expect((await me(c)).status).toBe(200);
      const touched = await t.db
        .selectFrom('session')
        .select('last_seen_at')
        .where('user_id', '=', id)
        .executeTakeFirstOrThrow();
      expect(Date.now() - touched.last_seen_at.getTime()).toBeLessThan(10_000);
      // A later announcement arrives after any the touch would have made (commit order).
      await t.db.updateTable('app_user').set({ display_name: '标记' }).where('id', '=', chief).execute();
      await expect.poll(() => heard.includes(String(chief))).toBe(true);
      expect(heard.filter((p) => p === String(id))).toHaveLength(1);

      // A new expiry is announced; so is the end of the session.
      await t.db
        .updateTable('session')
        .set({ expires_at: new Date(Date.now() - 1000) })
        .where('user_id', '=', id)
        .execute();
      await expect.poll(() => heard.filter((p) => p === String(id)).length).toBe(2);
      expect((await me(c)).body.error.code).toBe('SESSION_EXPIRED');
      // The expired session deleted.
      await expect.poll(() => heard.filter((p) => p === String(id)).length).toBe(3);
    } finally {
      listener.notifications.off('wangge_auth', hear);
      if (listener !== t.database) await listener.close();
    }
  });

  it.runIf(engine.openAgain)(
    'keeps what it kept while another connection still listens, when one of several is lost',
    async () => {
      await buildUser(t, { username: 'kept_pool', roles: ['grid_chief'], scopes: [territory.townA.id] });
      const c = await login(t.app, 'kept_pool');
      expect((await me(c)).status).toBe(200);
      // Several connections in the pool at once.
      const pids = await Promise.all(
        Array.from({ length: 3 }, async () =>
          Number(
            (await sql<{ pid: number }>`select pg_backend_pid() as pid, pg_sleep(0.1)`.execute(t.db)).rows[0]!
              .pid,
          ),
        ),
      );
      expect(new Set(pids).size).toBeGreaterThan(1);
      const events: string[] = [];
      const onLost = () => events.push('lost');
      const onReset = () => events.push('reset');
      t.database.notifications.on('lost', onLost);
      t.database.notifications.on('reset', onReset);
      const admin = await engine.openAgain!(t.database);
      try {
        await sql`select pg_terminate_backend(${pids[0]!})`.execute(admin.db);
        await expect.poll(() => events).toEqual(['lost']);
        // The session is still kept, and still answers.
        expect((await me(c)).status).toBe(200);
        expect(events).toEqual(['lost']);
      } finally {
        t.database.notifications.off('lost', onLost);
        t.database.notifications.off('reset', onReset);
        await admin.close();
      }
    },
  );

  it.runIf(engine.openAgain)(
    'drops everything it kept when a connection is lost, since announcements may have been lost with it',
    async () => {
      const id = await buildUser(t, {
        username: 'kept_lost',
        roles: ['grid_chief'],
        scopes: [territory.townA.id],
      });
      const c = await login(t.app, 'kept_lost');
      await announcementsSettled();
      expect((await me(c)).body.roles).toHaveLength(1);
      // A change nobody announces (the trigger is off for it)...
      await sql`alter table user_role disable trigger user_role_auth_changed`.execute(t.db);
      try {
        await t.db.deleteFrom('user_role').where('user_id', '=', id).execute();
      } finally {
        await sql`alter table user_role enable trigger user_role_auth_changed`.execute(t.db);
      }
      // ...is not seen while the session is kept (what the announcements are for)...
      expect((await me(c)).body.roles).toHaveLength(1);
      // ...but once the server loses its connections (a restart, a failover), it reads again.
      const admin = await engine.openAgain!(t.database);
      try {
        await sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`.execute(admin.db);
      } finally {
        await admin.close();
      }
      const deadline = Date.now() + 5000;
      let roles: unknown[] = [1];
      while (Date.now() < deadline) {
        const res = await me(c);
        if (res.status === 200 && !(roles = res.body.roles).length) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(roles).toEqual([]);
    },
  );

  it.runIf(engine.openAgain)(
    "hears another server's changes: a second server on the same database drops its kept session",
    async () => {
      const second = await engine.openAgain!(t.database);
      const other = await buildApp(t.config, second, { logger: false });
      try {
        await buildUser(t, { username: 'kept_two', roles: ['grid_chief'], scopes: [territory.townA.id] });
        const c = await login(t.app, 'kept_two');
        // Both servers have seen (and keep) the session.
        expect((await me(c, other)).status).toBe(200);
        expect((await me(c, t.app)).status).toBe(200);
        // The first server's administrator takes the role away through the API...
        const admin = await buildUser(t, {
          username: 'kept_sec',
          roles: ['sec_admin'],
          scopes: [territory.county.id],
        });
        const adminCookie = await login(t.app, 'kept_sec');
        const userId = (await me(c)).body.id as number;
        const res = await t.app.inject({
          method: 'PUT',
          url: `/api/users/${userId}/roles`,
          headers: { cookie: adminCookie },
          payload: { roles: ['grid_member'] },
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(admin).toBeGreaterThan(0);
        // ...and the second server hears of it within moments.
        const deadline = Date.now() + 5000;
        let roles: string[] = [];
        while (Date.now() < deadline) {
          roles = (await me(c, other)).body.roles.map((r: { key: string }) => r.key);
          if (roles.join() === 'grid_member') break;
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(roles).toEqual(['grid_member']);
      } finally {
        await other.close();
        await second.close();
      }
    },
  );
});
