import type {
  CloseGridBody,
  CreateGridBody,
  GridChange,
  GridHistory,
  MergeGridBody,
  MoveGridBody,
  RenameGridBody,
  SplitGridBody,
} from '@wangge/shared';

import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection } from '@turf/helpers';
import union from '@turf/union';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';

import type { Principal } from '../../core/access/principal.ts';
import { coversARoot, requireInScope } from '../../core/access/scope.ts';

import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';

import { insertGridNodes, type NewGridNodeInBatch } from './grid.repository.ts';
import { geometryFacts, type GeometryFacts } from './geometry.ts';
import { gridScope } from './grid.scope.ts';
import { GridChanges, NODE_COLUMNS, type NodeRow } from './grid.changes.ts';

/**
 * Changes to the grid tree: create, rename, move, split, merge and close, each with an
 * effective date. Nothing is deleted: closed and replaced nodes keep their rows, events and
 * lineage, so records made under them stay attributed to the node that existed at the time.
 * Every change checks scope, locks the nodes it touches, and writes its events and audit entry
 * in the same transaction.
 */
export class GridService extends GridChanges {
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
      // A tree's root holds everyone's scope and every record under it: it is not closed.
      if (node!.parent_id === null)
        throw new AppError('VALIDATION_FAILED', '网格树的根节点不能撤销', { id: '根节点不能撤销' });
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
