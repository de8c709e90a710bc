import { randomBytes } from 'node:crypto';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CASE_TEMPLATES } from '../../modules/case/case.templates.ts';
import { testEngines } from '../../../test/engines.ts';
import { testConfig } from '../../../test/factories.ts';
import { SYSTEM_ACTOR } from '../audit/audit.service.ts';
import type { Config } from '../../config.ts';
import { FieldCipher } from '../pii/crypto.ts';
import type { Database } from '../db/database.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { DB } from '../db/types.ts';
import type { Kysely } from 'kysely';
import { NotifyService, type NotifyMessage } from './notify.service.ts';
import { placeholders, render, syntaxProblems } from './notify.templates.ts';
import { maskEmail, normalizeEmail } from '@wangge/shared';

describe('e-mail addresses', () => {
  it('are checked, normalised and masked', () => {
    expect(normalizeEmail(' Li.Si@Example.COM ')).toBe('Li.Si@example.com');
    for (const bad of [
      'li',
      'li@',
      '@example.com',
      'li@example',
      'li si@example.com',
      'a@b.com\r\nBcc: x@y.com',
      'a<b>@c.com',
    ]) {
      expect(normalizeEmail(bad), bad).toBeNull();
    }
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
  });
});

describe('template rendering', () => {
  it('fills variables, drops unknown ones and keeps sections only for non-empty values', () => {
    expect(render('事件 {{number}}（{{ grid }}）{{nope}}', { number: 'SJ1', grid: '甲村' })).toBe(
      '事件 SJ1（甲村）',
    );
    expect(render('{{#reason}}理由：{{reason}}{{/reason}}。', { reason: '不属于本部门' })).toBe(
      '理由：不属于本部门。',
    );
    expect(render('{{#reason}}理由：{{reason}}{{/reason}}。', { reason: '' })).toBe('。');
    expect(render('{{n}} 小时', { n: 3 })).toBe('3 小时');
    expect(render('<{{t}}>', { t: '<b>&' })).toBe('<<b>&>');
  });

  it('lists placeholders and finds malformed ones', () => {
    expect(placeholders('{{a}} {{#b}}{{c}}{{/b}}').sort()).toEqual(['a', 'b', 'c']);
    expect(syntaxProblems('{{a}} {{#b}}x{{/b}}')).toEqual([]);
    expect(syntaxProblems('{{#b}}x')).toEqual(['「{{#b}}」缺少对应的「{{/b}}」']);
    expect(syntaxProblems('编号 {{number')).toEqual(['有不完整的占位符，应写作 {{变量名}}']);
  });

  it('ships every template the case workflow sends, each using only its own variables', () => {
    for (const key of [
      'case.assigned',
      'case.rejected',
      'case.handled',
      'case.rework',
      'case.archived',
      'case.warn',
      'case.overdue',
      'case.escalate',
      'case.emergency',
      'case.request',
      'case.request.decided',
      'case.reporter.update',
    ]) {
      const t = CASE_TEMPLATES[key]!;
      expect(t.channels.length, key).toBeGreaterThan(0);
      for (const text of [t.emailSubject, t.emailBody, t.smsText, t.inappTitle, t.inappBody]) {
        expect(syntaxProblems(text), key).toEqual([]);
        for (const name of placeholders(text)) expect(t.vars, `${key}: ${name}`).toContain(name);
      }
    }
  });
});

describe.each(testEngines())('notification queue on $name', (engine) => {
  let database: Database;
  let db: Kysely<DB>;
  let config: Config;
  let cipher: FieldCipher;
  let notify: NotifyService;
  let caseSeq = 1000;
  const ids: Record<string, number> = {};

  const user = async (
    username: string,
    props: { email?: string; phone?: string; status?: 'disabled' } = {},
  ) => {
    const row = await db
      .insertInto('app_user')
      .values({
        username,
        display_name: `${username}姓名`,
        password_hash: 'x',
        email: props.email ?? null,
        phone_enc: props.phone ? cipher.encrypt(props.phone) : null,
        status: props.status ?? 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const person = async (name: string, props: { phone?: string; userId?: number } = {}) => {
    const row = await db
      .insertInto('person')
      .values({
        name,
        phone_enc: props.phone ? cipher.encrypt(props.phone) : null,
        phone_hash: null,
        organisation: null,
        photo_path: null,
        user_id: props.userId ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const data = (caseId: number) => ({
    number: `SJ20261123${String(caseId).padStart(6, '0')}`,
    title: '路灯不亮已一周',
    category: '市政设施',
    grid: '甲村第1网格',
    department: '城市管理局',
    state: '已分派待接受',
    dueAt: '2026-11-23 17:30',
    stage: '受理',
    link: `/cases/${caseId}`,
  });
  const send = (message: Omit<NotifyMessage, 'data'> & { data?: NotifyMessage['data'] }, service = notify) =>
    db
      .transaction()
      .execute((trx) =>
        service.enqueue(trx, { data: data(message.caseId ?? 0), ...message } as NotifyMessage),
      );
  const rowsOf = (caseId: number) =>
    Promise.all([
      db.selectFrom('outbox').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
      db.selectFrom('inbox_message').selectAll().where('case_id', '=', caseId).orderBy('id').execute(),
    ]);

  beforeAll(async () => {
    database = await engine.open();
    db = database.db;
    await migrateToLatest(db);
    config = testConfig({
      smtpUrl: 'smtp://127.0.0.1:2525',
      smsGateway: 'http',
      smsHttpUrl: 'http://127.0.0.1:9/sms',
      publicUrl: 'https://wangge.example.gov.cn',
    });
    cipher = new FieldCipher(randomBytes(32));
    notify = new NotifyService(db, cipher, config, database.notifications);
    notify.register(CASE_TEMPLATES);
    ids.full = await user('full', { email: 'Zhang.San@Example.COM', phone: '13912345678' });
    ids.bare = await user('bare');
    ids.off = await user('off', { email: 'off@example.com', phone: '13700000000', status: 'disabled' });
    ids.staff = await person('部门人员', { phone: '13600001111', userId: ids.full });
    ids.loner = await person('无账号人员', { phone: '13500002222' });
    ids.nobody = await person('无手机人员');
  });
  afterAll(() => database.close());

  it('writes every channel the template enables, rendered, with encrypted and masked addresses', async () => {
    const caseId = ++caseSeq;
    const written = await send({ template: 'case.assigned', to: [{ userId: ids.full! }], caseId });
    expect(written).toBe(3);
    const [outbox, inbox] = await rowsOf(caseId);
    const email = outbox.find((r) => r.channel === 'email')!;
    const sms = outbox.find((r) => r.channel === 'sms')!;
    expect(email.subject).toBe(`【待受理】SJ20261123${String(caseId).padStart(6, '0')} 路灯不亮已一周`);
    expect(email.body).toContain('新事件已分派给城市管理局，请于 2026-11-23 17:30 前受理。');
    expect(email.body).toContain(`https://wangge.example.gov.cn/cases/${caseId}`);
    expect(email.to_enc).not.toContain('example.com');
    expect(cipher.decrypt(email.to_enc)).toBe('Zhang.San@example.com');
    expect(email.to_masked).toBe('Z***@example.com');
    expect(email).toMatchObject({
      state: 'pending',
      attempts: 0,
      recipient_user_id: ids.full,
      recipient_name: 'full姓名',
    });
    expect(sms.body.startsWith('【网格】新事件SJ2026')).toBe(true);
    expect(sms.to_enc).not.toContain('13912345678');
    expect(cipher.decrypt(sms.to_enc)).toBe('13912345678');
    expect(sms.to_masked).toBe('139****5678');
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      user_id: ids.full,
      title: '新事件待受理：路灯不亮已一周',
      link: `/cases/${caseId}`,
      read_at: null,
    });
    expect(inbox[0]!.body).toContain('已分派给城市管理局');
  });

  it('uses only the channels a template enables', async () => {
    const archived = ++caseSeq;
    expect(await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: archived })).toBe(1);
    const [outbox, inbox] = await rowsOf(archived);
    expect(outbox).toHaveLength(0);
    expect(inbox).toHaveLength(1);

    const reporter = ++caseSeq;
    expect(
      await send({
        template: 'case.reporter.update',
        to: [{ phone: '13812345678', name: '王女士' }],
        caseId: reporter,
        data: { number: 'SJ20261123000009', state: '已归档' },
      }),
    ).toBe(1);
    const [sms] = await rowsOf(reporter);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({
      channel: 'sms',
      body: '【网格】您反映的问题（编号 SJ20261123000009）已归档，感谢您的支持！',
      recipient_name: '王女士',
      recipient_user_id: null,
      to_masked: '138****5678',
    });
  });

  it('sends one message per channel to a user listed twice or reached through a person', async () => {
    const caseId = ++caseSeq;
    const written = await send({
      template: 'case.assigned',
      to: [
        { userId: ids.full! },
        { personId: ids.staff! },
        { userId: ids.full! },
        { email: 'zhang.san@EXAMPLE.com' },
      ],
      caseId,
    });
    const [outbox, inbox] = await rowsOf(caseId);
    // The person's own phone differs from the account's: both get the SMS.
    expect(outbox.filter((r) => r.channel === 'email')).toHaveLength(1);
    expect(
      outbox
        .filter((r) => r.channel === 'sms')
        .map((r) => r.to_masked)
        .sort(),
    ).toEqual(['136****1111', '139****5678']);
    expect(inbox).toHaveLength(1);
    expect(written).toBe(outbox.length + inbox.length);
  });

  it('skips recipients without an address for a channel, and disabled accounts', async () => {
    const caseId = ++caseSeq;
    const written = await send({
      template: 'case.assigned',
      to: [
        { userId: ids.bare! },
        { userId: ids.off! },
        { personId: ids.loner! },
        { personId: ids.nobody! },
        { userId: 999999 },
      ],
      caseId,
    });
    const [outbox, inbox] = await rowsOf(caseId);
    expect(outbox.map((r) => [r.channel, r.to_masked, r.recipient_person_id])).toEqual([
      ['sms', '135****2222', ids.loner],
    ]);
    expect(inbox.map((m) => m.user_id)).toEqual([ids.bare]);
    expect(written).toBe(2);
    expect(await send({ template: 'case.assigned', to: [], caseId })).toBe(0);
  });

  it('refuses an unknown template', async () => {
    await expect(send({ template: 'case.nonsense', to: [{ userId: ids.full! }] })).rejects.toThrow(
      /case.nonsense/,
    );
  });

  it('leaves channels without a transport unsent, visibly', async () => {
    const bare = new NotifyService(db, cipher, testConfig(), database.notifications);
    bare.register(CASE_TEMPLATES);
    const caseId = ++caseSeq;
    await send({ template: 'case.assigned', to: [{ userId: ids.full! }], caseId }, bare);
    const [outbox] = await rowsOf(caseId);
    expect(outbox.map((r) => [r.channel, r.state, r.last_error, r.next_attempt_at])).toEqual([
      ['email', 'unsent', '未配置邮件服务器', null],
      ['sms', 'unsent', '未配置短信网关', null],
    ]);
  });

  it('costs only the inserts once templates and contacts are kept', async () => {
    const statements: string[] = [];
    const counter: KyselyPlugin = {
      transformQuery(args) {
        statements.push(args.node.kind);
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    };
    const counted = db.withPlugin(counter);
    const service = new NotifyService(counted, cipher, config, database.notifications);
    service.register(CASE_TEMPLATES);
    const message = (caseId: number) => ({
      template: 'case.assigned',
      data: data(caseId),
      to: [{ userId: ids.full! }, { personId: ids.loner! }],
      caseId,
    });
    // Outside a transaction (as case intake writes): contacts are kept after the first read.
    await service.enqueue(counted, message(++caseSeq));
    expect(statements).toHaveLength(4); // templates, contacts, outbox, inbox
    statements.length = 0;
    await service.enqueue(counted, message(++caseSeq));
    expect(statements).toEqual(['InsertQueryNode', 'InsertQueryNode']);
    // Inside one, they are read again: the transaction may have changed them, and may roll back.
    statements.length = 0;
    await counted.transaction().execute((trx) => service.enqueue(trx, message(++caseSeq)));
    expect(statements).toEqual(['RawNode', 'InsertQueryNode', 'InsertQueryNode']);
  });

  it('keeps no contact a rolled-back transaction read', async () => {
    const to = [{ userId: ids.full! }];
    const caseId = ++caseSeq;
    // Nothing kept for the user to begin with (a committed write drops it).
    await db
      .updateTable('app_user')
      .set({ email: 'Zhang.San@Example.COM' })
      .where('id', '=', ids.full!)
      .execute();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx
          .updateTable('app_user')
          .set({ email: 'never@example.com' })
          .where('id', '=', ids.full!)
          .execute();
        await notify.enqueue(trx, { template: 'case.assigned', data: data(caseId), to, caseId });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Outside a transaction, where kept contacts are used.
    const next = ++caseSeq;
    await notify.enqueue(db, { template: 'case.assigned', data: data(next), to, caseId: next });
    const [outbox] = await rowsOf(next);
    const email = outbox.find((r) => r.channel === 'email')!;
    expect(cipher.decrypt(email.to_enc)).toBe('Zhang.San@example.com');
  });

  it('uses changed contacts at once, however they were changed', async () => {
    const to = [{ userId: ids.full! }, { personId: ids.staff! }, { personId: ids.loner! }];
    const addresses = async () => {
      const caseId = ++caseSeq;
      // Outside a transaction, where kept contacts are used.
      await notify.enqueue(db, { template: 'case.assigned', data: data(caseId), to, caseId });
      const [outbox, inbox] = await rowsOf(caseId);
      return {
        to: outbox.map((r) => cipher.decrypt(r.to_enc)).sort(),
        inbox: inbox.map((m) => m.user_id),
      };
    };
    const before = await addresses(); // now kept
    expect(before).toEqual({
      to: ['13500002222', '13600001111', '13912345678', 'Zhang.San@example.com'].sort(),
      inbox: [ids.full],
    });
    try {
      // Written straight to the database, as another server or tool would.
      await db
        .updateTable('app_user')
        .set({ email: 'li.si@example.com' })
        .where('id', '=', ids.full!)
        .execute();
      await db
        .updateTable('person')
        .set({ phone_enc: cipher.encrypt('13511112222') })
        .where('id', '=', ids.loner!)
        .execute();
      expect(await addresses()).toEqual({
        to: ['13511112222', '13600001111', '13912345678', 'li.si@example.com'].sort(),
        inbox: [ids.full],
      });
      // A disabled account gets nothing through its own addresses, nor through people linked to it.
      await db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', ids.full!).execute();
      expect(await addresses()).toEqual({ to: ['13511112222', '13600001111'], inbox: [] });
    } finally {
      await db
        .updateTable('app_user')
        .set({ email: 'Zhang.San@Example.COM', status: 'active' })
        .where('id', '=', ids.full!)
        .execute();
      await db
        .updateTable('person')
        .set({ phone_enc: cipher.encrypt('13500002222') })
        .where('id', '=', ids.loner!)
        .execute();
    }
    expect(await addresses()).toEqual(before);
  });

  it('uses an edited template at once here and within seconds on other instances', async () => {
    const other = new NotifyService(db, cipher, config, database.notifications);
    other.register(CASE_TEMPLATES);
    const warm = ++caseSeq;
    await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: warm }, other);
    const saved = await notify.updateTemplate(SYSTEM_ACTOR, 'case.archived', {
      channels: ['inapp', 'sms'],
      emailSubject: '',
      emailBody: '',
      smsText: '事件{{number}}已归档{{extra}}',
      inappTitle: '归档：{{title}}',
      inappBody: '事件 {{number}} 已归档。',
    });
    expect(saved.warnings).toEqual(['变量 {{extra}} 不是该模板提供的变量，发送时将显示为空']);
    const here = ++caseSeq;
    expect(await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: here })).toBe(2);
    const [outbox, inbox] = await rowsOf(here);
    expect(outbox[0]!.body).toBe(`【网格】事件SJ20261123${String(here).padStart(6, '0')}已归档`);
    expect(inbox[0]!.title).toBe('归档：路灯不亮已一周');

    // The other instance still has the old text cached, until the cache expires.
    const stale = ++caseSeq;
    expect(await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: stale }, other)).toBe(
      1,
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 6000);
      const fresh = ++caseSeq;
      expect(
        await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: fresh }, other),
      ).toBe(2);
    } finally {
      vi.useRealTimers();
    }
    await notify.resetTemplate(SYSTEM_ACTOR, 'case.archived');
    const reset = ++caseSeq;
    expect(await send({ template: 'case.archived', to: [{ userId: ids.full! }], caseId: reset })).toBe(1);
  });
});
