import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildTerritory, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';

describe.each(testEngines())('authorisation on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  const ids = {} as Record<
    'sys' | 'sysA' | 'sec' | 'secA' | 'audit' | 'chiefA' | 'memberA' | 'memberB' | 'chiefB',
    number
  >;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    const { county, townA, townB, villageA, villageB } = territory;
    ids.sys = await buildUser(t, { username: 'sys', roles: ['sys_admin'], scopes: [county.id] });
    ids.sysA = await buildUser(t, { username: 'sys_a', roles: ['sys_admin'], scopes: [townA.id] });
    ids.sec = await buildUser(t, { username: 'sec', roles: ['sec_admin'], scopes: [county.id] });
    ids.secA = await buildUser(t, { username: 'sec_a', roles: ['sec_admin'], scopes: [townA.id] });
    ids.audit = await buildUser(t, { username: 'auditor', roles: ['audit_admin'] });
    ids.chiefA = await buildUser(t, {
      username: 'chief_a',
      roles: ['grid_chief'],
      scopes: [townA.id],
      phone: '13800138000',
    });
    ids.memberA = await buildUser(t, { username: 'member_a', roles: ['grid_member'], scopes: [villageA.id] });
    ids.memberB = await buildUser(t, { username: 'member_b', roles: ['grid_member'], scopes: [villageB.id] });
    ids.chiefB = await buildUser(t, { username: 'chief_b', roles: ['grid_chief'], scopes: [townB.id] });
    for (const name of ['sys', 'sys_a', 'sec', 'sec_a', 'auditor', 'chief_a', 'member_b'])
      cookies[name] = await login(t.app, name);
  });
  afterAll(() => t.close());

  const call = (
    who: string,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
  ) => t.app.inject({ method, url, headers: { cookie: cookies[who]! }, ...(payload ? { payload } : {}) });

  describe('data scope', () => {
    it('a grid chief sees only their subtree', async () => {
      const roots = (await call('chief_a', 'GET', '/api/grids')).json();
      expect(roots.items.map((n: { name: string }) => n.name)).toEqual(['甲镇']);
      const search = (await call('chief_a', 'GET', `/api/grids?q=${encodeURIComponent('村')}`)).json();
      expect(search.items.map((n: { name: string }) => n.name)).toEqual(['甲村']);
      const children = (await call('chief_a', 'GET', `/api/grids?parentId=${territory.townA.id}`)).json();
      expect(children.items.map((n: { name: string }) => n.name)).toEqual(['甲村']);
    });

    it('cannot read anything outside it', async () => {
      for (const url of [
        `/api/grids/${territory.townB.id}`,
        `/api/grids/${territory.villageB.id}`,
        `/api/grids/${territory.county.id}`,
        `/api/grids?parentId=${territory.townB.id}`,
      ]) {
        const res = await call('chief_a', 'GET', url);
        expect(res.statusCode, url).toBe(403);
        expect(res.json().error.code).toBe('OUT_OF_SCOPE');
      }
      expect((await call('chief_a', 'GET', `/api/grids/${territory.villageA.id}`)).statusCode).toBe(200);
    });

    it('a system administrator scoped to one town cannot change a grid outside it', async () => {
      const outside = await call('sys_a', 'PATCH', `/api/grids/${territory.villageB.id}`, { name: '改名' });
      expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
      const row = await t.db
        .selectFrom('grid_node')
        .select('name')
        .where('id', '=', territory.villageB.id)
        .executeTakeFirstOrThrow();
      expect(row.name).toBe('乙村');
      const inside = await call('sys_a', 'PATCH', `/api/grids/${territory.villageA.id}`, {
        name: '甲村新名',
      });
      expect(inside.statusCode).toBe(200);
      expect(inside.json().name).toBe('甲村新名');
    });

    it('a scoped administrator sees and manages only users inside their subtree', async () => {
      const list = (await call('sys_a', 'GET', '/api/users?pageSize=100')).json();
      const names = list.items.map((u: { username: string }) => u.username).sort();
      expect(names).toEqual(['chief_a', 'member_a', 'sec_a', 'sys_a']);
      const dashboard = (await call('sys_a', 'GET', '/api/dashboard')).json();
      expect(dashboard.userCount).toBe(4);
      expect(dashboard.gridCounts).toEqual([
        { kind: 'town', count: 1 },
        { kind: 'village', count: 1 },
      ]);
      expect((await call('sys_a', 'GET', `/api/users/${ids.memberB}`)).json().error.code).toBe(
        'OUT_OF_SCOPE',
      );
      expect(
        (await call('sys_a', 'PATCH', `/api/users/${ids.memberB}`, { displayName: 'x' })).json().error.code,
      ).toBe('OUT_OF_SCOPE');
      expect(
        (await call('sys_a', 'PATCH', `/api/users/${ids.sys}`, { status: 'disabled' })).json().error.code,
      ).toBe('OUT_OF_SCOPE');
      expect(
        (await call('sec_a', 'PUT', `/api/users/${ids.memberB}/roles`, { roles: ['grid_chief'] })).json()
          .error.code,
      ).toBe('OUT_OF_SCOPE');
    });

    it('cannot hand out a scope larger than their own', async () => {
      const res = await call('sec_a', 'PUT', `/api/users/${ids.memberA}/scopes`, {
        gridIds: [territory.villageA.id, territory.townB.id],
      });
      expect(res.json().error.code).toBe('OUT_OF_SCOPE');
      const scopes = await t.db
        .selectFrom('user_scope')
        .select('grid_id')
        .where('user_id', '=', ids.memberA)
        .execute();
      expect(scopes.map((s) => s.grid_id)).toEqual([territory.villageA.id]); // unchanged: no partial write
      const ok = await call('sec_a', 'PUT', `/api/users/${ids.memberA}/scopes`, {
        gridIds: [territory.townA.id],
      });
      expect(ok.json().scopes.map((s: { name: string }) => s.name)).toEqual(['甲镇']);
    });

    it('a scope change takes effect on the user’s next request', async () => {
      await call('sec', 'PUT', `/api/users/${ids.memberB}/scopes`, { gridIds: [territory.villageA.id] });
      expect((await call('member_b', 'GET', `/api/grids/${territory.villageB.id}`)).json().error.code).toBe(
        'OUT_OF_SCOPE',
      );
      expect((await call('member_b', 'GET', `/api/grids/${territory.villageA.id}`)).statusCode).toBe(200);
    });
  });

  describe('function permissions and the three administrators', () => {
    it('each administrator can do only their own duty', async () => {
      expect((await call('auditor', 'GET', '/api/users')).json().error.code).toBe('FORBIDDEN');
      expect((await call('sys', 'GET', '/api/audit')).json().error.code).toBe('FORBIDDEN');
      expect((await call('sys', 'GET', '/api/login-log')).json().error.code).toBe('FORBIDDEN');
      expect((await call('sec', 'GET', '/api/audit')).json().error.code).toBe('FORBIDDEN');
      expect(
        (await call('sys', 'PUT', `/api/users/${ids.chiefA}/roles`, { roles: ['leader'] })).json().error.code,
      ).toBe('FORBIDDEN');
      expect(
        (
          await call('sec', 'POST', '/api/users', {
            username: 'x1',
            displayName: 'x',
            password: 'Abcdef-12345',
          })
        ).json().error.code,
      ).toBe('FORBIDDEN');
      expect((await call('chief_a', 'GET', '/api/roles')).json().error.code).toBe('FORBIDDEN');
      expect((await call('auditor', 'GET', '/api/audit')).statusCode).toBe(200);
      expect((await call('auditor', 'GET', '/api/login-log')).statusCode).toBe(200);
      const denied = await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'access.denied')
        .execute();
      expect(denied.length).toBeGreaterThanOrEqual(7);
    });

    it('no account may hold two administrator roles', async () => {
      for (const roles of [
        ['sys_admin', 'sec_admin'],
        ['sec_admin', 'audit_admin'],
        ['sys_admin', 'audit_admin'],
        ['sys_admin', 'sec_admin', 'audit_admin'],
      ]) {
        const res = await call('sec', 'PUT', `/api/users/${ids.chiefA}/roles`, { roles });
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toEqual({
          code: 'ADMIN_ROLES_EXCLUSIVE',
          message: '系统管理员、安全管理员、审计管理员三种职责不能由同一账号兼任',
        });
      }
      const roles = await t.db
        .selectFrom('user_role')
        .select('role_key')
        .where('user_id', '=', ids.chiefA)
        .execute();
      expect(roles.map((r) => r.role_key)).toEqual(['grid_chief']);
      expect(
        (await call('sec', 'PUT', `/api/users/${ids.chiefA}/roles`, { roles: ['grid_chief', 'leader'] }))
          .statusCode,
      ).toBe(200);
    });

    it('nor through a custom role that mixes duties, or by widening a role someone holds', async () => {
      const mixed = await call('sec', 'POST', '/api/roles', {
        key: 'super_user',
        name: '超级用户',
        permissions: ['user.write', 'audit.read'],
      });
      expect(mixed.json().error.code).toBe('ADMIN_ROLES_EXCLUSIVE');
      const helper = await call('sec', 'POST', '/api/roles', {
        key: 'log_reader',
        name: '日志查看',
        permissions: ['loginlog.read'],
      });
      expect(helper.statusCode).toBe(201);
      // sys holds sys_admin; giving them log_reader would combine system and audit duties.
      expect(
        (
          await call('sec', 'PUT', `/api/users/${ids.sys}/roles`, { roles: ['sys_admin', 'log_reader'] })
        ).json().error.code,
      ).toBe('ADMIN_ROLES_EXCLUSIVE');
      // A harmless role held by a system administrator cannot later be widened into audit duties.
      await call('sec', 'POST', '/api/roles', { key: 'viewer', name: '查看', permissions: ['grid.read'] });
      expect(
        (await call('sec', 'PUT', `/api/users/${ids.sys}/roles`, { roles: ['sys_admin', 'viewer'] }))
          .statusCode,
      ).toBe(200);
      expect(
        (await call('sec', 'PATCH', '/api/roles/viewer', { permissions: ['grid.read', 'audit.read'] })).json()
          .error.code,
      ).toBe('ADMIN_ROLES_EXCLUSIVE');
      // Built-in admin roles cannot be edited at all.
      expect(
        (
          await call('sec', 'PATCH', '/api/roles/sys_admin', { permissions: ['user.read', 'audit.read'] })
        ).json().error.code,
      ).toBe('BUILTIN_ROLE');
    });

    it('the system administrator cannot take over accounts holding other administrator duties', async () => {
      const reset = await call('sys', 'POST', `/api/users/${ids.audit}/reset-password`, {
        password: 'Takeover-pass-1',
      });
      expect(reset.statusCode).toBe(403);
      expect(reset.json().error).toEqual({ code: 'FORBIDDEN', message: '不能管理持有其他管理员职责的账号' });
      expect(
        (await call('sys', 'PATCH', `/api/users/${ids.sec}`, { status: 'disabled' })).json().error.code,
      ).toBe('FORBIDDEN');
      // An ordinary account remains the system administrator's to manage.
      expect(
        (await call('sys', 'PATCH', `/api/users/${ids.chiefB}`, { displayName: '乙镇网格长' })).statusCode,
      ).toBe(200);
      expect(
        await t.db.selectFrom('session').select('user_id').where('user_id', '=', ids.audit).execute(),
      ).toHaveLength(1);
    });

    it('only a security administrator over a whole tree may grant administrator roles', async () => {
      const res = await call('sec_a', 'PUT', `/api/users/${ids.chiefA}/roles`, { roles: ['audit_admin'] });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toContain('管理员角色');
      expect(
        (await call('sec_a', 'PUT', `/api/users/${ids.sysA}/roles`, { roles: ['leader'] })).statusCode,
      ).toBe(403);
      expect(
        (await call('sec_a', 'PUT', `/api/users/${ids.chiefA}/roles`, { roles: ['grid_chief', 'leader'] }))
          .statusCode,
      ).toBe(200);
    });

    it('refuses state-changing calls from another origin', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: `/api/users/${ids.chiefA}/unlock`,
        headers: { cookie: cookies.sec!, origin: 'https://evil.example', host: 'localhost' },
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.message).toBe('跨站请求被拒绝');
      const same = await t.app.inject({
        method: 'POST',
        url: `/api/users/${ids.chiefA}/unlock`,
        headers: { cookie: cookies.sec!, origin: 'http://localhost', host: 'localhost' },
      });
      expect(same.statusCode).toBe(200);
    });

    it('administrators cannot change their own roles, scope or status', async () => {
      expect(
        (await call('sec', 'PUT', `/api/users/${ids.sec}/roles`, { roles: ['sec_admin', 'leader'] })).json()
          .error.code,
      ).toBe('SELF_CHANGE_FORBIDDEN');
      expect(
        (await call('sec', 'PUT', `/api/users/${ids.sec}/scopes`, { gridIds: [territory.county.id] })).json()
          .error.code,
      ).toBe('SELF_CHANGE_FORBIDDEN');
      expect(
        (await call('sys', 'PATCH', `/api/users/${ids.sys}`, { status: 'disabled' })).json().error.code,
      ).toBe('SELF_CHANGE_FORBIDDEN');
    });
  });

  describe('personal data', () => {
    it('phones are encrypted at rest, masked in lists, and every reveal is audited', async () => {
      const row = await t.db
        .selectFrom('app_user')
        .select(['phone_enc', 'phone_hash'])
        .where('id', '=', ids.chiefA)
        .executeTakeFirstOrThrow();
      expect(row.phone_enc).not.toContain('13800138000');
      expect(row.phone_enc).toMatch(/^v1\./);
      const user = (await call('sys', 'GET', `/api/users/${ids.chiefA}`)).json();
      expect(user.phoneMasked).toBe('138****8000');
      const byPhone = (await call('sys', 'GET', '/api/users?q=138-0013-8000')).json();
      expect(byPhone.items.map((u: { username: string }) => u.username)).toEqual(['chief_a']);
      const revealed = await call('sys', 'POST', `/api/users/${ids.chiefA}/reveal-phone`);
      expect(revealed.json()).toEqual({ phone: '13800138000' });
      const audit = await t.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'personal.reveal')
        .where('target_id', '=', String(ids.chiefA))
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_name).toBe('sys');
      const allAudit = await sql<{
        text: string;
      }>`select string_agg(coalesce(before::text, '') || coalesce(after::text, ''), ' ') as text from audit_log`.execute(
        t.db,
      );
      expect(allAudit.rows[0]!.text).not.toContain('13800138000');
    });

    it('rejects an invalid phone with a field error and writes nothing', async () => {
      const res = await call('sys', 'PATCH', `/api/users/${ids.chiefA}`, {
        phone: '12345',
        displayName: '新名字',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields).toEqual({ phone: '应为 11 位手机号，如 13800138000' });
      const row = await t.db
        .selectFrom('app_user')
        .select('display_name')
        .where('id', '=', ids.chiefA)
        .executeTakeFirstOrThrow();
      expect(row.display_name).toBe('chief_a');
    });
  });

  describe('user administration', () => {
    it('creates users who must change their password at first login, audited with before and after', async () => {
      const created = await call('sys', 'POST', '/api/users', {
        username: 'wang.wu',
        displayName: '王五',
        phone: '+86 139 0000 1111',
        password: 'Initial-pass-1',
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        username: 'wang.wu',
        mustChangePassword: true,
        phoneMasked: '139****1111',
        roles: [],
      });
      const dup = await call('sys', 'POST', '/api/users', {
        username: 'WANG.WU',
        displayName: 'x',
        password: 'Initial-pass-1',
      });
      expect(dup.json().error.code).toBe('USERNAME_TAKEN');
      const weak = await call('sys', 'POST', '/api/users', {
        username: 'weak',
        displayName: 'x',
        password: 'weak',
      });
      expect(weak.json().error.code).toBe('PASSWORD_POLICY');
      expect(
        await t.db.selectFrom('app_user').select('id').where('username', '=', 'weak').execute(),
      ).toHaveLength(0);

      await call('sys', 'PATCH', `/api/users/${created.json().id}`, { displayName: '王小五' });
      const entry = await t.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.update')
        .where('target_id', '=', String(created.json().id))
        .executeTakeFirstOrThrow();
      expect(entry.before).toMatchObject({ displayName: '王五' });
      expect(entry.after).toMatchObject({ displayName: '王小五' });
    });

    it('the audit administrator verifies the chain and sees tampering', async () => {
      const ok = (await call('auditor', 'POST', '/api/audit/verify')).json();
      expect(ok).toMatchObject({ ok: true, brokenAt: null });
      expect(ok.checked).toBeGreaterThan(20);
      await sql`alter table audit_log disable trigger user`.execute(t.db);
      await sql`update audit_log set actor_name = 'someone-else' where action = 'personal.reveal'`.execute(
        t.db,
      );
      await sql`alter table audit_log enable trigger user`.execute(t.db);
      const broken = (await call('auditor', 'POST', '/api/audit/verify')).json();
      expect(broken.ok).toBe(false);
      expect(broken.reason).toContain('篡改');
    });
  });
});
