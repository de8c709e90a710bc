import type { Permission, RoleRef, ScopeRef } from '@wangge/shared';
import { isPermission } from '@wangge/shared';
import type { Executor } from '../db/types.ts';

/** The authenticated user of a request, with everything authorisation needs. */
export interface Principal {
  userId: number;
  username: string;
  displayName: string;
  isDemo: boolean;
  roles: RoleRef[];
  permissions: ReadonlySet<Permission>;
  scopes: ScopeRef[];
  scopePaths: string[];
}

export async function loadPrincipal(db: Executor, userId: number): Promise<Principal | null> {
  const user = await db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'is_demo', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  const [roles, scopes] = await Promise.all([
    db
      .selectFrom('user_role')
      .innerJoin('role', 'role.key', 'user_role.role_key')
      .select(['role.key', 'role.name', 'role.name_en', 'role.permissions'])
      .where('user_role.user_id', '=', userId)
      .orderBy('role.key')
      .execute(),
    db
      .selectFrom('user_scope')
      .innerJoin('grid_node', 'grid_node.id', 'user_scope.grid_id')
      .select([
        'grid_node.id',
        'grid_node.name',
        'grid_node.code',
        'grid_node.kind',
        'grid_node.depth',
        'grid_node.path',
      ])
      .where('user_scope.user_id', '=', userId)
      .orderBy('grid_node.path')
      .execute(),
  ]);
  const permissions = new Set<Permission>();
  for (const r of roles) for (const p of r.permissions) if (isPermission(p)) permissions.add(p);
  return {
    userId: user.id,
    username: user.username,
    displayName: user.display_name,
    isDemo: user.is_demo,
    roles: roles.map((r) => ({ key: r.key, name: r.name, nameEn: r.name_en })),
    permissions,
    scopes: scopes.map((s) => ({ id: s.id, name: s.name, code: s.code, kind: s.kind, depth: s.depth })),
    // Nested scopes are redundant: keep only the outermost subtrees.
    scopePaths: scopes
      .map((s) => s.path)
      .filter((p, _i, all) => !all.some((o) => o !== p && p.startsWith(o))),
  };
}
