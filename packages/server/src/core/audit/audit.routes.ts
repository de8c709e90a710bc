import {
  AuditEntry,
  AuditQuery,
  AuditVerifyResult,
  LIMITS,
  LoginLogEntry,
  LoginLogQuery,
  Page,
} from '@wangge/shared';
import { appendAudit, escapeLike, listAudit, verifyAuditChain } from './audit.service.ts';
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

  app.get(
    '/api/login-log',
    {
      schema: {
        tags,
        summary: '登录日志',
        querystring: LoginLogQuery,
        response: withErrors({ 200: Page(LoginLogEntry) }),
      },
      config: { permissions: ['loginlog.read'] },
    },
    async (request) => {
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? LIMITS.pageSizeDefault;
      let q = db.selectFrom('login_log');
      if (request.query.username) q = q.where('username', 'ilike', `%${escapeLike(request.query.username)}%`);
      if (request.query.result) q = q.where('result', '=', request.query.result);
      const [rows, count] = await Promise.all([
        q
          .selectAll()
          .orderBy('id', 'desc')
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .execute(),
        q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return {
        items: rows.map((r) => ({
          id: r.id,
          at: r.at.toISOString(),
          username: r.username,
          userId: r.user_id,
          ip: r.ip,
          userAgent: r.user_agent,
          result: r.result,
          reason: r.reason,
        })),
        total: count.n,
        page,
        pageSize,
      };
    },
  );
}
