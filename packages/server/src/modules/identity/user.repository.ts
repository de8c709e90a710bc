import { adminDutiesOf, type AdminDuty } from '@wangge/shared';
import { sql } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { coversARoot, inScope } from '../../core/access/scope.ts';
import type { Executor } from '../../core/db/types.ts';

/**
 * Users the principal may see and manage: every one of the user's scope subtrees lies inside
 * the principal's scope. Users without a scope (administrators) are visible only to someone
 * whose scope includes a whole tree.
 */
export function visibleUsers(db: Executor, principal: Principal) {
  const rootCover = coversARoot(principal);
  return db.selectFrom('app_user').where((eb) =>
    eb.and([
      eb.not(
        eb.exists(
          eb
            .selectFrom('user_scope')
            .innerJoin('grid_node', 'grid_node.id', 'user_scope.grid_id')
            .select(sql`1`.as('one'))
            .whereRef('user_scope.user_id', '=', 'app_user.id')
            .where((e) => e.not(inScope(e.ref('grid_node.path'), principal.scopePaths))),
        ),
      ),
      rootCover
        ? sql<boolean>`true`
        : eb.exists(
            eb
              .selectFrom('user_scope')
              .select(sql`1`.as('one'))
              .whereRef('user_scope.user_id', '=', 'app_user.id'),
          ),
    ]),
  );
}

/** How many users the principal may see. */
export async function countVisibleUsers(db: Executor, principal: Principal): Promise<number> {
  const row = await visibleUsers(db, principal)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The administrator duties (三员) a user's roles hold: none for every account but the administrators'. */
export async function adminDutiesOfUser(db: Executor, userId: number): Promise<AdminDuty[]> {
  const rows = await db
    .selectFrom('user_role')
    .innerJoin('role', 'role.key', 'user_role.role_key')
    .select('role.permissions')
    .where('user_role.user_id', '=', userId)
    .execute();
  return adminDutiesOf(rows.flatMap((r) => r.permissions));
}
