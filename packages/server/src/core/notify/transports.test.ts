import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startHttpSmsSink,
  startSmppSink,
  startSmtpSink,
  type HttpSmsSink,
  type SmppSink,
  type SmtpSink,
} from '../../../test/notify-servers.ts';
import { SmtpMailer } from './mail.ts';
import { HttpSmsGateway, SmppGateway, ucs2Segments } from './sms.ts';

const LONG =
  '【网格】催办：事件SJ20261123000042「小区东门外垃圾堆积多日无人清运，居民反映气味很大」受理已于2026-11-23 17:30超时，' +
  '请立即办理。承办部门：城市管理局环境卫生科。详情请登录网格化管理平台查看。';

describe('ucs2Segments', () => {
  it('keeps up to 70 characters in one segment and splits longer texts into 67-character parts', () => {
    expect(ucs2Segments('你好')).toEqual([Buffer.from([0x4f, 0x60, 0x59, 0x7d])]);
    expect(ucs2Segments('字'.repeat(70))).toHaveLength(1);
    const parts = ucs2Segments('字'.repeat(71));
    expect(parts.map((p) => p.length / 2)).toEqual([67, 4]);
  });

  it('never splits a surrogate pair', () => {
    const text = '字'.repeat(66) + '😀' + '字'.repeat(10);
    const parts = ucs2Segments(text);
    const decoded = parts.map((p) => Buffer.from(p).swap16().toString('utf16le'));
    expect(decoded.join('')).toBe(text);
    expect(decoded[0]).toBe('字'.repeat(66));
  });
});

describe('SMTP mailer', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.close());

  it('delivers a UTF-8 subject and body intact, logging in with the URL credentials', async () => {
    const mailer = new SmtpMailer(sink.url, '网格 <noreply@wangge.test>');
    const subject = '【待受理】SJ20261123000001 路灯不亮已一周';
    const body = '您好：\n\n新事件已分派给城市管理局，请于 2026-11-23 17:30 前受理。\n\n—— 网格化管理平台';
    const result = await mailer.send('zhang.san@example.com', subject, body);
    await mailer.close();
    expect(result.providerId).toMatch(/@/);
    expect(sink.received).toHaveLength(1);
    const { rcptTo, mail } = sink.received[0]!;
    expect(rcptTo).toEqual(['zhang.san@example.com']);
    expect(mail.subject).toBe(subject);
    expect(mail.text?.trim()).toBe(body);
    expect(mail.from?.value[0]).toMatchObject({ name: '网格', address: 'noreply@wangge.test' });
    expect(sink.logins).toEqual(['notifier']);
  });

  it('fails when the server refuses the recipient', async () => {
    sink.rejecting = true;
    const mailer = new SmtpMailer(sink.url, 'noreply@wangge.test');
    await expect(mailer.send('li.si@example.com', '主题', '正文')).rejects.toThrow();
    await mailer.close();
    sink.rejecting = false;
  });
});

describe('SMPP gateway', () => {
  let sink: SmppSink;
  beforeAll(async () => {
    sink = await startSmppSink();
  });
  afterAll(() => sink.close());

  it('binds as a transceiver and submits Chinese as UCS-2; long texts arrive complete', async () => {
    const gateway = new SmppGateway(sink.url('wangge01', 's3cret'), '106900001234');
    const short = await gateway.send(
      '13912345678',
      '【网格】您反映的问题（编号 SJ20261123000001）已归档，感谢您的支持！',
    );
    const long = await gateway.send('13800138000', LONG);
    await gateway.close();

    expect(sink.binds).toEqual([{ systemId: 'wangge01', password: 's3cret' }]);
    expect(short.providerId).toBe('M1');
    expect(long.providerId.split(',')).toHaveLength(Math.ceil(LONG.length / 67));
    expect(sink.submits.every((s) => s.dataCoding === 8 && s.source === '106900001234')).toBe(true);
    const parts = sink.submits.filter((s) => s.destination === '13800138000');
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.part && p.part.total === parts.length)).toBe(true);
    expect(sink.messages()).toEqual([
      {
        destination: '13912345678',
        text: '【网格】您反映的问题（编号 SJ20261123000001）已归档，感谢您的支持！',
      },
      { destination: '13800138000', text: LONG },
    ]);
  });

  it('reports a refused bind or an unreachable SMSC as an error, and binds again after a close', async () => {
    await expect(
      new SmppGateway(sink.url('wangge', 'wrong'), null, 2000).send('13900000000', '测试'),
    ).rejects.toThrow('短信网关拒绝登录（SMPP 状态 0xd）');
    await expect(
      new SmppGateway('smpp://x:y@127.0.0.1:1', null, 2000).send('13900000000', '测试'),
    ).rejects.toThrow(/短信网关/);
    const gateway = new SmppGateway(sink.url(), null, 2000);
    await gateway.send('13900000001', '第一条');
    await gateway.close();
    await gateway.send('13900000001', '第二条');
    await gateway.close();
    expect(
      sink
        .messages()
        .slice(-2)
        .map((m) => m.text),
    ).toEqual(['第一条', '第二条']);
  });
});

describe('HTTP SMS gateway', () => {
  let sink: HttpSmsSink;
  beforeAll(async () => {
    sink = await startHttpSmsSink();
  });
  afterAll(() => sink.close());

  it('posts {phone, text} with the bearer token and returns the id', async () => {
    const gateway = new HttpSmsGateway(sink.url, 'tok-123');
    expect(await gateway.send('13912345678', '【网格】测试短信')).toEqual({ providerId: 'H1' });
    expect(sink.requests[0]).toEqual({
      authorization: 'Bearer tok-123',
      body: { phone: '13912345678', text: '【网格】测试短信' },
    });
  });

  it('treats a non-2xx answer as an error', async () => {
    sink.status = 503;
    await expect(new HttpSmsGateway(sink.url, null).send('13912345678', '测试')).rejects.toThrow(
      /HTTP 503.*余额不足/,
    );
    sink.status = 200;
  });
});
