import { AuditEntry, AuditQuery, AuditVerifyResult, Page } from '@wangge/shared';
import { appendAudit, listAudit, verifyAuditChain } from './audit.service.ts';
import { actorOf, type App } from '../http/context.ts';
import { withErrors } from '../http/responses.ts';

export async function auditRoutes(app: App): Promise<void> {
  const { db } = app.ctx;
  const tags = ['audit'];

  app.get(
    '/api/audit',
    {
      schema: {
        tags,
        summary: '审计日志',
        querystring: AuditQuery,
        response: withErrors({ 200: Page(AuditEntry) }),
      },
      config: { permissions: ['audit.read'] },
    },
    async (request) => listAudit(db, request.query),
  );

  app.post(
    '/api/audit/verify',
    {
      schema: { tags, summary: '校验审计日志哈希链', response: withErrors({ 200: AuditVerifyResult }) },
      config: { permissions: ['audit.verify'] },
    },
    async (request) => {
      const result = await verifyAuditChain(db);
      await db.transaction().execute((trx) =>
        appendAudit(trx, actorOf(request), {
          action: 'audit.verify',
          after: { ok: result.ok, checked: result.checked, brokenAt: result.brokenAt },
          result: result.ok ? 'success' : 'failure',
        }),
      );
      return result;
    },
  );
}
