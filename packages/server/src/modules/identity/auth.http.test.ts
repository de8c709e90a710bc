import { SESSION_COOKIE } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  TEST_PASSWORD,
  type TestApp,
} from '../../../test/factories.ts';

describe.each(testEngines())('login, sessions and passwords on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;

  beforeAll(async () => {
    t = await createTestApp(await engine.open(), { loginRateLimit: 1000 });
    territory = await buildTerritory(t.db);
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    await buildUser(t, { username: 'sys', roles: ['sys_admin'], scopes: [territory.county.id] });
  });
  afterAll(() => t.close());

  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

  it('logs in with an HttpOnly, SameSite=Strict session cookie and returns the caller', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'CHIEF', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE)!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    expect(res.json()).toMatchObject({
      username: 'chief',
      permissions: [
        'case.approve',
        'case.dispatch',
        'case.export',
        'case.party.reveal',
        'case.read',
        'case.report',
        'dashboard.read',
        'duty.read',
        'duty.write',
        'grid.read',
        'person.phone.reveal',
      ],
      mustChangePassword: false,
    });
    const session = await t.db.selectFrom('session').select('id_hash').execute();
    expect(session.every((s) => s.id_hash !== cookie.value)).toBe(true); // only a hash of the token is stored
  });

  it('rejects a wrong password with a Chinese message and logs it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'chief', password: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误' } });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'ghost', password: 'nope' },
    });
    expect(unknown.json().error.code).toBe('INVALID_CREDENTIALS');
    const log = await t.db.selectFrom('login_log').selectAll().where('result', '=', 'failure').execute();
    expect(log.map((l) => l.username)).toEqual(expect.arrayContaining(['chief', 'ghost']));
  });

  it('logout ends the session on the server: the old cookie no longer works', async () => {
    const cookie = await login(t.app, 'chief');
    expect((await me(cookie)).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    const again = await me(cookie);
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('UNAUTHENTICATED');
  });

  it('ends a session after the idle timeout', async () => {
    const cookie = await login(t.app, 'chief');
    await t.db
      .updateTable('session')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .execute();
    const res = await me(cookie);
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toEqual({ code: 'SESSION_EXPIRED', message: '登录已超时，请重新登录' });
    const timeouts = await t.db
      .selectFrom('login_log')
      .select('result')
      .where('result', '=', 'timeout')
      .execute();
    expect(timeouts.length).toBeGreaterThan(0);
  });

  it('locks the account for 15 minutes after 5 failures, even against the right password', async () => {
    await buildUser(t, { username: 'victim', roles: ['grid_member'] });
    const attempt = (password: string) =>
      t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'victim', password } });
    for (let i = 0; i < 4; i++)
      expect((await attempt('wrong')).json().error.code).toBe('INVALID_CREDENTIALS');
    const fifth = await attempt('wrong');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json().error.code).toBe('ACCOUNT_LOCKED');
    expect(fifth.json().error.message).toMatch(/15 分钟后再试/);
    expect((await attempt(TEST_PASSWORD)).json().error.code).toBe('ACCOUNT_LOCKED');
    // When the lock has run out, the right password works again.
    await t.db
      .updateTable('app_user')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('username', '=', 'victim')
      .execute();
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('forces a first-login password change and allows nothing else until done', async () => {
    await buildUser(t, {
      username: 'newbie',
      roles: ['grid_chief'],
      scopes: [territory.townA.id],
      mustChange: true,
    });
    const cookie = await login(t.app, 'newbie');
    expect((await me(cookie)).json()).toMatchObject({
      mustChangePassword: true,
      passwordChangeReason: 'initial',
    });
    const blocked = await t.app.inject({ method: 'GET', url: '/api/grids', headers: { cookie } });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().error.code).toBe('PASSWORD_CHANGE_REQUIRED');

    const change = (newPassword: string, currentPassword = TEST_PASSWORD) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie },
        payload: { currentPassword, newPassword },
      });
    const weak = await change('short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('PASSWORD_POLICY');
    expect(weak.json().error.fields.newPassword).toMatch(/长度至少 10 位/);
    expect((await change('Another-pass1', 'wrong-current')).json().error.code).toBe('WRONG_PASSWORD');
    expect((await change(TEST_PASSWORD)).json().error.code).toBe('PASSWORD_REUSED');

    const ok = await change('Brand-New-Pass9');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().mustChangePassword).toBe(false);
    expect((await t.app.inject({ method: 'GET', url: '/api/grids', headers: { cookie } })).statusCode).toBe(
      200,
    );
  });

  it('refuses recently used passwords and forces a change when the password has expired', async () => {
    await buildUser(t, { username: 'veteran', roles: ['grid_chief'], scopes: [territory.townA.id] });
    let cookie = await login(t.app, 'veteran');
    const change = (currentPassword: string, newPassword: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie },
        payload: { currentPassword, newPassword },
      });
    expect((await change(TEST_PASSWORD, 'Second-pass-22')).statusCode).toBe(200);
    expect((await change('Second-pass-22', TEST_PASSWORD)).json().error.code).toBe('PASSWORD_REUSED');

    await t.db
      .updateTable('app_user')
      .set({ password_changed_at: new Date(Date.now() - 91 * 86_400_000) })
      .where('username', '=', 'veteran')
      .execute();
    cookie = await login(t.app, 'veteran', 'Second-pass-22');
    expect((await me(cookie)).json()).toMatchObject({
      mustChangePassword: true,
      passwordChangeReason: 'expired',
    });
  });

  it('changes a password while the settings cache is cold (no deadlock on the embedded database)', async () => {
    // Inside a transaction the policy must be read through that transaction: PGlite has one
    // connection, and reading through the outer handle would wait for ever.
    (t.app.ctx.settings as unknown as { cached: unknown }).cached = null;
    const check = t.db
      .transaction()
      .execute((trx) => t.app.ctx.auth.checkNewPassword(trx, null, 'someone', 'Frosty-pass-2026'));
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('deadlock')), 5000));
    await expect(Promise.race([check, timeout])).resolves.toBeUndefined();
  });

  it('exempts demo accounts from forced change and expiry', async () => {
    await buildUser(t, { username: 'demo1', roles: ['leader'], isDemo: true, mustChange: true });
    await t.db
      .updateTable('app_user')
      .set({ password_changed_at: new Date(Date.now() - 400 * 86_400_000) })
      .where('username', '=', 'demo1')
      .execute();
    const cookie = await login(t.app, 'demo1');
    expect((await me(cookie)).json()).toMatchObject({
      mustChangePassword: false,
      isDemo: true,
      passwordExpiresAt: null,
    });
  });

  it('an administrator password reset forces a change and ends the user’s sessions', async () => {
    const userId = await buildUser(t, {
      username: 'forgetful',
      roles: ['grid_member'],
      scopes: [territory.villageA.id],
    });
    const userCookie = await login(t.app, 'forgetful');
    const sys = await login(t.app, 'sys');
    const reset = await t.app.inject({
      method: 'POST',
      url: `/api/users/${userId}/reset-password`,
      headers: { cookie: sys },
      payload: { password: 'Temporary-pass-1' },
    });
    expect(reset.statusCode).toBe(204);
    expect((await me(userCookie)).statusCode).toBe(401);
    const cookie = await login(t.app, 'forgetful', 'Temporary-pass-1');
    expect((await me(cookie)).json().mustChangePassword).toBe(true);
  });

  it('records every login event in the login log and the audit log', async () => {
    const events = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'auth.%')
      .execute();
    expect(new Set(events.map((e) => e.action))).toEqual(
      new Set([
        'auth.success',
        'auth.failure',
        'auth.logout',
        'auth.timeout',
        'auth.locked',
        'auth.password.change',
      ]),
    );
  });
});

describe('login rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await testEngines()[0]!.open(), { loginRateLimit: 3 });
  });
  afterAll(() => t.close());

  it('limits login attempts per client and logs the refusal', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'x', password: 'y' },
      });
      codes.push(res.json().error.code);
    }
    expect(codes).toEqual([
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'INVALID_CREDENTIALS',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
    await new Promise((r) => setTimeout(r, 50));
    const limited = await t.db
      .selectFrom('login_log')
      .select('result')
      .where('result', '=', 'rate_limited')
      .execute();
    expect(limited.length).toBe(2);
  });
});

describe('HTTP hygiene', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(await testEngines()[0]!.open(), { bodyLimitBytes: 2048 });
  });
  afterAll(() => t.close());

  it('answers bad input with the one error model, never a 500', async () => {
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: '', extra: 1 },
    });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: '提交的数据有误，请检查标出的字段',
    });
    expect(invalid.json().error.fields).toMatchObject({ username: '不能为空', password: '必填' });

    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username":',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.code).toBe('BAD_REQUEST');

    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'a', password: 'x'.repeat(5000) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const wrongType = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'text/xml' },
      payload: '<a/>',
    });
    expect(wrongType.statusCode).toBe(415);

    const missing = await t.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');

    const anonymous = await t.app.inject({ method: 'GET', url: '/api/users' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('answers ids, pages and text the database cannot hold with 400, not 500', async () => {
    await buildUser(t, { username: 'hyg', roles: ['sys_admin'] });
    const cookie = await login(t.app, 'hyg');
    for (const url of [
      '/api/users/3000000000',
      '/api/users?page=1000000000000000000',
      '/api/grids?parentId=99999999999',
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const nul = await t.app.inject({ method: 'GET', url: '/api/users?q=a%00b', headers: { cookie } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json().error.code).toBe('BAD_REQUEST');
    const nulLogin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'a\u0000', password: 'x' },
    });
    expect(nulLogin.statusCode).toBe(400);
  });

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers).toMatchObject({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'x-dns-prefetch-control': 'off',
      'x-permitted-cross-domain-policies': 'none',
    });
    // Refusals and unknown addresses carry them too.
    for (const url of ['/api/auth/me', '/api/no-such-thing']) {
      const refused = await t.app.inject({ method: 'GET', url });
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      expect(refused.headers['content-security-policy']).toContain("default-src 'self'");
      expect(refused.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('reports health and publishes an OpenAPI document built from the route schemas', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(health.json()).toMatchObject({ status: 'ok', database: 'pglite', version: '0.1.0', demo: false });
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(
      ['username', 'password'],
    );
    expect(doc.paths['/api/users'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['page', 'pageSize', 'q']),
    );
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
