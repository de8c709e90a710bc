import {
  AuditEntry,
  AuditFilters,
  AuditQuery,
  AuditVerifyResult,
  AuditVocabularyInfo,
  Page,
  XLSX,
} from '@wangge/shared';
import { allAudit, appendAudit, listAudit, verifyAuditChain } from './audit.service.ts';
import { AUDIT_EXPORT_MAX, auditWorkbook } from './audit.export.ts';
import type { AuditCatalog } from './audit.vocabulary.ts';
import { actorOf, type App } from '../http/context.ts';
import { withErrors } from '../http/responses.ts';

/**
 * The audit log: read (actions and targets named by `catalog`), export, verify. Dates of the
 * filters are days of `timeZone` (the deployment's).
 */
export function auditRoutes({ catalog, timeZone }: { catalog: AuditCatalog; timeZone: string }) {
  return async (app: App): Promise<void> => {
    const { db } = app.ctx;
    const tags = ['audit'];

    app.get(
      '/api/audit',
      {
        schema: {
          tags,
          summary: '审计日志（操作、对象已命名）',
          querystring: AuditQuery,
          response: withErrors({ 200: Page(AuditEntry) }),
        },
        config: { permissions: ['audit.read'] },
      },
      async (request) => {
        const page = await listAudit(db, request.query, timeZone);
        return { ...page, items: await catalog.describe(page.items, app.ctx) };
      },
    );

    app.get(
      '/api/audit/vocabulary',
      {
        schema: {
          tags,
          summary: '审计日志中的操作与对象类型（筛选用）',
          response: withErrors({ 200: AuditVocabularyInfo }),
        },
        config: { permissions: ['audit.read'] },
      },
      async () => catalog.list(),
    );

    app.get(
      '/api/audit/export',
      {
        schema: {
          tags,
          summary: `导出审计日志（Excel，与列表相同的筛选条件，最多 ${AUDIT_EXPORT_MAX} 条）`,
          querystring: AuditFilters,
        },
        config: { permissions: ['audit.export'] },
      },
      async (request, reply) => {
        const entries = await catalog.describe(
          await allAudit(db, request.query, timeZone, AUDIT_EXPORT_MAX),
          app.ctx,
        );
        const bytes = await auditWorkbook(entries, timeZone);
        // The export is itself on record: who took which part of the log.
        await db.transaction().execute((trx) =>
          appendAudit(trx, actorOf(request), {
            action: 'audit.export',
            after: { filters: request.query, count: entries.length },
          }),
        );
        const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
        return reply
          .type(XLSX)
          .header(
            'content-disposition',
            `attachment; filename="audit-${stamp}.xlsx"; filename*=UTF-8''${encodeURIComponent(`审计日志-${stamp}.xlsx`)}`,
          )
          .send(bytes);
      },
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
  };
}
