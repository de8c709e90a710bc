import { SmtpMailer, type MailTransport } from './mail.ts';
import { HttpSmsGateway, SmppGateway, type SmsGateway } from './sms.ts';

/** What the outbox worker sends through; a missing one leaves its channel `unsent`. */
export interface Transports {
  mail: MailTransport | null;
  sms: SmsGateway | null;
}

/** What notifications read of the deployment's configuration. */
export interface NotifyConfig {
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly smsGateway: 'smpp' | 'http' | 'none';
  readonly smsSmppUrl: string | null;
  readonly smsSourceAddr: string | null;
  readonly smsHttpUrl: string | null;
  readonly smsHttpToken: string | null;
  readonly smsSign: string;
  readonly publicUrl: string | null;
  readonly timeZone: string;
}

export const NO_MAIL_TRANSPORT = '未配置邮件服务器';
export const NO_SMS_GATEWAY = '未配置短信网关';

export function transportsFrom(config: NotifyConfig): Transports {
  let sms: SmsGateway | null = null;
  if (config.smsGateway === 'smpp' && config.smsSmppUrl) {
    sms = new SmppGateway(config.smsSmppUrl, config.smsSourceAddr);
  } else if (config.smsGateway === 'http' && config.smsHttpUrl) {
    sms = new HttpSmsGateway(config.smsHttpUrl, config.smsHttpToken);
  }
  return { mail: config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.mailFrom) : null, sms };
}

/** Whether a channel can be sent with this configuration (checked when a message is queued). */
export function channelConfigured(config: NotifyConfig, channel: 'email' | 'sms'): boolean {
  return channel === 'email'
    ? !!config.smtpUrl
    : (config.smsGateway === 'smpp' && !!config.smsSmppUrl) ||
        (config.smsGateway === 'http' && !!config.smsHttpUrl);
}
