import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildGrid,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  type TestApp,
} from '../../../test/factories.ts';

describe.each(testEngines())('people on duty on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let grid1: { id: number };
  let grid2: { id: number };
  let chief: string;
  let outsider: string;

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    grid1 = await buildGrid(t.db, {
      parentId: territory.villageA.id,
      name: '甲村第1网格',
      kind: 'base_grid',
      code: '33052310120101',
    });
    grid2 = await buildGrid(t.db, {
      parentId: territory.villageA.id,
      name: '甲村第2网格',
      kind: 'base_grid',
      code: '33052310120102',
    });
    await buildUser(t, { username: 'chief', roles: ['grid_chief'], scopes: [territory.townA.id] });
    await buildUser(t, { username: 'other', roles: ['grid_chief'], scopes: [territory.townB.id] });
    chief = await login(t.app, 'chief');
    outsider = await login(t.app, 'other');
  });
  afterAll(() => t.close());

  const call = (cookie: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { cookie }, ...(payload ? { payload } : {}) });

  const person = async (name: string, phone?: string) => {
    const res = await call(chief, 'POST', '/api/people', { name, ...(phone ? { phone } : {}) });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: number; phoneMasked: string | null };
  };

  it('keeps people with masked, encrypted phones and refuses bad numbers', async () => {
    const p = await person('王网格', '13912345678');
    expect(p.phoneMasked).toBe('139****5678');
    const bad = await call(chief, 'POST', '/api/people', { name: 'x', phone: '12345' });
    expect(bad.json().error.fields).toEqual({ phone: '应为 11 位手机号，如 13800138000' });
    const revealed = await call(chief, 'POST', `/api/people/${p.id}/reveal-phone`);
    expect(revealed.json()).toEqual({ phone: '13912345678' });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'personal.reveal')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('records the reason given for a reveal, and refuses one too long', async () => {
    const p = await person('赵网格', '13912340000');
    const res = await call(chief, 'POST', `/api/people/${p.id}/reveal-phone`, { reason: '核实群众来电' });
    expect(res.json()).toEqual({ phone: '13912340000' });
    const entry = await t.db
      .selectFrom('audit_log')
      .select(['after', 'target_type', 'target_id'])
      .where('action', '=', 'personal.reveal')
      .where('target_id', '=', String(p.id))
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ target_type: 'person', after: { field: 'phone', reason: '核实群众来电' } });
    const long = await call(chief, 'POST', `/api/people/${p.id}/reveal-phone`, { reason: '长'.repeat(501) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('keeps a photo per person, checked by its content, not its name', async () => {
    const p = await person('照片人员');
    // A 1×1 PNG.
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    const ok = await call(chief, 'PUT', `/api/people/${p.id}/photo`, {
      dataUrl: `data:image/png;base64,${png.toString('base64')}`,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().hasPhoto).toBe(true);
    const back = await call(chief, 'GET', `/api/people/${p.id}/photo`);
    expect(back.headers['content-type']).toBe('image/png');
    expect(back.rawPayload.equals(png)).toBe(true);
    const fake = await call(chief, 'PUT', `/api/people/${p.id}/photo`, {
      dataUrl: `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`,
    });
    expect(fake.statusCode).toBe(400);
    expect(fake.json().error.fields.dataUrl).toContain('JPEG');
  });

  it('assigns duties inside the scope only, and no twice', async () => {
    const p = await person('李网格');
    const ok = await call(chief, 'POST', '/api/duties', {
      personId: p.id,
      nodeId: grid1.id,
      role: 'member',
      validFrom: '2026-01-01',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({
      personName: '李网格',
      nodeName: '甲村第1网格',
      role: 'member',
      roleName: '网格员',
      validTo: null,
    });
    expect(
      (await call(chief, 'POST', '/api/duties', { personId: p.id, nodeId: grid1.id, role: 'member' }))
        .statusCode,
    ).toBe(409);
    expect(
      (await call(chief, 'POST', '/api/duties', { personId: p.id, nodeId: grid1.id, role: 'wizard' })).json()
        .error.fields.role,
    ).toContain('未知');
    expect(
      (
        await call(chief, 'POST', '/api/duties', {
          personId: p.id,
          nodeId: territory.villageB.id,
          role: 'member',
        })
      ).json().error.code,
    ).toBe('OUT_OF_SCOPE');
    expect((await call(outsider, 'GET', `/api/duties?nodeId=${grid1.id}`)).json().error.code).toBe(
      'OUT_OF_SCOPE',
    );
    // Someone on duty only outside the caller's scope cannot be pulled in (nor revealed through it).
    const elsewhere = (await call(chief, 'POST', '/api/people', { name: '乙镇人员' })).json();
    await t.db
      .insertInto('duty')
      .values({
        person_id: elsewhere.id,
        node_id: territory.villageB.id,
        role: 'member',
        valid_from: '2026-01-01',
      })
      .execute();
    const pulled = await call(chief, 'POST', '/api/duties', {
      personId: elsewhere.id,
      nodeId: grid1.id,
      role: 'member',
    });
    expect(pulled.json().error.code).toBe('OUT_OF_SCOPE');
  });

  it('follows the scheme: only the duties of the node’s level', async () => {
    await t.db
      .updateTable('grid_node')
      .set({ scheme: 'county_safety', level: 3 })
      .where('id', '=', grid2.id)
      .execute();
    const p = await person('赵楼长');
    const res = await call(chief, 'POST', '/api/duties', {
      personId: p.id,
      nodeId: grid2.id,
      role: 'building_chief',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields.role).toBe('“基础网格”一级可设的职责：网格长、网格员');
  });

  it('reports base grids with nobody on duty', async () => {
    const gaps = (await call(chief, 'GET', `/api/duties/gaps?nodeId=${territory.townA.id}`)).json();
    expect(gaps.items.map((g: { name: string }) => g.name)).toEqual(['甲村第2网格']);
    expect(gaps.items[0].path).toEqual(['测试县', '甲镇', '甲村', '甲村第2网格']);
    const p = await person('钱网格');
    await call(chief, 'POST', '/api/duties', { personId: p.id, nodeId: grid2.id, role: 'member' });
    expect((await call(chief, 'GET', `/api/duties/gaps?nodeId=${territory.townA.id}`)).json().total).toBe(0);
  });

  it('hands over: one assignment ends and the successor starts the same role, history kept', async () => {
    const from = await person('孙老网格');
    const to = await person('周新网格');
    const duty = (
      await call(chief, 'POST', '/api/duties', {
        personId: from.id,
        nodeId: grid1.id,
        role: 'chief',
        validFrom: '2026-02-01',
      })
    ).json();
    const res = await call(chief, 'POST', `/api/duties/${duty.id}/handover`, {
      toPersonId: to.id,
      date: '2026-10-01',
      note: '工作调动',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().ended).toMatchObject({ personName: '孙老网格', validTo: '2026-10-01' });
    expect(res.json().started).toMatchObject({
      personName: '周新网格',
      role: 'chief',
      validFrom: '2026-10-01',
      validTo: null,
      note: '工作调动',
    });
    const current = (await call(chief, 'GET', `/api/duties?nodeId=${grid1.id}`)).json();
    expect(current.items.map((d: { personName: string }) => d.personName).sort()).toEqual(
      ['周新网格', '李网格'].sort(),
    );
    const history = (await call(chief, 'GET', `/api/duties?nodeId=${grid1.id}&history=true`)).json();
    expect(history.total).toBe(3);
    expect(
      (await call(chief, 'POST', `/api/duties/${duty.id}/handover`, { toPersonId: to.id })).json().error.code,
    ).toBe('CONFLICT');
  });

  it('lists the roster of a subtree and people over their load', async () => {
    const busy = await person('吴多面');
    for (const nodeId of [territory.townA.id, territory.villageA.id, grid1.id, grid2.id]) {
      // grid2 follows the county scheme, whose base level has chiefs and members only.
      const role = nodeId === grid2.id ? 'chief' : 'supervisor';
      const r = await call(chief, 'POST', '/api/duties', { personId: busy.id, nodeId, role });
      expect(r.statusCode, r.body).toBeLessThan(300);
    }
    const roster = (
      await call(chief, 'GET', `/api/duties?nodeId=${territory.townA.id}&subtree=true&pageSize=100`)
    ).json();
    expect(roster.total).toBeGreaterThanOrEqual(7);
    const overload = (
      await call(chief, 'GET', `/api/duties/overload?nodeId=${territory.townA.id}&max=3`)
    ).json();
    expect(overload.items).toEqual([{ personId: busy.id, name: '吴多面', phoneMasked: null, duties: 4 }]);
  });

  it('keeps departments with their sectors, categories and staff', async () => {
    await buildUser(t, { username: 'sys', roles: ['sys_admin'], scopes: [territory.county.id] });
    const sys = await login(t.app, 'sys');
    const created = await call(sys, 'POST', '/api/departments', {
      name: '应急管理局',
      code: 'YJJ',
      sectors: ['危化品', '非煤矿山'],
      categories: ['突发事件'],
    });
    expect(created.statusCode).toBe(201);
    expect((await call(sys, 'POST', '/api/departments', { name: 'x', code: 'YJJ' })).statusCode).toBe(409);
    const p = await person('郑部门');
    const withStaff = (
      await call(sys, 'POST', `/api/departments/${created.json().id}/staff`, { personId: p.id, role: 'head' })
    ).json();
    expect(withStaff.staff).toEqual([{ personId: p.id, name: '郑部门', role: 'head' }]);
    const removed = (await call(sys, 'DELETE', `/api/departments/${created.json().id}/staff/${p.id}`)).json();
    expect(removed.staff).toEqual([]);
    expect((await call(chief, 'POST', '/api/departments', { name: 'y', code: 'Y' })).json().error.code).toBe(
      'FORBIDDEN',
    );
  });
});
