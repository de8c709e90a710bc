import { PublicNearbyCase } from '@wangge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildDepartment,
  buildDepartmentStaff,
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { insertGridNode } from '../grid/grid.repository.ts';

const PNG = `data:image/png;base64,${'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='}`;
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
const PUBLIC_URL = 'https://wangge.example.gov.cn';

describe.each(testEngines())('the citizen side of cases on $name', (engine) => {
  let t: TestApp;
  let cat: { SRHJ01: number; SRHJ02: number };
  let dept: number;
  const cookies: Record<string, string> = {};
  const { call, ok } = requests(() => t.app, cookies);
  let ipSeq = 0;
  /** A request from a fresh client address (the public routes are rate-limited per address). */
  const from = (
    method: 'GET' | 'POST',
    url: string,
    payload?: object,
    ip = `10.0.${++ipSeq >> 8}.${ipSeq & 255}`,
  ) => t.app.inject({ method, url, remoteAddress: ip, ...(payload ? { payload } : {}) });

  /** A citizen's report near 甲村第1网格's corner; returns the receipt. */
  const citizenReport = async (body: object = {}) => {
    const photo = (await from('POST', '/api/public/case-photos', { dataUrl: PNG })).json();
    const res = await from('POST', '/api/public/cases', {
      categoryId: cat.SRHJ01,
      description: '路口垃圾桶满了很多天，我的电话13700000000',
      location: { lng: 119.605, lat: 30.605 },
      contact: { name: '王女士', phone: '13700000000' },
      photoTokens: [photo.token],
      ...body,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { number: string; accessCode: string };
  };
  const caseOf = async (number: string) =>
    (await t.db.selectFrom('cases').selectAll().where('number', '=', number).executeTakeFirstOrThrow()) as {
      id: number;
      state: string;
      round: number;
    };
  const track = (number: string, code: string) => from('GET', `/api/public/cases/${number}?code=${code}`);
  /** Through the department and the return visit to archived; `unsatisfiedFirst`: two rounds. */
  const handle = async (id: number, opts: { unsatisfiedFirst?: boolean; photo?: boolean } = {}) => {
    await ok('cg1', 'POST', `/api/cases/${id}/accept`, {});
    const photo = opts.photo ? (await ok('cg1', 'POST', '/api/case-photos', { dataUrl: PNG })).token : null;
    await ok('cg1', 'POST', `/api/cases/${id}/feedback`, {
      note: '王建国已到场清运，联系电话13900000001，值班室0572-5123456',
      ...(photo ? { photoTokens: [photo] } : {}),
    });
    if (opts.unsatisfiedFirst) {
      await ok('worker', 'POST', `/api/cases/${id}/visit`, { satisfied: false, note: '居民说仍有残留' });
      await ok('cg1', 'POST', `/api/cases/${id}/feedback`, { note: '已彻底清理并冲洗地面' });
    }
    return ok('worker', 'POST', `/api/cases/${id}/visit`, { satisfied: true, note: '居民满意' });
  };

  beforeAll(async () => {
    t = await createTestApp(await engine.open(), { publicUrl: PUBLIC_URL });
    const territory = await buildTerritory(t.db);
    await insertGridNode(t.db, {
      parentId: territory.villageA.id,
      kind: 'base_grid',
      name: '甲村第1网格',
      code: '33052310120101',
      geometry: square(119.6, 30.6, 0.01),
    });
    t.app.ctx.locator.invalidate();
    const categories = await t.db.selectFrom('case_category').select(['id', 'code']).execute();
    const byCode = Object.fromEntries(categories.map((c) => [c.code, c.id]));
    cat = { SRHJ01: byCode.SRHJ01!, SRHJ02: byCode.SRHJ02! };
    dept = await buildDepartment(t.db, '城管执法局', 'CG');
    await buildDepartmentStaff(t, {
      username: 'cg1',
      departmentId: dept,
      phone: '13900000001',
      scopeId: territory.county.id,
    });
    // The officer has a real name: the public must not read it.
    await t.db
      .updateTable('app_user')
      .set({ display_name: '王建国' })
      .where('username', '=', 'cg1')
      .execute();
    await t.db.updateTable('person').set({ name: '王建国' }).where('name', '=', 'cg1').execute();
    await buildUser(t, { username: 'worker', roles: ['social_worker'], scopes: [territory.villageA.id] });
    await buildUser(t, { username: 'command', roles: ['command_center'], scopes: [territory.county.id] });
    for (const u of ['cg1', 'worker', 'command']) cookies[u] = await login(t.app, u);
    await ok('command', 'POST', '/api/dispatch-rules', { categoryId: byCode.SRHJ!, departmentId: dept });
  });
  afterAll(() => t.close());

  it('shows the citizen what was done, by which unit, round by round, with staff names and phones masked', async () => {
    const receipt = await citizenReport();
    const c = await caseOf(receipt.number);
    let status = (await track(receipt.number, receipt.accessCode)).json();
    expect(status).toMatchObject({ viewer: 'reporter', stateName: '已转承办单位', unit: '城管执法局' });
    expect(JSON.stringify(status)).not.toContain('已分派待接受');
    expect(status.rounds[0].steps.map((s: { stepName: string }) => s.stepName)).toEqual([
      '已收到您的反映',
      '已转城管执法局办理',
    ]);

    await handle(c.id, { unsatisfiedFirst: true, photo: true });
    status = (await track(receipt.number, receipt.accessCode)).json();
    expect(status).toMatchObject({ state: 'archived', stateName: '已办结', closed: true, canRate: true });
    // Two rounds, each step once: the unsatisfied visit ends the first.
    expect(status.rounds.map((r: { steps: { step: string }[] }) => r.steps.map((s) => s.step))).toEqual([
      ['report', 'auto_dispatch', 'accept', 'feedback', 'visit_unsatisfied'],
      ['feedback', 'visit_satisfied', 'auto_archive'],
    ]);
    const feedback = status.rounds[0].steps[3];
    expect(feedback.text).toBe('王**已到场清运，联系电话139****0001，值班室0572-*****56');
    expect(status.rounds[1].steps[0].text).toBe('已彻底清理并冲洗地面');
    const text = JSON.stringify(status);
    for (const secret of ['王建国', '13900000001', '5123456', '居民说仍有残留', '王女士'])
      expect(text).not.toContain(secret);
    // The citizen's own report and photo, and the department's photo.
    expect(status.description).toContain('路口垃圾桶');
    expect(status.photos).toHaveLength(1);
    expect(feedback.photos).toHaveLength(1);

    // Photos only with the number and the code.
    for (const url of [status.photos[0].url, feedback.photos[0].url]) {
      expect(url).toMatch(
        new RegExp(`^/api/public/cases/${receipt.number}/photos/\\d+\\?code=${receipt.accessCode}$`),
      );
      const res = await from('GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      const bare = url.replace(/\?code=.*/, '');
      expect((await from('GET', bare)).statusCode).toBe(400);
      expect((await from('GET', `${bare}?code=AAAAAA`)).statusCode).toBe(404);
      // The staff address of the same photo needs a login.
      const photoId = bare.split('/').at(-1);
      expect((await from('GET', `/api/cases/${c.id}/photos/${photoId}`)).statusCode).toBe(401);
    }
    // Another case's code does not open this case's photos.
    const other = await citizenReport();
    const photoUrl = status.photos[0].url
      .replace(receipt.number, other.number)
      .replace(receipt.accessCode, other.accessCode);
    expect((await from('GET', photoUrl)).statusCode).toBe(404);

    // The closing SMS says what was done and links back with the number and the code.
    const sms = await t.db
      .selectFrom('outbox')
      .select(['body', 'to_masked'])
      .where('case_id', '=', c.id)
      .where('template', '=', 'case.reporter.update')
      .execute();
    expect(sms).toHaveLength(1);
    expect(sms[0]!.to_masked).toBe('137****0000');
    expect(sms[0]!.body).toContain('已办结：已彻底清理并冲洗地面');
    expect(sms[0]!.body).toContain(`${PUBLIC_URL}/track?number=${receipt.number}&code=${receipt.accessCode}`);
    expect(sms[0]!.body).not.toContain('王建国');
  });

  it('lets the reporter rate a closed case once per round and reopen it within the configured days', async () => {
    const receipt = await citizenReport();
    const c = await caseOf(receipt.number);
    const rate = (body: object, number = receipt.number) =>
      from('POST', `/api/public/cases/${number}/rating`, { code: receipt.accessCode, ...body });
    const reopen = (body: object) =>
      from('POST', `/api/public/cases/${receipt.number}/reopen`, { code: receipt.accessCode, ...body });

    // Only once it is closed.
    let res = await rate({ rating: 'satisfied' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CASE_STATE' });
    expect(res.json().error.message).toContain('办结后才能评价');
    expect((await reopen({ reason: '问题还在，垃圾没清' })).statusCode).toBe(409);

    await handle(c.id);
    // A wrong code, a bad rating, a short reason: refused, nothing written.
    expect((await rate({ rating: 'satisfied', code: 'AAAAAA' })).statusCode).toBe(404);
    expect((await rate({ rating: 'great' })).statusCode).toBe(400);
    expect((await reopen({ reason: '不' })).statusCode).toBe(400);

    res = await rate({ rating: 'basic', comment: '速度还可以' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      canRate: false,
      canReopen: true,
      rating: { rating: 'basic', comment: '速度还可以', reopened: false },
    });
    expect(res.json().rounds[0].steps.at(-1)).toMatchObject({
      step: 'rate',
      rating: 'basic',
      text: '速度还可以',
    });
    res = await rate({ rating: 'satisfied' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('CONFLICT');
    expect(await t.db.selectFrom('case_rating').selectAll().where('case_id', '=', c.id).execute()).toEqual([
      expect.objectContaining({ round: 1, rating: 'basic', reopened: false }),
    ]);

    // Reopening sends it back to the unit for a second round; the round counts as unsatisfied.
    res = await reopen({ reason: '第二天垃圾又堆满了' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ state: 'rework', closed: false, canRate: false, canReopen: false });
    expect(res.json().rounds).toHaveLength(2);
    expect(res.json().rounds[0].steps.at(-1)).toMatchObject({ step: 'reopen', text: '第二天垃圾又堆满了' });
    const detail = await ok('cg1', 'GET', `/api/cases/${c.id}`);
    expect(detail).toMatchObject({ state: 'rework', round: 2, stage: 'feedback' });
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'reopen',
      actorName: '群众',
      note: '第二天垃圾又堆满了',
    });
    expect(await t.db.selectFrom('case_rating').selectAll().where('case_id', '=', c.id).execute()).toEqual([
      expect.objectContaining({ round: 1, rating: 'unsatisfied', reopened: true }),
    ]);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_type', '=', 'case')
      .where('target_id', '=', String(c.id))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['case.rate', 'case.reopen']));
    // The unit hears of it.
    const inbox = await t.db.selectFrom('inbox_message').select('body').where('case_id', '=', c.id).execute();
    expect(inbox.some((m) => m.body.includes('第二天垃圾又堆满了'))).toBe(true);

    // Closed again: the second round can be rated.
    await ok('cg1', 'POST', `/api/cases/${c.id}/feedback`, { note: '已增加清运频次' });
    await ok('worker', 'POST', `/api/cases/${c.id}/visit`, { satisfied: true, note: '满意' });
    res = await rate({ rating: 'satisfied' });
    expect(res.statusCode, res.body).toBe(200);
    expect(
      (await t.db.selectFrom('case_rating').selectAll().where('case_id', '=', c.id).execute()).length,
    ).toBe(2);
  });

  it('refuses reopening after the window, or when it is switched off', async () => {
    await ok('command', 'PUT', '/api/case-settings', { reopenDays: 3 });
    const receipt = await citizenReport();
    const c = await caseOf(receipt.number);
    await handle(c.id);
    await t.db
      .updateTable('cases')
      .set({ closed_at: new Date(Date.now() - 4 * 86_400_000) })
      .where('id', '=', c.id)
      .execute();
    const status = (await track(receipt.number, receipt.accessCode)).json();
    expect(status.canReopen).toBe(false);
    expect(status.canRate).toBe(true);
    let res = await from('POST', `/api/public/cases/${receipt.number}/reopen`, {
      code: receipt.accessCode,
      reason: '问题还在，垃圾没清',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('办结后 3 天内');
    expect((await caseOf(receipt.number)).state).toBe('archived');

    await ok('command', 'PUT', '/api/case-settings', { reopenDays: 0 });
    await t.db.updateTable('cases').set({ closed_at: new Date() }).where('id', '=', c.id).execute();
    res = await from('POST', `/api/public/cases/${receipt.number}/reopen`, {
      code: receipt.accessCode,
      reason: '问题还在，垃圾没清',
    });
    expect(res.statusCode).toBe(409);
    expect((await track(receipt.number, receipt.accessCode)).json().canReopen).toBe(false);
    await ok('command', 'PUT', '/api/case-settings', { reopenDays: 7 });
    // Staff are never offered the citizen's actions.
    const detail = await ok('command', 'GET', `/api/cases/${c.id}`);
    expect(detail.allowedActions).not.toEqual(expect.arrayContaining(['rate']));
    expect(detail.allowedActions).not.toContain('reopen');
    expect(detail.allowedActions).not.toContain('follow');
  });

  it('shows open reports of the category near a point with nothing personal, and lets a citizen follow one', async () => {
    const receipt = await citizenReport({
      description: '张阿姨门口垃圾堆积13812345678，证330523199001011234',
      contact: { name: '张阿姨', phone: '13812345678' },
    });
    const c = await caseOf(receipt.number);
    await t.db.updateTable('cases').set({ address: '甲村12号' }).where('id', '=', c.id).execute();
    const near = await from(
      'GET',
      `/api/public/cases/nearby?categoryId=${cat.SRHJ01}&lng=119.6051&lat=30.6051`,
    );
    expect(near.statusCode, near.body).toBe(200);
    const items = near.json() as Record<string, unknown>[];
    const mine = items.find((i) => i.number === receipt.number)!;
    expect(mine).toMatchObject({
      category: '暴露垃圾',
      state: 'assigned',
      stateName: '已转承办单位',
      followers: 0,
    });
    expect(mine.distanceM).toBeLessThan(50);
    expect(mine.summary).toBe('张**门口垃圾堆积138****5678，证330523********1234');

    // A schema walk: every field answered is one the schema declares, and none of those is personal.
    const declared = Object.keys(PublicNearbyCase.properties);
    const personal = /phone|address|code|lng|lat|reporter|contact|part(y|ies)|^(id|name|description)$/i;
    expect(declared.filter((k) => personal.test(k))).toEqual([]);
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`));
      if (v && typeof v === 'object') expect(declared, path).toEqual(expect.arrayContaining(Object.keys(v)));
    };
    walk(items, 'items');
    for (const secret of ['13812345678', '张阿姨', '甲村12号', receipt.accessCode, '199001011234', '"id"'])
      expect(near.body).not.toContain(secret);

    // Another category, or far away: nothing.
    expect(
      (
        await from('GET', `/api/public/cases/nearby?categoryId=${cat.SRHJ02}&lng=119.6051&lat=30.6051`)
      ).json(),
    ).toEqual([]);
    expect(
      (await from('GET', `/api/public/cases/nearby?categoryId=${cat.SRHJ01}&lng=119.7&lat=30.7`)).json(),
    ).toEqual([]);
    expect(
      (await from('GET', `/api/public/cases/nearby?categoryId=${cat.SRHJ01}&lng=Infinity&lat=30.7`))
        .statusCode,
    ).toBe(400);

    // Follow it instead of reporting again: a +1 on its timeline, no new case, a read-only code.
    const before = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const ip = '10.9.9.1';
    let res = await from('POST', `/api/public/cases/${receipt.number}/follow`, undefined, ip);
    expect(res.statusCode, res.body).toBe(201);
    const followed = res.json();
    expect(followed).toMatchObject({ number: receipt.number, followers: 1 });
    expect(followed.accessCode).toMatch(/^[0-9A-Z]{6}$/);
    expect(followed.accessCode).not.toBe(receipt.accessCode);
    const after = await t.db
      .selectFrom('cases')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    const detail = await ok('command', 'GET', `/api/cases/${c.id}`);
    expect(detail.timeline.at(-1)).toMatchObject({
      action: 'follow',
      actorName: '群众',
      data: { followers: 1 },
    });
    // Once per address; another address counts.
    res = await from('POST', `/api/public/cases/${receipt.number}/follow`, undefined, ip);
    expect(res.statusCode).toBe(409);
    res = await from('POST', `/api/public/cases/${receipt.number}/follow`, undefined, '10.9.9.2');
    expect(res.json().followers).toBe(2);

    // The follower's code shows the progress, not the reporter's report.
    const seen = (await track(receipt.number, followed.accessCode)).json();
    expect(seen).toMatchObject({
      viewer: 'follower',
      address: null,
      photos: [],
      canRate: false,
      rating: null,
      followers: 2,
    });
    expect(seen.description).toBe('张**门口垃圾堆积138****5678，证330523********1234');
    const reportPhoto = (await track(receipt.number, receipt.accessCode)).json().photos[0].url as string;
    expect((await from('GET', reportPhoto.replace(receipt.accessCode, followed.accessCode))).statusCode).toBe(
      404,
    );
    res = await from('POST', `/api/public/cases/${receipt.number}/rating`, {
      code: followed.accessCode,
      rating: 'satisfied',
    });
    expect(res.statusCode).toBe(403);
    // The reporter sees the others.
    expect((await track(receipt.number, receipt.accessCode)).json().followers).toBe(2);

    // Closed cases are not followed; unknown numbers are not found.
    await handle(c.id);
    res = await from('POST', `/api/public/cases/${receipt.number}/follow`, undefined, '10.9.9.3');
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('已办结');
    expect((await from('POST', '/api/public/cases/SJ20000101999999/follow')).statusCode).toBe(404);
    expect(
      (
        (
          await from('GET', `/api/public/cases/nearby?categoryId=${cat.SRHJ01}&lng=119.6051&lat=30.6051`)
        ).json() as { number: string }[]
      ).map((i) => i.number),
    ).not.toContain(receipt.number);
  });

  it('limits follows per address like reports', async () => {
    const receipt = await citizenReport();
    const ip = '10.8.8.8';
    const codes: number[] = [];
    for (let i = 0; i < 21; i++)
      codes.push(
        (await from('POST', `/api/public/cases/${receipt.number}/follow`, undefined, ip)).statusCode,
      );
    expect(codes[0]).toBe(201);
    expect(codes.slice(1, 20).every((s) => s === 409)).toBe(true);
    expect(codes[20]).toBe(429);
    expect(
      (await call('', 'GET', `/api/public/cases/${receipt.number}?code=${receipt.accessCode}`)).json()
        .followers,
    ).toBe(1);
  });
});
