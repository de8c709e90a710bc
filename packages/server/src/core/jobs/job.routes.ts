import { IdParam, Job } from '@wangge/shared';
import { principalOf, type App } from '../http/context.ts';
import { coversARoot } from '../access/scope.ts';
import { AppError } from '../http/errors.ts';
import { withErrors } from '../http/responses.ts';

export async function jobRoutes(app: App): Promise<void> {
  app.get(
    '/api/jobs/:id',
    {
      schema: {
        tags: ['system'],
        summary: '后台任务进度',
        params: IdParam,
        response: withErrors({ 200: Job }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => {
      const job = await app.ctx.jobs.get(request.params.id);
      const principal = principalOf(request);
      const row = await app.ctx.db
        .selectFrom('job')
        .select('created_by')
        .where('id', '=', job.id)
        .executeTakeFirstOrThrow();
      // Jobs are deployment-wide work: their starter, or anyone whose scope covers a whole tree.
      if (row.created_by !== principal.userId && !coversARoot(principal)) {
        throw new AppError('OUT_OF_SCOPE');
      }
      return job;
    },
  );
}
