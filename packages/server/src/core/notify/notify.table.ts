import type { ColumnType, Generated } from 'kysely';

export type NotifyChannel = 'email' | 'sms' | 'inapp';
export type OutboxChannel = 'email' | 'sms';
export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'unsent';

/** A template edited by an administrator; keys without a row use the shipped default. */
export interface NotifyTemplateTable {
  key: string;
  channels: NotifyChannel[];
  email_subject: string;
  email_body: string;
  sms_text: string;
  inapp_title: string;
  inapp_body: string;
  updated_at: ColumnType<Date, Date | undefined, Date>;
  updated_by: number | null;
}

/** One e-mail or SMS to send: rendered text, encrypted address, delivery state. */
export interface OutboxTable {
  id: Generated<number>;
  channel: OutboxChannel;
  template: string;
  case_id: number | null;
  recipient_user_id: number | null;
  recipient_person_id: number | null;
  recipient_name: string | null;
  to_enc: string;
  to_masked: string;
  subject: string | null;
  body: string;
  state: ColumnType<OutboxState, OutboxState | undefined, OutboxState>;
  attempts: ColumnType<number, number | undefined, number>;
  /** When pending: the earliest next try; when sending: the end of the lease. */
  next_attempt_at: Date | null;
  last_error: string | null;
  provider_id: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  sent_at: Date | null;
}

export interface InboxMessageTable {
  id: Generated<number>;
  user_id: number;
  title: string;
  body: string;
  link: string | null;
  case_id: number | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  read_at: Date | null;
}
