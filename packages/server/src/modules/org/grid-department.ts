import { GridDepartment, GridDepartmentBody, IdParam } from '@wangge/shared';
import { appendAudit } from '../../core/audit/audit.service.ts';
import { requireInScope } from '../../core/access/scope.ts';
import type { Executor } from '../../core/db/types.ts';
import { actorOf, principalOf, type App } from '../../core/http/context.ts';
import { AppError } from '../../core/http/errors.ts';
import { withErrors } from '../../core/http/responses.ts';
import { gridScope } from '../grid/grid.scope.ts';

/**
 * A grid's supervising department (主管部门) as the notice board prints it: set on the node itself,
 * else on the nearest grid above that has one.
 */
export async function gridDepartment(db: Executor, nodeId: number): Promise<GridDepartment> {
  const node = await db.selectFrom('grid_node').select('path').where('id', '=', nodeId).executeTakeFirst();
  if (!node) throw new AppError('NOT_FOUND', '网格不存在');
  const chain = node.path.split('/').filter(Boolean).map(Number);
  const rows = await db
    .selectFrom('grid_department as gd')
    .innerJoin('department as d', 'd.id', 'gd.department_id')
    .innerJoin('grid_node as g', 'g.id', 'gd.node_id')
    .select(['gd.node_id', 'g.name as node_name', 'g.depth', 'd.id', 'd.name'])
    .where('gd.node_id', 'in', chain)
    .where('d.closed_at', 'is', null)
    .orderBy('g.depth', 'desc')
    .execute();
  const own = rows.find((r) => r.node_id === nodeId);
  const nearest = rows[0];
  return {
    own: own ? { id: own.id, name: own.name } : null,
    effective: nearest
      ? { id: nearest.id, name: nearest.name, fromNodeId: nearest.node_id, fromNodeName: nearest.node_name }
      : null,
  };
}

/** Read and set a grid's supervising department. */
export async function gridDepartmentRoutes(app: App): Promise<void> {
  const { db } = app.ctx;

  app.get(
    '/api/grids/:id/department',
    {
      schema: {
        tags: ['duty'],
        summary: '网格的主管部门（本级设置或上级继承）',
        params: IdParam,
        response: withErrors({ 200: GridDepartment }),
      },
      config: { permissions: ['duty.read'] },
    },
    async (request) => {
      await requireInScope(db, principalOf(request), gridScope, [request.params.id]);
      return gridDepartment(db, request.params.id);
    },
  );

  app.put(
    '/api/grids/:id/department',
    {
      schema: {
        tags: ['duty'],
        summary: '设置网格的主管部门（null：沿用上级）',
        params: IdParam,
        body: GridDepartmentBody,
        response: withErrors({ 200: GridDepartment }),
      },
      config: { permissions: ['duty.write'] },
    },
    async (request) => {
      const id = request.params.id;
      const { departmentId } = request.body;
      await requireInScope(db, principalOf(request), gridScope, [id]);
      return db.transaction().execute(async (trx) => {
        const node = await trx
          .selectFrom('grid_node')
          .select('valid_to')
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (node.valid_to !== null) throw new AppError('VALIDATION_FAILED', '网格已撤销，不能设置主管部门');
        if (departmentId !== null) {
          const dep = await trx
            .selectFrom('department')
            .select('closed_at')
            .where('id', '=', departmentId)
            .executeTakeFirst();
          if (!dep || dep.closed_at !== null)
            throw new AppError('VALIDATION_FAILED', '部门不存在或已撤销', { departmentId: '部门不存在' });
        }
        const before = await gridDepartment(trx, id);
        if (departmentId === null) {
          await trx.deleteFrom('grid_department').where('node_id', '=', id).execute();
        } else {
          await trx
            .insertInto('grid_department')
            .values({ node_id: id, department_id: departmentId })
            .onConflict((oc) =>
              oc.column('node_id').doUpdateSet({ department_id: departmentId, updated_at: new Date() }),
            )
            .execute();
        }
        const after = await gridDepartment(trx, id);
        await appendAudit(trx, actorOf(request), {
          action: 'grid.department',
          targetType: 'grid',
          targetId: id,
          before: before.own,
          after: after.own,
        });
        return after;
      });
    },
  );
}
