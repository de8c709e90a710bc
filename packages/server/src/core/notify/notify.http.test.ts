import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import {
  buildTerritory,
  buildUser,
  createTestApp,
  login,
  requests,
  type TestApp,
} from '../../../test/factories.ts';
import { startSmtpSink } from '../../../test/notify-servers.ts';
import type { NotifyRecipient } from './notify.service.ts';

describe.each(testEngines())('notification API on $name', (engine) => {
  let t: TestApp;
  const cookies: Record<string, string> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await createTestApp(await engine.open());
    const territory = await buildTerritory(t.db);
    ids.sys = await buildUser(t, { username: 'sys', roles: ['sys_admin'], scopes: [territory.county.id] });
    ids.command = await buildUser(t, {
      username: 'command',
      roles: ['command_center'],
      scopes: [territory.county.id],
    });
    ids.alice = await buildUser(t, {
      username: 'alice',
      roles: ['grid_member'],
      scopes: [territory.villageA.id],
    });
    ids.bob = await buildUser(t, {
      username: 'bob',
      roles: ['grid_member'],
      scopes: [territory.villageB.id],
    });
    for (const name of ['sys', 'command', 'alice', 'bob']) cookies[name] = await login(t.app, name);
  });
  afterAll(() => t.close());

  const { call, ok } = requests(() => t.app, cookies);
  const enqueue = (
    template: string,
    to: NotifyRecipient[],
    caseId: number,
    extra: Record<string, string> = {},
  ) =>
    t.db.transaction().execute((trx) =>
      t.app.ctx.notify.enqueue(trx, {
        template,
        to,
        caseId,
        link: `/cases/${caseId}`,
        data: {
          number: `SJ2026112300000${caseId}`,
          title: `测试事件${caseId}`,
          dueAt: '2026-11-23 17:30',
          ...extra,
        },
      }),
    );

  it('keeps an e-mail address per user, checked, in the user administration', async () => {
    const created = await call('sys', 'POST', '/api/users', {
      username: 'mailer',
      displayName: '有邮箱的人',
      email: ' Wang.Wu@Example.COM ',
      password: 'Another-Passw0rd!',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().email).toBe('Wang.Wu@example.com');
    const bad = await call('sys', 'POST', '/api/users', {
      username: 'mailer2',
      displayName: 'x',
      email: 'not-an-address',
      password: 'Another-Passw0rd!',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({ email: '应为电子邮箱地址，如 zhangsan@example.com' });
    const id = created.json().id as number;
    expect((await ok('sys', 'PATCH', `/api/users/${id}`, { email: 'ww@example.org' })).email).toBe(
      'ww@example.org',
    );
    expect((await ok('sys', 'GET', `/api/users/${id}`)).email).toBe('ww@example.org');
    expect((await ok('sys', 'PATCH', `/api/users/${id}`, { email: null })).email).toBeNull();
  });

  it('shows sent mail and SMS masked, filtered and paginated, to holders of notify.read only', async () => {
    await enqueue(
      'case.assigned',
      [{ email: 'zhao.liu@example.com', phone: '13912345678', name: '赵六' }],
      1,
    );
    await enqueue('case.overdue', [{ email: 'qian.qi@example.com', phone: '13800138000' }], 2);

    const mails = await ok('command', 'GET', '/api/notify/mails');
    expect(mails.total).toBe(2);
    expect(mails.items[0]).toMatchObject({
      channel: 'email',
      template: 'case.overdue',
      templateName: '已超时催办',
      caseId: 2,
      toMasked: 'q***@example.com',
      state: 'unsent',
      lastError: '未配置邮件服务器',
      attempts: 0,
      sentAt: null,
    });
    expect(JSON.stringify(mails)).not.toContain('qian.qi@');
    const sms = await ok('command', 'GET', '/api/notify/sms?caseId=1');
    expect(
      sms.items.map((i: { toMasked: string; recipientName: string }) => [i.toMasked, i.recipientName]),
    ).toEqual([['139****5678', '赵六']]);
    expect(JSON.stringify(sms)).not.toContain('13912345678');

    expect(
      (await ok('command', 'GET', '/api/notify/mails?q=催办')).items.map((i: { caseId: number }) => i.caseId),
    ).toEqual([2]);
    expect((await ok('command', 'GET', '/api/notify/mails?state=sent')).total).toBe(0);
    expect((await ok('command', 'GET', '/api/notify/mails?pageSize=1&page=2')).items).toHaveLength(1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    expect((await ok('command', 'GET', `/api/notify/mails?from=${today}&to=${today}`)).total).toBe(2);
    expect((await ok('command', 'GET', '/api/notify/mails?to=2020-01-01')).total).toBe(0);
    expect((await ok('sys', 'GET', '/api/notify/sms')).total).toBe(2);

    expect((await call('alice', 'GET', '/api/notify/mails')).statusCode).toBe(403);
    expect((await call('alice', 'GET', '/api/notify/sms')).statusCode).toBe(403);
  });

  it('re-queues an unsent or failed message, audited, for those who keep the sent-mail views', async () => {
    const [row] = (await ok('command', 'GET', '/api/notify/mails?caseId=1')).items;
    // A grid member neither sees nor resends.
    expect((await call('alice', 'POST', `/api/notify/outbox/${row.id}/retry`)).statusCode).toBe(403);
    const retried = await ok('command', 'POST', `/api/notify/outbox/${row.id}/retry`);
    expect(retried).toMatchObject({ id: row.id, state: 'pending', attempts: 0, lastError: null });
    const again = await call('command', 'POST', `/api/notify/outbox/${row.id}/retry`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.message).toBe('只有发送失败或未发送的消息可以重发');
    expect((await call('command', 'POST', '/api/notify/outbox/999999/retry')).statusCode).toBe(404);
    const audit = await t.db
      .selectFrom('audit_log')
      .select(['action', 'actor_name', 'target_id'])
      .where('action', '=', 'notify.retry')
      .execute();
    expect(audit).toEqual([{ action: 'notify.retry', actor_name: 'command', target_id: String(row.id) }]);
  });

  it('lets case.config holders edit templates, checked, with warnings for unknown variables', async () => {
    const list = await ok('command', 'GET', '/api/notify/templates');
    expect(list.map((x: { key: string }) => x.key)).toContain('case.reporter.update');
    const assigned = list.find((x: { key: string }) => x.key === 'case.assigned');
    expect(assigned).toMatchObject({
      name: '新事件已分派给部门',
      customised: false,
      channels: ['email', 'sms', 'inapp'],
    });
    expect((await call('alice', 'GET', '/api/notify/templates')).statusCode).toBe(403);

    const body = {
      ...assigned,
      channels: ['inapp', 'sms'],
      smsText: '',
      inappTitle: '新事件：{{title}} {{#x}}',
    };
    delete body.key;
    delete body.name;
    delete body.vars;
    delete body.customised;
    delete body.updatedAt;
    const bad = await call('command', 'PUT', '/api/notify/templates/case.assigned', body);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields).toEqual({
      smsText: '启用该渠道时不能为空',
      inappTitle: '「{{#x}}」缺少对应的「{{/x}}」',
    });
    const saved = await ok('command', 'PUT', '/api/notify/templates/case.assigned', {
      ...body,
      smsText: '新事件{{number}}：{{title}}，请受理。{{mood}}',
      inappTitle: '新事件：{{title}}',
    });
    expect(saved.warnings).toEqual(['变量 {{mood}} 不是该模板提供的变量，发送时将显示为空']);
    expect(saved.template).toMatchObject({ customised: true, channels: ['sms', 'inapp'] });
    expect((await call('command', 'PUT', '/api/notify/templates/case.unknown', body)).statusCode).toBe(404);

    // In use at once: no e-mail any more, the new title in the inbox.
    await enqueue('case.assigned', [{ userId: ids.alice! }], 3);
    const inbox = await ok('alice', 'GET', '/api/inbox');
    expect(inbox.items[0]).toMatchObject({ title: '新事件：测试事件3', caseId: 3, link: '/cases/3' });

    const reset = await ok('command', 'DELETE', '/api/notify/templates/case.assigned');
    expect(reset).toMatchObject({ customised: false, channels: ['email', 'sms', 'inapp'] });
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'notify.template.%')
      // Insertion order: chain positions (seq) are given later, by the sealer.
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['notify.template.update', 'notify.template.reset']);
  });

  it('shows every user their own inbox only, with unread counts and read marks', async () => {
    await ok('alice', 'POST', '/api/inbox/read-all');
    await enqueue('case.archived', [{ userId: ids.alice! }, { userId: ids.bob! }], 4);
    await enqueue('case.archived', [{ userId: ids.alice! }], 5);
    expect(await ok('alice', 'GET', '/api/inbox/unread-count')).toEqual({ count: 2 });
    expect(await ok('bob', 'GET', '/api/inbox/unread-count')).toEqual({ count: 1 });
    const unread = await ok('alice', 'GET', '/api/inbox?unread=true');
    expect(unread.items.map((m: { caseId: number }) => m.caseId)).toEqual([5, 4]);
    const all = await ok('alice', 'GET', '/api/inbox?pageSize=100');
    expect(all.total).toBe(3);
    const bobs = await ok('bob', 'GET', '/api/inbox');
    expect(bobs.items.map((m: { caseId: number }) => m.caseId)).toEqual([4]);

    // Bob cannot mark (or learn about) Alice's messages.
    const aliceMessage = unread.items[0];
    expect((await call('bob', 'POST', `/api/inbox/${aliceMessage.id}/read`)).statusCode).toBe(404);
    const read = await ok('alice', 'POST', `/api/inbox/${aliceMessage.id}/read`);
    expect(read.readAt).not.toBeNull();
    // Marking again keeps the first time.
    expect((await ok('alice', 'POST', `/api/inbox/${aliceMessage.id}/read`)).readAt).toBe(read.readAt);
    expect(await ok('alice', 'GET', '/api/inbox/unread-count')).toEqual({ count: 1 });
    expect(await ok('alice', 'POST', '/api/inbox/read-all')).toEqual({ updated: 1 });
    expect(await ok('alice', 'GET', '/api/inbox/unread-count')).toEqual({ count: 0 });
    expect(await ok('bob', 'GET', '/api/inbox/unread-count')).toEqual({ count: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/api/inbox' })).statusCode).toBe(401);
  });
});

describe.each(testEngines())('outbox worker in the app on $name', (engine) => {
  it('starts with the app when workers are on, delivers, and stops with it', async () => {
    const sink = await startSmtpSink();
    const t = await createTestApp(await engine.open(), {
      workers: true,
      smtpUrl: sink.url,
      notifyIntervalSeconds: 1,
    });
    try {
      await t.db.transaction().execute((trx) =>
        t.app.ctx.notify.enqueue(trx, {
          template: 'case.emergency',
          to: [{ email: 'command@example.com' }],
          caseId: 9,
          data: { number: 'SJ20261123000009', title: '化工厂附近有刺鼻气味', grid: '甲村' },
        }),
      );
      const deadline = Date.now() + 10_000;
      while (!sink.received.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(sink.received.map((m) => m.mail.subject)).toEqual([
        '【紧急】SJ20261123000009 化工厂附近有刺鼻气味',
      ]);
      // The mail arrives before the worker records it: wait for the row to be marked sent.
      const state = async () =>
        (await t.db.selectFrom('outbox').select(['state']).executeTakeFirstOrThrow()).state;
      while ((await state()) !== 'sent' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await state()).toBe('sent');
    } finally {
      await t.close();
      await sink.close();
    }
  });
});
