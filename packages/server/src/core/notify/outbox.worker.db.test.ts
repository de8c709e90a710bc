import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_TEMPLATES } from '../../modules/case/case.templates.ts';
import { testEngines, type TestEngine } from '../../../test/engines.ts';
import { testConfig } from '../../../test/factories.ts';
import {
  startHttpSmsSink,
  startSmppSink,
  startSmtpSink,
  type HttpSmsSink,
  type SmppSink,
  type SmtpSink,
} from '../../../test/notify-servers.ts';
import { SYSTEM_ACTOR } from '../audit/audit.service.ts';
import type { Config } from '../../config.ts';
import { FieldCipher } from '../pii/crypto.ts';
import type { Database } from '../db/database.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { DB } from '../db/types.ts';
import { SmtpMailer } from './mail.ts';
import { NotifyService, type NotifyRecipient } from './notify.service.ts';
import { OutboxWorker } from './outbox.worker.ts';
import { HttpSmsGateway, SmppGateway } from './sms.ts';
import { transportsFrom, type Transports } from './transports.ts';

const MIN = 60_000;

describe.each(testEngines())('outbox delivery on $name', (engine: TestEngine) => {
  let smtp: SmtpSink;
  let smppSink: SmppSink;
  let httpSink: HttpSmsSink;
  const opened: Database[] = [];
  const workers: OutboxWorker[] = [];

  beforeAll(async () => {
    [smtp, smppSink, httpSink] = await Promise.all([startSmtpSink(), startSmppSink(), startHttpSmsSink()]);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(opened.map((d) => d.close()));
    await Promise.all([smtp.close(), smppSink.close(), httpSink.close()]);
  });

  /** A fresh database per test, so every test sees only its own queue. */
  async function setup(overrides: Partial<Config> = {}) {
    const database = await engine.open();
    opened.push(database);
    await migrateToLatest(database.db);
    const config = testConfig({
      smtpUrl: smtp.url,
      smsGateway: 'smpp',
      smsSmppUrl: smppSink.url(),
      ...overrides,
    });
    const cipher = new FieldCipher(randomBytes(32));
    const notify = new NotifyService(database.db, cipher, config, database.notifications);
    notify.register(CASE_TEMPLATES);
    const db: Kysely<DB> = database.db;
    const enqueue = (template: string, to: NotifyRecipient[], caseId = 1) =>
      db.transaction().execute((trx) =>
        notify.enqueue(trx, {
          template,
          to,
          caseId,
          link: `/cases/${caseId}`,
          data: {
            number: 'SJ20261123000001',
            title: '小区东门外垃圾堆积多日无人清运',
            category: '市容环境',
            grid: '甲村第1网格',
            department: '城市管理局',
            dueAt: '2026-11-23 17:30',
            stage: '受理',
          },
        }),
      );
    const worker = (transports: Transports = transportsFrom(config), options = {}) => {
      const w = new OutboxWorker(db, cipher, transports, options);
      workers.push(w);
      return w;
    };
    const rows = () => db.selectFrom('outbox').selectAll().orderBy('id').execute();
    return { db, config, cipher, notify, enqueue, worker, rows };
  }

  it('sends e-mail over SMTP and SMS over SMPP, Chinese intact, and records the provider ids', async () => {
    const s = await setup();
    const mailsBefore = smtp.received.length;
    await s.enqueue('case.escalate', [
      { email: 'chief@example.com', phone: '13912345678', name: '李网格长' },
      { email: 'deputy@example.com', name: '赵副网格长' },
    ]);
    const w = s.worker();
    expect(await w.runOnce()).toEqual({ claimed: 3, sent: 3, retried: 0, failed: 0, unsent: 0 });
    expect(await w.runOnce()).toEqual({ claimed: 0, sent: 0, retried: 0, failed: 0, unsent: 0 });

    const mails = smtp.received.slice(mailsBefore);
    expect(mails.map((m) => m.rcptTo[0]).sort()).toEqual(['chief@example.com', 'deputy@example.com']);
    const mail = mails[0]!.mail;
    expect(mail.subject).toBe('【超时升级】SJ20261123000001 小区东门外垃圾堆积多日无人清运');
    expect(mail.text).toContain(
      '您辖区内的事件 SJ20261123000001「小区东门外垃圾堆积多日无人清运」受理严重超时',
    );
    expect(mail.text).toContain('承办部门：城市管理局');
    expect(mail.from?.value[0]).toMatchObject({ name: '网格', address: 'noreply@localhost' });

    const sms = smppSink.messages().filter((m) => m.destination === '13912345678');
    expect(sms).toEqual([
      {
        destination: '13912345678',
        text: '【网格】督办：辖区事件SJ20261123000001「小区东门外垃圾堆积多日无人清运」受理严重超时（时限2026-11-23 17:30），已升级由您督办。',
      },
    ]);
    const stored = await s.rows();
    expect(
      stored.every((r) => r.state === 'sent' && r.attempts === 1 && r.sent_at && r.last_error === null),
    ).toBe(true);
    expect(stored.find((r) => r.channel === 'email')!.provider_id).toMatch(/@/);
    // A long SMS goes in parts: one id per part.
    expect(stored.find((r) => r.channel === 'sms')!.provider_id!.split(',').length).toBeGreaterThan(1);
  });

  it('sends SMS through the HTTP gateway', async () => {
    const s = await setup({ smsGateway: 'http', smsHttpUrl: httpSink.url, smsHttpToken: 'tok' });
    await s.enqueue('case.warn', [{ phone: '13800138000' }]);
    expect((await s.worker().runOnce()).sent).toBe(1);
    expect(httpSink.requests.at(-1)).toEqual({
      authorization: 'Bearer tok',
      body: {
        phone: '13800138000',
        text: '【网格】预警：事件SJ20261123000001「小区东门外垃圾堆积多日无人清运」受理将于2026-11-23 17:30超时，请尽快办理。',
      },
    });
    expect((await s.rows())[0]).toMatchObject({
      state: 'sent',
      provider_id: expect.stringMatching(/^H\d+$/),
    });
  });

  it('retries a refused message with exponential backoff until it goes through', async () => {
    const s = await setup();
    await s.enqueue('case.request', [{ email: 'approver@example.com' }]);
    const w = s.worker({ mail: new SmtpMailer(smtp.url, 'noreply@wangge.test'), sms: null });
    const t0 = Date.now();
    const before = smtp.received.length;
    smtp.rejecting = true;
    try {
      expect((await w.runOnce(new Date(t0))).retried).toBe(1);
      let [row] = await s.rows();
      expect(row).toMatchObject({ state: 'pending', attempts: 1 });
      expect(row!.next_attempt_at!.getTime()).toBe(t0 + MIN);
      expect(row!.last_error).toMatch(/450|Mailbox temporarily unavailable|rejected/);

      // Not due yet: nothing happens.
      expect((await w.runOnce(new Date(t0 + 30_000))).claimed).toBe(0);
      expect((await w.runOnce(new Date(t0 + MIN))).retried).toBe(1);
      [row] = await s.rows();
      expect(row!.next_attempt_at!.getTime()).toBe(t0 + MIN + 2 * MIN);
    } finally {
      smtp.rejecting = false;
    }
    expect((await w.runOnce(new Date(t0 + 3 * MIN))).sent).toBe(1);
    const [row] = await s.rows();
    expect(row).toMatchObject({ state: 'sent', attempts: 3, last_error: null });
    expect(smtp.received.length - before).toBe(1);
  });

  it('gives up after the last attempt, with the last error; backoff is capped at an hour', async () => {
    const s = await setup();
    await s.enqueue('case.rejected', [{ email: 'dispatcher@example.com' }]);
    let calls = 0;
    const w = s.worker({
      mail: {
        send: async () => {
          calls += 1;
          throw new Error(`连接被拒绝 #${calls}`);
        },
        close: async () => undefined,
      },
      sms: null,
    });
    let now = Date.now();
    const delays: number[] = [];
    for (let i = 1; i <= 8; i++) {
      const pass = await w.runOnce(new Date(now));
      expect(pass.claimed).toBe(1);
      const [row] = await s.rows();
      if (i < 8) {
        expect(row).toMatchObject({ state: 'pending', attempts: i });
        delays.push((row!.next_attempt_at!.getTime() - now) / MIN);
        now = row!.next_attempt_at!.getTime();
      } else {
        expect(pass.failed).toBe(1);
        expect(row).toMatchObject({
          state: 'failed',
          attempts: 8,
          last_error: '连接被拒绝 #8',
          next_attempt_at: null,
        });
      }
    }
    expect(delays).toEqual([1, 2, 4, 8, 16, 32, 60]);
    expect((await w.runOnce(new Date(now + 24 * 60 * MIN))).claimed).toBe(0);
    expect(calls).toBe(8);

    // An administrator puts it back in the queue: a fresh round of attempts.
    await s.notify.retry(SYSTEM_ACTOR, (await s.rows())[0]!.id);
    expect((await s.rows())[0]).toMatchObject({ state: 'pending', attempts: 0, last_error: null });
    const ok = s.worker({ mail: new SmtpMailer(smtp.url, 'noreply@wangge.test'), sms: null });
    expect((await ok.runOnce()).sent).toBe(1);
  });

  it('keeps messages of an unconfigured channel unsent until an administrator re-queues them', async () => {
    const s = await setup({ smtpUrl: null, smsGateway: 'none', smsSmppUrl: null });
    await s.enqueue('case.overdue', [{ email: 'a@example.com', phone: '13912345678' }]);
    expect((await s.rows()).map((r) => [r.channel, r.state, r.last_error])).toEqual([
      ['email', 'unsent', '未配置邮件服务器'],
      ['sms', 'unsent', '未配置短信网关'],
    ]);
    const bare = s.worker({ mail: null, sms: null });
    expect((await bare.runOnce()).claimed).toBe(0);

    // Re-queued while still unconfigured: back to unsent, never sent, never retried on its own.
    const [email, sms] = await s.rows();
    await s.notify.retry(SYSTEM_ACTOR, email!.id);
    expect(await bare.runOnce()).toMatchObject({ claimed: 0, unsent: 1 });
    expect((await s.rows())[0]).toMatchObject({ state: 'unsent', last_error: '未配置邮件服务器' });

    // Configured later (a gateway now exists): re-queued messages go out.
    await s.notify.retry(SYSTEM_ACTOR, sms!.id);
    const gateway = new SmppGateway(smppSink.url(), null);
    const w = s.worker({ mail: null, sms: gateway });
    expect((await w.runOnce()).sent).toBe(1);
    expect((await s.rows())[1]).toMatchObject({ state: 'sent' });
  });

  it('resends once after a worker died holding the lease', async () => {
    const s = await setup();
    await s.enqueue('case.assigned', [{ email: 'staff@example.com' }]);
    const t0 = Date.now();
    const before = smtp.received.length;
    // A worker claims (marks sending with a lease) and dies before sending.
    const claimed = await s.worker(transportsFrom(s.config), { leaseMs: 5 * MIN }).claim(new Date(t0));
    expect(claimed.rows).toHaveLength(1);
    expect((await s.rows())[0]).toMatchObject({ state: 'sending', attempts: 1 });

    const survivor = s.worker(transportsFrom(s.config), { leaseMs: 5 * MIN });
    // While the lease runs, the row is someone else's.
    expect((await survivor.runOnce(new Date(t0 + MIN))).claimed).toBe(0);
    expect(smtp.received.length).toBe(before);
    // After it: sent exactly once.
    expect((await survivor.runOnce(new Date(t0 + 5 * MIN + 1000))).sent).toBe(1);
    expect((await survivor.runOnce(new Date(t0 + 60 * MIN))).claimed).toBe(0);
    expect(smtp.received.length - before).toBe(1);
    expect((await s.rows())[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('never lets two workers send the same message', async () => {
    const s = await setup({ smtpUrl: null, smsGateway: 'http', smsHttpUrl: httpSink.url });
    const phones = Array.from({ length: 40 }, (_, i) => `139${String(10_000_000 + i).slice(-8)}`);
    await s.enqueue(
      'case.warn',
      phones.map((phone) => ({ phone })),
    );
    const before = httpSink.requests.length;
    const slow = new HttpSmsGateway(httpSink.url, null);
    const a = s.worker({ mail: null, sms: slow }, { batchSize: 5 });
    const b = s.worker({ mail: null, sms: new HttpSmsGateway(httpSink.url, null) }, { batchSize: 5 });
    const [pa, pb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(pa.sent + pb.sent).toBe(40);
    const sent = httpSink.requests.slice(before).map((r) => r.body.phone);
    expect(sent).toHaveLength(40);
    expect(new Set(sent).size).toBe(40);
    expect((await s.rows()).every((r) => r.state === 'sent' && r.attempts === 1)).toBe(true);
  });
});
