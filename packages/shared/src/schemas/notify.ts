import { Type, type Static } from 'typebox';
import { LIMITS } from '../constants.ts';
import { PageQuery } from './common.ts';
import { BigId } from './numbers.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = () => Type.String({ format: 'date-time' });

/** A row id of the outbox or the inbox (bigint in the database). */
export const BigIdParam = Type.Object({ id: BigId() });

export const NotifyChannel = Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('inapp')]);
export type NotifyChannel = Static<typeof NotifyChannel>;

export const OUTBOX_STATES = {
  pending: { zh: '待发送', en: 'Pending' },
  sending: { zh: '发送中', en: 'Sending' },
  sent: { zh: '已发送', en: 'Sent' },
  failed: { zh: '发送失败', en: 'Failed' },
  unsent: { zh: '未发送', en: 'Not sent' },
} as const;
export type OutboxState = keyof typeof OUTBOX_STATES;
export const OutboxState = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('unsent'),
]);

/** One e-mail or SMS as shown in 邮件查看 / 短信查看: the address masked. */
export const OutboxItem = Type.Object({
  id: Type.Integer(),
  channel: Type.Union([Type.Literal('email'), Type.Literal('sms')]),
  template: Type.String(),
  templateName: Type.String(),
  caseId: Nullable(Type.Integer()),
  recipientName: Nullable(Type.String()),
  toMasked: Type.String(),
  subject: Nullable(Type.String()),
  body: Type.String(),
  state: OutboxState,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime()),
  lastError: Nullable(Type.String()),
  providerId: Nullable(Type.String()),
  createdAt: DateTime(),
  sentAt: Nullable(DateTime()),
});
export type OutboxItem = Static<typeof OutboxItem>;

export const OutboxQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    state: Type.Optional(OutboxState),
    caseId: Type.Optional(BigId()),
    /** Created on or after this day (deployment time zone). */
    from: Type.Optional(Type.String({ format: 'date' })),
    /** Created on or before this day (deployment time zone). */
    to: Type.Optional(Type.String({ format: 'date' })),
    /** Text in the subject or the body. */
    q: Type.Optional(Type.String({ maxLength: LIMITS.searchMax })),
  }),
]);
export type OutboxQuery = Static<typeof OutboxQuery>;

export const NotifyTemplateKeyParam = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z][a-z0-9_.]*$' }),
});

export const NotifyTemplateBody = Type.Object({
  channels: Type.Array(NotifyChannel, { maxItems: 3, uniqueItems: true }),
  emailSubject: Type.String({ maxLength: 200 }),
  emailBody: Type.String({ maxLength: 5000 }),
  smsText: Type.String({ maxLength: 500 }),
  inappTitle: Type.String({ maxLength: 200 }),
  inappBody: Type.String({ maxLength: 2000 }),
});
export type NotifyTemplateBody = Static<typeof NotifyTemplateBody>;

export const NotifyTemplate = Type.Intersect([
  Type.Object({
    key: Type.String(),
    /** What the template is for. */
    name: Type.String(),
    /** Variables the sender fills in. */
    vars: Type.Array(Type.String()),
    /** Changed from the shipped text. */
    customised: Type.Boolean(),
    updatedAt: Nullable(DateTime()),
  }),
  NotifyTemplateBody,
]);
export type NotifyTemplate = Static<typeof NotifyTemplate>;

export const NotifyTemplateSaved = Type.Object({
  template: NotifyTemplate,
  /** Placeholders the sender never fills in (they render empty). */
  warnings: Type.Array(Type.String()),
});
export type NotifyTemplateSaved = Static<typeof NotifyTemplateSaved>;

export const InboxMessage = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  link: Nullable(Type.String()),
  caseId: Nullable(Type.Integer()),
  createdAt: DateTime(),
  readAt: Nullable(DateTime()),
});
export type InboxMessage = Static<typeof InboxMessage>;

export const InboxQuery = Type.Intersect([PageQuery, Type.Object({ unread: Type.Optional(Type.Boolean()) })]);
export type InboxQuery = Static<typeof InboxQuery>;

export const UnreadCount = Type.Object({ count: Type.Integer() });
export const ReadAllResult = Type.Object({ updated: Type.Integer() });
