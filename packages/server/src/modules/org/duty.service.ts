import type {
  AssignDutyBody,
  Duty,
  DutyListQuery,
  EndDutyBody,
  HandoverBody,
  PageResult,
  Scheme,
} from '@wangge/shared';
import { DUTY_ROLES, isDutyRole } from '@wangge/shared';

import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';

import type { Principal } from '../../core/access/principal.ts';
import { requireInScope, scoped } from '../../core/access/scope.ts';
import { isIsoDate, todayIn } from '../../core/calendar/dates.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';

import { pageFrom, paginate, type PageRequest } from '../../core/http/paginate.ts';
import { gridScope } from '../grid/grid.scope.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { MOBILE } from '../../core/pii/kinds.ts';
import { gapCondition } from './duty.gaps.ts';
import { PersonService } from './person.service.ts';

/** One person holds a role on a node at most once at a time. */
async function assertNotOnDuty(
  trx: Executor,
  personId: number,
  nodeId: number,
  role: string,
  field: string,
  message: string,
): Promise<void> {
  const current = await trx
    .selectFrom('duty')
    .select('id')
    .where('person_id', '=', personId)
    .where('node_id', '=', nodeId)
    .where('role', '=', role)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  if (current) throw new AppError('CONFLICT', message, { [field]: '重复安排' });
}

/**
 * People on duty (定人定责): a person record (with or without a login) and assignments
 * person × node × role × from/to. Ending, handing over and closing keep every assignment as
 * history; nothing is deleted.
 */
export class DutyService {
  private readonly people: PersonService;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly personal: PersonalData,
    private readonly timeZone: string,
  ) {
    this.people = new PersonService(db, personal);
  }

  private date(value: string | undefined, field: string): string {
    if (value === undefined) return todayIn(this.timeZone);
    if (!isIsoDate(value))
      throw new AppError('VALIDATION_FAILED', undefined, { [field]: '日期格式应为 YYYY-MM-DD' });
    return value;
  }

  private masked(enc: string | null): string | null {
    return this.personal.masked(MOBILE, enc);
  }

  private async roleAllowed(
    trx: Executor,
    nodeId: number,
    role: string,
  ): Promise<{ name: string; closed: boolean }> {
    const node = await trx
      .selectFrom('grid_node as g')
      .leftJoin('scheme as s', 's.key', 'g.scheme')
      .select(['g.name', 'g.level', 'g.valid_to', 's.definition'])
      .where('g.id', '=', nodeId)
      .executeTakeFirstOrThrow();
    if (!isDutyRole(role))
      throw new AppError('VALIDATION_FAILED', undefined, { role: `未知的职责：${role}` });
    const scheme = node.definition as Scheme | null;
    const level = scheme && node.level !== null ? scheme.levels[node.level] : undefined;
    if (level && !(level.duties as string[]).includes(role)) {
      throw new AppError('VALIDATION_FAILED', undefined, {
        role: `“${level.name}”一级可设的职责：${level.duties.map((d) => DUTY_ROLES[d].zh).join('、')}`,
      });
    }
    return { name: node.name, closed: node.valid_to !== null };
  }

  async assign(principal: Principal, actor: Actor, body: AssignDutyBody): Promise<Duty> {
    const validFrom = this.date(body.validFrom, 'validFrom');
    return this.db.transaction().execute(async (trx) => {
      await requireInScope(trx, principal, gridScope, [body.nodeId]);
      const node = await this.roleAllowed(trx, body.nodeId, body.role);
      if (node.closed) throw new AppError('GRID_CLOSED');
      const person = await trx
        .selectFrom('person')
        .select('id')
        .where('id', '=', body.personId)
        .forUpdate()
        .executeTakeFirst();
      if (!person) throw new AppError('VALIDATION_FAILED', undefined, { personId: '人员不存在' });
      // Only people the caller may see: on duty in their scope, or on duty nowhere yet.
      await this.people.assertVisible(trx, principal, body.personId);
      await assertNotOnDuty(
        trx,
        body.personId,
        body.nodeId,
        body.role,
        'personId',
        '此人已在该网格担任该职责',
      );
      const row = await trx
        .insertInto('duty')
        .values({
          person_id: body.personId,
          node_id: body.nodeId,
          role: body.role,
          valid_from: validFrom,
          note: body.note ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const duty = (await this.duties(trx, [row.id]))[0]!;
      await appendAudit(trx, actor, {
        action: 'duty.assign',
        targetType: 'duty',
        targetId: row.id,
        after: duty,
      });
      return duty;
    });
  }

  private async lockDuty(trx: Executor, principal: Principal, id: number) {
    const duty = await trx.selectFrom('duty').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!duty) throw new AppError('NOT_FOUND', '职责安排不存在');
    await requireInScope(trx, principal, gridScope, [duty.node_id]);
    if (duty.valid_to !== null) throw new AppError('CONFLICT', '该职责安排已结束');
    return duty;
  }

  async end(principal: Principal, actor: Actor, id: number, body: EndDutyBody): Promise<Duty> {
    const validTo = this.date(body.validTo, 'validTo');
    return this.db.transaction().execute(async (trx) => {
      const duty = await this.lockDuty(trx, principal, id);
      if (validTo < duty.valid_from)
        throw new AppError('VALIDATION_FAILED', undefined, { validTo: '结束日期不能早于开始日期' });
      await trx
        .updateTable('duty')
        .set({ valid_to: validTo, note: body.note ?? duty.note })
        .where('id', '=', id)
        .execute();
      const after = (await this.duties(trx, [id]))[0]!;
      await appendAudit(trx, actor, { action: 'duty.end', targetType: 'duty', targetId: id, after });
      return after;
    });
  }

  /** Ends one assignment and starts the same role on the same node for the successor, at once. */
  async handover(
    principal: Principal,
    actor: Actor,
    id: number,
    body: HandoverBody,
  ): Promise<{ ended: Duty; started: Duty }> {
    const date = this.date(body.date, 'date');
    return this.db.transaction().execute(async (trx) => {
      const duty = await this.lockDuty(trx, principal, id);
      if (body.toPersonId === duty.person_id)
        throw new AppError('VALIDATION_FAILED', undefined, { toPersonId: '接任人不能是原责任人' });
      if (date < duty.valid_from)
        throw new AppError('VALIDATION_FAILED', undefined, { date: '交接日期不能早于原安排的开始日期' });
      const successor = await trx
        .selectFrom('person')
        .select('id')
        .where('id', '=', body.toPersonId)
        .executeTakeFirst();
      if (!successor) throw new AppError('VALIDATION_FAILED', undefined, { toPersonId: '人员不存在' });
      await this.people.assertVisible(trx, principal, body.toPersonId);
      await assertNotOnDuty(
        trx,
        body.toPersonId,
        duty.node_id,
        duty.role,
        'toPersonId',
        '接任人已在该网格担任该职责',
      );
      await trx.updateTable('duty').set({ valid_to: date }).where('id', '=', id).execute();
      const row = await trx
        .insertInto('duty')
        .values({
          person_id: body.toPersonId,
          node_id: duty.node_id,
          role: duty.role,
          valid_from: date,
          note: body.note ?? `接替 #${id}`,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const [ended, started] = await this.duties(trx, [id, row.id]);
      await appendAudit(trx, actor, {
        action: 'duty.handover',
        targetType: 'duty',
        targetId: id,
        before: ended,
        after: started,
      });
      return { ended: ended!, started: started! };
    });
  }

  private async duties(db: Executor, ids: number[]): Promise<Duty[]> {
    if (!ids.length) return [];
    const rows = await db
      .selectFrom('duty as d')
      .innerJoin('person as p', 'p.id', 'd.person_id')
      .innerJoin('grid_node as g', 'g.id', 'd.node_id')
      .select([
        'd.id',
        'd.person_id',
        'p.name as person_name',
        'p.phone_enc',
        'p.photo_path',
        'd.node_id',
        'g.name as node_name',
        'g.code as node_code',
        'd.role',
        'd.valid_from',
        'd.valid_to',
        'd.note',
      ])
      .where('d.id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids
      .map((id) => byId.get(id)!)
      .map((r) => ({
        id: r.id,
        personId: r.person_id,
        personName: r.person_name,
        phoneMasked: this.masked(r.phone_enc),
        nodeId: r.node_id,
        nodeName: r.node_name,
        nodeCode: r.node_code,
        role: r.role,
        roleName: isDutyRole(r.role) ? DUTY_ROLES[r.role].zh : r.role,
        personHasPhoto: r.photo_path !== null,
        validFrom: r.valid_from,
        validTo: r.valid_to,
        note: r.note,
      }));
  }

  /** Assignments on a node, on its whole subtree (the roster), or of a person; current or with history. */
  async list(principal: Principal, query: DutyListQuery): Promise<PageResult<Duty>> {
    let q = this.db
      .selectFrom('duty as d')
      .innerJoin('grid_node as g', 'g.id', 'd.node_id')
      .$call((q) => scoped(q, 'g.path', principal));
    if (query.nodeId) {
      await requireInScope(this.db, principal, gridScope, [query.nodeId]);
      if (query.subtree) {
        const node = await this.db
          .selectFrom('grid_node')
          .select('path')
          .where('id', '=', query.nodeId)
          .executeTakeFirstOrThrow();
        q = q.where('g.path', 'like', `${node.path}%`);
      } else {
        q = q.where('d.node_id', '=', query.nodeId);
      }
    }
    if (query.personId) q = q.where('d.person_id', '=', query.personId);
    if (!query.history) q = q.where('d.valid_to', 'is', null);
    return paginate(
      q.select('d.id').orderBy('g.path').orderBy('d.role').orderBy('d.valid_from', 'desc'),
      query,
      (rows) =>
        this.duties(
          this.db,
          rows.map((r) => r.id),
        ),
    );
  }

  /**
   * Base grids with nobody on duty as member: the visible gaps of "every grid has a named person".
   * The base level is the scheme's `base` level; without a scheme, nodes of kind base_grid.
   */
  async gaps(principal: Principal, nodeId: number, page: PageRequest) {
    await requireInScope(this.db, principal, gridScope, [nodeId]);
    const node = await this.db
      .selectFrom('grid_node')
      .select(['path'])
      .where('id', '=', nodeId)
      .executeTakeFirstOrThrow();
    const isGap = await gapCondition(this.db);
    const q = this.db.selectFrom('grid_node as g').where('g.path', 'like', `${node.path}%`).where(isGap);
    return paginate(
      q.select(['g.id', 'g.name', 'g.code', 'g.kind', 'g.path']).orderBy('g.path'),
      page,
      (rows) => this.withAncestorNames(rows),
    );
  }

  /** Grid rows with their path spelt out as the names of their ancestors. */
  private async withAncestorNames<
    R extends { id: number; name: string; code: string | null; kind: string; path: string },
  >(rows: R[]) {
    const ancestorIds = [...new Set(rows.flatMap((r) => r.path.split('/').filter(Boolean).map(Number)))];
    const names = new Map(
      ancestorIds.length
        ? (
            await this.db
              .selectFrom('grid_node')
              .select(['id', 'name'])
              .where('id', 'in', ancestorIds)
              .execute()
          ).map((a) => [a.id, a.name])
        : [],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      code: r.code,
      kind: r.kind,
      path: r.path
        .split('/')
        .filter(Boolean)
        .map((id) => names.get(Number(id)) ?? id),
    }));
  }

  /** People holding more than `max` current assignments inside the subtree. */
  async overload(principal: Principal, nodeId: number, max: number, page: PageRequest) {
    await requireInScope(this.db, principal, gridScope, [nodeId]);
    const node = await this.db
      .selectFrom('grid_node')
      .select(['path'])
      .where('id', '=', nodeId)
      .executeTakeFirstOrThrow();
    const q = this.db
      .selectFrom('duty as d')
      .innerJoin('grid_node as g', 'g.id', 'd.node_id')
      .innerJoin('person as p', 'p.id', 'd.person_id')
      .where('g.path', 'like', `${node.path}%`)
      .where('d.valid_to', 'is', null)
      .groupBy(['p.id', 'p.name', 'p.phone_enc'])
      .having((eb) => eb.fn.countAll(), '>', max);
    const rows = await q
      .select(['p.id', 'p.name', 'p.phone_enc', (eb) => eb.fn.countAll<number>().as('n')])
      .orderBy(sql`count(*)`, 'desc')
      .orderBy('p.id')
      .execute();
    const result = pageFrom(rows, page);
    return {
      ...result,
      items: result.items.map((r) => ({
        personId: r.id,
        name: r.name,
        phoneMasked: this.masked(r.phone_enc),
        duties: Number(r.n),
      })),
    };
  }
}
