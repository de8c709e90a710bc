import { CASE_STAGES, CASE_STATES, type CaseStage, type CaseState } from '@wangge/shared';
import { sql, type Selectable } from 'kysely';
import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { NotifyRecipient, NotifyService } from '../../core/notify/notify.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import type { CasesTable } from './case.table.ts';
import { fmtTime } from './case.format.ts';

const CACHE_MS = 5000;

type CaseRow = Selectable<CasesTable>;

/**
 * The people and places around cases: grids and departments by id (cached a few seconds), the
 * departments a user works in, and who hears of a case (a department's staff, the nearest holders
 * of a permission, the grid chief above), with the notice that tells them.
 */
export class CasePeople {
  private readonly staffCache = new Map<number, { at: number; persons: number[] }>();
  private readonly gridCache = new Map<number, { at: number; path: string; name: string; active: boolean }>();

  constructor(
    private readonly deps: {
      config: CaseConfigService;
      notify: NotifyService;
      timeZone: string;
    },
  ) {}

  async grid(db: Executor, id: number): Promise<{ path: string; name: string; active: boolean } | null> {
    const hit = this.gridCache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit;
    const row = await db
      .selectFrom('grid_node')
      .select(['path', 'name', 'valid_to'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return null;
    const value = { at: Date.now(), path: row.path, name: row.name, active: row.valid_to === null };
    if (this.gridCache.size > 10_000) this.gridCache.clear();
    this.gridCache.set(id, value);
    return value;
  }

  private readonly departmentNames = new Map<number, { at: number; name: string }>();

  async departmentName(db: Executor, id: number): Promise<string> {
    const hit = this.departmentNames.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.name;
    const row = await db.selectFrom('department').select('name').where('id', '=', id).executeTakeFirst();
    this.departmentNames.set(id, { at: Date.now(), name: row?.name ?? '' });
    return row?.name ?? '';
  }

  /** Departments whose staff the user is (through the person linked to the account). */
  async departmentsOf(db: Executor, userId: number): Promise<number[]> {
    const rows = await db
      .selectFrom('department_staff as s')
      .innerJoin('person as p', 'p.id', 's.person_id')
      .innerJoin('department as d', 'd.id', 's.department_id')
      .select('s.department_id')
      .where('p.user_id', '=', userId)
      .where('d.closed_at', 'is', null)
      .execute();
    return [...new Set(rows.map((r) => r.department_id))];
  }

  /** The staff of a case's handling unit, to a user working in that unit. */
  async unitOfficers(
    db: Executor,
    userId: number,
    caseId: number,
  ): Promise<{ personId: number; name: string; role: string }[]> {
    const row = await db
      .selectFrom('cases')
      .select('department_id')
      .where('id', '=', caseId)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '事件不存在');
    const mine = await this.departmentsOf(db, userId);
    if (row.department_id === null || !mine.includes(row.department_id))
      throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
    const staff = await db
      .selectFrom('department_staff as s')
      .innerJoin('person as p', 'p.id', 's.person_id')
      .select(['p.id', 'p.name', 's.role'])
      .where('s.department_id', '=', row.department_id)
      .orderBy('p.name')
      .execute();
    return staff.map((r) => ({ personId: r.id, name: r.name, role: r.role }));
  }

  async departmentStaff(db: Executor, departmentId: number): Promise<NotifyRecipient[]> {
    const hit = this.staffCache.get(departmentId);
    let persons = hit && Date.now() - hit.at < CACHE_MS ? hit.persons : null;
    if (!persons) {
      const rows = await db
        .selectFrom('department_staff')
        .select('person_id')
        .where('department_id', '=', departmentId)
        .execute();
      persons = rows.map((r) => r.person_id);
      this.staffCache.set(departmentId, { at: Date.now(), persons });
    }
    return persons.map((personId) => ({ personId }));
  }

  /**
   * Users holding `permission` whose scope covers the grid, the nearest first: only those with the
   * deepest covering scope (the community's social worker before the county's command centre).
   */
  async nearestUsers(db: Executor, permission: string, gridPath: string): Promise<NotifyRecipient[]> {
    const rows = await db
      .selectFrom('user_scope as us')
      .innerJoin('grid_node as g', 'g.id', 'us.grid_id')
      .innerJoin('user_role as ur', 'ur.user_id', 'us.user_id')
      .innerJoin('role as r', 'r.key', 'ur.role_key')
      .innerJoin('app_user as u', 'u.id', 'us.user_id')
      .select(['us.user_id', 'g.depth'])
      .where(sql<boolean>`${gridPath} like g.path || '%'`)
      .where(sql<boolean>`${permission} = any(r.permissions)`)
      .where('u.status', '=', 'active')
      .execute();
    if (!rows.length) return [];
    const deepest = Math.max(...rows.map((r) => r.depth));
    return [...new Set(rows.filter((r) => r.depth === deepest).map((r) => r.user_id))].map((userId) => ({
      userId,
    }));
  }

  /** Users to notify for a permission at a grid: the nearest holders. */
  recipientsWith(db: Executor, permission: string, gridPath: string): Promise<NotifyRecipient[]> {
    return this.nearestUsers(db, permission, gridPath);
  }

  departmentRecipients(db: Executor, departmentId: number): Promise<NotifyRecipient[]> {
    return this.departmentStaff(db, departmentId);
  }

  /** The grid chief above: people on duty as chief of the nearest strict ancestor that has one. */
  async chiefAbove(db: Executor, gridPath: string): Promise<NotifyRecipient[]> {
    const ancestors = gridPath.split('/').filter(Boolean).map(Number).slice(0, -1);
    if (!ancestors.length) return [];
    const rows = await db
      .selectFrom('duty as d')
      .innerJoin('grid_node as g', 'g.id', 'd.node_id')
      .select(['d.person_id', 'g.depth'])
      .where('d.node_id', 'in', ancestors)
      .where('d.role', '=', 'chief')
      .where('d.valid_to', 'is', null)
      .execute();
    if (!rows.length) return [];
    const deepest = Math.max(...rows.map((r) => r.depth));
    return rows.filter((r) => r.depth === deepest).map((r) => ({ personId: r.person_id }));
  }

  async notice(
    trx: Executor,
    template: string,
    row: Pick<CaseRow, 'id' | 'number' | 'title' | 'category_id' | 'grid_id' | 'department_id' | 'state'>,
    to: NotifyRecipient[],
    extra: Record<string, string | number | null>,
    clock: { stage: string; due_at: Date } | null,
  ): Promise<void> {
    if (!to.length) return;
    const [category, grid, department] = await Promise.all([
      this.deps.config.categoryName(row.category_id, trx),
      this.grid(trx, row.grid_id),
      row.department_id ? this.departmentName(trx, row.department_id) : Promise.resolve(undefined),
    ]);
    await this.deps.notify.enqueue(trx, {
      template,
      to,
      caseId: row.id,
      // A notice may link elsewhere (the citizen's tracking page): `extra.link` wins.
      link: typeof extra.link === 'string' ? extra.link : `/cases/${row.id}`,
      data: {
        number: row.number,
        title: row.title,
        category,
        grid: grid?.name ?? '',
        department: department ?? '',
        state: CASE_STATES[row.state as CaseState]?.zh ?? row.state,
        dueAt: fmtTime(clock?.due_at ?? null, this.deps.timeZone),
        stage: clock ? CASE_STAGES[clock.stage as CaseStage].zh : '',
        link: `/cases/${row.id}`,
        ...extra,
      },
    });
  }
}
