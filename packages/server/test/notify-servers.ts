import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import smpp from 'smpp';
import { SMTPServer } from 'smtp-server';

/** In-process servers on random loopback ports that receive what the outbox worker sends. */

export interface ReceivedMail {
  rcptTo: string[];
  mail: ParsedMail;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** A temporary refusal (450) of every recipient while true. */
  rejecting: boolean;
  /** Logins seen (user names). */
  logins: string[];
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = { received: [] as ReceivedMail[], rejecting: false, logins: [] as string[] };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      sink.logins.push(auth.username ?? '');
      callback(null, { user: auth.username });
    },
    onRcptTo(_address, _session, callback) {
      if (sink.rejecting) {
        const err = Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 450 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          sink.received.push({ rcptTo: session.envelope.rcptTo.map((r) => r.address), mail });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(sink, {
    url: `smtp://notifier:secret@127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

export interface SmppSubmit {
  destination: string;
  source: string;
  dataCoding: number;
  /** Concatenation header: reference, total parts, part number; null for a single message. */
  part: { ref: number; total: number; seq: number } | null;
  text: string;
}

export interface SmppSink {
  url: (systemId?: string, password?: string) => string;
  submits: SmppSubmit[];
  binds: { systemId: string; password: string }[];
  /** Full texts per destination, long messages put back together. */
  messages(): { destination: string; text: string }[];
  close(): Promise<void>;
}

export async function startSmppSink(): Promise<SmppSink> {
  const submits: SmppSubmit[] = [];
  const binds: { systemId: string; password: string }[] = [];
  let next = 0;
  const server = smpp.createServer((session) => {
    session.on('error', () => undefined);
    session.on('bind_transceiver', (pdu: smpp.PDU) => {
      binds.push({ systemId: String(pdu.system_id), password: String(pdu.password) });
      if (pdu.password === 'wrong') {
        session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
        return;
      }
      session.send(pdu.response({ system_id: 'sink' }));
    });
    session.on('submit_sm', (pdu: smpp.PDU) => {
      const sm = pdu.short_message as { udh?: Buffer[]; message: string | Buffer };
      const concat = sm.udh?.find((u) => u[0] === 0x00);
      submits.push({
        destination: String(pdu.destination_addr),
        source: String(pdu.source_addr),
        dataCoding: Number(pdu.data_coding),
        part: concat ? { ref: concat[2]!, total: concat[3]!, seq: concat[4]! } : null,
        text: typeof sm.message === 'string' ? sm.message : sm.message.toString('utf8'),
      });
      session.send(pdu.response({ message_id: `M${++next}` }));
    });
    session.on('enquire_link', (pdu: smpp.PDU) => session.send(pdu.response()));
    session.on('unbind', (pdu: smpp.PDU) => {
      session.send(pdu.response());
      session.close();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (systemId = 'wangge', password = 'pw') => `smpp://${systemId}:${password}@127.0.0.1:${port}`,
    submits,
    binds,
    messages() {
      const out: { destination: string; text: string }[] = [];
      const parts = new Map<string, SmppSubmit[]>();
      for (const s of submits) {
        if (!s.part) {
          out.push({ destination: s.destination, text: s.text });
          continue;
        }
        const key = `${s.destination}/${s.part.ref}`;
        const list = parts.get(key) ?? [];
        list.push(s);
        parts.set(key, list);
        if (list.length === s.part.total) {
          list.sort((a, b) => a.part!.seq - b.part!.seq);
          out.push({ destination: s.destination, text: list.map((p) => p.text).join('') });
        }
      }
      return out;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...server.sessions]) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface HttpSmsSink {
  url: string;
  requests: { authorization: string | undefined; body: { phone: string; text: string } }[];
  /** Status to answer with (200 by default). */
  status: number;
  close(): Promise<void>;
}

export async function startHttpSmsSink(): Promise<HttpSmsSink> {
  let next = 0;
  const sink = { requests: [] as HttpSmsSink['requests'], status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sink.requests.push({
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { phone: string; text: string },
      });
      res.writeHead(sink.status, { 'content-type': 'application/json' });
      res.end(
        sink.status < 300 ? JSON.stringify({ id: `H${++next}` }) : JSON.stringify({ error: '余额不足' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(sink, {
    url: `http://127.0.0.1:${port}/sms/send`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
