import { Dashboard } from '@wangge/shared';
import { principalOf, type App } from './core/http/context.ts';
import { withErrors } from './core/http/responses.ts';
import { countNodesByKind } from './modules/grid/grid.repository.ts';
import { countVisibleUsers } from './modules/identity/user.repository.ts';

/** The work dashboard's overview: figures from several modules, within the viewer's scope. */
export async function dashboardRoutes(app: App): Promise<void> {
  app.get(
    '/api/dashboard',
    {
      schema: {
        tags: ['system'],
        summary: '工作台概况（管辖范围内）',
        response: withErrors({ 200: Dashboard }),
      },
      config: { permissions: ['dashboard.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      const { db } = app.ctx;
      const [gridCounts, userCount] = await Promise.all([
        countNodesByKind(db, principal),
        principal.permissions.has('user.read') ? countVisibleUsers(db, principal) : null,
      ]);
      return { gridCounts, userCount };
    },
  );
}
