import type { Scheme } from '@wangge/shared';
import { checkCode, CODE_PROBLEM_TEXT, isGridKind, nextCode, type CodeContext } from '@wangge/shared';

import { sql, type Kysely } from 'kysely';
import { type Actor } from '../../core/audit/audit.service.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { Principal } from '../../core/access/principal.ts';
import { requireInScope } from '../../core/access/scope.ts';
import { isIsoDate, todayIn } from '../../core/calendar/dates.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { GridEventKind } from './grid.table.ts';

import { gridScope } from './grid.scope.ts';

export interface NodeRow {
  id: number;
  parent_id: number | null;
  root_id: number;
  path: string;
  depth: number;
  kind: string;
  name: string;
  code: string | null;
  scheme: string | null;
  level: number | null;
  valid_to: string | null;
  lng: number | null;
  lat: number | null;
}

export const NODE_COLUMNS = [
  'id',
  'parent_id',
  'root_id',
  'path',
  'depth',
  'kind',
  'name',
  'code',
  'scheme',
  'level',
  'valid_to',
  'lng',
  'lat',
] as const;

/**
 * What every change to the grid tree shares: the transaction that reports each committed change,
 * effective dates, locking in scope, events, codes under a parent, moving subtrees, closing rows.
 * `GridService` adds the changes themselves.
 */
export abstract class GridChanges {
  protected schemes = new Map<string, Scheme>();

  constructor(
    protected readonly db: Kysely<DB>,
    protected readonly timeZone: string,
    /** Called after every committed change, e.g. to drop point-to-grid indexes. */
    protected readonly onChange: () => void = () => undefined,
    /** Unit-grid sequence digits when the scheme does not fix them. */
    protected readonly gridDigits: 2 | 3 = 2,
  ) {}

  /** Runs a change in a transaction and reports it once committed. */
  protected async change<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(fn);
    this.onChange();
    return result;
  }

  async scheme(db: Executor, key: string | null): Promise<Scheme | null> {
    if (!key) return null;
    const cached = this.schemes.get(key);
    if (cached) return cached;
    const row = await db.selectFrom('scheme').select('definition').where('key', '=', key).executeTakeFirst();
    if (!row) return null;
    const scheme = row.definition as Scheme;
    this.schemes.set(key, scheme);
    return scheme;
  }

  protected effectiveDate(value: string | undefined): string {
    const today = todayIn(this.timeZone);
    if (value === undefined) return today;
    if (!isIsoDate(value))
      throw new AppError('VALIDATION_FAILED', undefined, { effectiveDate: '日期格式应为 YYYY-MM-DD' });
    if (value > today)
      throw new AppError('VALIDATION_FAILED', undefined, { effectiveDate: '生效日期不能晚于今天' });
    return value;
  }

  protected async lockNodes(trx: Executor, principal: Principal, ids: number[]): Promise<NodeRow[]> {
    await requireInScope(trx, principal, gridScope, ids);
    const rows = await trx
      .selectFrom('grid_node')
      .select(NODE_COLUMNS)
      .where('id', 'in', ids)
      .orderBy('id')
      .forUpdate()
      .execute();
    for (const r of rows)
      if (r.valid_to !== null) throw new AppError('GRID_CLOSED', `网格“${r.name}”已撤销，不能再修改`);
    return ids.map((id) => rows.find((r) => r.id === id)!);
  }

  protected async event(
    trx: Executor,
    actor: Actor,
    nodeId: number,
    kind: GridEventKind,
    effectiveDate: string,
    before: unknown,
    after: unknown,
    note?: string,
  ): Promise<void> {
    await trx
      .insertInto('grid_event')
      .values({
        node_id: nodeId,
        kind,
        effective_date: effectiveDate,
        before: before === undefined || before === null ? null : JSON.stringify(before),
        after: after === undefined || after === null ? null : JSON.stringify(after),
        note: note ?? null,
        actor_id: actor.id,
      })
      .execute();
  }

  /** The code context for a child of `parent` of `kind`, with the level it would take. */
  protected async childContext(
    trx: Executor,
    parent: NodeRow | null,
    kind: string,
    schemeKey: string | null,
  ): Promise<{ level: number | null; ctx: CodeContext | null; scheme: Scheme | null }> {
    if (!isGridKind(kind))
      throw new AppError('VALIDATION_FAILED', undefined, { kind: `未知的网格类型：${kind}` });
    const scheme = await this.scheme(trx, parent ? parent.scheme : schemeKey);
    if (!parent && schemeKey && !scheme)
      throw new AppError('VALIDATION_FAILED', undefined, { scheme: '方案不存在' });
    if (!scheme) return { level: null, ctx: null, scheme: null };
    const level = parent ? (parent.level ?? -1) + 1 : 0;
    const def = scheme.levels[level];
    if (!def) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        parentId: `方案“${scheme.name}”在此层级之下没有下级`,
      });
    }
    if (!(def.kinds as string[]).includes(kind)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        kind: `方案“${scheme.name}”的“${def.name}”一级只能是：${def.kinds.join('、')}`,
      });
    }
    const gridDigits = (scheme.rules as { gridDigits?: 2 | 3 }).gridDigits ?? this.gridDigits;
    return { level, scheme, ctx: { rule: def.code, kind, parentCode: parent?.code ?? null, gridDigits } };
  }

  protected async siblingCodes(
    trx: Executor,
    parentId: number | null,
    rootId: number | null,
  ): Promise<string[]> {
    if (parentId === null) return [];
    const rows = await trx
      .selectFrom('grid_node')
      .select('code')
      .where('parent_id', '=', parentId)
      .where('valid_to', 'is', null)
      .where('code', 'is not', null)
      .$if(rootId !== null, (q) => q.where('root_id', '=', rootId!))
      .execute();
    return rows.map((r) => r.code!);
  }

  /** Checks a given code, or generates the next one; checks it is free in the tree. */
  protected async resolveCode(
    trx: Executor,
    ctx: CodeContext | null,
    given: string | null | undefined,
    parent: NodeRow | null,
    taken: Set<string>,
  ): Promise<string | null> {
    let code = given?.trim() || null;
    if (code === null && ctx) {
      const siblings = await this.siblingCodes(trx, parent?.id ?? null, parent?.root_id ?? null);
      code = nextCode(ctx, [...siblings, ...taken]);
      if (code === null && ctx.rule !== 'free') {
        if (!ctx.parentCode) return null;
        throw new AppError('VALIDATION_FAILED', undefined, {
          code: '无法自动生成编码（编号已用完或上级无编码），请手工填写',
        });
      }
    }
    if (code !== null && ctx) {
      const problems = checkCode(code, ctx);
      if (problems.length) {
        throw new AppError('VALIDATION_FAILED', undefined, {
          code: problems.map((p) => CODE_PROBLEM_TEXT[p]).join('；'),
        });
      }
    }
    if (code !== null && parent) {
      const clash = await trx
        .selectFrom('grid_node')
        .select(['id', 'name'])
        .where('root_id', '=', parent.root_id)
        .where('code', '=', code)
        .where('valid_to', 'is', null)
        .executeTakeFirst();
      if (clash || taken.has(code)) {
        throw new AppError('CONFLICT', `编码 ${code} 已被“${clash?.name ?? '本次新建的网格'}”使用`, {
          code: '编码已被使用',
        });
      }
    }
    if (code !== null) taken.add(code);
    return code;
  }

  protected async relocate(
    trx: Executor,
    actor: Actor,
    node: NodeRow,
    parent: NodeRow,
    givenCode: string | undefined,
    effectiveDate: string,
    note: string | undefined,
    taken: Set<string>,
  ): Promise<string | null> {
    if (parent.path.startsWith(node.path)) {
      throw new AppError('VALIDATION_FAILED', undefined, { parentId: '不能移动到自身或自己的下级之下' });
    }
    const { level, ctx } = await this.childContext(trx, parent, node.kind, null);
    const levelDelta = level !== null && node.level !== null ? level - node.level : 0;
    if (levelDelta !== 0 || (parent.scheme ?? null) !== (node.scheme ?? null)) {
      const scheme = await this.scheme(trx, parent.scheme);
      if (scheme) {
        const descendants = await trx
          .selectFrom('grid_node')
          .select(['kind', 'level', 'name'])
          .where('path', 'like', `${node.path}%`)
          .where('id', '!=', node.id)
          .where('valid_to', 'is', null)
          .execute();
        for (const d of descendants) {
          const def = scheme.levels[(d.level ?? 0) + levelDelta];
          if (!def || !(def.kinds as string[]).includes(d.kind)) {
            throw new AppError('VALIDATION_FAILED', undefined, {
              parentId: `下级“${d.name}”移动后不符合方案层级`,
            });
          }
        }
      }
    }
    let code = node.code;
    const fits = code !== null && ctx !== null && checkCode(code, ctx).length === 0;
    if (givenCode !== undefined || (ctx && !fits)) {
      code = await this.resolveCode(trx, ctx, givenCode ?? null, parent, taken);
    } else if (code !== null) {
      const clash = await trx
        .selectFrom('grid_node')
        .select('name')
        .where('root_id', '=', parent.root_id)
        .where('code', '=', code)
        .where('valid_to', 'is', null)
        .where('id', '!=', node.id)
        .executeTakeFirst();
      if (clash)
        throw new AppError('CONFLICT', `编码 ${code} 在目标网格树中已被“${clash.name}”使用`, {
          code: '编码已被使用',
        });
    }
    const newPath = `${parent.path}${node.id}/`;
    const depthDelta = parent.depth + 1 - node.depth;
    await sql`
      update grid_node set
        path = ${newPath}::text || substring(path from ${node.path.length + 1}::integer),
        depth = depth + ${depthDelta}::integer,
        level = case when level is null then ${level}::integer else level + ${levelDelta}::integer end,
        root_id = ${parent.root_id},
        scheme = ${parent.scheme},
        updated_at = now()
      where path like ${`${node.path}%`}`.execute(trx);
    await trx
      .updateTable('grid_node')
      .set({ parent_id: parent.id, level })
      .where('id', '=', node.id)
      .execute();
    if (code !== node.code) {
      await trx.updateTable('grid_node').set({ code }).where('id', '=', node.id).execute();
      if (node.code && code) {
        await sql`
          update grid_node set code = ${code}::text || substring(code from ${node.code.length + 1}::integer)
          where path like ${`${newPath}%`} and id <> ${node.id} and code like ${`${escapeLike(node.code)}%`}`.execute(
          trx,
        );
      }
      await this.event(trx, actor, node.id, 'recode', effectiveDate, { code: node.code }, { code });
    }
    await this.event(
      trx,
      actor,
      node.id,
      'move',
      effectiveDate,
      { parentId: node.parent_id, path: node.path },
      { parentId: parent.id, path: newPath },
      note,
    );
    return code;
  }

  protected async closeRows(
    trx: Executor,
    actor: Actor,
    nodes: NodeRow[],
    effectiveDate: string,
    kind: GridEventKind,
    after: unknown,
    note?: string,
  ): Promise<number> {
    if (nodes.length === 0) return 0;
    const ids = nodes.map((n) => n.id);
    await trx
      .updateTable('grid_node')
      .set({ valid_to: effectiveDate, updated_at: new Date() })
      .where('id', 'in', ids)
      .execute();
    const ended = await trx
      .updateTable('duty')
      .set({ valid_to: sql`greatest(valid_from, ${effectiveDate}::date)` })
      .where('node_id', 'in', ids)
      .where('valid_to', 'is', null)
      .returning('id')
      .execute();
    for (const n of nodes)
      await this.event(trx, actor, n.id, kind, effectiveDate, { name: n.name, code: n.code }, after, note);
    return ended.length;
  }

  protected async activeChildren(trx: Executor, parentIds: number[]): Promise<NodeRow[]> {
    if (parentIds.length === 0) return [];
    return trx
      .selectFrom('grid_node')
      .select(NODE_COLUMNS)
      .where('parent_id', 'in', parentIds)
      .where('valid_to', 'is', null)
      .orderBy('id')
      .forUpdate()
      .execute();
  }
}
