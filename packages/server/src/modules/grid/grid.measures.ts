import type { GridMeasureKey, Permission } from '@wangge/shared';
import { sql, type AliasedRawBuilder } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { scoped } from '../../core/access/scope.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';

/** A node a measure is counted for: the value covers its whole subtree (`path` and below). */
export interface MeasuredNode {
  id: number;
  path: string;
}

/**
 * The open grids a measure is shown for, in code order: the children of `parentId` (checked in
 * scope by the caller), or without one the roots of the principal's subtrees.
 */
export function measuredLevel(db: Executor, principal: Principal, parentId: number | null) {
  return db
    .selectFrom('grid_node as g')
    .select(['g.id', 'g.name', 'g.code', 'g.path'])
    .$call((q) => scoped(q, 'g.path', principal))
    .where('g.valid_to', 'is', null)
    .$call((q) =>
      parentId
        ? q.where('g.parent_id', '=', parentId)
        : q.where('g.path', 'in', principal.scopePaths.length ? principal.scopePaths : ['']),
    )
    .orderBy('g.code')
    .orderBy('g.id');
}

/**
 * The measured nodes as a table `n(id, pattern)` to select from: join `grid_node as g` on
 * `g.path like n.pattern` to reach every grid of each node's subtree, then count per `n.id`.
 */
export function measuredNodes(
  nodes: readonly MeasuredNode[],
): AliasedRawBuilder<{ id: number; pattern: string }, 'n'> {
  const ids = nodes.map((n) => n.id);
  const patterns = nodes.map((n) => `${escapeLike(n.path)}%`);
  return sql<{
    id: number;
    pattern: string;
  }>`unnest(${sql.val(ids)}::integer[], ${sql.val(patterns)}::text[])`.as<'n'>(sql`n(id, pattern)`);
}

/** The rows of a count per node as the map `count` answers. */
export function countsById(rows: readonly { id: number; value: number | string | bigint }[]) {
  return new Map(rows.map((r) => [Number(r.id), Number(r.value)]));
}

/**
 * A figure the grid map colours grids by. The module owning the records declares it (duty gaps
 * in org, open cases in case) and registers it when built, so the grid module reads no other
 * module's tables and the others need not know about the map.
 */
export interface GridMeasure {
  /** The permission that lets a reader see this figure (on top of `grid.read`). */
  permission: Permission;
  /** The value of each node over its subtree; nodes left out of the answer count 0. */
  count(db: Executor, nodes: readonly MeasuredNode[]): Promise<ReadonlyMap<number, number>>;
}

/** The measures the modules registered, by key. */
export class GridMeasures {
  private readonly measures = new Map<GridMeasureKey, GridMeasure>();

  register(key: GridMeasureKey, measure: GridMeasure): void {
    if (this.measures.has(key)) throw new Error(`grid measure ${key} registered twice`);
    this.measures.set(key, measure);
  }

  /**
   * The value of `key` for each of `nodes` (which the caller has checked are in scope), or
   * FORBIDDEN when the principal may not read that figure.
   */
  async values(
    db: Executor,
    principal: Principal,
    key: GridMeasureKey,
    nodes: readonly MeasuredNode[],
  ): Promise<ReadonlyMap<number, number>> {
    const measure = this.readable(principal, key);
    return nodes.length ? measure.count(db, nodes) : new Map();
  }

  /** The measure `key`, or FORBIDDEN when the principal may not read it. */
  readable(principal: Principal, key: GridMeasureKey): GridMeasure {
    const measure = this.measures.get(key);
    // Every key of the closed set is registered by a module of the app; a missing one is a bug.
    if (!measure) throw new Error(`grid measure ${key} not registered`);
    if (!principal.permissions.has(measure.permission)) throw new AppError('FORBIDDEN');
    return measure;
  }
}
