import { randomInt } from 'node:crypto';
import smpp from 'smpp';

/** Sends one SMS (already signed); the provider id is the gateway's message id. */
export interface SmsGateway {
  send(phone: string, text: string): Promise<{ providerId: string }>;
  close?(): Promise<void>;
}

const TIMEOUT_MS = 15_000;

/**
 * Splits a text into UCS-2 (UTF-16BE) segments: one of up to 70 characters, or parts of up to 67
 * characters each (6 bytes go to the concatenation header), never between the two halves of a
 * surrogate pair.
 */
export function ucs2Segments(text: string): Buffer[] {
  const encode = (s: string) => Buffer.from(s, 'utf16le').swap16();
  if (text.length <= 70) return [encode(text)];
  const parts: Buffer[] = [];
  for (let i = 0; i < text.length;) {
    let end = Math.min(i + 67, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(encode(text.slice(i, end)));
    i = end;
  }
  return parts;
}

/**
 * SMPP 3.4 to the carrier's SMSC: one transceiver session, bound on first use and again after a
 * disconnect. Chinese goes as UCS-2 (data_coding 8); long texts as concatenated parts with a UDH
 * (IEI 0x00, 8-bit reference), each part a submit_sm.
 */
export class SmppGateway implements SmsGateway {
  private session: Promise<smpp.Session> | null = null;
  private readonly host: string;
  private readonly port: number;
  private readonly tls: boolean;
  private readonly systemId: string;
  private readonly password: string;

  constructor(
    url: string,
    private readonly sourceAddr: string | null,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {
    const u = new URL(url);
    this.tls = u.protocol === 'ssmpp:';
    this.host = u.hostname;
    this.port = u.port ? Number(u.port) : this.tls ? 3550 : 2775;
    this.systemId = decodeURIComponent(u.username);
    this.password = decodeURIComponent(u.password);
  }

  private connect(): Promise<smpp.Session> {
    this.session ??= new Promise<smpp.Session>((resolve, reject) => {
      let bound = false;
      const session = smpp.connect({
        host: this.host,
        port: this.port,
        tls: this.tls,
        auto_enquire_link_period: 30_000,
      });
      session.setMaxListeners(0);
      const timer = setTimeout(() => fail(new Error('连接短信网关超时')), this.timeoutMs);
      const fail = (err: Error) => {
        clearTimeout(timer);
        this.session = null;
        if (!bound) reject(err);
        session.destroy();
      };
      session.on('error', (err: Error) => fail(new Error(`短信网关连接错误：${err.message}`)));
      session.on('close', () => {
        clearTimeout(timer);
        this.session = null;
        if (!bound) reject(new Error('短信网关断开了连接'));
      });
      // Keep the SMSC's side of the session happy: answer its keep-alives, receipts and unbind.
      session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('deliver_sm', (pdu: smpp.PDU) => session.send(pdu.response()));
      session.on('unbind', (pdu: smpp.PDU) => {
        this.session = null;
        session.send(pdu.response());
        session.close();
      });
      session.on(this.tls ? 'secureConnect' : 'connect', () => {
        session.bind_transceiver(
          { system_id: this.systemId, password: this.password, interface_version: 0x34 },
          (pdu) => {
            clearTimeout(timer);
            if (pdu.command_status === 0) {
              bound = true;
              resolve(session);
            } else {
              fail(new Error(`短信网关拒绝登录（SMPP 状态 0x${pdu.command_status.toString(16)}）`));
            }
          },
        );
      });
    });
    return this.session;
  }

  /** One submit_sm and its response, or an error after the timeout or a disconnect. */
  private submit(session: smpp.Session, options: Record<string, unknown>): Promise<smpp.PDU> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        session.off('close', onClose);
      };
      const onClose = () => {
        done();
        reject(new Error('短信网关断开了连接'));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('短信网关响应超时'));
      }, this.timeoutMs);
      session.on('close', onClose);
      const written = session.submit_sm(options, (pdu) => {
        done();
        resolve(pdu);
      });
      if (!written) {
        done();
        reject(new Error('短信网关连接不可用'));
      }
    });
  }

  async send(phone: string, text: string): Promise<{ providerId: string }> {
    const session = await this.connect();
    const parts = ucs2Segments(text);
    const ref = randomInt(256);
    const source = this.sourceAddr ?? '';
    const alphanumeric = /[^0-9+]/.test(source);
    const ids: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const udh = parts.length > 1 ? Buffer.from([0x05, 0x00, 0x03, ref, parts.length, i + 1]) : null;
      const pdu = await this.submit(session, {
        source_addr: source,
        source_addr_ton: alphanumeric ? 5 : 0,
        source_addr_npi: alphanumeric ? 0 : 1,
        destination_addr: phone,
        dest_addr_ton: 0,
        dest_addr_npi: 1,
        esm_class: udh ? 0x40 : 0,
        data_coding: 8,
        registered_delivery: 0,
        short_message: udh ? Buffer.concat([udh, parts[i]!]) : parts[i]!,
      });
      if (pdu.command_status !== 0) {
        throw new Error(`短信网关拒绝发送（SMPP 状态 0x${pdu.command_status.toString(16)}）`);
      }
      ids.push(String(pdu.message_id ?? ''));
    }
    return { providerId: ids.join(',') };
  }

  async close(): Promise<void> {
    const pending = this.session;
    this.session = null;
    const session = await pending?.catch(() => null);
    if (!session) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => session.destroy(() => resolve()), 2000);
      session.unbind({}, () => {
        clearTimeout(timer);
        session.close(() => resolve());
      });
    });
  }
}

/**
 * An HTTP SMS service: POST `{phone, text}` as JSON with a bearer token; a 2xx answer with `{id}`
 * is a success, anything else an error (retried by the outbox).
 */
export class HttpSmsGateway implements SmsGateway {
  constructor(
    private readonly url: string,
    private readonly token: string | null,
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  async send(phone: string, text: string): Promise<{ providerId: string }> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: JSON.stringify({ phone, text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const name = (err as Error).name;
      throw new Error(
        name === 'TimeoutError' || name === 'AbortError'
          ? '短信网关响应超时'
          : `无法连接短信网关：${(err as Error).message}`,
      );
    }
    const body = await res.text().catch(() => '');
    if (!res.ok) {
      throw new Error(`短信网关返回 HTTP ${res.status}${body ? `：${body.slice(0, 200)}` : ''}`);
    }
    let id: unknown = null;
    try {
      id = (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      // A 2xx without JSON still counts as accepted.
    }
    return { providerId: typeof id === 'string' || typeof id === 'number' ? String(id) : '' };
  }
}
