import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded database in ./data with demo data', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      demo: true,
      lockThreshold: 5,
      lockMinutes: 15,
      auditRetentionDays: 365,
    });
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('listens on this machine only with the demo (published password) unless HOST is set', () => {
    expect(parseConfig({}).host).toBe('127.0.0.1');
    expect(parseConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(parseConfig({ WANGGE_DEMO: 'false' }).host).toBe('0.0.0.0');
    expect(parseConfig({ DATABASE_URL: 'postgres://u@db/w' }).host).toBe('0.0.0.0');
    expect(parseConfig({ DATABASE_URL: 'postgres://u@db/w', WANGGE_DEMO: 'true' }).host).toBe('127.0.0.1');
  });

  it('selects PostgreSQL with DATABASE_URL and then turns the demo off unless asked', () => {
    const c = parseConfig({ DATABASE_URL: 'postgres://u@db:5432/wangge' });
    expect(c.databaseUrl).toBe('postgres://u@db:5432/wangge');
    expect(c.demo).toBe(false);
    expect(parseConfig({ DATABASE_URL: 'postgres://u@db/w', WANGGE_DEMO: 'true' }).demo).toBe(true);
  });

  it('lists every bad value at once, in Chinese and English', () => {
    try {
      parseConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        WANGGE_DATA_KEY: 'short',
        AUDIT_RETENTION_DAYS: '30',
        LOGIN_LOCK_THRESHOLD: '1',
        COOKIE_SECURE: 'maybe',
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect((err as ConfigError).problems).toHaveLength(6);
      expect(problems).toContain('PORT 必须是整数');
      expect(problems).toContain('DATABASE_URL 必须以 postgres:// 开头');
      expect(problems).toContain('WANGGE_DATA_KEY');
      expect(problems).toContain('AUDIT_RETENTION_DAYS 必须在 180');
      expect(problems).toContain('LOGIN_LOCK_THRESHOLD');
      expect(problems).toContain('COOKIE_SECURE');
    }
  });

  it('requires a data key in production with a database server', () => {
    expect(() => parseConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u@db/w' })).toThrow(
      /WANGGE_DATA_KEY/,
    );
    const key = Buffer.alloc(32, 7);
    const c = parseConfig({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://u@db/w',
      WANGGE_DATA_KEY: key.toString('base64'),
    });
    expect(c.dataKey?.equals(key)).toBe(true);
  });

  it('reads the password policy', () => {
    const c = parseConfig({
      PASSWORD_MIN_LENGTH: '12',
      PASSWORD_MIN_CLASSES: '4',
      PASSWORD_EXPIRY_DAYS: '0',
    });
    expect(c.passwordPolicy).toEqual({ minLength: 12, minClasses: 4, expiryDays: 0, historyCount: 5 });
  });

  it('takes a basemap tile template with {z}/{x}/{y}, or none', () => {
    expect(parseConfig({}).basemapUrl).toBeNull();
    const url = 'https://t0.tianditu.gov.cn/vec_w/wmts?TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=k';
    expect(parseConfig({ WANGGE_BASEMAP_URL: url }).basemapUrl).toBe(url);
    for (const bad of [
      'https://tiles.example.cn/{z}/{x}.png',
      'ftp://h/{z}/{x}/{y}.png',
      'not a url {z}{x}{y}',
    ])
      expect(() => parseConfig({ WANGGE_BASEMAP_URL: bad })).toThrow(/WANGGE_BASEMAP_URL/);
  });
});
