import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';

/**
 * Data scope. A user holds one or more subtrees of the grid tree, each given by the materialised
 * path of its root (`/1/7/`). A node is in scope when its path starts with one of those paths.
 * Every check works on sets of ids.
 */
export function pathInScope(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((p) => path.startsWith(p));
}

/** SQL condition "column lies inside one of these subtrees"; false for an empty scope. */
export function inScope(column: Expression<string>, scopePaths: readonly string[]): Expression<SqlBool> {
  if (scopePaths.length === 0) return sql<SqlBool>`false`;
  const patterns = scopePaths.map((p) => `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  return sql<SqlBool>`${column} like any (${sql.val(patterns)}::text[])`;
}

/** Throws NOT_FOUND if any id does not exist and OUT_OF_SCOPE if any lies outside the principal's subtrees. */
export async function assertGridsInScope(
  db: Executor,
  principal: Principal,
  gridIds: readonly number[],
): Promise<void> {
  if (gridIds.length === 0) return;
  const unique = [...new Set(gridIds)];
  const rows = await db.selectFrom('grid_node').select(['id', 'path']).where('id', 'in', unique).execute();
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new AppError('NOT_FOUND', `网格不存在：${unique.filter((id) => !found.has(id)).join('、')}`);
  }
  const outside = rows.filter((r) => !pathInScope(r.path, principal.scopePaths));
  if (outside.length) throw new AppError('OUT_OF_SCOPE');
}

/**
 * True when the principal's scope includes a whole tree (a root: `/7/`). Deployment-wide acts
 * need it: starting a tree, granting admin roles, national imports, seeing every job.
 */
export function coversARoot(principal: Principal): boolean {
  return principal.scopePaths.some((p) => /^\/\d+\/$/.test(p));
}

/** True when every one of `targetPaths` is covered by the principal's scope. */
export function coversAll(principal: Principal, targetPaths: readonly string[]): boolean {
  return targetPaths.every((p) => pathInScope(p, principal.scopePaths));
}
