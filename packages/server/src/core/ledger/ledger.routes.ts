import { JobStarted, LedgerDryRun, XLSX, type Permission } from '@wangge/shared';
import type { Actor } from '../audit/audit.service.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { Principal } from '../access/principal.ts';
import { actorOf, principalOf, type App } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { withErrors } from '../http/responses.ts';
import { commitLedger, dryRunLedger, errorWorkbook, type LedgerImport } from './import.ts';
import { ledgerTemplate } from './ledger.ts';

const MAX_UPLOAD = 30 * 1024 * 1024;

/**
 * The four routes of an importable ledger under `base`: GET template.xlsx, POST dry-run (the
 * problems), POST errors.xlsx (the upload with an error column), POST import (a job). Uploads
 * are the workbook itself as the request body (`Content-Type: application/vnd.openxmlformats-…`).
 */
export function ledgerRoutes(opts: {
  base: string;
  /** Kind of the import job and of its audit entry (`<kind>.import`). */
  kind: string;
  tags: string[];
  title: string;
  permission: Permission;
  spec: (principal: Principal, app: App) => LedgerImport;
  /** Work after a committed import (dropping caches …). */
  after?: (app: App) => void;
}) {
  return async (app: App): Promise<void> => {
    app.addContentTypeParser(XLSX, { parseAs: 'buffer', bodyLimit: MAX_UPLOAD }, (_req, body, done) =>
      done(null, body),
    );
    const upload = (body: unknown): Buffer => {
      if (!Buffer.isBuffer(body) || !body.length) {
        throw new AppError('INVALID_UPLOAD', '请上传 Excel（.xlsx）文件', { file: '请选择文件' });
      }
      return body;
    };
    const config = { permissions: [opts.permission] };
    const fileName = encodeURIComponent(opts.title);

    app.get(
      `${opts.base}/template.xlsx`,
      { schema: { tags: opts.tags, summary: `${opts.title}导入模板` }, config },
      async (_request, reply) =>
        reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename*=UTF-8''${fileName}-template.xlsx`)
          .send(await ledgerTemplate(opts.spec(principalOf(_request), app).def)),
    );
    app.post(
      `${opts.base}/dry-run`,
      {
        schema: {
          tags: opts.tags,
          summary: `${opts.title}试导入：检查每一行，不写入`,
          consumes: [XLSX],
          response: withErrors({ 200: LedgerDryRun }),
        },
        config,
      },
      async (request) => dryRunLedger(app.ctx.db, opts.spec(principalOf(request), app), upload(request.body)),
    );
    app.post(
      `${opts.base}/errors.xlsx`,
      {
        schema: {
          tags: opts.tags,
          summary: `${opts.title}：上传的表加上“错误原因”一列`,
          consumes: [XLSX],
        },
        config,
      },
      async (request, reply) =>
        reply
          .type(XLSX)
          .header('content-disposition', `attachment; filename*=UTF-8''${fileName}-errors.xlsx`)
          .send(await errorWorkbook(app.ctx.db, opts.spec(principalOf(request), app), upload(request.body))),
    );
    app.post(
      `${opts.base}/import`,
      {
        schema: {
          tags: opts.tags,
          summary: `${opts.title}导入（后台任务，返回任务编号）；有错误行的表整表不导入`,
          consumes: [XLSX],
          response: withErrors({ 202: JobStarted }),
        },
        config,
      },
      async (request, reply) => {
        const file = upload(request.body);
        const spec = opts.spec(principalOf(request), app);
        const actor: Actor = actorOf(request);
        const jobId = await app.ctx.jobs.start(
          `${opts.kind}.import`,
          { bytes: file.length },
          actor,
          async (progress) => {
            const result = await commitLedger(app.ctx.db, spec, file, progress);
            opts.after?.(app);
            await app.ctx.db.transaction().execute((trx) =>
              appendAudit(trx, actor, {
                action: `${opts.kind}.import`,
                targetType: opts.kind,
                after: result,
              }),
            );
            return result;
          },
        );
        return reply.status(202).send({ jobId });
      },
    );
  };
}
