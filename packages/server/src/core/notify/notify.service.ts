import type { EventEmitter } from 'node:events';
import type {
  NotifyTemplate,
  NotifyTemplateBody,
  NotifyTemplateSaved,
  OutboxItem,
  OutboxQuery,
  PageResult,
} from '@wangge/shared';
import { maskEmail, maskMobile, normalizeEmail, normalizeMobile } from '@wangge/shared';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { appendAudit, type Actor } from '../audit/audit.service.ts';
import { escapeLike } from '../db/like.ts';
import type { FieldCipher } from '../pii/crypto.ts';
import { Kept } from '../db/kept.ts';
import type { DB, Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { iso } from '../http/responses.ts';
import type { InboxMessageTable, NotifyTemplateTable, OutboxTable } from './notify.table.ts';
import {
  placeholders,
  render,
  syntaxProblems,
  type TemplateData,
  type TemplateDefinition,
  type TemplateText,
} from './notify.templates.ts';
import { channelConfigured, NO_MAIL_TRANSPORT, NO_SMS_GATEWAY, type NotifyConfig } from './transports.ts';
import { paginate } from '../http/paginate.ts';

/**
 * Whom to notify. `userId`: the account's e-mail, phone and in-app inbox. `personId`: the person's
 * phone and, when the person has an account, that account's e-mail and inbox. Plain `email` /
 * `phone` (a citizen reporter) reach only those addresses; given together with an id they win over
 * the stored ones.
 */
export interface NotifyRecipient {
  userId?: number;
  personId?: number;
  email?: string;
  phone?: string;
  name?: string;
}

export interface NotifyMessage {
  template: string;
  data: Record<string, string | number | null>;
  to: NotifyRecipient[];
  caseId?: number | null;
  link?: string | null;
}

/** Edited templates are re-read after this long, so an edit on another instance shows up. */
const TEMPLATE_TTL_MS = 5000;

type TemplateRow = Selectable<NotifyTemplateTable>;

interface Contact {
  kind: 'u' | 'p';
  id: number;
  user_id: number | null;
  name: string;
  phone_enc: string | null;
  user_phone_enc: string | null;
  email: string | null;
  status: string | null;
}

/** A contact as kept: phones decrypted. */
interface KeptContact {
  kind: 'u' | 'p';
  userId: number | null;
  name: string;
  phone: string | null;
  /** The phone of the person's account (people only). */
  userPhone: string | null;
  email: string | null;
  active: boolean;
}

interface Resolved {
  userId: number | null;
  personId: number | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** An active account to receive the in-app message. */
  inbox: number | null;
}

function unique(values: (number | undefined)[]): number[] {
  return [...new Set(values.filter((v): v is number => typeof v === 'number'))];
}

/**
 * Notifications: renders templates into the outbox (e-mail, SMS; sent by the OutboxWorker) and the
 * in-app inbox, inside the caller's transaction, so a notice exists exactly when its cause commits.
 * Also the template administration and the sent-mail / sent-SMS views.
 */
export class NotifyService {
  private templateCache: { at: number; rows: Map<string, TemplateRow> } | null = null;
  /** The shipped templates, by key: each module registers the ones it sends. */
  private readonly defaults: Record<string, TemplateDefinition> = {};

  /**
   * Contacts (name, phones, e-mail, account status) by 'u:<user id>' / 'p:<person id>', phones
   * decrypted, kept until the database announces a change to the user or person
   * (`wangge_contacts`, the change_notify migration).
   */
  private readonly contacts = new Kept<KeptContact>({ maxAgeMs: 60_000, maxEntries: 50_000 });

  constructor(
    private readonly db: Kysely<DB>,
    private readonly cipher: FieldCipher,
    private readonly config: NotifyConfig,
    /** The database's announcements (`Database.notifications`). */
    notifications: EventEmitter,
  ) {
    const changed = (payload: string) => {
      const id = Number(payload.slice(2));
      if (!Number.isInteger(id)) this.contacts.clear();
      // A user's change also concerns the people linked to the account (their owner).
      else if (payload.startsWith('u:')) this.contacts.dropOwner(id);
      else this.contacts.drop(payload);
    };
    const reset = () => this.contacts.clear();
    notifications.on('wangge_contacts', changed);
    notifications.on('reset', reset);
    this.stopListening = () => {
      notifications.off('wangge_contacts', changed);
      notifications.off('reset', reset);
    };
  }

  /** Stops following the database's announcements (the server is closing). */
  readonly stopListening: () => void;

  // ---- sending ----------------------------------------------------------------------------

  /**
   * Renders `template` for every recipient and every channel it enables and writes the outbox rows
   * and inbox messages (one multi-row insert each). Cost with a warm template cache: one contact
   * query plus at most two inserts. Returns the number of rows written.
   */
  async enqueue(trx: Executor, message: NotifyMessage): Promise<number> {
    return this.enqueueMany(trx, [message]);
  }

  /**
   * Several messages at once (the sweep's reminders): one contact query for all their
   * recipients and one multi-row insert each into the outbox and the inbox.
   */
  async enqueueMany(trx: Executor, messages: readonly NotifyMessage[]): Promise<number> {
    const { outbox, inbox } = await this.prepareMany(trx, messages);
    // Large batches in chunks: PostgreSQL takes at most 65,535 parameters per statement.
    for (let i = 0; i < outbox.length; i += 2000) {
      await trx
        .insertInto('outbox')
        .values(outbox.slice(i, i + 2000))
        .execute();
    }
    for (let i = 0; i < inbox.length; i += 5000) {
      await trx
        .insertInto('inbox_message')
        .values(inbox.slice(i, i + 5000))
        .execute();
    }
    return outbox.length + inbox.length;
  }

  /**
   * The outbox rows and inbox messages of `messages`, rendered, for a caller that inserts them
   * itself (case intake writes them in the same statement as the cases). One contact query.
   */
  async prepareMany(
    trx: Executor,
    messages: readonly NotifyMessage[],
  ): Promise<{ outbox: Insertable<OutboxTable>[]; inbox: Insertable<InboxMessageTable>[] }> {
    for (const m of messages) {
      if (!this.defaults[m.template]) throw new Error(`unknown notification template "${m.template}"`);
    }
    const wanted = messages.filter((m) => m.to.length);
    if (!wanted.length) return { outbox: [], inbox: [] };
    const overrides = await this.templateOverrides(trx);
    const resolved = await this.resolve(
      trx,
      wanted.flatMap((m) => m.to),
    );
    const outbox: Insertable<OutboxTable>[] = [];
    const inbox: Insertable<InboxMessageTable>[] = [];
    const now = new Date();
    let offset = 0;
    for (const message of wanted) {
      const recipients = resolved.slice(offset, offset + message.to.length);
      offset += message.to.length;
      const text = this.textOf(message.template, overrides.get(message.template) ?? null);
      const channels = new Set(text.channels);
      if (!channels.size) continue;
      const link = message.link ?? (typeof message.data.link === 'string' ? message.data.link : null);
      const caseId = message.caseId ?? null;
      const seen = new Set<string>();
      const once = (key: string) => (seen.has(key) ? false : (seen.add(key), true));
      const external: TemplateData = { ...message.data, link: this.absolute(link) };
      const internal: TemplateData = { ...message.data, link };
      let email: { subject: string; body: string } | null = null;
      let sms: string | null = null;
      let inapp: { title: string; body: string } | null = null;
      for (const r of recipients) {
        if (channels.has('email') && r.email && once(`e:${r.email.toLowerCase()}`)) {
          email ??= {
            subject: render(text.emailSubject, external).replace(/\s+/g, ' ').trim(),
            body: render(text.emailBody, external),
          };
          outbox.push(
            this.outboxRow('email', message.template, caseId, r, r.email, email.subject, email.body, now),
          );
        }
        if (channels.has('sms') && r.phone && once(`s:${r.phone}`)) {
          sms ??= this.signed(render(text.smsText, external));
          outbox.push(this.outboxRow('sms', message.template, caseId, r, r.phone, null, sms, now));
        }
        if (channels.has('inapp') && r.inbox !== null && once(`i:${r.inbox}`)) {
          inapp ??= { title: render(text.inappTitle, internal), body: render(text.inappBody, internal) };
          inbox.push({ user_id: r.inbox, title: inapp.title, body: inapp.body, link, case_id: caseId });
        }
      }
    }
    return { outbox, inbox };
  }

  private outboxRow(
    channel: 'email' | 'sms',
    template: string,
    caseId: number | null,
    r: Resolved,
    address: string,
    subject: string | null,
    body: string,
    now: Date,
  ): Insertable<OutboxTable> {
    const configured = channelConfigured(this.config, channel);
    return {
      channel,
      template,
      case_id: caseId,
      recipient_user_id: r.userId,
      recipient_person_id: r.personId,
      recipient_name: r.name,
      to_enc: this.cipher.encrypt(address),
      to_masked: channel === 'email' ? maskEmail(address) : maskMobile(address),
      subject,
      body,
      state: configured ? 'pending' : 'unsent',
      next_attempt_at: configured ? now : null,
      last_error: configured ? null : channel === 'email' ? NO_MAIL_TRANSPORT : NO_SMS_GATEWAY,
    };
  }

  /** Carriers require the signature; a text that already starts with it keeps one. */
  private signed(text: string): string {
    const sign = this.config.smsSign;
    return text.startsWith(sign) ? text : `${sign}${text}`;
  }

  /** Links in e-mail and SMS leave the app: make them absolute when the public address is known. */
  private absolute(link: string | null): string | null {
    if (!link || !this.config.publicUrl || !link.startsWith('/')) return link;
    return `${this.config.publicUrl}${link}`;
  }

  private decrypt(value: string | null): string | null {
    if (!value) return null;
    try {
      return this.cipher.decrypt(value);
    } catch {
      return null;
    }
  }

  /**
   * Contacts of users and people: those kept, and one query for the rest. Inside a transaction
   * nothing kept is used and nothing read is kept: the transaction may have changed a contact
   * itself, and may yet roll back.
   */
  private async contactsOf(trx: Executor, to: NotifyRecipient[]): Promise<Map<string, KeptContact>> {
    const keep = !trx.isTransaction;
    const found = new Map<string, KeptContact>();
    const userIds: number[] = [];
    const personIds: number[] = [];
    for (const r of to) {
      const key =
        r.userId !== undefined ? `u:${r.userId}` : r.personId !== undefined ? `p:${r.personId}` : null;
      if (key === null || found.has(key)) continue;
      const kept = keep ? this.contacts.get(key) : undefined;
      if (kept) found.set(key, kept);
      else if (r.userId !== undefined) userIds.push(r.userId);
      else personIds.push(r.personId!);
    }
    if (!userIds.length && !personIds.length) return found;
    const token = this.contacts.begin();
    const rows = await sql<Contact>`
      select 'u' as kind, u.id, u.id as user_id, u.display_name as name, u.phone_enc,
             null::text as user_phone_enc, u.email, u.status
        from app_user u where u.id = any(${unique(userIds)}::int[])
      union all
      select 'p', p.id, p.user_id, p.name, p.phone_enc, u.phone_enc, u.email, u.status
        from person p left join app_user u on u.id = p.user_id
       where p.id = any(${unique(personIds)}::int[])`.execute(trx);
    for (const c of rows.rows) {
      const contact: KeptContact = {
        kind: c.kind,
        userId: c.user_id,
        name: c.name,
        phone: this.decrypt(c.phone_enc),
        userPhone: this.decrypt(c.user_phone_enc),
        email: c.email,
        active: c.user_id != null && c.status === 'active',
      };
      const key = `${c.kind}:${c.id}`;
      found.set(key, contact);
      if (keep) this.contacts.set(key, contact, c.user_id, token);
    }
    return found;
  }

  /** Addresses of every recipient. */
  private async resolve(trx: Executor, to: NotifyRecipient[]): Promise<Resolved[]> {
    const contacts = await this.contactsOf(trx, to);
    return to.map((r) => {
      const contact =
        r.userId !== undefined
          ? contacts.get(`u:${r.userId}`)
          : r.personId !== undefined
            ? contacts.get(`p:${r.personId}`)
            : undefined;
      // A disabled account receives nothing through its own addresses.
      const active = contact?.active ?? false;
      const storedPhone = contact ? (contact.phone ?? (active ? contact.userPhone : null)) : null;
      const phone = r.phone ?? (contact && (contact.kind === 'p' || active) ? storedPhone : null);
      const email = r.email ?? (active ? contact!.email : null);
      return {
        userId: active ? contact!.userId : (r.userId ?? null),
        personId: r.userId === undefined ? (r.personId ?? null) : null,
        name: r.name ?? contact?.name ?? null,
        email: email ? normalizeEmail(email) : null,
        phone: phone ? normalizeMobile(phone) : null,
        inbox: active ? contact!.userId : null,
      };
    });
  }

  // ---- templates ----------------------------------------------------------------------------

  /**
   * Adds the templates a module sends. An administrator may override any of them (stored in
   * `notify_template`); keys come only from code, because only code sends them.
   */
  register(templates: Record<string, TemplateDefinition>): void {
    for (const [key, def] of Object.entries(templates)) {
      if (this.defaults[key]) throw new Error(`notification template ${key} registered twice`);
      this.defaults[key] = def;
    }
  }

  private async templateOverrides(db: Executor): Promise<Map<string, TemplateRow>> {
    if (this.templateCache && Date.now() - this.templateCache.at < TEMPLATE_TTL_MS) {
      return this.templateCache.rows;
    }
    const rows = await db.selectFrom('notify_template').selectAll().execute();
    const map = new Map(rows.map((r) => [r.key, r]));
    this.templateCache = { at: Date.now(), rows: map };
    return map;
  }

  private textOf(key: string, row: TemplateRow | null): TemplateText {
    const d = this.defaults[key]!;
    if (!row) return d;
    return {
      channels: row.channels,
      emailSubject: row.email_subject,
      emailBody: row.email_body,
      smsText: row.sms_text,
      inappTitle: row.inapp_title,
      inappBody: row.inapp_body,
    };
  }

  private view(key: string, row: TemplateRow | null): NotifyTemplate {
    const d = this.defaults[key]!;
    const t = this.textOf(key, row);
    return {
      key,
      name: d.name,
      vars: d.vars,
      customised: row !== null,
      updatedAt: iso(row?.updated_at),
      channels: [...t.channels],
      emailSubject: t.emailSubject,
      emailBody: t.emailBody,
      smsText: t.smsText,
      inappTitle: t.inappTitle,
      inappBody: t.inappBody,
    };
  }

  async templates(): Promise<NotifyTemplate[]> {
    const rows = await this.db.selectFrom('notify_template').selectAll().execute();
    const byKey = new Map(rows.map((r) => [r.key, r]));
    return Object.keys(this.defaults).map((key) => this.view(key, byKey.get(key) ?? null));
  }

  private assertKnown(key: string): void {
    if (!this.defaults[key]) throw new AppError('NOT_FOUND', '通知模板不存在');
  }

  /** Checks a template edit: enabled channels need their texts, placeholders must be well formed. */
  private check(key: string, body: NotifyTemplateBody): string[] {
    const fields: Record<string, string> = {};
    const required: [keyof NotifyTemplateBody, 'email' | 'sms' | 'inapp'][] = [
      ['emailSubject', 'email'],
      ['emailBody', 'email'],
      ['smsText', 'sms'],
      ['inappTitle', 'inapp'],
      ['inappBody', 'inapp'],
    ];
    for (const [field, channel] of required) {
      const value = body[field] as string;
      if (body.channels.includes(channel) && !value.trim()) fields[field] = '启用该渠道时不能为空';
      const problems = syntaxProblems(value);
      if (problems.length) fields[field] = problems.join('；');
    }
    if (Object.keys(fields).length) throw new AppError('VALIDATION_FAILED', undefined, fields);
    const known = new Set(this.defaults[key]!.vars);
    const unknown = new Set<string>();
    for (const [field] of required) {
      for (const name of placeholders(body[field] as string)) if (!known.has(name)) unknown.add(name);
    }
    return [...unknown].map((name) => `变量 {{${name}}} 不是该模板提供的变量，发送时将显示为空`);
  }

  async updateTemplate(actor: Actor, key: string, body: NotifyTemplateBody): Promise<NotifyTemplateSaved> {
    this.assertKnown(key);
    const warnings = this.check(key, body);
    const channels = (['email', 'sms', 'inapp'] as const).filter((c) => body.channels.includes(c));
    const values = {
      channels,
      email_subject: body.emailSubject,
      email_body: body.emailBody,
      sms_text: body.smsText,
      inapp_title: body.inappTitle,
      inapp_body: body.inappBody,
      updated_at: new Date(),
      updated_by: actor.id,
    };
    const template = await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .selectFrom('notify_template')
        .selectAll()
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      const row = await trx
        .insertInto('notify_template')
        .values({ key, ...values })
        .onConflict((oc) => oc.column('key').doUpdateSet(values))
        .returningAll()
        .executeTakeFirstOrThrow();
      const after = this.view(key, row);
      await appendAudit(trx, actor, {
        action: 'notify.template.update',
        targetType: 'notify_template',
        targetId: key,
        before: this.view(key, before ?? null),
        after,
      });
      return after;
    });
    this.templateCache = null;
    return { template, warnings };
  }

  /** Back to the shipped text. */
  async resetTemplate(actor: Actor, key: string): Promise<NotifyTemplate> {
    this.assertKnown(key);
    await this.db.transaction().execute(async (trx) => {
      const before = await trx
        .deleteFrom('notify_template')
        .where('key', '=', key)
        .returningAll()
        .executeTakeFirst();
      if (!before) return;
      await appendAudit(trx, actor, {
        action: 'notify.template.reset',
        targetType: 'notify_template',
        targetId: key,
        before: this.view(key, before),
        after: this.view(key, null),
      });
    });
    this.templateCache = null;
    return this.view(key, null);
  }

  // ---- sent mail / SMS views ------------------------------------------------------------------

  private item(r: Selectable<OutboxTable>): OutboxItem {
    return {
      id: r.id,
      channel: r.channel,
      template: r.template,
      templateName: this.defaults[r.template]?.name ?? r.template,
      caseId: r.case_id,
      recipientName: r.recipient_name,
      toMasked: r.to_masked,
      subject: r.subject,
      body: r.body,
      state: r.state,
      attempts: r.attempts,
      nextAttemptAt: iso(r.next_attempt_at),
      lastError: r.last_error,
      providerId: r.provider_id,
      createdAt: r.created_at.toISOString(),
      sentAt: iso(r.sent_at),
    };
  }

  /** 邮件查看 / 短信查看: newest first. */
  async listOutbox(channel: 'email' | 'sms', query: OutboxQuery): Promise<PageResult<OutboxItem>> {
    const tz = this.config.timeZone;
    const text = query.q?.trim();
    const q = this.db
      .selectFrom('outbox')
      .where('channel', '=', channel)
      .$if(query.state !== undefined, (b) => b.where('state', '=', query.state!))
      .$if(query.caseId !== undefined, (b) => b.where('case_id', '=', query.caseId!))
      .$if(query.from !== undefined, (b) =>
        b.where('created_at', '>=', sql<Date>`(${query.from!}::date)::timestamp at time zone ${tz}`),
      )
      .$if(query.to !== undefined, (b) =>
        b.where('created_at', '<', sql<Date>`(${query.to!}::date + 1)::timestamp at time zone ${tz}`),
      )
      .$if(!!text, (b) =>
        b.where((eb) =>
          eb.or([
            eb('subject', 'ilike', `%${escapeLike(text!)}%`),
            eb('body', 'ilike', `%${escapeLike(text!)}%`),
          ]),
        ),
      );
    return paginate(q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), query, (rows) =>
      rows.map((r) => this.item(r)),
    );
  }

  /** Puts a failed or unsent message back in the queue, from a fresh count of attempts. */
  async retry(actor: Actor, id: number): Promise<OutboxItem> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', '消息不存在');
      if (row.state !== 'failed' && row.state !== 'unsent') {
        throw new AppError('CONFLICT', '只有发送失败或未发送的消息可以重发');
      }
      const updated = await trx
        .updateTable('outbox')
        .set({ state: 'pending', attempts: 0, next_attempt_at: new Date(), last_error: null })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendAudit(trx, actor, {
        action: 'notify.retry',
        targetType: 'outbox',
        targetId: id,
        before: { state: row.state, attempts: row.attempts, lastError: row.last_error },
        after: { state: 'pending' },
      });
      return this.item(updated);
    });
  }
}
