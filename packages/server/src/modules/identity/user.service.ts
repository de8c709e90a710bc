import type {
  CreateUserBody,
  PageResult,
  RoleRef,
  ScopeRef,
  UpdateUserBody,
  UserListQuery,
  UserSummary,
} from '@wangge/shared';
import { adminDutiesOf, normalizeEmail } from '@wangge/shared';
import { sql } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { AuthService } from './auth.service.ts';
import type { Principal } from '../../core/access/principal.ts';
import { coversARoot, requireInScope } from '../../core/access/scope.ts';
import { adminDutiesOfUser, visibleUsers } from './user.repository.ts';
import type { Executor } from '../../core/db/types.ts';
import type { DB } from '../../core/db/types.ts';
import type { Kysely } from 'kysely';
import { AppError } from '../../core/http/errors.ts';
import { iso } from '../../core/http/responses.ts';
import { paginate } from '../../core/http/paginate.ts';
import { gridScope } from '../grid/grid.scope.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { MOBILE } from '../../core/pii/kinds.ts';

export class UserService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly personal: PersonalData,
    private readonly auth: AuthService,
  ) {}

  private async assertVisible(db: Executor, principal: Principal, userId: number): Promise<void> {
    const exists = await db.selectFrom('app_user').select('id').where('id', '=', userId).executeTakeFirst();
    if (!exists) throw new AppError('NOT_FOUND', '用户不存在');
    const visible = await visibleUsers(db, principal)
      .select('id')
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!visible) throw new AppError('OUT_OF_SCOPE', '该用户不在您的管辖范围内');
  }

  private assertNotSelf(principal: Principal, userId: number): void {
    if (principal.userId === userId) throw new AppError('SELF_CHANGE_FORBIDDEN');
  }

  /**
   * An account that holds an administrator duty the actor does not hold is out of the actor's
   * reach (三员分立): the system administrator cannot reset the audit administrator's password.
   */
  private async assertDutiesCovered(trx: Executor, principal: Principal, userId: number): Promise<void> {
    const mine = new Set(adminDutiesOf(principal.permissions));
    if ((await adminDutiesOfUser(trx, userId)).some((duty) => !mine.has(duty))) {
      throw new AppError('FORBIDDEN', '不能管理持有其他管理员职责的账号');
    }
  }

  /**
   * Why `principal` may not see user `userId`'s personal data in full, or null when they may.
   * An administrator's (三员) is theirs and the security administrator's to see, whoever else
   * holds the reveal permission; anyone else's needs the reveal permission.
   */
  private async revealRefusal(trx: Executor, principal: Principal, userId: number): Promise<AppError | null> {
    if (principal.userId === userId) return null;
    if ((await adminDutiesOfUser(trx, userId)).length > 0) {
      return adminDutiesOf(principal.permissions).includes('security')
        ? null
        : new AppError('ADMIN_PERSONAL_DATA');
    }
    return principal.permissions.has('user.phone.reveal')
      ? null
      : new AppError('FORBIDDEN', '没有查看该用户完整手机号的权限');
  }

  private phoneFields(phone: string | null | undefined) {
    if (phone === undefined) return {};
    const { enc, hash } = this.personal.seal(MOBILE, phone, 'phone');
    return { phone_enc: enc, phone_hash: hash };
  }

  private emailFields(email: string | null | undefined) {
    if (email === undefined) return {};
    if (email === null || email.trim() === '') return { email: null };
    const normalised = normalizeEmail(email);
    if (!normalised) {
      throw new AppError('VALIDATION_FAILED', '电子邮箱格式不正确', {
        email: '应为电子邮箱地址，如 zhangsan@example.com',
      });
    }
    return { email: normalised };
  }

  async summaries(db: Executor, ids: number[]): Promise<UserSummary[]> {
    if (ids.length === 0) return [];
    const [users, roles, scopes] = await Promise.all([
      db.selectFrom('app_user').selectAll().where('id', 'in', ids).execute(),
      db
        .selectFrom('user_role')
        .innerJoin('role', 'role.key', 'user_role.role_key')
        .select(['user_role.user_id', 'role.key', 'role.name', 'role.name_en'])
        .where('user_role.user_id', 'in', ids)
        .orderBy('role.key')
        .execute(),
      db
        .selectFrom('user_scope')
        .innerJoin('grid_node', 'grid_node.id', 'user_scope.grid_id')
        .select([
          'user_scope.user_id',
          'grid_node.id',
          'grid_node.name',
          'grid_node.code',
          'grid_node.kind',
          'grid_node.depth',
        ])
        .where('user_scope.user_id', 'in', ids)
        .orderBy('grid_node.path')
        .execute(),
    ]);
    const rolesBy = new Map<number, RoleRef[]>();
    for (const r of roles) {
      const list = rolesBy.get(r.user_id) ?? [];
      list.push({ key: r.key, name: r.name, nameEn: r.name_en });
      rolesBy.set(r.user_id, list);
    }
    const scopesBy = new Map<number, ScopeRef[]>();
    for (const s of scopes) {
      const list = scopesBy.get(s.user_id) ?? [];
      list.push({ id: s.id, name: s.name, code: s.code, kind: s.kind, depth: s.depth });
      scopesBy.set(s.user_id, list);
    }
    const byId = new Map(users.map((u) => [u.id, u]));
    return ids
      .map((id) => byId.get(id))
      .filter((u) => u !== undefined)
      .map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.display_name,
        phoneMasked: this.personal.masked(MOBILE, u.phone_enc),
        email: u.email,
        status: u.status,
        locked: !!u.locked_until && u.locked_until.getTime() > Date.now(),
        mustChangePassword: u.must_change_password,
        isDemo: u.is_demo,
        roles: rolesBy.get(u.id) ?? [],
        scopes: scopesBy.get(u.id) ?? [],
        lastLoginAt: iso(u.last_login_at),
        createdAt: u.created_at.toISOString(),
      }));
  }

  async list(principal: Principal, query: UserListQuery): Promise<PageResult<UserSummary>> {
    let q = visibleUsers(this.db, principal);
    if (query.q?.trim()) {
      const text = query.q.trim();
      const phone = this.personal.searchKey(MOBILE, text);
      q = q.where((eb) =>
        eb.or([
          eb('app_user.username', 'ilike', `%${escapeLike(text)}%`),
          eb('app_user.display_name', 'ilike', `%${escapeLike(text)}%`),
          ...(phone ? [eb('app_user.phone_hash', '=', phone)] : []),
        ]),
      );
    }
    if (query.status) q = q.where('app_user.status', '=', query.status);
    if (query.role) {
      const role = query.role;
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('user_role')
            .select(sql`1`.as('one'))
            .whereRef('user_role.user_id', '=', 'app_user.id')
            .where('user_role.role_key', '=', role),
        ),
      );
    }
    return paginate(q.select('app_user.id').orderBy('app_user.id'), query, (rows) =>
      this.summaries(
        this.db,
        rows.map((r) => r.id),
      ),
    );
  }

  async get(principal: Principal, id: number): Promise<UserSummary> {
    await this.assertVisible(this.db, principal, id);
    return (await this.summaries(this.db, [id]))[0]!;
  }

  async create(principal: Principal, actor: Actor, body: CreateUserBody): Promise<UserSummary> {
    const phone = this.phoneFields(body.phone);
    const email = this.emailFields(body.email);
    return this.db.transaction().execute(async (trx) => {
      const taken = await trx
        .selectFrom('app_user')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['username']), '=', body.username.toLowerCase()))
        .executeTakeFirst();
      if (taken) throw new AppError('USERNAME_TAKEN', undefined, { username: '用户名已被使用' });
      await this.auth.checkNewPassword(trx, null, body.username, body.password, 'password');
      const row = await trx
        .insertInto('app_user')
        .values({
          username: body.username,
          display_name: body.displayName.trim(),
          password_hash: 'pending',
          must_change_password: true,
          ...phone,
          ...email,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // An administrator-set password is known to two people: the user must replace it at first login.
      await this.auth.storePassword(trx, row.id, body.password, true);
      const [created] = await this.summaries(trx, [row.id]);
      await appendAudit(trx, actor, {
        action: 'user.create',
        targetType: 'user',
        targetId: row.id,
        after: created,
      });
      return created!;
    });
  }

  async update(principal: Principal, actor: Actor, id: number, body: UpdateUserBody): Promise<UserSummary> {
    if (body.status !== undefined) this.assertNotSelf(principal, id);
    const phone = this.phoneFields(body.phone);
    const email = this.emailFields(body.email);
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      await this.assertDutiesCovered(trx, principal, id);
      await trx.selectFrom('app_user').select('id').where('id', '=', id).forUpdate().execute();
      const [before] = await this.summaries(trx, [id]);
      await trx
        .updateTable('app_user')
        .set({
          ...(body.displayName !== undefined ? { display_name: body.displayName.trim() } : {}),
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...phone,
          ...email,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      if (body.status === 'disabled') await trx.deleteFrom('session').where('user_id', '=', id).execute();
      const [after] = await this.summaries(trx, [id]);
      await appendAudit(trx, actor, {
        action: 'user.update',
        targetType: 'user',
        targetId: id,
        before,
        after,
      });
      return after!;
    });
  }

  async resetPassword(principal: Principal, actor: Actor, id: number, password: string): Promise<void> {
    this.assertNotSelf(principal, id);
    await this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      await this.assertDutiesCovered(trx, principal, id);
      const user = await trx
        .selectFrom('app_user')
        .select(['username'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirstOrThrow();
      await this.auth.checkNewPassword(trx, id, user.username, password, 'password');
      await this.auth.storePassword(trx, id, password, true);
      await trx.deleteFrom('session').where('user_id', '=', id).execute();
      await appendAudit(trx, actor, { action: 'user.password.reset', targetType: 'user', targetId: id });
    });
  }

  async setRoles(principal: Principal, actor: Actor, id: number, roleKeys: string[]): Promise<UserSummary> {
    this.assertNotSelf(principal, id);
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      await trx.selectFrom('app_user').select('id').where('id', '=', id).forUpdate().execute();
      const roles = roleKeys.length
        ? await trx
            .selectFrom('role')
            .select(['key', 'permissions'])
            .where('key', 'in', roleKeys)
            // Share-locked, so a concurrent role edit cannot slip a second duty in.
            .forShare()
            .execute()
        : [];
      if (roles.length !== roleKeys.length) {
        const found = new Set(roles.map((r) => r.key));
        throw new AppError('VALIDATION_FAILED', '角色不存在', {
          roles: `不存在的角色：${roleKeys.filter((k) => !found.has(k)).join('、')}`,
        });
      }
      if (adminDutiesOf(roles.flatMap((r) => r.permissions)).length > 1)
        throw new AppError('ADMIN_ROLES_EXCLUSIVE');
      const [before] = await this.summaries(trx, [id]);
      // Administrator duties are deployment-wide: only a granter whose scope covers a whole tree
      // may give or take them.
      const touchesAdmin =
        adminDutiesOf(roles.flatMap((r) => r.permissions)).length > 0 ||
        (await adminDutiesOfUser(trx, id)).length > 0;
      if (touchesAdmin && !coversARoot(principal)) {
        throw new AppError('FORBIDDEN', '只有管辖整个网格树的安全管理员才能分配管理员角色');
      }
      await trx.deleteFrom('user_role').where('user_id', '=', id).execute();
      if (roleKeys.length) {
        await trx
          .insertInto('user_role')
          .values(roleKeys.map((k) => ({ user_id: id, role_key: k })))
          .execute();
      }
      const [after] = await this.summaries(trx, [id]);
      await appendAudit(trx, actor, {
        action: 'user.roles.set',
        targetType: 'user',
        targetId: id,
        before: before!.roles.map((r) => r.key),
        after: after!.roles.map((r) => r.key),
      });
      return after!;
    });
  }

  async setScopes(principal: Principal, actor: Actor, id: number, gridIds: number[]): Promise<UserSummary> {
    this.assertNotSelf(principal, id);
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      await requireInScope(trx, principal, gridScope, gridIds);
      await trx.selectFrom('app_user').select('id').where('id', '=', id).forUpdate().execute();
      const [before] = await this.summaries(trx, [id]);
      await trx.deleteFrom('user_scope').where('user_id', '=', id).execute();
      if (gridIds.length) {
        await trx
          .insertInto('user_scope')
          .values(gridIds.map((g) => ({ user_id: id, grid_id: g })))
          .execute();
      }
      const [after] = await this.summaries(trx, [id]);
      await appendAudit(trx, actor, {
        action: 'user.scopes.set',
        targetType: 'user',
        targetId: id,
        before: before!.scopes.map((s) => s.id),
        after: after!.scopes.map((s) => s.id),
      });
      return after!;
    });
  }

  async unlock(principal: Principal, actor: Actor, id: number): Promise<UserSummary> {
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      await trx
        .updateTable('app_user')
        .set({ locked_until: null, failed_count: 0, updated_at: new Date() })
        .where('id', '=', id)
        .execute();
      await appendAudit(trx, actor, { action: 'user.unlock', targetType: 'user', targetId: id });
      return (await this.summaries(trx, [id]))[0]!;
    });
  }

  /**
   * Shows a phone number in full; the reveal itself is an audited event (PIPL), and so is a
   * refusal (an administrator's phone asked for by someone other than them or the security
   * administrator).
   */
  async revealPhone(principal: Principal, actor: Actor, id: number, reason?: string): Promise<string | null> {
    const target = { type: 'user', id };
    const outcome = await this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, id);
      const refusal = await this.revealRefusal(trx, principal, id);
      if (refusal)
        return { refused: await this.personal.refuse(trx, actor, target, { field: 'phone' }, refusal) };
      const row = await trx
        .selectFrom('app_user')
        .select('phone_enc')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return {
        phone: await this.personal.reveal(trx, actor, target, { field: 'phone' }, reason, () =>
          this.personal.open(row.phone_enc),
        ),
      };
    });
    // Thrown after the commit, so the refusal stays on record.
    if ('refused' in outcome) throw outcome.refused;
    return outcome.phone;
  }
}
