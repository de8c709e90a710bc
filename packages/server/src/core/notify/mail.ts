import nodemailer from 'nodemailer';

/** Sends one plain-text e-mail; the provider id is the Message-ID the server accepted. */
export interface MailTransport {
  send(to: string, subject: string, text: string): Promise<{ providerId: string }>;
  close(): Promise<void>;
}

/**
 * SMTP through nodemailer: `smtp://user:pass@host:587` (STARTTLS when offered), `smtps://…:465`.
 * A small connection pool; timeouts well under the outbox lease, so a hung server fails the try
 * instead of letting the lease expire under it.
 */
export class SmtpMailer implements MailTransport {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      pool: true,
      maxConnections: 3,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
    });
  }

  async send(to: string, subject: string, text: string): Promise<{ providerId: string }> {
    const info = await this.transport.sendMail({
      from: this.from,
      to,
      // One line: a subject never carries a header break.
      subject: subject.replace(/\s+/g, ' ').trim(),
      text,
      textEncoding: 'base64',
    });
    const rejected = (info.rejected ?? []) as unknown[];
    if (rejected.length) throw new Error(`邮件服务器拒收：${info.response ?? ''}`.trim());
    return { providerId: String(info.messageId ?? '') };
  }

  async close(): Promise<void> {
    this.transport.close();
  }
}
