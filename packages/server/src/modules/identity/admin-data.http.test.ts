import { ERRORS } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { buildTerritory, buildUser, createTestApp, login, type TestApp } from '../../../test/factories.ts';

/** 三员分立: an administrator's personal data is theirs and the security administrator's to see. */
describe.each(testEngines())("administrators' personal data on $name", (engine) => {
  let t: TestApp;
  const ids = {} as Record<'sys' | 'sys2' | 'sec' | 'audit' | 'chief', number>;
  const phones = {
    sys: '13800000001',
    sys2: '13800000002',
    sec: '13800000003',
    audit: '13800000004',
    chief: '13800000005',
  };
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const { county, townA } = await buildTerritory(t.db);
    ids.sys = await buildUser(t, {
      username: 'sys',
      roles: ['sys_admin'],
      scopes: [county.id],
      phone: phones.sys,
    });
    ids.sys2 = await buildUser(t, {
      username: 'sys2',
      roles: ['sys_admin'],
      scopes: [county.id],
      phone: phones.sys2,
    });
    ids.sec = await buildUser(t, {
      username: 'sec',
      roles: ['sec_admin'],
      scopes: [county.id],
      phone: phones.sec,
    });
    ids.audit = await buildUser(t, { username: 'audit', roles: ['audit_admin'], phone: phones.audit });
    ids.chief = await buildUser(t, {
      username: 'chief',
      roles: ['grid_chief'],
      scopes: [townA.id],
      phone: phones.chief,
    });
    for (const name of ['sys', 'sec', 'audit']) cookies[name] = await login(t.app, name);
  });
  afterAll(() => t.close());

  const reveal = (who: string, id: number) =>
    t.app.inject({
      method: 'POST',
      url: `/api/users/${id}/reveal-phone`,
      headers: { cookie: cookies[who]! },
      payload: { reason: '核实身份' },
    });
  const auditOf = (id: number) =>
    t.db
      .selectFrom('audit_log')
      .select(['actor_name', 'result', 'after'])
      .where('action', '=', 'personal.reveal')
      .where('target_type', '=', 'user')
      .where('target_id', '=', String(id))
      .orderBy('id')
      .execute();

  it('the system administrator sees the other administrators masked in the list', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: cookies.sys! } });
    const masked = Object.fromEntries(
      res.json().items.map((u: { username: string; phoneMasked: string }) => [u.username, u.phoneMasked]),
    );
    expect(masked).toMatchObject({ sec: '138****0003', audit: '138****0004', sys2: '138****0002' });
  });

  it("refuses the system administrator another administrator's phone, and records the refusal", async () => {
    for (const id of [ids.sec, ids.audit, ids.sys2]) {
      const res = await reveal('sys', id);
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toEqual({
        code: 'ADMIN_PERSONAL_DATA',
        message: ERRORS.ADMIN_PERSONAL_DATA.zh,
      });
      expect(res.body).not.toMatch(/1380000000\d/);
      expect(await auditOf(id)).toEqual([
        { actor_name: 'sys', result: 'denied', after: { field: 'phone', refused: 'ADMIN_PERSONAL_DATA' } },
      ]);
    }
  });

  it('the system administrator still reveals their own phone and everyone else’s', async () => {
    expect((await reveal('sys', ids.sys)).json()).toEqual({ phone: phones.sys });
    expect((await reveal('sys', ids.chief)).json()).toEqual({ phone: phones.chief });
    expect(await auditOf(ids.chief)).toEqual([
      { actor_name: 'sys', result: 'success', after: { field: 'phone', reason: '核实身份' } },
    ]);
  });

  it("the security administrator reveals the administrators' phones, audited", async () => {
    for (const [id, phone] of [
      [ids.sys, phones.sys],
      [ids.audit, phones.audit],
      [ids.sec, phones.sec],
    ] as const) {
      const res = await reveal('sec', id);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ phone });
      expect((await auditOf(id)).at(-1)).toEqual({
        actor_name: 'sec',
        result: 'success',
        after: { field: 'phone', reason: '核实身份' },
      });
    }
  });

  it('but not the phones of anyone else (no reveal permission), recorded as refused', async () => {
    const before = (await auditOf(ids.chief)).length;
    const res = await reveal('sec', ids.chief);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(res.body).not.toContain(phones.chief);
    const entries = await auditOf(ids.chief);
    expect(entries).toHaveLength(before + 1);
    expect(entries.at(-1)).toMatchObject({ actor_name: 'sec', result: 'denied' });
  });

  it('the audit administrator has no reveal at all', async () => {
    const res = await reveal('audit', ids.sys);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
  });
});
