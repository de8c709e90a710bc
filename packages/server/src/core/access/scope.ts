import { sql, type Expression, type SqlBool } from 'kysely';
import type { Executor } from '../db/types.ts';
import { escapeLike } from '../db/like.ts';
import { AppError } from '../http/errors.ts';
import type { Principal } from './principal.ts';

/**
 * Data scope. A user holds one or more subtrees of the scope tree, each given by the materialised
 * path of its root (`/1/7/`). A record is in scope when the path of the node it belongs to starts
 * with one of those paths. Every check works on sets of ids.
 */
export function pathInScope(path: string, scopePaths: readonly string[]): boolean {
  return scopePaths.some((p) => path.startsWith(p));
}

/** SQL condition "column lies inside one of these subtrees"; false for an empty scope. */
export function inScope(column: Expression<string>, scopePaths: readonly string[]): Expression<SqlBool> {
  if (scopePaths.length === 0) return sql<SqlBool>`false`;
  const patterns = scopePaths.map((p) => `${escapeLike(p)}%`);
  return sql<SqlBool>`${column} like any (${sql.val(patterns)}::text[])`;
}

/** Anything with a `where` taking a condition: select, update and delete queries. */
interface Filterable<Q> {
  where(condition: Expression<SqlBool>): Q;
}

/**
 * `query` kept to the rows whose node path (`pathColumn`, e.g. `g.path`) lies in the principal's
 * scope. The one way a list is cut to what its reader may see.
 */
export function scoped<Q extends Filterable<Q>>(query: Q, pathColumn: string, principal: Principal): Q {
  return query.where(inScope(sql.ref(pathColumn) as Expression<string>, principal.scopePaths));
}

/**
 * A kind of record placed in the scope tree: how to find the node path of each of its ids, and
 * what to say when one does not exist. Declared once by the module owning the records.
 */
export interface ScopeKind {
  readonly name: string;
  /** The path of every id that exists (missing ids are simply left out). */
  paths(db: Executor, ids: readonly number[]): Promise<readonly { id: number; path: string }[]>;
  /** NOT_FOUND message for ids that do not exist, e.g. `网格不存在：12、13`. */
  notFound(ids: readonly number[]): string;
}

/**
 * Throws NOT_FOUND when any id does not exist and OUT_OF_SCOPE when any lies outside the
 * principal's subtrees. The one scope check for records named by id.
 */
export async function requireInScope(
  db: Executor,
  principal: Principal,
  kind: ScopeKind,
  ids: readonly number[],
): Promise<void> {
  if (ids.length === 0) return;
  const unique = [...new Set(ids)];
  const rows = await kind.paths(db, unique);
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    throw new AppError('NOT_FOUND', kind.notFound(unique.filter((id) => !found.has(id))));
  }
  if (rows.some((r) => !pathInScope(r.path, principal.scopePaths))) throw new AppError('OUT_OF_SCOPE');
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
