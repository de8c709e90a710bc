import { CaseIdParam, DispatchPreview } from '@wangge/shared';
import { principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { dispatchPreview } from './case.dispatch.ts';

/** What the dispatch dialog asks before a (re-)dispatch. */
export function dispatchRoutes(config: CaseConfigService) {
  return async (app: App): Promise<void> => {
    app.get(
      '/api/cases/:id/dispatch-preview',
      {
        schema: {
          tags: ['case'],
          summary: '分派预览：建议的承办单位（不含曾驳回的单位）、驳回记录、按工作日历的受理期限',
          params: CaseIdParam,
          response: withErrors({ 200: DispatchPreview }),
        },
        config: { permissions: ['case.dispatch'] },
      },
      async (request) =>
        dispatchPreview(
          { db: app.ctx.db, config, clocks: app.ctx.clocks },
          principalOf(request),
          request.params.id,
        ),
    );
  };
}
