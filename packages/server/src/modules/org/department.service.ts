import type { Department, DepartmentBody } from '@wangge/shared';
import type { Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';

/** Sector lines (条): departments that own sectors and event categories across the territory. */
export class DepartmentService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(db: Executor = this.db): Promise<Department[]> {
    const [rows, staff] = await Promise.all([
      db
        .selectFrom('department as d')
        .leftJoin('grid_node as g', 'g.id', 'd.grid_id')
        .selectAll('d')
        .select('g.name as grid_name')
        .where('d.closed_at', 'is', null)
        .orderBy('d.code')
        .execute(),
      db
        .selectFrom('department_staff as s')
        .innerJoin('person as p', 'p.id', 's.person_id')
        .select(['s.department_id', 's.person_id', 'p.name', 's.role'])
        .orderBy('p.name')
        .execute(),
    ]);
    return rows.map((d) => ({
      id: d.id,
      name: d.name,
      code: d.code,
      sectors: d.sectors,
      categories: d.categories,
      gridId: d.grid_id,
      gridName: d.grid_name,
      staff: staff
        .filter((s) => s.department_id === d.id)
        .map((s) => ({ personId: s.person_id, name: s.name, role: s.role })),
    }));
  }

  private async get(db: Executor, id: number): Promise<Department> {
    const found = (await this.list(db)).find((d) => d.id === id);
    if (!found) throw new AppError('NOT_FOUND', '部门不存在');
    return found;
  }

  async create(actor: Actor, body: DepartmentBody): Promise<Department> {
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('department')
        .select('id')
        .where('code', '=', body.code)
        .executeTakeFirst();
      if (taken) throw new AppError('CONFLICT', '部门编码已存在', { code: '已存在' });
      const row = await trx
        .insertInto('department')
        .values({
          name: body.name.trim(),
          code: body.code,
          sectors: body.sectors ?? [],
          categories: body.categories ?? [],
          grid_id: await this.unitGrid(trx, body.gridId),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const dep = await this.get(trx, row.id);
      await appendAudit(trx, actor, {
        action: 'department.create',
        targetType: 'department',
        targetId: row.id,
        after: dep,
      });
      return dep;
    });
  }

  /** The grid of a township's or community's own unit: an existing grid in force. */
  private async unitGrid(db: Executor, gridId: number | null | undefined): Promise<number | null> {
    if (gridId === undefined || gridId === null) return null;
    const grid = await db
      .selectFrom('grid_node')
      .select(['id', 'valid_to'])
      .where('id', '=', gridId)
      .executeTakeFirst();
    if (!grid || grid.valid_to)
      throw new AppError('VALIDATION_FAILED', undefined, { gridId: '网格不存在或已撤销' });
    return grid.id;
  }

  async update(actor: Actor, id: number, body: DepartmentBody): Promise<Department> {
    return this.db.transaction().execute(async (trx) => {
      const before = await this.get(trx, id);
      const clash = await trx
        .selectFrom('department')
        .select('id')
        .where('code', '=', body.code)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) throw new AppError('CONFLICT', '部门编码已存在', { code: '已存在' });
      await trx
        .updateTable('department')
        .set({
          name: body.name.trim(),
          code: body.code,
          sectors: body.sectors ?? [],
          categories: body.categories ?? [],
          ...(body.gridId === undefined ? {} : { grid_id: await this.unitGrid(trx, body.gridId) }),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      const after = await this.get(trx, id);
      await appendAudit(trx, actor, {
        action: 'department.update',
        targetType: 'department',
        targetId: id,
        before,
        after,
      });
      return after;
    });
  }

  async addStaff(actor: Actor, id: number, personId: number, role: string): Promise<Department> {
    return this.db.transaction().execute(async (trx) => {
      await this.get(trx, id);
      const person = await trx
        .selectFrom('person')
        .select('id')
        .where('id', '=', personId)
        .executeTakeFirst();
      if (!person) throw new AppError('VALIDATION_FAILED', undefined, { personId: '人员不存在' });
      await trx
        .insertInto('department_staff')
        .values({ department_id: id, person_id: personId, role })
        .onConflict((oc) => oc.columns(['department_id', 'person_id']).doUpdateSet({ role }))
        .execute();
      await appendAudit(trx, actor, {
        action: 'department.staff.add',
        targetType: 'department',
        targetId: id,
        after: { personId, role },
      });
      return this.get(trx, id);
    });
  }

  async removeStaff(actor: Actor, id: number, personId: number): Promise<Department> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('department_staff')
        .where('department_id', '=', id)
        .where('person_id', '=', personId)
        .returning('role')
        .execute();
      if (!removed.length) throw new AppError('NOT_FOUND', '该人员不在此部门');
      await appendAudit(trx, actor, {
        action: 'department.staff.remove',
        targetType: 'department',
        targetId: id,
        before: { personId, role: removed[0]!.role },
      });
      return this.get(trx, id);
    });
  }
}
