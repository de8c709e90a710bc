import type { DispatchRule, DispatchRuleBody, DispatchRuleChange, PageResult } from '@wangge/shared';
import { type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { paginate, type PageRequest } from '../../core/http/paginate.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { fresh, type Cached } from './cached.ts';

/** A rule as matching needs it: with the subtree path of its grid and the ids of its category. */
export interface RuleForMatch {
  id: number;
  categoryId: number | null;
  gridId: number | null;
  gridPath: string | null;
  gridDepth: number;
  categoryDepth: number;
  departmentId: number;
  priority: number;
}

/**
 * The auto-dispatch rules (自动分派规则): category × grid subtree → department, with priorities
 * and a history of every change. Matching reads them from a cache of a few seconds, dropped on
 * every change.
 */
export class DispatchRules {
  private ruleCache: Cached<RuleForMatch[]> | null = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: CaseConfigService,
  ) {}

  invalidate(): void {
    this.ruleCache = null;
  }

  async list(db: Executor = this.db, includeInactive = true): Promise<DispatchRule[]> {
    const rows = await db
      .selectFrom('dispatch_rule as r')
      .leftJoin('case_category as c', 'c.id', 'r.category_id')
      .leftJoin('grid_node as g', 'g.id', 'r.grid_id')
      .innerJoin('department as d', 'd.id', 'r.department_id')
      .select([
        'r.id',
        'r.category_id',
        'c.name as category_name',
        'r.grid_id',
        'g.name as grid_name',
        'r.department_id',
        'd.name as department_name',
        'r.priority',
        'r.active',
        'r.note',
        'r.updated_at',
      ])
      .where('r.deleted_at', 'is', null)
      .$if(!includeInactive, (q) => q.where('r.active', '=', true))
      .orderBy('r.priority')
      .orderBy('r.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      categoryId: r.category_id,
      categoryName: r.category_name,
      gridId: r.grid_id,
      gridName: r.grid_name,
      departmentId: r.department_id,
      departmentName: r.department_name,
      priority: r.priority,
      active: r.active,
      note: r.note,
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  private async rulesForMatch(db: Executor = this.db): Promise<RuleForMatch[]> {
    if (fresh(this.ruleCache)) return this.ruleCache.value;
    const rows = await db
      .selectFrom('dispatch_rule as r')
      .leftJoin('grid_node as g', 'g.id', 'r.grid_id')
      .innerJoin('department as d', 'd.id', 'r.department_id')
      .select(['r.id', 'r.category_id', 'r.grid_id', 'g.path', 'g.depth', 'r.department_id', 'r.priority'])
      .where('r.deleted_at', 'is', null)
      .where('r.active', '=', true)
      .where('d.closed_at', 'is', null)
      .execute();
    const categories = await this.config.categoryMap(db);
    const depthOf = (id: number | null) => {
      let d = 0;
      let cur = id === null ? undefined : categories.get(id);
      while (cur && d < 20) {
        d++;
        cur = cur.parentId === null ? undefined : categories.get(cur.parentId);
      }
      return d;
    };
    const value = rows
      .map((r) => ({
        id: r.id,
        categoryId: r.category_id,
        gridId: r.grid_id,
        gridPath: r.path,
        gridDepth: r.grid_id === null ? -1 : (r.depth ?? 0),
        categoryDepth: depthOf(r.category_id),
        departmentId: r.department_id,
        priority: r.priority,
      }))
      .sort(
        (a, b) =>
          a.priority - b.priority ||
          b.gridDepth - a.gridDepth ||
          b.categoryDepth - a.categoryDepth ||
          a.id - b.id,
      );
    this.ruleCache = { value, at: Date.now() };
    return value;
  }

  /**
   * Active rules matching a case of this category in this grid, winner first. A rule matches when
   * its category is the case's category or an ancestor (or any), and the case's grid lies in its
   * grid's subtree (or anywhere). Precedence: priority, then the deeper grid, then the deeper
   * category, then the older rule.
   */
  async match(categoryId: number, gridPath: string, db: Executor = this.db): Promise<RuleForMatch[]> {
    const [rules, chain] = await Promise.all([
      this.rulesForMatch(db),
      this.config.categoryChain(categoryId, db, false),
    ]);
    const cats = new Set(chain.map((c) => c.id));
    return rules.filter(
      (r) =>
        (r.categoryId === null || cats.has(r.categoryId)) &&
        (r.gridPath === null || gridPath.startsWith(r.gridPath)),
    );
  }

  private async checkRuleRefs(trx: Executor, body: DispatchRuleBody): Promise<void> {
    if (body.categoryId) await this.config.categoryChain(body.categoryId, trx, false);
    if (body.gridId) {
      const g = await trx
        .selectFrom('grid_node')
        .select('id')
        .where('id', '=', body.gridId)
        .executeTakeFirst();
      if (!g) throw new AppError('VALIDATION_FAILED', undefined, { gridId: '网格不存在' });
    }
    const d = await trx
      .selectFrom('department')
      .select(['id', 'closed_at'])
      .where('id', '=', body.departmentId)
      .executeTakeFirst();
    if (!d || d.closed_at)
      throw new AppError('VALIDATION_FAILED', undefined, { departmentId: '部门不存在或已撤销' });
  }

  private async recordChange(
    trx: Executor,
    actor: Actor,
    ruleId: number,
    action: 'create' | 'update' | 'delete',
    before: DispatchRule | null,
    after: DispatchRule | null,
  ): Promise<void> {
    await trx
      .insertInto('dispatch_rule_history')
      .values({
        rule_id: ruleId,
        action,
        before: before ? JSON.stringify(before) : null,
        after: after ? JSON.stringify(after) : null,
        actor_id: actor.id,
        actor_name: actor.name,
      })
      .execute();
    await appendAudit(trx, actor, {
      action: `case.rule.${action}`,
      targetType: 'dispatch_rule',
      targetId: ruleId,
      before,
      after,
    });
    this.ruleCache = null;
  }

  async create(actor: Actor, body: DispatchRuleBody): Promise<DispatchRule> {
    return this.db.transaction().execute(async (trx) => {
      await this.checkRuleRefs(trx, body);
      const row = await trx
        .insertInto('dispatch_rule')
        .values({
          category_id: body.categoryId ?? null,
          grid_id: body.gridId ?? null,
          department_id: body.departmentId,
          priority: body.priority ?? 100,
          active: body.active ?? true,
          note: body.note ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const after = (await this.list(trx)).find((r) => r.id === row.id)!;
      await this.recordChange(trx, actor, row.id, 'create', null, after);
      return after;
    });
  }

  async update(actor: Actor, id: number, body: DispatchRuleBody): Promise<DispatchRule> {
    return this.db.transaction().execute(async (trx) => {
      const before = (await this.list(trx)).find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', '分流规则不存在');
      await this.checkRuleRefs(trx, body);
      await trx
        .updateTable('dispatch_rule')
        .set({
          category_id: body.categoryId ?? null,
          grid_id: body.gridId ?? null,
          department_id: body.departmentId,
          priority: body.priority ?? before.priority,
          active: body.active ?? before.active,
          note: body.note === undefined ? before.note : body.note,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      const after = (await this.list(trx)).find((r) => r.id === id)!;
      await this.recordChange(trx, actor, id, 'update', before, after);
      return after;
    });
  }

  async delete(actor: Actor, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = (await this.list(trx)).find((r) => r.id === id);
      if (!before) throw new AppError('NOT_FOUND', '分流规则不存在');
      await trx
        .updateTable('dispatch_rule')
        .set({ deleted_at: new Date(), active: false })
        .where('id', '=', id)
        .execute();
      await this.recordChange(trx, actor, id, 'delete', before, null);
    });
  }

  async history(ruleId: number | null, page: PageRequest): Promise<PageResult<DispatchRuleChange>> {
    const base = this.db
      .selectFrom('dispatch_rule_history')
      .$if(ruleId !== null, (q) => q.where('rule_id', '=', ruleId!));
    return paginate(base.selectAll().orderBy('id', 'desc'), page, (rows) =>
      rows.map((r) => ({
        id: r.id,
        ruleId: r.rule_id,
        action: r.action,
        before: r.before ?? null,
        after: r.after ?? null,
        actorName: r.actor_name,
        at: r.at.toISOString(),
      })),
    );
  }
}
