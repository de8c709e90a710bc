import { IdParam, Job } from '@wangge/shared';
import { principalOf, type App } from '../http/context.ts';
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
      // Any signed-in user: the job's starter, or whoever's scope covers a whole tree.
      config: {},
    },
    async (request) => app.ctx.jobs.getFor(principalOf(request), request.params.id),
  );
}
