import {
  DEFAULT_CASE_CATEGORIES,
  type CaseCategory,
  type CaseCategoryBody,
  type CaseSettings,
  type CaseStage,
  type TimeLimit,
  type TimeLimitBody,
  type Urgency,
} from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { fresh, type Cached } from './cached.ts';
import { DispatchRules } from './dispatch-rules.ts';

const SETTINGS_KEY = 'cases';

export const DEFAULT_CASE_SETTINGS: CaseSettings = {
  autoDispatch: true,
  returnVisit: true,
  autoArchive: true,
  sweepSeconds: 60,
  warnFraction: 0.8,
  escalateFraction: 2,
  duplicateRadiusM: 200,
  duplicateHours: 72,
  rootId: null,
  reopenDays: 7,
};

/** Shipped default limits in working minutes (a working day of the default hours is 450 minutes). */
export const DEFAULT_TIME_LIMITS: {
  urgency: Urgency;
  stage: CaseStage;
  minutes: number;
  natural: boolean;
}[] = [
  { urgency: 'normal', stage: 'accept', minutes: 240, natural: false },
  { urgency: 'normal', stage: 'feedback', minutes: 3 * 450, natural: false },
  { urgency: 'normal', stage: 'visit', minutes: 2 * 450, natural: false },
  { urgency: 'urgent', stage: 'accept', minutes: 30, natural: true },
  { urgency: 'urgent', stage: 'feedback', minutes: 240, natural: true },
  { urgency: 'urgent', stage: 'visit', minutes: 450, natural: false },
];

interface CategoryNode {
  id: number;
  parentId: number | null;
  name: string;
  active: boolean;
}

/**
 * Case configuration: the switches and timer settings (开关设置/开关时长设置), the category tree,
 * time limits per stage × urgency × category, and the auto-dispatch rules (`rules`).
 * Everything the intake path reads is cached for a few seconds and dropped on every change.
 */
export class CaseConfigService {
  private settingsCache: Cached<CaseSettings> | null = null;
  private categoryCache: Cached<Map<number, CategoryNode>> | null = null;
  private limitCache: Cached<TimeLimit[]> | null = null;
  /** The auto-dispatch rules. */
  readonly rules: DispatchRules;

  constructor(private readonly db: Kysely<DB>) {
    this.rules = new DispatchRules(db, this);
  }

  invalidate(): void {
    this.settingsCache = null;
    this.categoryCache = null;
    this.limitCache = null;
    this.rules.invalidate();
  }

  // ------------------------------------------------------------ settings

  async settings(db: Executor = this.db): Promise<CaseSettings> {
    if (fresh(this.settingsCache)) return this.settingsCache.value;
    const row = await db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', SETTINGS_KEY)
      .executeTakeFirst();
    const value = { ...DEFAULT_CASE_SETTINGS, ...((row?.value ?? {}) as Partial<CaseSettings>) };
    this.settingsCache = { value, at: Date.now() };
    return value;
  }

  async updateSettings(actor: Actor, patch: Partial<CaseSettings>): Promise<CaseSettings> {
    return this.db.transaction().execute(async (trx) => {
      this.settingsCache = null;
      const before = await this.settings(trx);
      const next = { ...before, ...patch };
      if (next.rootId !== null) {
        const root = await trx
          .selectFrom('grid_node')
          .select(['id', 'depth', 'valid_to'])
          .where('id', '=', next.rootId)
          .executeTakeFirst();
        if (!root || root.depth !== 0 || root.valid_to !== null) {
          throw new AppError('VALIDATION_FAILED', undefined, { rootId: '应为一棵在用网格树的根节点' });
        }
      }
      await trx
        .insertInto('setting')
        .values({ key: SETTINGS_KEY, value: JSON.stringify(next), updated_by: actor.id })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ value: JSON.stringify(next), updated_at: new Date(), updated_by: actor.id }),
        )
        .execute();
      await appendAudit(trx, actor, {
        action: 'case.settings.update',
        targetType: 'setting',
        targetId: SETTINGS_KEY,
        before,
        after: next,
      });
      this.settingsCache = null;
      return next;
    });
  }

  /** The tree cases are located in: the configured root, else the first active non-divisions tree. */
  private rootCache: Cached<number | null> | null = null;

  async caseRootId(db: Executor = this.db): Promise<number | null> {
    const s = await this.settings(db);
    if (s.rootId !== null) return s.rootId;
    if (fresh(this.rootCache)) return this.rootCache.value;
    const row = await db
      .selectFrom('grid_node')
      .select('id')
      .where('depth', '=', 0)
      .where('valid_to', 'is', null)
      .where((eb) => eb.or([eb('scheme', 'is', null), eb('scheme', '!=', 'admin_divisions')]))
      .orderBy('id')
      .executeTakeFirst();
    this.rootCache = { value: row?.id ?? null, at: Date.now() };
    return row?.id ?? null;
  }

  // ------------------------------------------------------------ categories

  /** Inserts the seed's default category tree into an empty table. */
  async ensureDefaultCategories(db: Executor = this.db): Promise<void> {
    const any = await db.selectFrom('case_category').select('id').limit(1).executeTakeFirst();
    if (any) return;
    let sort = 0;
    for (const top of DEFAULT_CASE_CATEGORIES) {
      const row = await db
        .insertInto('case_category')
        .values({ code: top.code, name: top.name, name_en: top.nameEn, sort: (sort += 10), parent_id: null })
        .returning('id')
        .executeTakeFirstOrThrow();
      let childSort = 0;
      for (const child of top.children ?? []) {
        await db
          .insertInto('case_category')
          .values({
            code: child.code,
            name: child.name,
            name_en: child.nameEn,
            sort: (childSort += 10),
            parent_id: row.id,
          })
          .execute();
      }
    }
    await this.ensureDefaultTimeLimits(db);
    this.invalidate();
  }

  async ensureDefaultTimeLimits(db: Executor = this.db): Promise<void> {
    for (const l of DEFAULT_TIME_LIMITS) {
      const exists = await db
        .selectFrom('case_time_limit')
        .select('id')
        .where('category_id', 'is', null)
        .where('urgency', '=', l.urgency)
        .where('stage', '=', l.stage)
        .executeTakeFirst();
      if (!exists) {
        await db
          .insertInto('case_time_limit')
          .values({
            category_id: null,
            urgency: l.urgency,
            stage: l.stage,
            minutes: l.minutes,
            natural: l.natural,
          })
          .execute();
      }
    }
  }

  async listCategories(db: Executor = this.db): Promise<CaseCategory[]> {
    const rows = await db.selectFrom('case_category').selectAll().orderBy('sort').orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      code: r.code,
      name: r.name,
      nameEn: r.name_en,
      sort: r.sort,
      active: r.active,
    }));
  }

  async categoryMap(db: Executor = this.db): Promise<Map<number, CategoryNode>> {
    if (fresh(this.categoryCache)) return this.categoryCache.value;
    const rows = await db.selectFrom('case_category').select(['id', 'parent_id', 'name', 'active']).execute();
    const value = new Map(
      rows.map((r) => [r.id, { id: r.id, parentId: r.parent_id, name: r.name, active: r.active }]),
    );
    this.categoryCache = { value, at: Date.now() };
    return value;
  }

  /** The category and its ancestors, nearest first; throws when it does not exist or is inactive. */
  async categoryChain(
    categoryId: number,
    db: Executor = this.db,
    requireActive = true,
  ): Promise<CategoryNode[]> {
    const map = await this.categoryMap(db);
    const chain: CategoryNode[] = [];
    let cur = map.get(categoryId);
    if (!cur || (requireActive && !cur.active)) {
      throw new AppError('VALIDATION_FAILED', undefined, { categoryId: '事件分类不存在或已停用' });
    }
    while (cur && chain.length < 20) {
      chain.push(cur);
      cur = cur.parentId === null ? undefined : map.get(cur.parentId);
    }
    // A category under a deactivated parent is out of use with it.
    if (requireActive && chain.some((c) => !c.active)) {
      throw new AppError('VALIDATION_FAILED', undefined, { categoryId: '事件分类所属的上级分类已停用' });
    }
    return chain;
  }

  async categoryName(categoryId: number, db: Executor = this.db): Promise<string> {
    return (await this.categoryMap(db)).get(categoryId)?.name ?? '';
  }

  async createCategory(actor: Actor, body: CaseCategoryBody): Promise<CaseCategory> {
    return this.db.transaction().execute(async (trx) => {
      if (body.parentId) await this.categoryChain(body.parentId, trx, false);
      const taken = await trx
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', body.code)
        .executeTakeFirst();
      if (taken) throw new AppError('CONFLICT', '分类编码已存在', { code: '已存在' });
      const row = await trx
        .insertInto('case_category')
        .values({
          parent_id: body.parentId ?? null,
          code: body.code,
          name: body.name.trim(),
          name_en: body.nameEn ?? '',
          sort: body.sort ?? 0,
          active: body.active ?? true,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const created = (await this.listCategories(trx)).find((c) => c.id === row.id)!;
      await appendAudit(trx, actor, {
        action: 'case.category.create',
        targetType: 'case_category',
        targetId: row.id,
        after: created,
      });
      this.categoryCache = null;
      return created;
    });
  }

  async updateCategory(actor: Actor, id: number, body: CaseCategoryBody): Promise<CaseCategory> {
    return this.db.transaction().execute(async (trx) => {
      const before = (await this.listCategories(trx)).find((c) => c.id === id);
      if (!before) throw new AppError('NOT_FOUND', '事件分类不存在');
      if (body.parentId) {
        const chain = await this.categoryChain(body.parentId, trx, false);
        if (chain.some((c) => c.id === id)) {
          throw new AppError('VALIDATION_FAILED', undefined, {
            parentId: '不能把分类移到自己或下级分类之下',
          });
        }
      }
      const clash = await trx
        .selectFrom('case_category')
        .select('id')
        .where('code', '=', body.code)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) throw new AppError('CONFLICT', '分类编码已存在', { code: '已存在' });
      await trx
        .updateTable('case_category')
        .set({
          parent_id: body.parentId === undefined ? before.parentId : body.parentId,
          code: body.code,
          name: body.name.trim(),
          name_en: body.nameEn ?? before.nameEn,
          sort: body.sort ?? before.sort,
          active: body.active ?? before.active,
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .execute();
      const after = (await this.listCategories(trx)).find((c) => c.id === id)!;
      await appendAudit(trx, actor, {
        action: 'case.category.update',
        targetType: 'case_category',
        targetId: id,
        before,
        after,
      });
      this.categoryCache = null;
      return after;
    });
  }

  // ------------------------------------------------------------ time limits

  async listTimeLimits(db: Executor = this.db): Promise<TimeLimit[]> {
    if (fresh(this.limitCache)) return this.limitCache.value;
    const rows = await db
      .selectFrom('case_time_limit as l')
      .leftJoin('case_category as c', 'c.id', 'l.category_id')
      .select([
        'l.id',
        'l.category_id',
        'c.name as category_name',
        'l.urgency',
        'l.stage',
        'l.minutes',
        'l.natural',
      ])
      .orderBy(sql`coalesce(l.category_id, 0)`)
      .orderBy('l.urgency')
      .orderBy('l.stage')
      .execute();
    const value = rows.map((r) => ({
      id: r.id,
      categoryId: r.category_id,
      categoryName: r.category_name,
      urgency: r.urgency as Urgency,
      stage: r.stage as CaseStage,
      minutes: r.minutes,
      natural: r.natural,
    }));
    this.limitCache = { value, at: Date.now() };
    return value;
  }

  /** The limit of a stage for a case: its category's, else the nearest ancestor's, else the default. */
  async limitFor(
    categoryId: number,
    urgency: Urgency,
    stage: CaseStage,
    db: Executor = this.db,
  ): Promise<{ minutes: number; natural: boolean }> {
    const limits = await this.listTimeLimits(db);
    const chain = await this.categoryChain(categoryId, db, false);
    for (const id of [...chain.map((c) => c.id), null]) {
      const hit = limits.find((l) => l.categoryId === id && l.urgency === urgency && l.stage === stage);
      if (hit) return { minutes: hit.minutes, natural: hit.natural };
    }
    const fallback = DEFAULT_TIME_LIMITS.find((l) => l.urgency === urgency && l.stage === stage)!;
    return { minutes: fallback.minutes, natural: fallback.natural };
  }

  async setTimeLimit(actor: Actor, body: TimeLimitBody): Promise<TimeLimit> {
    return this.db.transaction().execute(async (trx) => {
      if (body.categoryId) await this.categoryChain(body.categoryId, trx, false);
      this.limitCache = null;
      const before = (await this.listTimeLimits(trx)).find(
        (l) =>
          l.categoryId === (body.categoryId ?? null) && l.urgency === body.urgency && l.stage === body.stage,
      );
      if (before) {
        await trx
          .updateTable('case_time_limit')
          .set({ minutes: body.minutes, natural: body.natural ?? false, updated_at: new Date() })
          .where('id', '=', before.id)
          .execute();
      } else {
        await trx
          .insertInto('case_time_limit')
          .values({
            category_id: body.categoryId ?? null,
            urgency: body.urgency,
            stage: body.stage,
            minutes: body.minutes,
            natural: body.natural ?? false,
          })
          .execute();
      }
      this.limitCache = null;
      const after = (await this.listTimeLimits(trx)).find(
        (l) =>
          l.categoryId === (body.categoryId ?? null) && l.urgency === body.urgency && l.stage === body.stage,
      )!;
      await appendAudit(trx, actor, {
        action: 'case.limit.set',
        targetType: 'case_time_limit',
        targetId: after.id,
        before: before ?? null,
        after,
      });
      this.limitCache = null;
      return after;
    });
  }

  async deleteTimeLimit(actor: Actor, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      this.limitCache = null;
      const before = (await this.listTimeLimits(trx)).find((l) => l.id === id);
      if (!before) throw new AppError('NOT_FOUND', '时限设置不存在');
      if (before.categoryId === null) {
        throw new AppError('VALIDATION_FAILED', '默认时限不能删除，只能修改', { id: '默认时限' });
      }
      await trx.deleteFrom('case_time_limit').where('id', '=', id).execute();
      await appendAudit(trx, actor, {
        action: 'case.limit.delete',
        targetType: 'case_time_limit',
        targetId: id,
        before,
      });
      this.limitCache = null;
    });
  }
}
