import {
  CASE_ACTIONS,
  CASE_STATES,
  type CaseCounts,
  type CaseDetail,
  type CaseEvent,
  type CaseListQuery,
  type CaseRequest,
  type CaseState,
  type CaseSummary,
  type PageResult,
} from '@wangge/shared';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Actor } from '../../core/audit/audit.service.ts';
import type { Principal } from '../../core/access/principal.ts';
import { inScope } from '../../core/access/scope.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { escapeLike } from '../../core/db/like.ts';
import { AppError } from '../../core/http/errors.ts';
import { paginate } from '../../core/http/paginate.ts';
import { MOBILE } from '../../core/pii/kinds.ts';
import { CASE } from './case.machine.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import type { Workflow } from '../../core/workflow/workflow.ts';
import type { Attachments } from '../../core/files/attachments.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { haversineM, toSummary, type ReturnedJson } from './case.format.ts';
import { toWgs84, type Crs } from '../grid/locator.service.ts';
import type { CaseContext } from './case.machine.ts';
import type { CasePeople } from './case.people.ts';
import { assisting, SUPERVISION_COLUMNS, toSupervision } from './case.supervision.read.ts';
import type { CaseRecord } from './case.workflow.ts';

/** Rows as json_build_object returns them: timestamps as ISO strings. */
export interface EventJson {
  id: number;
  at: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  actor_name: string;
  department_name: string | null;
  note: string | null;
  data: unknown;
}
export interface PhotoJson {
  id: number;
  kind: string | null;
  mime: string;
  event_id: number | null;
}
interface RequestJson {
  id: number;
  kind: 'park' | 'unpark' | 'defer';
  reason: string;
  extra_minutes: number | null;
  state: 'pending' | 'approved' | 'denied';
  requested_by: number | null;
  requested_by_name: string;
  requested_at: string;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_note: string | null;
}

/** The row `get` assembles a case page from. */
export type DetailRow = Awaited<ReturnType<CaseReader['detailRow']>>;

export interface CaseReaderDeps {
  db: Kysely<DB>;
  personal: PersonalData;
  config: CaseConfigService;
  people: CasePeople;
  workflow: Workflow<CaseState, CaseRecord, CaseContext>;
  attachments: Attachments;
  timeZone: string;
}

/**
 * Cases as the reader may see them: readers in their scope, a department's staff the cases
 * assigned to it, reporters their own. Lists with filters, queue counts, the case page with its
 * timeline, photos, requests and the actions the reader may take; audited reveal of contacts.
 */
export class CaseReader {
  private readonly db: Kysely<DB>;

  constructor(private readonly deps: CaseReaderDeps) {
    this.db = deps.db;
  }

  /** What the workflow's relations and guards read besides the case. */
  context(db: Executor, principal: Principal): Promise<CaseContext> {
    return this.deps.workflow.spec.context(db, principal);
  }

  /** The departments of `principal` that case visibility reads (none without `case.handle`). */
  departmentsOf(db: Executor, principal: Principal): Promise<number[]> {
    return principal.permissions.has('case.handle')
      ? this.deps.people.departmentsOf(db, principal.userId)
      : Promise.resolve([]);
  }

  visibility(principal: Principal, departments: number[]) {
    const canRead = principal.permissions.has('case.read');
    const canHandle = principal.permissions.has('case.handle');
    return (eb: ExpressionBuilder<DB & { c: DB['cases']; g: DB['grid_node'] }, 'c' | 'g'>) =>
      eb.or([
        canRead ? inScope(eb.ref('g.path'), principal.scopePaths) : sql<boolean>`false`,
        canHandle && departments.length ? eb('c.department_id', 'in', departments) : sql<boolean>`false`,
        canHandle && departments.length ? assisting(eb, departments) : sql<boolean>`false`,
        eb('c.reporter_user_id', '=', principal.userId),
      ]);
  }

  async assertVisible(db: Executor, principal: Principal, caseId: number): Promise<void> {
    const departments = await this.departmentsOf(db, principal);
    const row = await db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .select('c.id')
      .where('c.id', '=', caseId)
      .where(this.visibility(principal, departments))
      .executeTakeFirst();
    if (!row) {
      const exists = await db.selectFrom('cases').select('id').where('id', '=', caseId).executeTakeFirst();
      throw exists ? new AppError('OUT_OF_SCOPE') : new AppError('NOT_FOUND', '事件不存在');
    }
  }

  summaryQuery(db: Executor) {
    return (
      db
        .selectFrom('cases as c')
        .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
        .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
        .leftJoin('department as d', 'd.id', 'c.department_id')
        // The running clock, if any (at most one per case).
        .leftJoin('clock as k', (j) =>
          j.on('k.subject_kind', '=', CASE).onRef('k.subject_id', '=', 'c.id').on('k.stopped_at', 'is', null),
        )
    );
  }

  static readonly summaryColumns = [
    'c.id',
    'c.number',
    'c.title',
    'c.category_id',
    'cc.name as category_name',
    'c.nature',
    'c.handling_type',
    'c.urgency',
    'c.state',
    'c.grid_id',
    'g.name as grid_name',
    'g.path as grid_path',
    'c.department_id',
    'd.name as department_name',
    'c.address',
    'c.lng',
    'c.lat',
    'c.reporter_kind',
    'c.channel',
    'c.reported_at',
    'c.updated_at',
    'k.stage',
    'k.due_at',
    'k.parked_at',
    'c.deferred',
    'c.round',
    'c.on_spot',
    'c.supervised_at',
    'c.urge_count',
  ] as const;

  /**
   * A case waiting for re-dispatch: the step that sent it back (the last entry into 被驳回), with
   * the unit and reason; null in every other state.
   */
  static readonly returnedColumn = sql<ReturnedJson | null>`case when c.state = 'rejected' then
      (select json_build_object('action', e.action, 'unit_id', e.unit_id, 'unit_name', ud.name,
              'note', e.note, 'actor_name', e.actor_name, 'at', e.at)
         from timeline_entry e left join department ud on ud.id = e.unit_id
        where e.subject_kind = 'case' and e.subject_id = c.id and e.to_state = 'rejected'
        order by e.id desc limit 1) end`.as('returned_json');

  async list(principal: Principal, query: CaseListQuery, limit?: number): Promise<PageResult<CaseSummary>> {
    const departments = await this.departmentsOf(this.db, principal);
    const states = query.state ? query.state.split(',') : null;
    if (states?.some((s) => !(s in CASE_STATES))) {
      throw new AppError('VALIDATION_FAILED', undefined, { state: '状态取值无效' });
    }
    let gridPath: string | null = null;
    if (query.gridId) {
      const g = await this.deps.people.grid(this.db, query.gridId);
      if (!g) throw new AppError('NOT_FOUND', '网格不存在');
      gridPath = g.path;
    }
    let categoryIds: number[] | null = null;
    if (query.categoryId) {
      const all = await this.deps.config.listCategories();
      const ids = new Set([query.categoryId]);
      for (let grown = true; grown;) {
        grown = false;
        for (const c of all) {
          if (c.parentId !== null && ids.has(c.parentId) && !ids.has(c.id)) {
            ids.add(c.id);
            grown = true;
          }
        }
      }
      categoryIds = [...ids];
    }
    const now = new Date();
    const tz = this.deps.timeZone;
    // 即将超时 follows the reminders' warning threshold; without one nothing is "due soon".
    const warns = query.dueSoon ? (await this.deps.config.settings()).warnFraction !== null : false;
    const late = query.late;
    const base = this.summaryQuery(this.db)
      .where(this.visibility(principal, departments))
      .$if(states !== null, (q) => q.where('c.state', 'in', states!))
      .$if(categoryIds !== null, (q) => q.where('c.category_id', 'in', categoryIds!))
      .$if(gridPath !== null, (q) => q.where('g.path', 'like', `${gridPath!}%`))
      .$if(query.departmentId !== undefined, (q) => q.where('c.department_id', '=', query.departmentId!))
      .$if(Boolean(query.mine), (q) =>
        q.where((eb) =>
          eb.or([
            eb('c.department_id', 'in', departments.length ? departments : [0]),
            assisting(eb, departments.length ? departments : [0], 'open'),
          ]),
        ),
      )
      .$if(query.supervised !== undefined, (q) =>
        q.where('c.supervised_at', query.supervised ? 'is not' : 'is', null),
      )
      .$if(query.urgency !== undefined, (q) => q.where('c.urgency', '=', query.urgency!))
      .$if(query.channel !== undefined, (q) => q.where('c.channel', '=', query.channel!))
      .$if(query.satisfied !== undefined, (q) => q.where('c.visit_satisfied', '=', query.satisfied!))
      .$if(query.dueSoon === true, (q) =>
        !warns
          ? q.where(sql<boolean>`false`)
          : q
              .where('k.stage', 'is not', null)
              .where('k.parked_at', 'is', null)
              .where('k.due_at', '>=', now)
              // The warning has passed: sent (the next alert is a later one) or due, not yet swept.
              .where((eb) =>
                eb.or([eb('k.next_alert', 'is distinct from', 'warn'), eb('k.next_alert_at', '<=', now)]),
              ),
      )
      .$if(late !== undefined, (q) =>
        q
          .where(late === 'accept' ? 'c.accepted_at' : 'c.handled_at', 'is not', null)
          .where(({ exists, selectFrom }) =>
            exists(
              selectFrom('clock as lk')
                .select('lk.stage')
                .where('lk.subject_kind', '=', CASE)
                .whereRef('lk.subject_id', '=', 'c.id')
                .where('lk.stage', '=', late!)
                .where('lk.stopped_at', 'is not', null)
                .whereRef('lk.stopped_at', '>', 'lk.due_at'),
            ),
          ),
      )
      .$if(query.parked !== undefined, (q) => q.where('k.parked_at', query.parked ? 'is not' : 'is', null))
      .$if(query.overdue !== undefined, (q) =>
        q
          .$if(query.overdue !== 'any', (q2) => q2.where('k.stage', '=', query.overdue!))
          .where('k.stage', 'is not', null)
          .where('k.due_at', '<', now)
          .where('k.parked_at', 'is', null),
      )
      .$if(Boolean(query.q?.trim()), (q) => {
        const term = query.q!.trim();
        const like = `%${escapeLike(term)}%`;
        return q.where((eb) =>
          eb.or([
            eb('c.number', '=', term.toUpperCase()),
            eb('c.title', 'ilike', like),
            eb('c.description', 'ilike', like),
            eb('c.address', 'ilike', like),
          ]),
        );
      })
      .$if(query.from !== undefined, (q) =>
        q.where('c.reported_at', '>=', sql<Date>`(${query.from!}::date)::timestamp at time zone ${tz}`),
      )
      .$if(query.to !== undefined, (q) =>
        q.where('c.reported_at', '<', sql<Date>`(${query.to!}::date + 1)::timestamp at time zone ${tz}`),
      );
    const sort = query.sort ?? (query.overdue ? 'due' : 'reported');
    return paginate(
      base
        .select([...CaseReader.summaryColumns, CaseReader.returnedColumn])
        .$if(sort === 'reported', (q) => q.orderBy('c.reported_at', 'desc'))
        .$if(sort === 'updated', (q) => q.orderBy('c.updated_at', 'desc'))
        .$if(sort === 'due', (q) => q.orderBy(sql`k.due_at asc nulls last`))
        // The dispatch queues: urgent first, then the longest waiting.
        .$if(sort === 'queue', (q) =>
          q.orderBy(sql`case when c.urgency = 'urgent' then 0 else 1 end`).orderBy('c.reported_at', 'asc'),
        )
        .orderBy('c.id', 'desc'),
      { page: query.page, pageSize: limit ?? query.pageSize },
      (rows) => rows.map((r) => toSummary(r)),
    );
  }

  /** Counts for the queues and the overdue lists, in the caller's visibility. */
  async counts(principal: Principal): Promise<CaseCounts> {
    const departments = await this.departmentsOf(this.db, principal);
    const now = new Date();
    const base = this.db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .where(this.visibility(principal, departments));
    const [byState, overdue, pending] = await Promise.all([
      base
        .select(['c.state', (eb) => eb.fn.countAll<number>().as('n')])
        .where('c.closed_at', 'is', null)
        .groupBy('c.state')
        .execute(),
      base
        .innerJoin('clock as k', (j) =>
          j.on('k.subject_kind', '=', CASE).onRef('k.subject_id', '=', 'c.id').on('k.stopped_at', 'is', null),
        )
        .select(['k.stage', (eb) => eb.fn.countAll<number>().as('n')])
        .where('k.due_at', '<', now)
        .where('k.parked_at', 'is', null)
        .groupBy('k.stage')
        .execute(),
      base
        .innerJoin('case_request as r', 'r.case_id', 'c.id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('r.state', '=', 'pending')
        .executeTakeFirstOrThrow(),
    ]);
    const o = Object.fromEntries(overdue.map((r) => [r.stage, Number(r.n)]));
    return {
      byState: Object.fromEntries(byState.map((r) => [r.state, Number(r.n)])),
      overdue: { accept: o.accept ?? 0, feedback: o.feedback ?? 0, visit: o.visit ?? 0 },
      pendingRequests: Number(pending.n),
    };
  }

  /**
   * One case as the principal may see it. `justActed`: the principal has just been allowed to act
   * on it (a transition), so the answer shows the result even where the action took the case out
   * of their view (a department rejecting it).
   */
  async get(principal: Principal, caseId: number, opts: { justActed?: boolean } = {}): Promise<CaseDetail> {
    if (!opts.justActed) await this.assertVisible(this.db, principal, caseId);
    const db = this.db;
    // One round trip for the case with its timeline, photos and requests (as JSON arrays).
    const [row, ctx] = await Promise.all([this.detailRow(db, caseId), this.context(db, principal)]);
    return this.assemble(principal, caseId, row, ctx);
  }

  /** The row `get` assembles a case page from (internal; public for its type). */
  detailRow(db: Executor, caseId: number) {
    return this.summaryQuery(db)
      .select([
        ...CaseReader.summaryColumns,
        CaseReader.returnedColumn,
        'c.description',
        'c.parties_enc',
        'c.reporter_name',
        'c.reporter_phone_enc',
        'k.started_at as stage_started_at',
        'c.visit_satisfied',
        'c.rework_count',
        'c.duplicate_of',
        'c.reporter_user_id',
        ...SUPERVISION_COLUMNS,
        sql<EventJson[] | null>`(select json_agg(json_build_object(
              'id', e.id, 'at', e.at, 'action', e.action, 'from_state', e.from_state, 'to_state', e.to_state,
              'actor_name', e.actor_name, 'department_name', ed.name, 'note', e.note, 'data', e.data) order by e.id)
            from timeline_entry e left join department ed on ed.id = e.unit_id
           where e.subject_kind = 'case' and e.subject_id = c.id)`.as('events_json'),
        sql<PhotoJson[] | null>`(select json_agg(json_build_object(
              'id', p.id, 'kind', p.kind, 'mime', p.mime, 'event_id', p.entry_id) order by p.id)
            from attachment p where p.subject_kind = 'case' and p.subject_id = c.id)`.as('photos_json'),
        sql<RequestJson[] | null>`(select json_agg(json_build_object(
              'id', r.id, 'kind', r.kind, 'reason', r.reason, 'extra_minutes', r.extra_minutes, 'state', r.state,
              'requested_by', r.requested_by, 'requested_by_name', r.requested_by_name, 'requested_at', r.requested_at,
              'decided_by_name', r.decided_by_name, 'decided_at', r.decided_at, 'decision_note', r.decision_note)
              order by r.id)
            from case_request r where r.case_id = c.id)`.as('requests_json'),
        sql<string | null>`(select d2.number from cases d2 where d2.id = c.duplicate_of)`.as(
          'duplicate_number',
        ),
      ])
      .where('c.id', '=', caseId)
      .executeTakeFirstOrThrow();
  }

  async assemble(
    principal: Principal,
    caseId: number,
    row: DetailRow,
    ctx: CaseContext,
    /** The parties as `row.parties_enc` holds them, where the caller has them (just written). */
    openParties?: { role: string; name: string; phone: string | null }[],
  ): Promise<CaseDetail> {
    const db = this.db;
    const events = (row.events_json ?? []).map((e) => ({ ...e, at: new Date(e.at) }));
    const photos = row.photos_json ?? [];
    const requests = (row.requests_json ?? []).map((r) => ({
      ...r,
      requested_at: new Date(r.requested_at),
      decided_at: r.decided_at ? new Date(r.decided_at) : null,
    }));
    // Ancestors' names from the grid cache (they rarely change).
    const ancestorIds = row.grid_path.split('/').filter(Boolean).map(Number);
    const ancestors: { id: number; name: string; depth: number }[] = [];
    for (const [depth, id] of ancestorIds.entries()) {
      const g = await this.deps.people.grid(db, id);
      if (g) ancestors.push({ id, name: g.name, depth });
    }
    const duplicate = row.duplicate_number ? { number: row.duplicate_number } : undefined;
    const parties =
      openParties ??
      (row.parties_enc
        ? (JSON.parse(this.deps.personal.open(row.parties_enc)!) as {
            role: string;
            name: string;
            phone: string | null;
          }[])
        : []);
    const summary = toSummary(row);
    const pending = requests.find((r) => r.state === 'pending');
    // The record the workflow's relations and guards read, from the page's own columns.
    const record = {
      ...row,
      pending: pending ? { id: pending.id, requestedBy: pending.requested_by } : null,
      assists: (row.assists_json ?? []).map((a) => ({ departmentId: a.department_id, state: a.state })),
    } as unknown as CaseRecord;
    const clock = row.stage ? { stage: row.stage, parked_at: row.parked_at } : null;
    const allowed = this.deps.workflow.allowed(principal, record, ctx, clock);
    const photoIdsByEvent = new Map<number, number[]>();
    for (const p of photos) {
      if (p.event_id !== null)
        photoIdsByEvent.set(p.event_id, [...(photoIdsByEvent.get(p.event_id) ?? []), p.id]);
    }
    const timeline: CaseEvent[] = events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      action: e.action,
      actionName: CASE_ACTIONS[e.action as keyof typeof CASE_ACTIONS]?.zh ?? e.action,
      fromState: e.from_state,
      toState: e.to_state,
      actorName: e.actor_name,
      departmentName: e.department_name,
      note: e.note,
      data: e.data ?? null,
      photoIds: photoIdsByEvent.get(e.id) ?? [],
    }));
    const toRequest = (r: (typeof requests)[number]): CaseRequest => ({
      id: r.id,
      kind: r.kind,
      reason: r.reason,
      extraMinutes: r.extra_minutes,
      state: r.state,
      requestedBy: r.requested_by_name,
      requestedAt: r.requested_at.toISOString(),
      decidedBy: r.decided_by_name,
      decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
      decisionNote: r.decision_note,
    });
    return {
      ...summary,
      description: row.description,
      parties: parties.map((p) => ({
        role: p.role,
        name: p.name,
        phoneMasked: p.phone ? MOBILE.mask(p.phone) : null,
      })),
      reporterName: row.reporter_name,
      reporterPhoneMasked: this.deps.personal.masked(MOBILE, row.reporter_phone_enc),
      gridPath: ancestors.map((a) => ({ id: a.id, name: a.name })),
      photos: photos.map((p) => ({
        id: p.id,
        kind: p.kind ?? 'report',
        type: p.mime,
        url: `/api/cases/${caseId}/photos/${p.id}`,
      })),
      timeline,
      requests: requests.map(toRequest),
      stageStartedAt: row.stage_started_at ? row.stage_started_at.toISOString() : null,
      visitSatisfied: row.visit_satisfied,
      reworkCount: row.rework_count,
      duplicateOf: duplicate?.number ?? null,
      allowedActions: allowed,
      ...toSupervision(row),
    };
  }

  /** One photo of a case the principal may see. */
  async photo(
    principal: Principal,
    caseId: number,
    photoId: number,
  ): Promise<{ file: string; type: string }> {
    await this.assertVisible(this.db, principal, caseId);
    return this.deps.attachments.file(CASE, caseId, photoId);
  }

  /** Full contacts of the parties and the reporter; audited. */
  async revealContacts(
    principal: Principal,
    actor: Actor,
    caseId: number,
    reason?: string,
  ): Promise<{
    reporterPhone: string | null;
    parties: { role: string; name: string; phone: string | null }[];
  }> {
    return this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, caseId);
      const row = await trx
        .selectFrom('cases')
        .select(['parties_enc', 'reporter_phone_enc'])
        .where('id', '=', caseId)
        .executeTakeFirstOrThrow();
      const { personal } = this.deps;
      return personal.reveal(
        trx,
        actor,
        { type: 'case', id: caseId },
        { fields: ['parties', 'reporterPhone'] },
        reason,
        () => ({
          reporterPhone: personal.open(row.reporter_phone_enc),
          parties: JSON.parse(personal.open(row.parties_enc) ?? '[]'),
        }),
      );
    });
  }

  /** Open cases of the same category near a point, reported recently: possible duplicates. */
  async duplicates(
    principal: Principal | null,
    q: {
      categoryId: number;
      lng: number;
      lat: number;
      crs?: Crs | undefined;
      excludeId?: number | undefined;
    },
  ): Promise<
    { id: number; number: string; title: string; state: CaseState; reportedAt: string; distanceM: number }[]
  > {
    const settings = await this.deps.config.settings();
    if (settings.duplicateRadiusM === 0 || settings.duplicateHours === 0) return [];
    const [lng, lat] = toWgs84(q.lng, q.lat, q.crs ?? 'wgs84');
    const dLat = settings.duplicateRadiusM / 111_320;
    const dLng = settings.duplicateRadiusM / (111_320 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    const departments = principal?.permissions.has('case.handle')
      ? await this.departmentsOf(this.db, principal)
      : [];
    const rows = await this.db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .select(['c.id', 'c.number', 'c.title', 'c.state', 'c.reported_at', 'c.lng', 'c.lat'])
      .where('c.category_id', '=', q.categoryId)
      .where('c.closed_at', 'is', null)
      .where('c.reported_at', '>', new Date(Date.now() - settings.duplicateHours * 3600_000))
      .where('c.lng', '>=', lng - dLng)
      .where('c.lng', '<=', lng + dLng)
      .where('c.lat', '>=', lat - dLat)
      .where('c.lat', '<=', lat + dLat)
      .$if(q.excludeId !== undefined, (qb) => qb.where('c.id', '!=', q.excludeId!))
      .$if(principal !== null, (qb) => qb.where(this.visibility(principal!, departments)))
      .limit(200)
      .execute();
    return rows
      .map((r) => ({
        id: r.id,
        number: r.number,
        title: r.title,
        state: r.state as CaseState,
        reportedAt: r.reported_at.toISOString(),
        distanceM: Math.round(haversineM(lng, lat, r.lng!, r.lat!)),
      }))
      .filter((r) => r.distanceM <= settings.duplicateRadiusM)
      .sort((a, b) => a.distanceM - b.distanceM)
      .slice(0, 10);
  }
}
