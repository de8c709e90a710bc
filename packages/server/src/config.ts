import path from 'node:path';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '@wangge/shared';

/** Everything the server reads from its environment, parsed and checked once at start. */
export interface Config {
  readonly port: number;
  /** Listen address; default 0.0.0.0, but 127.0.0.1 with the demo dataset. */
  readonly host: string;
  /** Folder for the embedded database, the generated data key and uploads. */
  readonly dataDir: string;
  /** PostgreSQL connection string; null selects the embedded PGlite database in `dataDir`. */
  readonly databaseUrl: string | null;
  /** 32-byte key for personal data at rest; null means "generate once and keep in dataDir". */
  readonly dataKey: Buffer | null;
  /** Load the demo dataset into an empty database. */
  readonly demo: boolean;
  readonly demoSeed: number;
  readonly demoPassword: string;
  /** Secret of the demo dataset's Open311 API key (演示 Open311 密钥). */
  readonly demoOpen311Key: string;
  /** Initial administrator password of a real (non-demo) deployment; generated and printed when unset. */
  readonly initialAdminPassword: string | null;
  readonly cookieSecure: boolean;
  readonly trustProxy: boolean;
  readonly bodyLimitBytes: number;
  readonly logLevel: string;
  /** Digits of the unit-grid sequence after the 12-digit community code (CJ/T 213: 2, some cities 3). */
  readonly gridCodeDigits: 2 | 3;
  /** A CJK font file (TTF/OTF/TTC) for PDFs; null searches the usual system locations. */
  readonly pdfFont: string | null;
  /**
   * Raster tile URL template (`https://…/{z}/{x}/{y}.png`, Web Mercator, WGS84 coordinates) drawn
   * under the grid on printed notice boards and under the report pages' location maps (served by
   * `GET /api/public/map-settings`); null: outlines only.
   */
  readonly basemapUrl: string | null;
  /** Time zone of the deployment's calendar: "today", effective dates, working time. */
  readonly timeZone: string;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  readonly lockThreshold: number;
  readonly lockMinutes: number;
  readonly passwordPolicy: PasswordPolicy;
  readonly auditRetentionDays: number;
  /** Login attempts allowed per client address per minute. */
  readonly loginRateLimit: number;
  /** Argon2id cost; tests lower it, production keeps the defaults. */
  readonly argon2: { readonly memoryCost: number; readonly timeCost: number };
  /** Folder for uploaded files (case photos); default `dataDir/uploads`. */
  readonly uploadDir: string;
  /** Folder with the built web app; null serves the API only. */
  readonly webDist: string | null;
  /** Run the background workers (outbox delivery, the overdue sweep) in this process; tests turn them off. */
  readonly workers: boolean;
  /** Seconds between two passes of the outbox worker. */
  readonly notifyIntervalSeconds: number;
  /** SMTP server for e-mail notifications (`smtp://user:pass@host:587`, `smtps://…`); null: e-mail stays unsent. */
  readonly smtpUrl: string | null;
  /** Sender of notification e-mails (`网格 <noreply@example.com>`). */
  readonly mailFrom: string;
  /** SMS gateway kind; `none` leaves SMS unsent. */
  readonly smsGateway: 'smpp' | 'http' | 'none';
  /** `smpp://system_id:password@host:2775` (or `ssmpp://` for TLS) when smsGateway is smpp. */
  readonly smsSmppUrl: string | null;
  /** Sender number or name for SMPP (source_addr). */
  readonly smsSourceAddr: string | null;
  /** HTTP SMS gateway: POST JSON `{phone, text}`, answer `{id}`. */
  readonly smsHttpUrl: string | null;
  readonly smsHttpToken: string | null;
  /** Signature at the start of every SMS (carriers require one), e.g. 【网格】. */
  readonly smsSign: string;
  /** Public address of the web app, for absolute links in e-mail and SMS; null keeps links relative. */
  readonly publicUrl: string | null;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`配置错误 / invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export const MIN_AUDIT_RETENTION_DAYS = 180;

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const problems: string[] = [];

  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw.trim())) {
      problems.push(`${name} 必须是整数 (must be an integer), got "${raw}"`);
      return fallback;
    }
    const n = Number(raw);
    if (n < min || n > max) {
      problems.push(`${name} 必须在 ${min}–${max} 之间 (must be between ${min} and ${max}), got ${n}`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} 必须是 true 或 false (must be true/false), got "${env[name]}"`);
    return fallback;
  };

  let databaseUrl: string | null = env.DATABASE_URL?.trim() || null;
  if (databaseUrl) {
    try {
      const u = new URL(databaseUrl);
      if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
        problems.push(`DATABASE_URL 必须以 postgres:// 开头 (must be a postgres:// URL)`);
        databaseUrl = null;
      }
    } catch {
      problems.push('DATABASE_URL 不是合法的 URL (is not a valid URL)');
      databaseUrl = null;
    }
  }

  let dataKey: Buffer | null = null;
  const rawKey = env.WANGGE_DATA_KEY?.trim();
  if (rawKey) {
    const decoded = /^[0-9a-fA-F]{64}$/.test(rawKey)
      ? Buffer.from(rawKey, 'hex')
      : Buffer.from(rawKey, 'base64');
    if (decoded.length !== 32) {
      problems.push(
        'WANGGE_DATA_KEY 必须是 32 字节的 base64 或 64 位十六进制 (must be 32 bytes, base64 or hex)',
      );
    } else {
      dataKey = decoded;
    }
  } else if (databaseUrl && env.NODE_ENV === 'production') {
    problems.push(
      '生产环境使用 DATABASE_URL 时必须设置 WANGGE_DATA_KEY (required in production with DATABASE_URL)',
    );
  }

  const production = env.NODE_ENV === 'production';
  // Demo data comes with a published password: never by default in production.
  const demo = bool('WANGGE_DEMO', databaseUrl === null && !production);
  const initialAdminPassword = env.WANGGE_INITIAL_ADMIN_PASSWORD || null;

  const auditRetentionDays = int('AUDIT_RETENTION_DAYS', 365, MIN_AUDIT_RETENTION_DAYS, 36500);
  const policy: PasswordPolicy = {
    minLength: int('PASSWORD_MIN_LENGTH', DEFAULT_PASSWORD_POLICY.minLength, 8, 64),
    minClasses: int('PASSWORD_MIN_CLASSES', DEFAULT_PASSWORD_POLICY.minClasses, 1, 4),
    expiryDays: int('PASSWORD_EXPIRY_DAYS', DEFAULT_PASSWORD_POLICY.expiryDays, 0, 3650),
    historyCount: int('PASSWORD_HISTORY', DEFAULT_PASSWORD_POLICY.historyCount, 0, 24),
  };

  const notify = parseNotifyConfig(env, problems);

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    // The demo's password is published: this machine only, unless HOST says otherwise.
    host: env.HOST?.trim() || (demo ? '127.0.0.1' : '0.0.0.0'),
    // Relative to where npm was invoked (npm runs workspace scripts inside the package folder).
    dataDir: path.resolve(env.INIT_CWD || process.cwd(), env.WANGGE_DATA_DIR?.trim() || 'data'),
    databaseUrl,
    dataKey,
    demo,
    demoSeed: int('WANGGE_DEMO_SEED', 20261122, 0, 2 ** 31 - 1),
    demoPassword: env.WANGGE_DEMO_PASSWORD || 'Wangge@2026',
    demoOpen311Key: env.DEMO_OPEN311_KEY || 'demo-open311-key-2026',
    initialAdminPassword,
    cookieSecure: bool('COOKIE_SECURE', production),
    trustProxy: bool('TRUST_PROXY', false),
    bodyLimitBytes: int('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    timeZone: env.WANGGE_TIME_ZONE?.trim() || 'Asia/Shanghai',
    pdfFont: env.WANGGE_PDF_FONT?.trim() || null,
    basemapUrl: parseBasemapUrl(env.WANGGE_BASEMAP_URL, problems),
    gridCodeDigits: int('WANGGE_GRID_CODE_DIGITS', 2, 2, 3) as 2 | 3,
    sessionIdleMinutes: int('SESSION_IDLE_MINUTES', 30, 5, 480),
    sessionMaxHours: int('SESSION_MAX_HOURS', 12, 1, 168),
    lockThreshold: int('LOGIN_LOCK_THRESHOLD', 5, 3, 20),
    lockMinutes: int('LOGIN_LOCK_MINUTES', 15, 1, 1440),
    passwordPolicy: policy,
    auditRetentionDays,
    loginRateLimit: int('LOGIN_RATE_LIMIT', 20, 1, 10000),
    argon2: { memoryCost: 19456, timeCost: 2 },
    webDist: null,
    uploadDir: '',
    workers: bool('WANGGE_WORKERS', true),
    notifyIntervalSeconds: int('NOTIFY_INTERVAL_SECONDS', 10, 1, 3600),
    ...notify,
    ...overrides,
  };
  if (!config.uploadDir) {
    const raw = env.WANGGE_UPLOAD_DIR?.trim();
    (config as { uploadDir: string }).uploadDir = raw
      ? path.resolve(env.INIT_CWD || process.cwd(), raw)
      : path.join(config.dataDir, 'uploads');
  }
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(config.logLevel)) {
    problems.push(`LOG_LEVEL 取值无效 (invalid), got "${config.logLevel}"`);
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: config.timeZone });
  } catch {
    problems.push(`WANGGE_TIME_ZONE 不是有效的时区 (invalid time zone), got "${config.timeZone}"`);
  }
  if (config.auditRetentionDays < MIN_AUDIT_RETENTION_DAYS) {
    problems.push(`审计日志保存期不得少于 ${MIN_AUDIT_RETENTION_DAYS} 天 (audit retention below 180 days)`);
  }
  if (problems.length) throw new ConfigError(problems);
  return Object.freeze(config);
}

/** A tile URL template: http(s), with the {z}, {x} and {y} placeholders. */
function parseBasemapUrl(value: string | undefined, problems: string[]): string | null {
  const raw = value?.trim();
  if (!raw) return null;
  let ok = ['{z}', '{x}', '{y}'].every((p) => raw.includes(p));
  try {
    const u = new URL(raw.replace(/\{[zxy]\}/g, '0'));
    ok &&= (u.protocol === 'http:' || u.protocol === 'https:') && Boolean(u.hostname);
  } catch {
    ok = false;
  }
  if (ok) return raw;
  problems.push(
    'WANGGE_BASEMAP_URL 应为含 {z}/{x}/{y} 的瓦片地址，如 https://tiles.example.cn/{z}/{x}/{y}.png (must be a tile URL template with {z}, {x} and {y})',
  );
  return null;
}

type NotifyConfig = Pick<
  Config,
  | 'smtpUrl'
  | 'mailFrom'
  | 'smsGateway'
  | 'smsSmppUrl'
  | 'smsSourceAddr'
  | 'smsHttpUrl'
  | 'smsHttpToken'
  | 'smsSign'
  | 'publicUrl'
>;

/** E-mail, SMS and link settings of the notifications; every problem goes to `problems`. */
function parseNotifyConfig(env: Env, problems: string[]): NotifyConfig {
  const url = (name: string, protocols: string[], example: string): string | null => {
    const raw = env[name]?.trim();
    if (!raw) return null;
    try {
      const u = new URL(raw);
      if (!protocols.includes(u.protocol) || !u.hostname) throw new Error('protocol');
      return raw;
    } catch {
      problems.push(`${name} 不是合法的地址，应形如 ${example} (must be a URL like ${example})`);
      return null;
    }
  };
  const smtpUrl = url('SMTP_URL', ['smtp:', 'smtps:'], 'smtp://user:pass@host:587');
  const mailFrom = env.MAIL_FROM?.trim() || '网格 <noreply@localhost>';
  if (!/^[^<>@\s]+@[^<>@\s]+$|<[^<>@\s]+@[^<>@\s]+>$/.test(mailFrom)) {
    problems.push(
      `MAIL_FROM 应为邮箱地址，如 "网格 <noreply@example.com>" (must be an address), got "${mailFrom}"`,
    );
  }
  const gateway = env.SMS_GATEWAY?.trim().toLowerCase() || 'none';
  let smsGateway: Config['smsGateway'] = 'none';
  if (gateway === 'smpp' || gateway === 'http' || gateway === 'none') smsGateway = gateway;
  else
    problems.push(`SMS_GATEWAY 必须是 smpp、http 或 none (must be smpp|http|none), got "${env.SMS_GATEWAY}"`);
  const smsSmppUrl = url('SMS_SMPP_URL', ['smpp:', 'ssmpp:'], 'smpp://system_id:password@host:2775');
  const smsHttpUrl = url('SMS_HTTP_URL', ['http:', 'https:'], 'https://sms.example.com/send');
  if (smsGateway === 'smpp' && !smsSmppUrl && !env.SMS_SMPP_URL?.trim()) {
    problems.push('SMS_GATEWAY=smpp 时必须设置 SMS_SMPP_URL (required for the smpp gateway)');
  }
  if (smsGateway === 'http' && !smsHttpUrl && !env.SMS_HTTP_URL?.trim()) {
    problems.push('SMS_GATEWAY=http 时必须设置 SMS_HTTP_URL (required for the http gateway)');
  }
  const smsSign = env.SMS_SIGN?.trim() || '【网格】';
  if ([...smsSign].length > 20) problems.push('SMS_SIGN 不能超过 20 个字符 (at most 20 characters)');
  return {
    smtpUrl,
    mailFrom,
    smsGateway,
    smsSmppUrl,
    smsSourceAddr: env.SMS_SOURCE_ADDR?.trim() || null,
    smsHttpUrl,
    smsHttpToken: env.SMS_HTTP_TOKEN?.trim() || null,
    smsSign,
    publicUrl:
      url('WANGGE_PUBLIC_URL', ['http:', 'https:'], 'https://wangge.example.gov.cn')?.replace(/\/+$/, '') ??
      null,
  };
}
