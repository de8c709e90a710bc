import {
  Dashboard,
  GridDetail,
  GridListQuery,
  GridNode,
  IdParam,
  Page,
  RenameGridBody,
} from '@wangge/shared';
import { sql } from 'kysely';
import { appendAudit, escapeLike } from '../audit/audit.service.ts';
import { assertGridsInScope, inScope } from '../auth/scope.ts';
import { actorOf, principalOf, type App } from '../context.ts';
import { AppError } from '../errors.ts';
import { withErrors } from '../http.ts';
import { visibleUsers } from '../user/user.repository.ts';
import { gridNodeColumns, toGridNode } from './grid.repository.ts';

export async function gridRoutes(app: App): Promise<void> {
  const { db } = app.ctx;
  const tags = ['grid'];

  app.get(
    '/api/grids',
    {
      schema: {
        tags,
        summary: '网格列表：不带参数时为本人管辖的子树根；parentId 为下级；q 为名称或编码搜索',
        querystring: GridListQuery,
        response: withErrors({ 200: Page(GridNode) }),
      },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      const { parentId, q: text } = request.query;
      const page = request.query.page ?? 1;
      const pageSize = request.query.pageSize ?? 100;
      if (parentId) await assertGridsInScope(db, principal, [parentId]);
      let q = gridNodeColumns(db)
        .where((eb) => inScope(eb.ref('g.path'), principal.scopePaths))
        .where('g.valid_to', 'is', null);
      if (text) {
        q = q.where((eb) =>
          eb.or([
            eb('g.name', 'ilike', `%${escapeLike(text)}%`),
            eb('g.code', 'like', `${escapeLike(text)}%`),
          ]),
        );
      } else if (parentId) {
        q = q.where('g.parent_id', '=', parentId);
      } else {
        const roots = principal.scopePaths;
        q = q.where('g.path', 'in', roots.length ? roots : ['']);
      }
      const rows = await q
        .orderBy('g.code')
        .orderBy('g.id')
        .limit(pageSize + 1)
        .offset((page - 1) * pageSize)
        .execute();
      const total =
        rows.length <= pageSize && page === 1
          ? rows.length
          : Number(
              (
                await q
                  .clearSelect()
                  .select((eb) => eb.fn.countAll<number>().as('n'))
                  .clearOrderBy()
                  .executeTakeFirstOrThrow()
              ).n,
            );
      return { items: rows.slice(0, pageSize).map(toGridNode), total, page, pageSize };
    },
  );

  app.get(
    '/api/grids/:id',
    {
      schema: { tags, summary: '网格详情', params: IdParam, response: withErrors({ 200: GridDetail }) },
      config: { permissions: ['grid.read'] },
    },
    async (request) => {
      const principal = principalOf(request);
      await assertGridsInScope(db, principal, [request.params.id]);
      const row = await gridNodeColumns(db)
        .select('g.geometry')
        .where('g.id', '=', request.params.id)
        .executeTakeFirstOrThrow();
      const ancestorIds = row.path.split('/').filter(Boolean).map(Number).slice(0, -1);
      const ancestors = ancestorIds.length
        ? await db
            .selectFrom('grid_node')
            .select(['id', 'name', 'kind', 'depth'])
            .where('id', 'in', ancestorIds)
            .orderBy('depth')
            .execute()
        : [];
      return {
        ...toGridNode(row),
        ancestors: ancestors.map((a) => ({ id: a.id, name: a.name, kind: a.kind })),
        geometry: row.geometry ?? null,
      };
    },
  );

  app.patch(
    '/api/grids/:id',
    {
      schema: {
        tags,
        summary: '网格改名',
        params: IdParam,
        body: RenameGridBody,
        response: withErrors({ 200: GridNode }),
      },
      config: { permissions: ['grid.write'] },
    },
    async (request) => {
      const principal = principalOf(request);
      return db.transaction().execute(async (trx) => {
        await assertGridsInScope(trx, principal, [request.params.id]);
        const before = await trx
          .selectFrom('grid_node')
          .select(['name'])
          .where('id', '=', request.params.id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const name = request.body.name.trim();
        if (!name) throw new AppError('VALIDATION_FAILED', undefined, { name: '不能为空' });
        await trx
          .updateTable('grid_node')
          .set({ name, updated_at: new Date() })
          .where('id', '=', request.params.id)
          .execute();
        await appendAudit(trx, actorOf(request), {
          action: 'grid.rename',
          targetType: 'grid',
          targetId: request.params.id,
          before,
          after: { name },
        });
        return toGridNode(
          await gridNodeColumns(trx).where('g.id', '=', request.params.id).executeTakeFirstOrThrow(),
        );
      });
    },
  );

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
      const counts = await db
        .selectFrom('grid_node')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .where((eb) => inScope(eb.ref('path'), principal.scopePaths))
        .where('valid_to', 'is', null)
        .groupBy('kind')
        .orderBy(sql`min(depth)`)
        .execute();
      const canSeeUsers = principal.permissions.has('user.read');
      const userCount = canSeeUsers
        ? (
            await visibleUsers(db, principal)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n
        : null;
      return { gridCounts: counts.map((c) => ({ kind: c.kind, count: Number(c.n) })), userCount };
    },
  );
}
