import { GridMeasureItem, GridMeasureQuery, Page } from '@wangge/shared';
import { requireInScope } from '../../core/access/scope.ts';
import { principalOf, type App } from '../../core/http/context.ts';
import { paginate } from '../../core/http/paginate.ts';
import { withErrors } from '../../core/http/responses.ts';
import { measuredLevel } from './grid.measures.ts';
import { gridScope } from './grid.scope.ts';

/** The figures the grid map colours by, for one level of the tree. */
export async function gridMeasureRoutes(app: App): Promise<void> {
  const { db } = app.ctx;

  app.get(
    '/api/grids/measures',
    {
      schema: {
        tags: ['grid'],
        summary:
          '网格专题数据：下级网格（不带 parentId 时为本人管辖的子树根）各自整个子树的无人网格数或未结事件数',
        querystring: GridMeasureQuery,
        response: withErrors({ 200: Page(GridMeasureItem) }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      const { measure, parentId } = request.query;
      app.ctx.gridMeasures.readable(principal, measure);
      if (parentId) await requireInScope(db, principal, gridScope, [parentId]);
      const level = measuredLevel(db, principal, parentId ?? null);
      return paginate(
        level,
        { page: request.query.page, pageSize: request.query.pageSize ?? 100 },
        async (rows) => {
          const values = await app.ctx.gridMeasures.values(db, principal, measure, rows);
          return rows.map((r) => ({ id: r.id, name: r.name, code: r.code, value: values.get(r.id) ?? 0 }));
        },
      );
    },
  );
}
