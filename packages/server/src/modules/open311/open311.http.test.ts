import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildTerritory,
  buildDepartment,
  buildDepartmentStaff,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { insertGridNode } from '../grid/grid.repository.ts';
import { OPEN311_LIMITS } from './open311.routes.ts';
import type { ServiceRequestOut as RequestOut, UpdateOut } from './open311.format.ts';
import { parseW3cDateTime, w3cDateTime } from './w3c.ts';

const square = (x: number, y: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [x, y],
      [x + d, y],
      [x + d, y + d],
      [x, y + d],
      [x, y],
    ],
  ],
});

/** W3C date-time with seconds and the offset of the deployment's zone (Asia/Shanghai). */
const SHANGHAI = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

/** Elements that repeat in GeoReport documents: always arrays after parsing, even with one item. */
const REPEATED = new Set([
  'service',
  'request',
  'request_update',
  'error',
  'endpoint',
  'format',
  'attribute',
]);
const parser = new XMLParser({
  ignoreDeclaration: true,
  parseTagValue: false,
  isArray: (name) => REPEATED.has(name),
});

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
type Json = Record<string, unknown>;

/** An XML answer: well-formed, UTF-8 declared, parsed to plain objects (text values). */
function xml(res: Res): Json {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>\n')).toBe(true);
  expect(XMLValidator.validate(res.body)).toBe(true);
  return parser.parse(res.body) as Json;
}

function json<T = unknown>(res: Res): T {
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json<T>();
}

/** How a JSON value reads in the XML document: text, null an empty element. */
function asXml(value: unknown): unknown {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(asXml);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, asXml(v)]));
  }
  return String(value);
}

interface SpecError {
  code: number;
  description: string;
}

/** A GeoReport error answer in the format the URL asked for: the HTTP status and the entries. */
function specErrors(res: Res, status: number, format: 'json' | 'xml' = 'json'): SpecError[] {
  expect(res.statusCode, res.body).toBe(status);
  if (format === 'json') {
    const body = json<SpecError[]>(res);
    expect(Array.isArray(body)).toBe(true);
    expect(body.length).toBeGreaterThan(0);
    for (const e of body) {
      expect(Object.keys(e).sort()).toEqual(['code', 'description']);
      expect(typeof e.code).toBe('number');
      expect(e.code).not.toBe(500);
      expect(e.description.length).toBeGreaterThan(0);
    }
    return body;
  }
  const doc = xml(res) as { errors: { error: { code: string; description: string }[] } };
  expect(Object.keys(doc)).toEqual(['errors']);
  const errors = doc.errors.error.map((e) => {
    expect(Object.keys(e).sort()).toEqual(['code', 'description']);
    expect(e.code).toMatch(/^\d{3}$/);
    return { code: Number(e.code), description: e.description };
  });
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) expect(e.code).not.toBe(500);
  return errors;
}

const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'lat',
  'long',
];

/** Inside 甲村第1网格 (and so 城管执法局 by the dispatch rule for 市容环境). */
const IN_GRID1 = { lat: '30.605', long: '119.605' };

describe.each(testEngines())('Open311 GeoReport v2 on $name', (engine) => {
  let t: TestApp;
  let territory: Awaited<ReturnType<typeof buildTerritory>>;
  let grid1: { id: number; path: string };
  let dept1: number;
  let cat: Record<string, number>;
  let secret: string;
  let keyId: number;
  const cookies: Record<string, string> = {};
  // Every test calls from an address of its own, so the per-address limits of one test never
  // spill into the next.
  let ipCounter = 0;
  let ip = '10.0.0.1';

  const { call, ok } = requests(() => t.app, cookies);
  const get = (url: string) => t.app.inject({ method: 'GET', url, remoteAddress: ip });
  const form = (fields: Record<string, string | string[]>) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const x of [v].flat()) p.append(k, x);
    return p.toString();
  };
  const post = (fields: Record<string, string | string[]>, format: 'json' | 'xml' = 'json') =>
    t.app.inject({
      method: 'POST',
      url: `/open311/v2/requests.${format}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form(fields),
      remoteAddress: ip,
    });
  /** A valid report; `fields` override or add. */
  const report = async (fields: Record<string, string | string[]> = {}) => {
    const res = await post({
      api_key: secret,
      service_code: 'SRHJ01',
      description: '小区门口垃圾堆积三天无人清运',
      ...IN_GRID1,
      ...fields,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = json<{ service_request_id: string; service_notice: string; account_id: null }[]>(res);
    expect(body).toHaveLength(1);
    return body[0]!;
  };
  const requestJson = async (id: string) => {
    const res = await get(`/open311/v2/requests/${id}.json`);
    expect(res.statusCode, res.body).toBe(200);
    const body = json<RequestOut[]>(res);
    expect(body).toHaveLength(1);
    return body[0]!;
  };
  const requestsJson = async (query: string) => {
    const res = await get(`/open311/v2/requests.json?${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return json<RequestOut[]>(res);
  };
  const ids = (list: { service_request_id: string }[]) => list.map((r) => r.service_request_id);
  const caseByNumber = async (number: string) => {
    const list = await ok('command', 'GET', `/api/cases?q=${number}`);
    expect(list.items).toHaveLength(1);
    return ok('command', 'GET', `/api/cases/${list.items[0].id}`);
  };
  const caseCount = async () =>
    Number(
      (
        await t.db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const setSwitches = (s: object) => ok('command', 'PUT', '/api/case-settings', s);

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    territory = await buildTerritory(t.db);
    grid1 = await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
      geometry: square(119.6, 30.6, 0.01),
    });
    await insertGridNode(t.db, {
      parentId: territory.villageB.id,
      kind: 'base_grid',
      name: '乙村第1网格',
      code: '33052310220101',
      geometry: square(119.7, 30.6, 0.01),
    });
    t.app.ctx.locator.invalidate();
    const categories = await t.db.selectFrom('case_category').select(['id', 'code']).execute();
    cat = Object.fromEntries(categories.map((c) => [c.code, c.id]));

    const dep = (name: string, code: string) => buildDepartment(t.db, name, code);
    dept1 = await dep('城管执法局', 'CG');
    const dept2 = await dep('派出所', 'PCS');
    const staff = (username: string, departmentId: number, phone: string) =>
      buildDepartmentStaff(t, { username, departmentId, phone, scopeId: territory.county.id });
    await staff('cg1', dept1, '13900000001');
    await staff('police', dept2, '13900000003');
    await buildUser(t, { username: 'member', roles: ['grid_member'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'worker', roles: ['social_worker'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    await buildUser(t, { username: 'sysadmin', roles: ['sys_admin'], scopes: [territory.county.id] });
    for (const u of ['cg1', 'police', 'member', 'worker', 'command', 'sysadmin'])
      cookies[u] = await login(t.app, u);

    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.SRHJ, departmentId: dept1 });
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: cat.ZA, departmentId: dept2 });
    await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: true });

    const created = await ok('sysadmin', 'POST', '/api/api-keys', { name: '市民热线 App' });
    secret = created.secret;
    keyId = created.key.id;
  });
  afterAll(() => t.close());
  beforeEach(() => {
    ipCounter += 1;
    ip = `10.${Math.floor(ipCounter / 250)}.${ipCounter % 250}.1`;
  });

  // ================================================================ API keys

  describe('API keys', () => {
    it('are issued by the system administrator: the secret once, stored only as a keyed hash', async () => {
      const created = await ok('sysadmin', 'POST', '/api/api-keys', { name: '  第三方平台  ' });
      expect(created.secret).toMatch(/^wg311_[A-Za-z0-9_-]{32}$/);
      expect(created.key).toMatchObject({
        name: '第三方平台',
        prefix: created.secret.slice(0, 10),
        active: true,
        createdBy: 'sysadmin',
        revokedAt: null,
        lastUsedAt: null,
      });
      // The list never shows the secret again, nor its hash.
      const list = await ok('sysadmin', 'GET', '/api/api-keys');
      expect(list.items.map((k: { id: number }) => k.id)).toContain(created.key.id);
      expect(JSON.stringify(list)).not.toContain(created.secret);
      for (const k of list.items) expect(Object.keys(k).sort()).not.toContain('keyHash');
      const row = await t.db
        .selectFrom('api_key')
        .selectAll()
        .where('id', '=', created.key.id)
        .executeTakeFirstOrThrow();
      expect(JSON.stringify(row)).not.toContain(created.secret);
      expect(row.key_hash).toMatch(/\S{20,}/);
      // Audited, without the secret.
      const audit = await t.db
        .selectFrom('audit_log')
        .select(['action', 'after'])
        .where('target_type', '=', 'api_key')
        .where('target_id', '=', String(created.key.id))
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['apikey.create']);
      expect(JSON.stringify(audit)).not.toContain(created.secret);
    });

    it('are for apikey.write only, and validate names', async () => {
      for (const who of ['worker', 'command', 'member']) {
        expect((await call(who, 'GET', '/api/api-keys')).statusCode).toBe(403);
        expect((await call(who, 'POST', '/api/api-keys', { name: '越权' })).statusCode).toBe(403);
        expect((await call(who, 'POST', `/api/api-keys/${keyId}/revoke`)).statusCode).toBe(403);
      }
      expect((await call('', 'GET', '/api/api-keys')).statusCode).toBe(401);
      expect((await call('sysadmin', 'POST', '/api/api-keys', { name: '   ' })).statusCode).toBe(400);
      expect((await call('sysadmin', 'POST', '/api/api-keys', { name: 'x'.repeat(61) })).statusCode).toBe(
        400,
      );
      expect((await call('sysadmin', 'PUT', '/api/api-keys/999999', { name: '无' })).statusCode).toBe(404);
      expect((await call('sysadmin', 'POST', '/api/api-keys/999999/revoke')).statusCode).toBe(404);
    });

    it('can be renamed, and a revoked key is refused from then on', async () => {
      const created = await ok('sysadmin', 'POST', '/api/api-keys', { name: '待停用' });
      const renamed = await ok('sysadmin', 'PUT', `/api/api-keys/${created.key.id}`, { name: '旧系统' });
      expect(renamed.name).toBe('旧系统');
      const fields = {
        service_code: 'SRHJ01',
        description: '用即将停用的密钥上报',
        ...IN_GRID1,
      };
      const before = await post({ ...fields, api_key: created.secret });
      expect(before.statusCode, before.body).toBe(200);
      const used = (await ok('sysadmin', 'GET', '/api/api-keys')).items.find(
        (k: { id: number }) => k.id === created.key.id,
      );
      expect(used.lastUsedAt).not.toBeNull();
      // The case records the key and names it (as it was then) as the actor.
      const number = json<{ service_request_id: string }[]>(before)[0]!.service_request_id;
      const row = await t.db
        .selectFrom('cases')
        .select(['api_key_id'])
        .where('number', '=', number)
        .executeTakeFirstOrThrow();
      expect(row.api_key_id).toBe(created.key.id);
      const c = await caseByNumber(number);
      expect(c.timeline[0].actorName).toBe('Open311（旧系统）');

      const revoked = await ok('sysadmin', 'POST', `/api/api-keys/${created.key.id}/revoke`);
      expect(revoked.active).toBe(false);
      expect(revoked.revokedAt).not.toBeNull();
      const count = await caseCount();
      const after = await post({ ...fields, api_key: created.secret });
      const errors = specErrors(after, 403);
      expect(errors[0]!.code).toBe(403);
      expect(errors[0]!.description).toContain('api_key');
      specErrors(await post({ ...fields, api_key: created.secret }, 'xml'), 403, 'xml');
      expect(await caseCount()).toBe(count);
      // Revoking twice is a conflict; the list can show only the active or only the revoked.
      expect((await call('sysadmin', 'POST', `/api/api-keys/${created.key.id}/revoke`)).statusCode).toBe(409);
      const inactive = await ok('sysadmin', 'GET', '/api/api-keys?active=false');
      expect(inactive.items.map((k: { id: number }) => k.id)).toEqual([created.key.id]);
      const active = await ok('sysadmin', 'GET', '/api/api-keys?active=true');
      expect(active.items.every((k: { active: boolean }) => k.active)).toBe(true);
      const audit = await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('target_type', '=', 'api_key')
        .where('target_id', '=', String(created.key.id))
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['apikey.create', 'apikey.rename', 'apikey.revoke']);
    });
  });

  // ================================================================ discovery and services

  it('answers discovery in XML and JSON', async () => {
    const j = json<Json>(await get('/open311/v2/discovery.json'));
    expect(j.changeset).toMatch(SHANGHAI);
    expect(typeof j.contact).toBe('string');
    expect(typeof j.key_service).toBe('string');
    expect(j.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: expect.stringMatching(/^https?:\/\/[^/]+\/open311\/v2$/),
        changeset: j.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ]);
    const x = xml(await get('/open311/v2/discovery.xml'));
    expect(x).toEqual({
      discovery: {
        changeset: j.changeset,
        contact: j.contact,
        key_service: j.key_service,
        endpoints: {
          endpoint: [
            {
              specification: 'http://wiki.open311.org/GeoReport_v2',
              url: (j.endpoints as Json[])[0]!.url,
              changeset: j.changeset,
              type: 'production',
              formats: { format: ['text/xml', 'application/json'] },
            },
          ],
        },
      },
    });
  });

  it('lists the active categories as services, children grouped under their parent, in XML and JSON', async () => {
    const services = json<Json[]>(await get('/open311/v2/services.json'));
    const active = await t.db.selectFrom('case_category').select('code').where('active', '=', true).execute();
    expect(services.map((s) => s.service_code).sort()).toEqual(active.map((c) => c.code).sort());
    const rubbish = services.find((s) => s.service_code === 'SRHJ01')!;
    expect(rubbish).toEqual({
      service_code: 'SRHJ01',
      service_name: '暴露垃圾',
      description: expect.stringContaining('暴露垃圾'),
      metadata: false,
      type: 'realtime',
      keywords: expect.stringContaining('Exposed rubbish'),
      group: '市容环境',
    });
    expect(services.find((s) => s.service_code === 'SRHJ')!.group).toBe('市容环境');
    expect(services.find((s) => s.service_code === 'ZA')!.group).toBe('治安');
    // Tree order: a parent comes right before its children.
    const codes = services.map((s) => s.service_code);
    expect(codes.indexOf('SRHJ01')).toBe(codes.indexOf('SRHJ') + 1);
    for (const s of services) {
      expect(Object.keys(s)).toEqual([
        'service_code',
        'service_name',
        'description',
        'metadata',
        'type',
        'keywords',
        'group',
      ]);
    }

    const x = xml(await get('/open311/v2/services.xml')) as { services: { service: Json[] } };
    expect(x.services.service).toEqual(services.map(asXml));
  });

  it('drops a deactivated category from the services, refuses reports to it, and moves the changeset', async () => {
    const before = json<{ changeset: string }>(await get('/open311/v2/discovery.json')).changeset;
    // The changeset has seconds precision: make sure the change lands in a later second.
    await new Promise((r) => setTimeout(r, 1100));
    const current = await ok('command', 'GET', '/api/case-categories');
    const qt = (current as { id: number; code: string; name: string }[]).find((c) => c.code === 'QT')!;
    await ok('command', 'PUT', `/api/case-categories/${qt.id}`, { code: 'QT', name: qt.name, active: false });
    try {
      const services = json<Json[]>(await get('/open311/v2/services.json'));
      expect(services.map((s) => s.service_code)).not.toContain('QT');
      specErrors(await get('/open311/v2/services/QT.json'), 404);
      const refused = specErrors(
        await post({ api_key: secret, service_code: 'QT', description: '停用分类', ...IN_GRID1 }),
        400,
      );
      expect(refused[0]!.description).toContain('service_code');
      const after = json<{ changeset: string }>(await get('/open311/v2/discovery.json')).changeset;
      expect(Date.parse(after)).toBeGreaterThan(Date.parse(before));
    } finally {
      await ok('command', 'PUT', `/api/case-categories/${qt.id}`, {
        code: 'QT',
        name: qt.name,
        active: true,
      });
    }
  });

  it('answers a service definition, and spec errors for unknown codes and missing formats', async () => {
    expect(json(await get('/open311/v2/services/SRHJ01.json'))).toEqual({
      service_code: 'SRHJ01',
      attributes: [],
    });
    expect(xml(await get('/open311/v2/services/SRHJ01.xml'))).toEqual({
      service_definition: { service_code: 'SRHJ01', attributes: '' },
    });
    const missing = specErrors(await get('/open311/v2/services/NOPE.json'), 404);
    expect(missing[0]!.code).toBe(404);
    specErrors(await get('/open311/v2/services/NOPE.xml'), 404, 'xml');
    // No format, or an unknown one: a spec error (XML, the required format), never the app's envelope.
    specErrors(await get('/open311/v2/services/SRHJ01'), 400, 'xml');
    specErrors(await get('/open311/v2/services/SRHJ01.csv'), 400, 'xml');
    specErrors(await get('/open311/v2/services'), 400, 'xml');
    specErrors(await get('/open311/v2/services.csv'), 400, 'xml');
    specErrors(await get('/open311/v2/nothing-here.json'), 404);
    specErrors(await get('/open311/v3/services.xml'), 404, 'xml');
    specErrors(await get('/open311/v2/discovery/extra.json'), 404);
    // A method the resource does not have: a spec error too (code 405).
    for (const [method, url] of [
      ['POST', '/open311/v2/services.json'],
      ['DELETE', '/open311/v2/requests.json'],
      ['PUT', '/open311/v2/requests/SJ20000101000000.xml'],
    ] as const) {
      const res = await t.app.inject({ method, url, remoteAddress: ip });
      const errors = specErrors(res, 400, url.endsWith('.json') ? 'json' : 'xml');
      expect(errors[0]!.code).toBe(405);
    }
  });

  // ================================================================ POST requests

  it('takes a form-encoded report with a valid key: service_request_id back, an API case in the workflow', async () => {
    const res = await post({
      api_key: secret,
      service_code: 'SRHJ01',
      description: '  小区门口垃圾堆积三天无人清运  ',
      ...IN_GRID1,
      address_string: '甲村幸福路 12 号',
      first_name: '小红',
      last_name: '王',
      phone: '+86 137-0000-0001',
      email: 'wang@example.com',
      device_id: 'device-123',
      account_id: 'acct-9',
      media_url: 'https://example.com/photo.jpg',
    });
    expect(res.statusCode, res.body).toBe(200);
    const [created] = json<{ service_request_id: string; service_notice: string; account_id: null }[]>(res);
    expect(created).toEqual({
      service_request_id: expect.stringMatching(/^SJ\d{14}$/),
      service_notice: expect.stringContaining('城管执法局'),
      account_id: null,
    });
    const c = await caseByNumber(created!.service_request_id);
    expect(c).toMatchObject({
      reporterKind: 'api',
      channel: 'open311',
      nature: 'civil',
      state: 'assigned',
      gridId: grid1.id,
      departmentId: dept1,
      description: '小区门口垃圾堆积三天无人清运',
      address: '甲村幸福路 12 号',
      lng: 119.605,
      lat: 30.605,
      categoryId: cat.SRHJ01,
      reporterName: '王小红',
      reporterPhoneMasked: '137****0001',
    });
    // The media URL is a note on the timeline; the e-mail and device id are not kept anywhere.
    expect(c.timeline.map((e: { action: string }) => e.action)).toEqual([
      'report',
      'auto_dispatch',
      'comment',
    ]);
    expect(c.timeline[2].note).toContain('https://example.com/photo.jpg');
    const row = await t.db
      .selectFrom('cases')
      .selectAll()
      .where('number', '=', created!.service_request_id)
      .executeTakeFirstOrThrow();
    expect(row.api_key_id).toBe(keyId);
    expect(JSON.stringify(row)).not.toContain('wang@example.com');
    expect(JSON.stringify(row)).not.toContain('device-123');
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name'])
      .where('target_type', '=', 'case')
      .where('target_id', '=', String(row.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['case.report', 'case.comment']);
    expect(audit[0]!.actor_name).toBe('Open311（市民热线 App）');

    // The XML answer has the same shape.
    const x = await post(
      { api_key: secret, service_code: 'SRHJ02', description: '路面塌陷一个大坑', ...IN_GRID1 },
      'xml',
    );
    expect(x.statusCode, x.body).toBe(200);
    const doc = xml(x) as { service_requests: { request: Json[] } };
    expect(doc.service_requests.request).toHaveLength(1);
    expect(doc.service_requests.request[0]).toEqual({
      service_request_id: expect.stringMatching(/^SJ\d{14}$/),
      service_notice: expect.stringContaining('城管执法局'),
      account_id: '',
    });
  });

  it('takes a report with an address only, placed at the territory for the dispatcher', async () => {
    const created = await report({ lat: '', long: '', address_string: '乙镇某小区北门' });
    const c = await caseByNumber(created.service_request_id);
    expect(c.gridId).toBe(territory.county.id);
    expect(c.lat).toBeNull();
    const out = await requestJson(created.service_request_id);
    expect(out.lat).toBeNull();
    expect(out.long).toBeNull();
    expect(out.address).toBe('乙镇某小区北门');
    const x = xml(await get(`/open311/v2/requests/${created.service_request_id}.xml`)) as {
      service_requests: { request: Json[] };
    };
    expect(x.service_requests.request[0]!.lat).toBe('');
    expect(x.service_requests.request[0]!.long).toBe('');
  });

  it('refuses a missing, wrong or malformed api_key with 403 and the spec error body', async () => {
    const count = await caseCount();
    const fields = { service_code: 'SRHJ01', description: '没有密钥的上报', ...IN_GRID1 };
    for (const format of ['json', 'xml'] as const) {
      for (const key of [undefined, '', 'wrong-key', secret.toUpperCase(), 'x'.repeat(500)]) {
        const res = await post(key === undefined ? fields : { ...fields, api_key: key }, format);
        const errors = specErrors(res, 403, format);
        expect(errors).toEqual([{ code: 403, description: expect.stringContaining('api_key') }]);
      }
    }
    // The key is checked before anything else: a bad key with a bad body is still a 403.
    specErrors(await post({ api_key: 'wrong-key' }), 403);
    expect(await caseCount()).toBe(count);
  });

  it('refuses incomplete or wrong reports with 400 and the spec error body, writing nothing', async () => {
    const count = await caseCount();
    const base = { api_key: secret, service_code: 'SRHJ01', description: '一条正常的描述', ...IN_GRID1 };
    const cases: [string, Record<string, string>, string][] = [
      ['no service_code', { ...base, service_code: '' }, 'service_code'],
      ['unknown service_code', { ...base, service_code: 'NOPE' }, 'service_code'],
      ['no description', { ...base, description: '' }, 'description'],
      ['a one-character description', { ...base, description: '脏' }, 'description'],
      ['a description too long', { ...base, description: '长'.repeat(4001) }, 'description'],
      ['no location at all', { ...base, lat: '', long: '' }, 'location'],
      ['lat without long', { ...base, long: '' }, 'lat'],
      ['lat out of range', { ...base, lat: '95' }, 'lat'],
      ['long out of range', { ...base, long: '-181' }, 'long'],
      ['lat not a number', { ...base, lat: 'north' }, 'lat'],
      ['an address too long', { ...base, address_string: '路'.repeat(201) }, 'address'],
      ['a point outside every grid', { ...base, lat: '20', long: '100' }, 'grid'],
    ];
    for (const format of ['json', 'xml'] as const) {
      for (const [what, fields, word] of cases) {
        const res = await post(fields, format);
        expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
        const errors = specErrors(res, 400, format);
        expect(
          errors.every((e) => e.code === 400),
          `${what}: ${res.body}`,
        ).toBe(true);
        expect(
          errors
            .map((e) => e.description)
            .join(' ')
            .toLowerCase(),
          what,
        ).toContain(word);
      }
    }
    // Several problems at once: all of them, one entry each.
    const many = specErrors(await post({ api_key: secret, service_code: 'SRHJ01', lat: '99' }), 400);
    expect(many.length).toBeGreaterThanOrEqual(2);
    expect(await caseCount()).toBe(count);
  });

  it('answers other bodies with spec errors, never the app’s envelope or a 500', async () => {
    const count = await caseCount();
    const url = '/open311/v2/requests.json';
    const text = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'text/plain' },
      payload: 'api_key=x',
      remoteAddress: ip,
    });
    expect(specErrors(text, 400)[0]!.code).toBe(415);
    const multipart = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="api_key"\r\n\r\nk\r\n--x--\r\n',
      remoteAddress: ip,
    });
    expect(specErrors(multipart, 400)[0]!.code).toBe(415);
    // The form type with a charset is the form type.
    const charset = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' },
      payload: form({ api_key: secret, service_code: 'SRHJ01', description: '带字符集的表单', ...IN_GRID1 }),
      remoteAddress: ip,
    });
    expect(charset.statusCode, charset.body).toBe(200);
    const huge = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({
        api_key: secret,
        service_code: 'SRHJ01',
        description: 'x'.repeat(70_000),
        ...IN_GRID1,
      }),
      remoteAddress: ip,
    });
    expect(specErrors(huge, 400)[0]!.code).toBe(413);
    const empty = await t.app.inject({ method: 'POST', url, remoteAddress: ip });
    specErrors(empty, 403);
    // A JSON body (not what the spec says, but clients send it): numbers are read as numbers.
    const asJson = await t.app.inject({
      method: 'POST',
      url,
      payload: {
        api_key: secret,
        service_code: 'SRHJ01',
        description: 'JSON 提交的上报',
        lat: 30.605,
        long: 119.605,
      },
      remoteAddress: ip,
    });
    expect(asJson.statusCode, asJson.body).toBe(200);
    const jsonCase = await caseByNumber(
      json<{ service_request_id: string }[]>(asJson)[0]!.service_request_id,
    );
    expect(jsonCase.gridId).toBe(grid1.id);
    const broken = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json' },
      payload: '{"api_key":',
      remoteAddress: ip,
    });
    specErrors(broken, 400);
    for (const payload of [
      { api_key: secret, service_code: { $ne: 1 }, description: ['a', 'b'], lat: true, long: null },
      { api_key: secret, service_code: 'SRHJ01', description: { text: '对象' }, ...IN_GRID1 },
      { api_key: secret, service_code: 'SRHJ01', description: '坐标是对象', lat: { x: 1 }, long: [] },
    ]) {
      const res = await t.app.inject({ method: 'POST', url, payload, remoteAddress: ip });
      specErrors(res, 400);
    }
    for (const payload of ['null', '[1,2]', '"api_key"', '42']) {
      const res = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json' },
        payload,
        remoteAddress: ip,
      });
      specErrors(res, res.statusCode === 403 ? 403 : 400);
    }
    // Repeated fields are joined, so a repeated key or code is no key or code.
    specErrors(
      await post({ api_key: [secret, secret], service_code: 'SRHJ01', description: '重复', ...IN_GRID1 }),
      403,
    );
    specErrors(
      await post({ api_key: secret, service_code: ['SRHJ01', 'ZA'], description: '重复字段', ...IN_GRID1 }),
      400,
    );
    // A field called __proto__ is only a field.
    const proto = await t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `__proto__=a&__proto__=b&hasOwnProperty=x&api_key=${encodeURIComponent(secret)}&service_code=NOPE`,
      remoteAddress: ip,
    });
    expect(specErrors(proto, 400)[0]!.description).toContain('service_code');
    // Control characters (NUL cannot even be stored) are dropped from the text.
    const nul = await post({
      api_key: secret,
      service_code: 'SRHJ01',
      description: '含\u0000空\u0007字符',
      ...IN_GRID1,
    });
    expect(nul.statusCode, nul.body).toBe(200);
    const cleaned = await requestJson(json<{ service_request_id: string }[]>(nul)[0]!.service_request_id);
    expect(cleaned.description).toBe('含空字符');
    specErrors(
      await post({ api_key: secret, service_code: 'SRHJ01', description: '\u0000\u0000\u0000', ...IN_GRID1 }),
      400,
    );
    expect(await caseCount()).toBe(count + 3);
  });

  it('limits reports per client address, answering 429 as a spec error', async () => {
    const fields = { service_code: 'SRHJ01', description: '限流测试', ...IN_GRID1 };
    for (let i = 0; i < OPEN311_LIMITS.postsPerMinute; i++) {
      expect((await post({ ...fields, api_key: 'no-such-key' })).statusCode).toBe(403);
    }
    const limited = await post({ ...fields, api_key: secret });
    const errors = specErrors(limited, 429);
    expect(errors[0]!.code).toBe(429);
    // Another address is not affected.
    ip = '10.250.250.250';
    expect((await post({ ...fields, api_key: 'no-such-key' })).statusCode).toBe(403);
  });

  // ================================================================ GET requests

  it('answers one request in JSON and XML: status, notes, agency, W3C times with offset, place', async () => {
    const created = await report({ address_string: '甲村幸福路 8 号' });
    const c = await caseByNumber(created.service_request_id);
    const r = await requestJson(created.service_request_id);
    expect(Object.keys(r)).toEqual(REQUEST_FIELDS);
    expect(r).toEqual({
      service_request_id: created.service_request_id,
      status: 'open',
      status_notes: expect.any(String),
      service_name: '暴露垃圾',
      service_code: 'SRHJ01',
      description: '小区门口垃圾堆积三天无人清运',
      agency_responsible: '城管执法局',
      service_notice: null,
      requested_datetime: expect.stringMatching(SHANGHAI),
      updated_datetime: expect.stringMatching(SHANGHAI),
      expected_datetime: expect.stringMatching(SHANGHAI),
      address: '甲村幸福路 8 号',
      lat: 30.605,
      long: 119.605,
    });
    // The same instants as the case, to the second; expected is the running time limit.
    const sec = (iso: string) => Math.floor(Date.parse(iso) / 1000);
    expect(sec(r.requested_datetime)).toBe(sec(c.reportedAt));
    expect(sec(r.updated_datetime)).toBe(sec(c.updatedAt));
    expect(c.dueAt).not.toBeNull();
    expect(sec(r.expected_datetime!)).toBe(sec(c.dueAt));
    // Lower case ids are the same request.
    expect(await requestJson(created.service_request_id.toLowerCase())).toEqual(r);

    const x = xml(await get(`/open311/v2/requests/${created.service_request_id}.xml`)) as {
      service_requests: { request: Json[] };
    };
    expect(x.service_requests.request).toEqual([asXml(r)]);
    expect(Object.keys(x.service_requests.request[0]!)).toEqual(REQUEST_FIELDS);

    specErrors(await get('/open311/v2/requests/SJ20000101000000.json'), 404);
    specErrors(await get('/open311/v2/requests/SJ20000101000000.xml'), 404, 'xml');
    specErrors(await get(`/open311/v2/requests/${created.service_request_id}`), 400, 'xml');
  });

  it('shows time zone offsets for another deployment zone too', async () => {
    // The offsets come from the configured zone, daylight saving included.
    const winter = new Date('2026-01-15T12:00:00Z');
    const summer = new Date('2026-07-15T12:00:00Z');
    expect(w3cDateTime(winter, 'Asia/Shanghai')).toBe('2026-01-15T20:00:00+08:00');
    expect(w3cDateTime(winter, 'America/New_York')).toBe('2026-01-15T07:00:00-05:00');
    expect(w3cDateTime(summer, 'America/New_York')).toBe('2026-07-15T08:00:00-04:00');
    expect(w3cDateTime(summer, 'UTC')).toBe('2026-07-15T12:00:00+00:00');
    expect(w3cDateTime(new Date('2026-07-15T12:00:00.999Z'), 'Asia/Kolkata')).toBe(
      '2026-07-15T17:30:00+05:30',
    );
    expect(parseW3cDateTime('2026-01-15T20:00:00+08:00', 'UTC')).toEqual(winter);
    expect(parseW3cDateTime('2026-01-15T12:00:00Z', 'Asia/Shanghai')).toEqual(winter);
    expect(parseW3cDateTime('2026-01-15T20:00:00 08:00', 'UTC')).toEqual(winter);
    expect(parseW3cDateTime('2026-01-15T20:00:00', 'Asia/Shanghai')).toEqual(winter);
    expect(parseW3cDateTime('2026-07-15T08:00:00', 'America/New_York')).toEqual(summer);
    expect(parseW3cDateTime('2026-01-15', 'Asia/Shanghai')).toEqual(new Date('2026-01-14T16:00:00Z'));
    expect(parseW3cDateTime('2026-02-30T00:00:00Z', 'UTC')).toBeNull();
    expect(parseW3cDateTime('yesterday', 'UTC')).toBeNull();
    expect(parseW3cDateTime('2026-01-15T20:00:00+25:00', 'UTC')).toBeNull();
  });

  it('filters requests by service_code, status, date range and id list', async () => {
    const a = await report({ description: '筛选测试甲：垃圾' });
    const b = await report({ service_code: 'SRHJ02', description: '筛选测试乙：路面' });
    const z = await report({ service_code: 'ZA', description: '筛选测试丙：治安' });
    // One closed: voided by the dispatcher (it is ZA's, dispatched to 派出所; reject it first).
    const zc = await caseByNumber(z.service_request_id);
    await ok('police', 'POST', `/api/cases/${zc.id}/reject`, { reason: '非本部门职责' });
    await ok('worker', 'POST', `/api/cases/${zc.id}/void`, { reason: '重复反映，已合并' });
    expect((await requestJson(z.service_request_id)).status).toBe('closed');

    const mine = [a, b, z].map((r) => r.service_request_id);
    const only = (list: RequestOut[]) => ids(list).filter((id) => mine.includes(id));

    expect(only(await requestsJson(''))).toEqual([...mine].reverse()); // newest first
    expect(only(await requestsJson('service_code=SRHJ01'))).toEqual([a.service_request_id]);
    expect(only(await requestsJson('service_code=SRHJ01,ZA'))).toEqual([
      z.service_request_id,
      a.service_request_id,
    ]);
    expect(only(await requestsJson('service_code=SRHJ01&service_code=SRHJ02'))).toEqual([
      b.service_request_id,
      a.service_request_id,
    ]);
    expect(await requestsJson('service_code=NOPE')).toEqual([]);
    expect(only(await requestsJson('status=closed'))).toEqual([z.service_request_id]);
    expect(only(await requestsJson('status=open'))).toEqual([b.service_request_id, a.service_request_id]);
    expect(only(await requestsJson('status=open,closed'))).toEqual([...mine].reverse());
    expect(only(await requestsJson('status=OPEN'))).toEqual([b.service_request_id, a.service_request_id]);
    for (const r of await requestsJson('status=closed')) expect(r.status).toBe('closed');
    for (const r of await requestsJson('status=open')) expect(r.status).toBe('open');
    expect(only(await requestsJson('status=open&service_code=SRHJ02'))).toEqual([b.service_request_id]);

    // Date range on requested_datetime, in W3C form (with offset, Z, or none: the local zone).
    const at = (await requestJson(b.service_request_id)).requested_datetime;
    const t0 = Date.parse(at);
    const iso = (ms: number) => new Date(ms).toISOString();
    const enc = encodeURIComponent;
    expect(only(await requestsJson(`start_date=${enc(iso(t0 + 3_600_000))}`))).toEqual([]);
    expect(only(await requestsJson(`end_date=${enc(iso(t0 - 3_600_000))}`))).toEqual([]);
    expect(
      only(await requestsJson(`start_date=${enc(iso(t0 - 3_600_000))}&end_date=${enc(iso(t0 + 3_600_000))}`)),
    ).toEqual([...mine].reverse());
    // The offset form as clients write it, with an unencoded `+` (a space once decoded).
    expect(only(await requestsJson(`start_date=${at.replace(/\d{2}:\d{2}\+/, '00:00+')}`))).toContain(
      b.service_request_id,
    );
    expect(only(await requestsJson(`start_date=${enc(at)}`))).toContain(b.service_request_id);

    // service_request_id: a comma list, and the other filters are ignored.
    const listed = await requestsJson(
      `service_request_id=${a.service_request_id},${z.service_request_id.toLowerCase()},SJ20000101000000&status=open&service_code=SRHJ02`,
    );
    expect(ids(listed).sort()).toEqual([a.service_request_id, z.service_request_id].sort());
    const listedXml = xml(
      await get(
        `/open311/v2/requests.xml?service_request_id=${a.service_request_id},${b.service_request_id}`,
      ),
    ) as { service_requests: { request: Json[] } };
    expect(listedXml.service_requests.request.map((r) => r.service_request_id).sort()).toEqual(
      [a.service_request_id, b.service_request_id].sort(),
    );
    const none = xml(await get('/open311/v2/requests.xml?service_request_id=SJ20000101000000')) as Json;
    expect(none).toEqual({ service_requests: '' });
    expect(await requestsJson('service_request_id=SJ20000101000000')).toEqual([]);
  });

  it('refuses bad filters with 400 and the spec error body', async () => {
    const bad = [
      'status=pending',
      'start_date=yesterday',
      'end_date=2026-13-01',
      'start_date=2026-05-01T00:00:00Z&end_date=2026-04-01T00:00:00Z',
      'start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z',
      'page_size=0',
      'page_size=1001',
      'page=abc',
      `service_request_id=${Array.from({ length: 1001 }, (_, i) => `SJ${String(i).padStart(14, '0')}`).join(',')}`,
    ];
    for (const q of bad) {
      specErrors(await get(`/open311/v2/requests.json?${q}`), 400);
      specErrors(await get(`/open311/v2/requests.xml?${q}`), 400, 'xml');
    }
    // Both dates wrong: both reported.
    expect(specErrors(await get('/open311/v2/requests.json?start_date=x&end_date=y'), 400)).toHaveLength(2);
    // Exactly 90 days is allowed.
    const ok90 = await get(
      '/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-04-01T00:00:00Z',
    );
    expect(ok90.statusCode, ok90.body).toBe(200);
  });

  it('defaults to the last 90 days, and pages', async () => {
    const old = await report({ description: '一百天前的旧事件' });
    const fresh = await report({ description: '刚刚的新事件' });
    const reportedAt = new Date(Date.now() - 100 * 86_400_000);
    await t.db
      .updateTable('cases')
      .set({ reported_at: reportedAt })
      .where('number', '=', old.service_request_id)
      .execute();
    const recent = ids(await requestsJson(''));
    expect(recent).toContain(fresh.service_request_id);
    expect(recent).not.toContain(old.service_request_id);
    // Reachable with a range, and by id.
    const from = new Date(reportedAt.getTime() - 86_400_000).toISOString();
    expect(ids(await requestsJson(`start_date=${encodeURIComponent(from)}`))).toContain(
      old.service_request_id,
    );
    expect(ids(await requestsJson(`service_request_id=${old.service_request_id}`))).toEqual([
      old.service_request_id,
    ]);
    expect((await requestJson(old.service_request_id)).service_request_id).toBe(old.service_request_id);

    const all = ids(await requestsJson(''));
    expect(all.length).toBeGreaterThan(3);
    const p1 = ids(await requestsJson('page_size=2'));
    const p2 = ids(await requestsJson('page_size=2&page=2'));
    expect(p1).toEqual(all.slice(0, 2));
    expect(p2).toEqual(all.slice(2, 4));
  });

  // ================================================================ round trip and updates

  it('follows a report through the workflow: open until archived, then closed, with public updates', async () => {
    await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: false });
    try {
      const started = new Date(Date.now() - 1000);
      const created = await report({ description: '往返测试：路边垃圾' });
      const id = created.service_request_id;
      const c = await caseByNumber(id);
      const steps: [string, RequestOut][] = [['assigned', await requestJson(id)]];

      await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
      steps.push(['accepted', await requestJson(id)]);
      await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, {
        note: '已联系环卫张师傅 13911112222 清运',
      });
      steps.push(['handled', await requestJson(id)]);
      await ok('worker', 'POST', `/api/cases/${c.id}/visit`, {
        satisfied: true,
        note: '回访居民李阿姨，满意',
      });
      steps.push(['pending_archive', await requestJson(id)]);
      const archived = await ok('worker', 'POST', `/api/cases/${c.id}/archive`, { note: '内部归档备注' });
      expect(archived.state).toBe('archived');
      steps.push(['archived', await requestJson(id)]);

      const notes = new Set<string>();
      for (const [state, r] of steps) {
        expect(r.status, state).toBe(state === 'archived' ? 'closed' : 'open');
        expect(r.status_notes, state).toEqual(expect.any(String));
        notes.add(r.status_notes!);
        expect(r.updated_datetime).toMatch(SHANGHAI);
        // A running clock is the expected time; waiting for archiving or closed has none.
        if (state === 'pending_archive' || state === 'archived')
          expect(r.expected_datetime, state).toBeNull();
        else expect(r.expected_datetime, state).toMatch(SHANGHAI);
        expect(r.agency_responsible).toBe('城管执法局');
      }
      expect(notes.size).toBe(steps.length);
      const closed = steps[4]![1];
      const caseNow = await caseByNumber(id);
      const closedAt = await t.db
        .selectFrom('cases')
        .select('closed_at')
        .where('id', '=', c.id)
        .executeTakeFirstOrThrow();
      expect(Math.floor(Date.parse(closed.updated_datetime) / 1000)).toBe(
        Math.floor(closedAt.closed_at!.getTime() / 1000),
      );
      expect(caseNow.state).toBe('archived');
      expect(ids(await requestsJson('status=closed'))).toContain(id);
      expect(ids(await requestsJson('status=open'))).not.toContain(id);

      // The updates: every public step, oldest first, in public words, with the status after it.
      const q = `start_date=${encodeURIComponent(started.toISOString())}`;
      const res = await get(`/open311/v2/servicerequestupdates.json?${q}`);
      expect(res.statusCode, res.body).toBe(200);
      const updates = json<UpdateOut[]>(res).filter((u) => u.service_request_id === id);
      expect(updates.map((u) => u.status)).toEqual(['open', 'open', 'open', 'open', 'open', 'closed']);
      for (const u of updates) {
        expect(Object.keys(u)).toEqual([
          'update_id',
          'service_request_id',
          'status',
          'updated_datetime',
          'description',
          'media_url',
        ]);
        expect(u.updated_datetime).toMatch(SHANGHAI);
        expect(u.description.length).toBeGreaterThan(0);
      }
      expect(updates[1]!.description).toContain('城管执法局');
      expect(new Set(updates.map((u) => u.update_id)).size).toBe(updates.length);
      const times = updates.map((u) => Date.parse(u.updated_datetime));
      expect([...times].sort((x, y) => x - y)).toEqual(times);
      const text = JSON.stringify(updates);
      for (const secretWord of ['张师傅', '13911112222', '李阿姨', '内部归档备注', 'cg1', 'worker']) {
        expect(text).not.toContain(secretWord);
      }

      const xres = await get(`/open311/v2/servicerequestupdates.xml?${q}`);
      const doc = xml(xres) as { service_request_updates: { request_update: Json[] } };
      const xmlUpdates = doc.service_request_updates.request_update.filter(
        (u) => u.service_request_id === id,
      );
      expect(xmlUpdates).toEqual(updates.map(asXml));

      // Without a start: the most recent ones, still oldest first, ending with this archive.
      const recent = json<UpdateOut[]>(await get('/open311/v2/servicerequestupdates.json'));
      expect(recent.at(-1)).toEqual(updates.at(-1));
      specErrors(await get('/open311/v2/servicerequestupdates.json?start_date=nonsense'), 400);
      specErrors(await get('/open311/v2/servicerequestupdates.xml?end_date=nonsense'), 400, 'xml');
    } finally {
      await setSwitches({ autoDispatch: true, returnVisit: true, autoArchive: true });
    }
  });

  it('reports rework after an unsatisfied visit as open, and a parked case without an expected time', async () => {
    const created = await report({ description: '回访不满意测试' });
    const id = created.service_request_id;
    const c = await caseByNumber(id);
    await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
    await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '已处理' });
    await ok('worker', 'POST', `/api/cases/${c.id}/visit`, { satisfied: false, note: '仍有残留' });
    const rework = await requestJson(id);
    expect(rework.status).toBe('open');
    expect(rework.expected_datetime).toMatch(SHANGHAI);
    // Parking (挂账) stops the clock: no expected time while parked.
    let d = await ok('cg1', 'POST', `/api/cases/${c.id}/requests`, { kind: 'park', reason: '等待上级批复' });
    d = await ok('command', 'POST', `/api/cases/${c.id}/requests/${d.requests[0].id}/decide`, {
      approve: true,
    });
    expect(d.parked).toBe(true);
    const parked = await requestJson(id);
    expect(parked.status).toBe('open');
    expect(parked.expected_datetime).toBeNull();
    expect(parked.status_notes).not.toBe(rework.status_notes);
  });

  it('maps waiting, dispatched, rejected and voided states, and lists each step as an update', async () => {
    const started = new Date(Date.now() - 1000);
    // No dispatch rule for 民事纠纷: it waits for the dispatcher.
    const created = await report({ service_code: 'MSJF01', description: '楼上装修噪音扰民' });
    const id = created.service_request_id;
    expect(created.service_notice).not.toContain('城管执法局');
    const c = await caseByNumber(id);
    expect(c.state).toBe('pending_dispatch');
    const waiting = await requestJson(id);
    expect(waiting).toMatchObject({ status: 'open', agency_responsible: null, expected_datetime: null });

    await ok('worker', 'POST', `/api/cases/${c.id}/dispatch`, { departmentId: dept1, note: '内部交办说明' });
    const assigned = await requestJson(id);
    expect(assigned).toMatchObject({ status: 'open', agency_responsible: '城管执法局' });
    expect(assigned.expected_datetime).toMatch(SHANGHAI);
    await ok('cg1', 'POST', `/api/cases/${c.id}/reject`, { reason: '不属于城管职责' });
    const rejected = await requestJson(id);
    expect(rejected).toMatchObject({ status: 'open', agency_responsible: null, expected_datetime: null });
    await ok('worker', 'POST', `/api/cases/${c.id}/void`, { reason: '当事人已自行协商解决' });
    const voided = await requestJson(id);
    expect(voided).toMatchObject({ status: 'closed', expected_datetime: null });
    const notes = [waiting, assigned, rejected, voided].map((r) => r.status_notes);
    expect(new Set(notes).size).toBe(4);

    const updates = json<UpdateOut[]>(
      await get(
        `/open311/v2/servicerequestupdates.json?start_date=${encodeURIComponent(started.toISOString())}`,
      ),
    ).filter((u) => u.service_request_id === id);
    expect(updates.map((u) => u.status)).toEqual(['open', 'open', 'open', 'closed']);
    expect(updates[1]!.description).toContain('城管执法局');
    const text = JSON.stringify(updates);
    for (const word of ['内部交办说明', '不属于城管职责', '当事人已自行协商解决'])
      expect(text).not.toContain(word);
    // end_date alone: the 90 days before it.
    const before = json<UpdateOut[]>(
      await get(
        `/open311/v2/servicerequestupdates.json?end_date=${encodeURIComponent(started.toISOString())}`,
      ),
    );
    expect(before.map((u) => u.service_request_id)).not.toContain(id);
  });

  it('answers tokens for Open311 reports only', async () => {
    const created = await report();
    expect(json(await get(`/open311/v2/tokens/${created.service_request_id}.json`))).toEqual([
      { service_request_id: created.service_request_id, token: created.service_request_id },
    ]);
    expect(xml(await get(`/open311/v2/tokens/${created.service_request_id}.xml`))).toEqual({
      service_requests: {
        request: [{ service_request_id: created.service_request_id, token: created.service_request_id }],
      },
    });
    const staffCase = await ok('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '网格员上报的事件',
      gridId: grid1.id,
    });
    specErrors(await get(`/open311/v2/tokens/${staffCase.number}.json`), 404);
    specErrors(await get('/open311/v2/tokens/nothing.xml'), 404, 'xml');
    // A staff case is still a public service request.
    expect((await requestJson(staffCase.number)).service_request_id).toBe(staffCase.number);
  });

  // ================================================================ privacy and well-formedness

  it('never shows personal data, staff, notes, or police cases', async () => {
    const created = await report({
      description: '隐私测试：楼道堆物',
      first_name: '建国',
      last_name: '赵',
      phone: '13766665555',
      email: 'zhao.jianguo@example.com',
    });
    const staffCase = await ok('member', 'POST', '/api/cases', {
      categoryId: cat.MSJF01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '隐私测试：邻里噪音纠纷',
      gridId: grid1.id,
      parties: [
        { role: 'A', name: '钱多多', phone: '13812340000' },
        { role: 'B', name: '孙小小', phone: '13956780000' },
      ],
    });
    const policeCase = await ok('member', 'POST', '/api/cases', {
      categoryId: cat.ZA,
      nature: 'police',
      handlingType: 'coordination',
      description: '隐私测试：警情不得公开',
      gridId: grid1.id,
    });
    const c = await caseByNumber(created.service_request_id);
    await ok('cg1', 'POST', `/api/cases/${c.id}/accept`, {});
    await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '处理人员周大勇已清理' });

    const everything = [
      '/open311/v2/requests.json',
      '/open311/v2/requests.xml',
      `/open311/v2/requests.json?service_request_id=${created.service_request_id},${staffCase.number},${policeCase.number}`,
      `/open311/v2/requests/${created.service_request_id}.json`,
      `/open311/v2/requests/${created.service_request_id}.xml`,
      `/open311/v2/requests/${staffCase.number}.xml`,
      '/open311/v2/servicerequestupdates.json',
      '/open311/v2/servicerequestupdates.xml',
      `/open311/v2/tokens/${created.service_request_id}.json`,
    ];
    const forbidden = [
      '建国',
      '赵建国',
      '13766665555',
      '137****5555',
      'zhao.jianguo',
      '钱多多',
      '孙小小',
      '13812340000',
      '13956780000',
      '周大勇',
      'cg1',
      'member',
      '警情不得公开',
      policeCase.number,
    ];
    let seen = 0;
    for (const url of everything) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      if (res.body.includes(created.service_request_id) || res.body.includes(staffCase.number)) seen += 1;
      for (const word of forbidden) expect(res.body, `${url} shows ${word}`).not.toContain(word);
    }
    expect(seen).toBe(everything.length);
    specErrors(await get(`/open311/v2/requests/${policeCase.number}.json`), 404);
  });

  it('writes well-formed XML whatever the text holds, and the same text in JSON', async () => {
    const tricky = `<script>alert("x")</script> & 'quotes' ]]> 😀 \t末尾`;
    const created = await report({ description: tricky, address_string: 'A&B <路>' });
    const j = await requestJson(created.service_request_id);
    expect(j.description).toBe(tricky.trim());
    const res = await get(`/open311/v2/requests/${created.service_request_id}.xml`);
    expect(res.body).not.toContain('<script>');
    const doc = xml(res) as { service_requests: { request: Json[] } };
    expect(doc.service_requests.request[0]).toEqual(asXml(j));
    expect(doc.service_requests.request[0]!.address).toBe('A&B <路>');
    // Staff can enter text XML 1.0 cannot carry (U+0001): the XML drops it and stays well-formed.
    const staffCase = await ok('member', 'POST', '/api/cases', {
      categoryId: cat.SRHJ01,
      nature: 'civil',
      handlingType: 'coordination',
      description: '控制符\u0001在此\u001f',
      gridId: grid1.id,
    });
    const sj = await requestJson(staffCase.number);
    expect(sj.description).toContain('\u0001');
    const sx = xml(await get(`/open311/v2/requests/${staffCase.number}.xml`)) as {
      service_requests: { request: Json[] };
    };
    expect(sx.service_requests.request[0]!.description).toBe(
      sj.description.replaceAll('\u0001', '').replaceAll('\u001f', ''),
    );
    // Every list document parses too.
    for (const url of [
      '/open311/v2/requests.xml',
      '/open311/v2/servicerequestupdates.xml',
      '/open311/v2/services.xml',
      '/open311/v2/discovery.xml',
    ]) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(200);
      xml(r);
    }
  });

  it('sends no session cookie and no cache, and needs none', async () => {
    const res = await get('/open311/v2/services.json');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    // A logged-in user's cookie changes nothing.
    const withCookie = await t.app.inject({
      method: 'GET',
      url: '/open311/v2/services.json',
      headers: { cookie: cookies.member! },
      remoteAddress: ip,
    });
    expect(withCookie.body).toBe(res.body);
  });

  // Last: fills the table.
  it('answers at most 1000 requests by default, the most recent', async () => {
    const latest = await report({ description: '最新的一条' });
    const template = await t.db
      .selectFrom('cases')
      .select('id')
      .where('number', '=', latest.service_request_id)
      .executeTakeFirstOrThrow();
    const columns = (
      await sql<{ column_name: string }>`
        select column_name from information_schema.columns
        where table_schema = current_schema() and table_name = 'cases'
          and column_name not in ('id', 'number', 'access_hash', 'reported_at')
          and is_generated = 'NEVER'
        order by ordinal_position`.execute(t.db)
    ).rows.map((r) => r.column_name);
    const list = sql.join(columns.map((c) => sql.id(c)));
    await sql`
      insert into cases (number, reported_at, ${list})
      select 'SX' || lpad(g::text, 14, '0'), now() - make_interval(mins => g), ${list}
      from cases, generate_series(1, 1005) g
      where cases.id = ${template.id}`.execute(t.db);
    const all = await requestsJson('');
    expect(all).toHaveLength(1000);
    expect(all[0]!.service_request_id).toBe(latest.service_request_id);
    expect(all.at(-1)!.service_request_id.startsWith('SX')).toBe(true);
    const rest = await requestsJson('page=2');
    expect(rest.length).toBeGreaterThan(5);
    expect(new Set([...ids(all), ...ids(rest)]).size).toBe(all.length + rest.length);
  });
});
