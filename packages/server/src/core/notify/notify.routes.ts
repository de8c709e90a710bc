import {
  BigIdParam,
  InboxMessage,
  InboxQuery,
  NotifyTemplate,
  NotifyTemplateBody,
  NotifyTemplateKeyParam,
  NotifyTemplateSaved,
  OutboxItem,
  OutboxQuery,
  Page,
  ReadAllResult,
  UnreadCount,
  type Permission,
} from '@wangge/shared';
import { Type } from 'typebox';
import { actorOf, principalOf, type App } from '../http/context.ts';
import { withErrors } from '../http/responses.ts';
import { InboxService } from './inbox.service.ts';

/**
 * 邮件查看, 短信查看, re-queueing, templates, and every user's own in-app inbox. Who edits the
 * templates is the composition root's to say (the kernel names no module's permissions).
 */
export function notifyRoutes(access: { templates: Permission }) {
  return (app: App) => routes(app, access.templates);
}

async function routes(app: App, editor: Permission): Promise<void> {
  const { notify } = app.ctx;
  const inbox = new InboxService(app.ctx.db);
  const tags = ['notify'];

  app.get(
    '/api/notify/mails',
    {
      schema: {
        tags,
        summary: '邮件查看：已发送、待发送、发送失败和未发送的通知邮件（收件人已脱敏）',
        querystring: OutboxQuery,
        response: withErrors({ 200: Page(OutboxItem) }),
      },
      config: { permissions: ['notify.read'] },
    },
    async (request) => notify.listOutbox('email', request.query),
  );

  app.get(
    '/api/notify/sms',
    {
      schema: {
        tags,
        summary: '短信查看：已发送、待发送、发送失败和未发送的通知短信（手机号已脱敏）',
        querystring: OutboxQuery,
        response: withErrors({ 200: Page(OutboxItem) }),
      },
      config: { permissions: ['notify.read'] },
    },
    async (request) => notify.listOutbox('sms', request.query),
  );

  app.post(
    '/api/notify/outbox/:id/retry',
    {
      schema: {
        tags,
        summary: '重发发送失败或未发送的邮件、短信',
        params: BigIdParam,
        response: withErrors({ 200: OutboxItem }),
      },
      config: { permissions: ['notify.read', editor] },
    },
    async (request) => notify.retry(actorOf(request), request.params.id),
  );

  app.get(
    '/api/notify/templates',
    {
      schema: {
        tags,
        summary: '通知模板（邮件、短信、站内消息）',
        response: withErrors({ 200: Type.Array(NotifyTemplate) }),
      },
      config: { permissions: [editor] },
    },
    async () => notify.templates(),
  );

  app.put(
    '/api/notify/templates/:key',
    {
      schema: {
        tags,
        summary: '修改通知模板；未知变量作为警告返回',
        params: NotifyTemplateKeyParam,
        body: NotifyTemplateBody,
        response: withErrors({ 200: NotifyTemplateSaved }),
      },
      config: { permissions: [editor] },
    },
    async (request) => notify.updateTemplate(actorOf(request), request.params.key, request.body),
  );

  app.delete(
    '/api/notify/templates/:key',
    {
      schema: {
        tags,
        summary: '恢复默认通知模板',
        params: NotifyTemplateKeyParam,
        response: withErrors({ 200: NotifyTemplate }),
      },
      config: { permissions: [editor] },
    },
    async (request) => notify.resetTemplate(actorOf(request), request.params.key),
  );

  app.get(
    '/api/inbox',
    {
      schema: {
        tags,
        summary: '我的站内消息',
        querystring: InboxQuery,
        response: withErrors({ 200: Page(InboxMessage) }),
      },
    },
    async (request) => inbox.list(principalOf(request).userId, request.query),
  );

  app.get(
    '/api/inbox/unread-count',
    {
      schema: { tags, summary: '我的未读消息数', response: withErrors({ 200: UnreadCount }) },
    },
    async (request) => ({ count: await inbox.unreadCount(principalOf(request).userId) }),
  );

  app.post(
    '/api/inbox/:id/read',
    {
      schema: {
        tags,
        summary: '标记消息为已读',
        params: BigIdParam,
        response: withErrors({ 200: InboxMessage }),
      },
    },
    async (request) => inbox.markRead(principalOf(request).userId, request.params.id),
  );

  app.post(
    '/api/inbox/read-all',
    {
      schema: { tags, summary: '全部标记为已读', response: withErrors({ 200: ReadAllResult }) },
    },
    async (request) => ({ updated: await inbox.markAllRead(principalOf(request).userId) }),
  );
}
