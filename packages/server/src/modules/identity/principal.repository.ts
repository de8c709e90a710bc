import { isPermission, type Permission } from '@wangge/shared';
import { sql } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import type { Executor } from '../../core/db/types.ts';

interface RoleJson {
  key: string;
  name: string;
  name_en: string;
  permissions: string[];
}
interface ScopeJson {
  id: number;
  name: string;
  code: string | null;
  kind: string;
  depth: number;
  path: string;
}

/** The roles and scopes of the user whose id is `userId` (a column reference), as JSON arrays. */
export function principalColumns(userId: string) {
  const id = sql.ref(userId);
  return [
    sql<RoleJson[] | null>`(select json_agg(json_build_object(
        'key', r.key, 'name', r.name, 'name_en', r.name_en, 'permissions', r.permissions) order by r.key)
      from user_role ur join role r on r.key = ur.role_key where ur.user_id = ${id})`.as('principal_roles'),
    sql<ScopeJson[] | null>`(select json_agg(json_build_object(
        'id', g.id, 'name', g.name, 'code', g.code, 'kind', g.kind, 'depth', g.depth, 'path', g.path)
        order by g.path)
      from user_scope us join grid_node g on g.id = us.grid_id where us.user_id = ${id})`.as(
      'principal_scopes',
    ),
  ] as const;
}

/** A principal from a user row with the principalColumns. */
export function principalFrom(user: {
  id: number;
  username: string;
  display_name: string;
  is_demo: boolean;
  principal_roles: RoleJson[] | null;
  principal_scopes: ScopeJson[] | null;
}): Principal {
  const roles = user.principal_roles ?? [];
  const scopes = user.principal_scopes ?? [];
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

export async function loadPrincipal(db: Executor, userId: number): Promise<Principal | null> {
  // One round trip.
  const user = await db
    .selectFrom('app_user as u')
    .select(['u.id', 'u.username', 'u.display_name', 'u.is_demo', 'u.status', ...principalColumns('u.id')])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active') return null;
  return principalFrom(user);
}
