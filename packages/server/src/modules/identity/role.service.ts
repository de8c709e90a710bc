import type { CreateRoleBody, Role, UpdateRoleBody } from '@wangge/shared';
import { adminDutiesOf, isPermission } from '@wangge/shared';
import type { Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';

function checkPermissions(permissions: string[]): void {
  const unknown = permissions.filter((p) => !isPermission(p));
  if (unknown.length) {
    throw new AppError('VALIDATION_FAILED', '权限不存在', {
      permissions: `不存在的权限：${unknown.join('、')}`,
    });
  }
  if (adminDutiesOf(permissions).length > 1) throw new AppError('ADMIN_ROLES_EXCLUSIVE');
}

export class RoleService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(db: Executor = this.db): Promise<Role[]> {
    const rows = await db
      .selectFrom('role')
      .leftJoin('user_role', 'user_role.role_key', 'role.key')
      .select(['role.key', 'role.name', 'role.name_en', 'role.builtin', 'role.editable', 'role.permissions'])
      .select((eb) => eb.fn.count<number>('user_role.user_id').as('user_count'))
      .groupBy('role.key')
      .orderBy('role.builtin', 'desc')
      .orderBy('role.key')
      .execute();
    return rows.map((r) => ({
      key: r.key,
      name: r.name,
      nameEn: r.name_en,
      builtin: r.builtin,
      editable: r.editable,
      permissions: [...r.permissions].sort(),
      userCount: Number(r.user_count),
    }));
  }

  private async get(db: Executor, key: string): Promise<Role> {
    const role = (await this.list(db)).find((r) => r.key === key);
    if (!role) throw new AppError('NOT_FOUND', '角色不存在');
    return role;
  }

  async create(actor: Actor, body: CreateRoleBody): Promise<Role> {
    checkPermissions(body.permissions);
    return this.db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('role')
        .select('key')
        .where('key', '=', body.key)
        .executeTakeFirst();
      if (exists) throw new AppError('CONFLICT', '角色标识已存在', { key: '已存在' });
      await trx
        .insertInto('role')
        .values({
          key: body.key,
          name: body.name.trim(),
          name_en: body.nameEn?.trim() ?? '',
          builtin: false,
          editable: true,
          permissions: body.permissions,
        })
        .execute();
      const role = await this.get(trx, body.key);
      await appendAudit(trx, actor, {
        action: 'role.create',
        targetType: 'role',
        targetId: body.key,
        after: role,
      });
      return role;
    });
  }

  async update(actor: Actor, key: string, body: UpdateRoleBody): Promise<Role> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('role')
        .select(['editable'])
        .where('key', '=', key)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new AppError('NOT_FOUND', '角色不存在');
      if (!row.editable) throw new AppError('BUILTIN_ROLE');
      if (body.permissions) checkPermissions(body.permissions);
      const before = await this.get(trx, key);
      if (body.permissions) {
        // A role change must not let any holder end up with two admin duties through another role.
        const clash = await trx
          .selectFrom('user_role as mine')
          .innerJoin('user_role as other', 'other.user_id', 'mine.user_id')
          .innerJoin('role', 'role.key', 'other.role_key')
          .select(['role.permissions'])
          .where('mine.role_key', '=', key)
          .where('other.role_key', '!=', key)
          .execute();
        const perUser = clash.map((c) => c.permissions);
        if (perUser.some((perms) => adminDutiesOf([...perms, ...body.permissions!]).length > 1)) {
          throw new AppError('ADMIN_ROLES_EXCLUSIVE');
        }
      }
      await trx
        .updateTable('role')
        .set({
          ...(body.name !== undefined ? { name: body.name.trim() } : {}),
          ...(body.nameEn !== undefined ? { name_en: body.nameEn.trim() } : {}),
          ...(body.permissions !== undefined ? { permissions: body.permissions } : {}),
          updated_at: new Date(),
        })
        .where('key', '=', key)
        .execute();
      const after = await this.get(trx, key);
      await appendAudit(trx, actor, {
        action: 'role.update',
        targetType: 'role',
        targetId: key,
        before,
        after,
      });
      return after;
    });
  }

  async remove(actor: Actor, key: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.get(trx, key);
      if (before.builtin) throw new AppError('BUILTIN_ROLE');
      if (before.userCount > 0) throw new AppError('ROLE_IN_USE');
      await trx.deleteFrom('role').where('key', '=', key).execute();
      await appendAudit(trx, actor, { action: 'role.delete', targetType: 'role', targetId: key, before });
    });
  }
}
