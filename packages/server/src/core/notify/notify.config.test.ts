import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config.ts';

describe('notification configuration', () => {
  it('defaults to workers on, no transports, the 【网格】 signature', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      workers: true,
      notifyIntervalSeconds: 10,
      smtpUrl: null,
      mailFrom: '网格 <noreply@localhost>',
      smsGateway: 'none',
      smsSign: '【网格】',
      publicUrl: null,
    });
  });

  it('reads the transports', () => {
    const c = parseConfig({
      WANGGE_WORKERS: 'false',
      NOTIFY_INTERVAL_SECONDS: '30',
      SMTP_URL: 'smtps://user:pass@mail.example.com:465',
      MAIL_FROM: '网格平台 <noreply@example.com>',
      SMS_GATEWAY: 'smpp',
      SMS_SMPP_URL: 'smpp://wangge:secret@smsc.example.com:2775',
      SMS_SOURCE_ADDR: '106900001234',
      SMS_SIGN: '【某某县网格】',
      WANGGE_PUBLIC_URL: 'https://wangge.example.gov.cn/',
    });
    expect(c).toMatchObject({
      workers: false,
      notifyIntervalSeconds: 30,
      smtpUrl: 'smtps://user:pass@mail.example.com:465',
      smsGateway: 'smpp',
      smsSmppUrl: 'smpp://wangge:secret@smsc.example.com:2775',
      smsSourceAddr: '106900001234',
      smsSign: '【某某县网格】',
      publicUrl: 'https://wangge.example.gov.cn',
    });
  });

  it('lists every problem', () => {
    let error: unknown;
    try {
      parseConfig({
        SMTP_URL: 'http://mail.example.com',
        MAIL_FROM: 'nobody',
        SMS_GATEWAY: 'carrier-pigeon',
        SMS_HTTP_URL: 'ftp://x',
        NOTIFY_INTERVAL_SECONDS: '0',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('SMTP_URL 不是合法的地址');
    expect(problems).toContain('MAIL_FROM 应为邮箱地址');
    expect(problems).toContain('SMS_GATEWAY 必须是 smpp、http 或 none');
    expect(problems).toContain('SMS_HTTP_URL 不是合法的地址');
    expect(problems).toContain('NOTIFY_INTERVAL_SECONDS 必须在 1–3600 之间');
    expect(() => parseConfig({ SMS_GATEWAY: 'smpp' })).toThrow(/SMS_GATEWAY=smpp 时必须设置 SMS_SMPP_URL/);
    expect(() => parseConfig({ SMS_GATEWAY: 'http' })).toThrow(/SMS_GATEWAY=http 时必须设置 SMS_HTTP_URL/);
  });
});
