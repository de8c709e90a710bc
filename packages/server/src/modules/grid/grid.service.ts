import type {
  CloseGridBody,
  CreateGridBody,
  GridChange,
  GridHistory,
  MergeGridBody,
  MoveGridBody,
  RenameGridBody,
  Scheme,
  SplitGridBody,
} from '@wangge/shared';
import { checkCode, CODE_PROBLEM_TEXT, isGridKind, nextCode, type CodeContext } from '@wangge/shared';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection } from '@turf/helpers';
import union from '@turf/union';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import { escapeLike } from '../../core/db/like.ts';
import type { Principal } from '../../core/access/principal.ts';
import { coversARoot, requireInScope } from '../../core/access/scope.ts';
import { isIsoDate, todayIn } from '../../core/calendar/dates.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { GridEventKind } from './grid.table.ts';
import { insertGridNodes, type NewGridNodeInBatch } from './grid.repository.ts';
import { geometryFacts, type GeometryFacts } from './geometry.ts';
import { gridScope } from './grid.scope.ts';

interface NodeRow {
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

const NODE_COLUMNS = [
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
 * Changes to the grid tree: create, rename, move, split, merge and close, each with an
 * effective date. Nothing is deleted: closed and replaced nodes keep their rows, events and
 * lineage, so records made under them stay attributed to the node that existed at the time.
 * Every change checks scope, locks the nodes it touches, and writes its events and audit entry
 * in the same transaction.
 */
export class GridService {
  private schemes = new Map<string, Scheme>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly timeZone: string,
    /** Called after every committed change, e.g. to drop point-to-grid indexes. */
    private readonly onChange: () => void = () => undefined,
    /** Unit-grid sequence digits when the scheme does not fix them. */
    private readonly gridDigits: 2 | 3 = 2,
  ) {}

  /** Runs a change in a transaction and reports it once committed. */
  private async change<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
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

  private effectiveDate(value: string | undefined): string {
    const today = todayIn(this.timeZone);
    if (value === undefined) return today;
    if (!isIsoDate(value))
      throw new AppError('VALIDATION_FAILED', undefined, { effectiveDate: '日期格式应为 YYYY-MM-DD' });
    if (value > today)
      throw new AppError('VALIDATION_FAILED', undefined, { effectiveDate: '生效日期不能晚于今天' });
    return value;
  }

  private async lockNodes(trx: Executor, principal: Principal, ids: number[]): Promise<NodeRow[]> {
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

  private async event(
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
  private async childContext(
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

  private async siblingCodes(
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
  private async resolveCode(
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

  async create(principal: Principal, actor: Actor, body: CreateGridBody): Promise<number> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    requireName(body.name, 'name');
    return this.change(async (trx) => {
      let parent: NodeRow | null = null;
      if (body.parentId !== null) {
        parent = (await this.lockNodes(trx, principal, [body.parentId]))[0]!;
      } else {
        // A new tree belongs to the whole deployment: only someone whose scope covers a root.
        if (!coversARoot(principal)) {
          throw new AppError('OUT_OF_SCOPE', '只有管辖整个网格树的管理员才能新建网格树');
        }
        if (!body.scheme)
          throw new AppError('VALIDATION_FAILED', undefined, { scheme: '新建网格树时必须选择方案' });
      }
      const { ctx } = await this.childContext(trx, parent, body.kind, body.scheme ?? null);
      if (!parent && ctx && ctx.rule !== 'free' && !body.code) {
        throw new AppError('VALIDATION_FAILED', undefined, { code: '根节点必须填写编码' });
      }
      const code = await this.resolveCode(trx, ctx, body.code, parent, new Set());
      const ids = await insertGridNodes(trx, [
        {
          key: 'new',
          parent: parent ? { id: parent.id } : null,
          kind: body.kind,
          name: body.name.trim(),
          code,
          scheme: parent ? null : body.scheme!,
          validFrom: effectiveDate,
        },
      ]);
      const id = ids.get('new')!;
      await this.event(trx, actor, id, 'create', effectiveDate, null, {
        name: body.name.trim(),
        code,
        kind: body.kind,
      });
      await appendAudit(trx, actor, {
        action: 'grid.create',
        targetType: 'grid',
        targetId: id,
        after: { parentId: body.parentId, kind: body.kind, name: body.name.trim(), code, effectiveDate },
      });
      return id;
    });
  }

  async rename(principal: Principal, actor: Actor, id: number, body: RenameGridBody): Promise<void> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    await this.change(async (trx) => {
      const [node] = await this.lockNodes(trx, principal, [id]);
      const name = body.name.trim();
      if (!name) throw new AppError('VALIDATION_FAILED', undefined, { name: '不能为空' });
      if (name === node!.name) return;
      await trx.updateTable('grid_node').set({ name, updated_at: new Date() }).where('id', '=', id).execute();
      await this.event(trx, actor, id, 'rename', effectiveDate, { name: node!.name }, { name }, body.note);
      await appendAudit(trx, actor, {
        action: 'grid.rename',
        targetType: 'grid',
        targetId: id,
        before: { name: node!.name },
        after: { name, effectiveDate },
      });
    });
  }

  /**
   * Moves a subtree under another parent: paths, depths, levels and the tree id follow, and codes
   * that no longer agree with the new parent are replaced (the node's, and its descendants'
   * prefix). Kinds must still fit their levels.
   */
  private async relocate(
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

  async move(principal: Principal, actor: Actor, id: number, body: MoveGridBody): Promise<void> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    await this.change(async (trx) => {
      const [node, parent] = await this.lockNodes(trx, principal, [id, body.parentId]);
      if (node!.parent_id === parent!.id && body.code === undefined) return;
      const code = await this.relocate(
        trx,
        actor,
        node!,
        parent!,
        body.code,
        effectiveDate,
        body.note,
        new Set(),
      );
      await appendAudit(trx, actor, {
        action: 'grid.move',
        targetType: 'grid',
        targetId: id,
        before: { parentId: node!.parent_id, code: node!.code },
        after: { parentId: parent!.id, code, effectiveDate },
      });
    });
  }

  /** Closes nodes: sets their end date and ends the duty assignments on them. */
  private async closeRows(
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

  private async activeChildren(trx: Executor, parentIds: number[]): Promise<NodeRow[]> {
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

  async split(principal: Principal, actor: Actor, id: number, body: SplitGridBody): Promise<GridChange> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    body.parts.forEach((p, i) => requireName(p.name, `parts/${i}/name`));
    const facts = body.parts.map((p, i) =>
      p.geometry === undefined ? null : geometryFacts(p.geometry, `parts/${i}/geometry`),
    );
    return this.change(async (trx) => {
      const [node] = await this.lockNodes(trx, principal, [id]);
      if (node!.parent_id === null)
        throw new AppError('VALIDATION_FAILED', undefined, { id: '根节点不能拆分' });
      // The parts are created under the parent: it must be in scope too.
      await requireInScope(trx, principal, gridScope, [node!.parent_id]);
      const [parent] = await trx
        .selectFrom('grid_node')
        .select(NODE_COLUMNS)
        .where('id', '=', node!.parent_id)
        .execute();
      const children = await this.activeChildren(trx, [id]);
      for (const childId of Object.keys(body.assign ?? {})) {
        if (!children.some((c) => String(c.id) === childId)) {
          throw new AppError('VALIDATION_FAILED', undefined, { [`assign/${childId}`]: '不是该网格的下级' });
        }
      }
      for (const [childId, index] of Object.entries(body.assign ?? {})) {
        if (index >= body.parts.length)
          throw new AppError('VALIDATION_FAILED', undefined, {
            [`assign/${childId}`]: '拆分后的网格序号不存在',
          });
      }
      const dutiesEnded = await this.closeRows(
        trx,
        actor,
        [node!],
        effectiveDate,
        'split',
        { parts: body.parts.map((p) => p.name) },
        body.note,
      );
      const { ctx } = await this.childContext(trx, parent!, node!.kind, null);
      const taken = new Set<string>();
      const batch: NewGridNodeInBatch[] = [];
      for (const [i, part] of body.parts.entries()) {
        // The first part may keep the closed node's code, now free.
        const code = await this.resolveCode(
          trx,
          ctx,
          part.code ?? (i === 0 ? node!.code : undefined),
          parent!,
          taken,
        );
        batch.push(
          newPart(`p${i}`, parent!.id, node!.kind, part.name.trim(), code, facts[i] ?? null, effectiveDate),
        );
      }
      const created = await insertGridNodes(trx, batch);
      const partIds = body.parts.map((_, i) => created.get(`p${i}`)!);
      await trx
        .insertInto('grid_lineage')
        .values(
          partIds.map((to) => ({
            from_id: id,
            to_id: to,
            kind: 'split' as const,
            effective_date: effectiveDate,
          })),
        )
        .execute();
      const parts = await trx
        .selectFrom('grid_node')
        .select(NODE_COLUMNS)
        .where('id', 'in', partIds)
        .execute();
      for (const child of children) {
        const index = body.assign?.[String(child.id)] ?? partByLocation(child, facts) ?? 0;
        await this.relocate(
          trx,
          actor,
          child,
          parts.find((p) => p.id === partIds[index])!,
          undefined,
          effectiveDate,
          undefined,
          taken,
        );
      }
      for (const partId of partIds) {
        await this.event(trx, actor, partId, 'create', effectiveDate, { splitFrom: id }, null, body.note);
      }
      await carryScopes(trx, [id], partIds);
      await appendAudit(trx, actor, {
        action: 'grid.split',
        targetType: 'grid',
        targetId: id,
        before: { name: node!.name, code: node!.code },
        after: { parts: partIds, effectiveDate, childrenMoved: children.length },
      });
      return { created: partIds, closed: [id], dutiesEnded };
    });
  }

  async merge(principal: Principal, actor: Actor, body: MergeGridBody): Promise<GridChange> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    requireName(body.name, 'name');
    return this.change(async (trx) => {
      const nodes = await this.lockNodes(trx, principal, body.ids);
      const parentId = nodes[0]!.parent_id;
      if (parentId === null || nodes.some((n) => n.parent_id !== parentId || n.kind !== nodes[0]!.kind)) {
        throw new AppError('VALIDATION_FAILED', undefined, { ids: '只能合并同一上级下、类型相同的网格' });
      }
      await requireInScope(trx, principal, gridScope, [parentId]);
      const [parent] = await trx
        .selectFrom('grid_node')
        .select(NODE_COLUMNS)
        .where('id', '=', parentId)
        .execute();
      const children = await this.activeChildren(trx, body.ids);
      const dutiesEnded = await this.closeRows(
        trx,
        actor,
        nodes,
        effectiveDate,
        'merge',
        { name: body.name },
        body.note,
      );
      const { ctx } = await this.childContext(trx, parent!, nodes[0]!.kind, null);
      const taken = new Set<string>();
      const code = await this.resolveCode(trx, ctx, body.code ?? nodes[0]!.code, parent!, taken);
      const union = await mergedGeometry(trx, body.ids);
      const created = await insertGridNodes(trx, [
        newPart('merged', parentId, nodes[0]!.kind, body.name.trim(), code, union, effectiveDate),
      ]);
      const newId = created.get('merged')!;
      await trx
        .insertInto('grid_lineage')
        .values(
          body.ids.map((from) => ({
            from_id: from,
            to_id: newId,
            kind: 'merge' as const,
            effective_date: effectiveDate,
          })),
        )
        .execute();
      const [merged] = await trx
        .selectFrom('grid_node')
        .select(NODE_COLUMNS)
        .where('id', '=', newId)
        .execute();
      for (const child of children) {
        await this.relocate(trx, actor, child, merged!, undefined, effectiveDate, undefined, taken);
      }
      await this.event(trx, actor, newId, 'create', effectiveDate, { mergedFrom: body.ids }, null, body.note);
      await carryScopes(trx, body.ids, [newId]);
      await appendAudit(trx, actor, {
        action: 'grid.merge',
        targetType: 'grid',
        targetId: newId,
        before: nodes.map((n) => ({ id: n.id, name: n.name, code: n.code })),
        after: { id: newId, name: body.name, code, effectiveDate, childrenMoved: children.length },
      });
      return { created: [newId], closed: body.ids, dutiesEnded };
    });
  }

  async close(principal: Principal, actor: Actor, id: number, body: CloseGridBody): Promise<GridChange> {
    const effectiveDate = this.effectiveDate(body.effectiveDate);
    return this.change(async (trx) => {
      const [node] = await this.lockNodes(trx, principal, [id]);
      const descendants = await trx
        .selectFrom('grid_node')
        .select(NODE_COLUMNS)
        .where('path', 'like', `${node!.path}%`)
        .where('id', '!=', id)
        .where('valid_to', 'is', null)
        .forUpdate()
        .execute();
      if (descendants.length && !body.cascade) throw new AppError('GRID_HAS_CHILDREN');
      const closing = [node!, ...descendants];
      const dutiesEnded = await this.closeRows(trx, actor, closing, effectiveDate, 'close', null, body.note);
      await appendAudit(trx, actor, {
        action: 'grid.close',
        targetType: 'grid',
        targetId: id,
        before: { name: node!.name, code: node!.code },
        after: { effectiveDate, closed: closing.length, dutiesEnded },
      });
      return { created: [], closed: closing.map((n) => n.id), dutiesEnded };
    });
  }

  async history(principal: Principal, id: number): Promise<GridHistory> {
    await requireInScope(this.db, principal, gridScope, [id]);
    const [events, before, after] = await Promise.all([
      this.db.selectFrom('grid_event').selectAll().where('node_id', '=', id).orderBy('id').execute(),
      this.db
        .selectFrom('grid_lineage as l')
        .innerJoin('grid_node as n', 'n.id', 'l.from_id')
        .select(['n.id', 'n.name', 'n.code', 'l.kind', 'l.effective_date'])
        .where('l.to_id', '=', id)
        .orderBy('n.id')
        .execute(),
      this.db
        .selectFrom('grid_lineage as l')
        .innerJoin('grid_node as n', 'n.id', 'l.to_id')
        .select(['n.id', 'n.name', 'n.code', 'l.kind', 'l.effective_date'])
        .where('l.from_id', '=', id)
        .orderBy('n.id')
        .execute(),
    ]);
    const ref = (r: (typeof before)[number]) => ({
      id: r.id,
      name: r.name,
      code: r.code,
      kind: r.kind,
      effectiveDate: r.effective_date,
    });
    return {
      events: events.map((e) => ({
        id: e.id,
        kind: e.kind,
        effectiveDate: e.effective_date,
        before: e.before ?? null,
        after: e.after ?? null,
        note: e.note,
        actorId: e.actor_id,
        at: e.at.toISOString(),
      })),
      predecessors: before.map(ref),
      successors: after.map(ref),
    };
  }
}

function requireName(name: string, field: string): void {
  if (!name.trim()) throw new AppError('VALIDATION_FAILED', undefined, { [field]: '不能为空' });
}

/** Users whose scope was a replaced node get its successors, so they keep their grids. */
async function carryScopes(trx: Executor, from: number[], to: number[]): Promise<void> {
  const holders = await trx
    .selectFrom('user_scope')
    .select('user_id')
    .distinct()
    .where('grid_id', 'in', from)
    .execute();
  if (holders.length === 0) return;
  await trx
    .insertInto('user_scope')
    .values(holders.flatMap((h) => to.map((g) => ({ user_id: h.user_id, grid_id: g }))))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

function newPart(
  key: string,
  parentId: number,
  kind: string,
  name: string,
  code: string | null,
  facts: GeometryFacts | null,
  validFrom: string,
): NewGridNodeInBatch {
  return {
    key,
    parent: { id: parentId },
    kind,
    name,
    code,
    validFrom,
    ...(facts
      ? { geometry: facts.geometry, bbox: facts.bbox, center: facts.center, geometrySource: 'wgs84' }
      : {}),
  };
}

/** The part whose polygon holds the child's centre, if the parts have polygons and the child a centre. */
function partByLocation(child: NodeRow, facts: (GeometryFacts | null)[]): number | null {
  if (child.lng === null || child.lat === null) return null;
  const index = facts.findIndex(
    (f) =>
      f !== null && booleanPointInPolygon([child.lng!, child.lat!], f.geometry as Polygon | MultiPolygon),
  );
  return index >= 0 ? index : null;
}

/** The union of the merged nodes' polygons, when every one has a polygon. */
async function mergedGeometry(trx: Executor, ids: number[]): Promise<GeometryFacts | null> {
  const rows = await trx.selectFrom('grid_node').select('geometry').where('id', 'in', ids).execute();
  if (rows.some((r) => !r.geometry)) return null;
  const merged = union(
    featureCollection(
      rows.map(
        (r) => ({ type: 'Feature', properties: {}, geometry: r.geometry }) as Feature<Polygon | MultiPolygon>,
      ),
    ),
  );
  return merged ? geometryFacts(merged.geometry, 'geometry') : null;
}
