import { CaseStats, CaseStatsQuery, CaseTodos } from '@wangge/shared';
import { principalOf, type App } from '../../core/http/context.ts';
import { withErrors } from '../../core/http/responses.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { CaseStatsService } from './case.stats.ts';
import type { Cases } from './cases.ts';

/** The work dashboard's figures: to-dos for whoever works cases, statistics for scope readers. */
export function caseStatsRoutes(cases: Cases, config: CaseConfigService) {
  return async (app: App): Promise<void> => {
    const stats = new CaseStatsService({
      db: app.ctx.db,
      read: cases.read,
      config,
      timeZone: app.ctx.config.timeZone,
    });
    const tags = ['case'];

    app.get(
      '/api/cases/todos',
      {
        schema: {
          tags,
          summary: '我的待办：待分发、待接受、待反馈、待回访、待归档、即将超时、已超时（各附列表筛选条件）',
          response: withErrors({ 200: CaseTodos }),
        },
        config: { permissions: ['case.read', 'case.handle'] },
      },
      async (request) => stats.todos(principalOf(request)),
    );

    app.get(
      '/api/cases/stats',
      {
        schema: {
          tags,
          summary:
            '工作台统计：今日/本周/本月按渠道、分类、辖区的上报量，按时受理率、按时办结率、满意率、超时数、趋势',
          querystring: CaseStatsQuery,
          response: withErrors({ 200: CaseStats }),
        },
        config: { permissions: ['case.read'] },
      },
      async (request) => stats.stats(principalOf(request), request.query.period ?? 'month'),
    );
  };
}
