import { randomInt } from 'node:crypto';
import ExcelJS from 'exceljs';
import {
  PUBLIC_CASE_ACTIONS,
  CASE_ACTIONS,
  CASE_CHANNELS,
  CASE_NATURES,
  HANDLING_TYPES,
  URGENCIES,
  CASE_PHOTO_MAX,
  CASE_PHOTO_MAX_BYTES,
  CASE_STAGES,
  CASE_STATES,
  type CaseCounts,
  type CaseDetail,
  type CaseEvent,
  type CaseListQuery,
  type CaseRequest,
  type CaseStage,
  type CaseState,
  type CaseSummary,
  type PageResult,
  type PublicCaseStatus,
  type RequestKind,
  type Urgency,
} from '@wangge/shared';
import {
  sql,
  type ExpressionBuilder,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type Updateable,
} from 'kysely';
import { appendAudit, auditRows, type Actor } from '../../core/audit/audit.service.ts';
import type { Principal } from '../../core/access/principal.ts';
import { inScope, pathInScope } from '../../core/access/scope.ts';
import type { CalendarService } from '../../core/calendar/calendar.service.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { toWgs84, type Crs, type LocatorService } from '../grid/locator.service.ts';
import { Attachments } from '../../core/files/attachments.ts';
import { entryRow, writeEntry } from '../../core/workflow/timeline.ts';
import type { NotifyRecipient, NotifyService } from '../../core/notify/notify.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { dueAt, nextAlert, thresholds, type Clock } from './case.clock.ts';
import { insertJsonRows } from '../../core/db/json-rows.ts';
import { ZoneClock } from '../../core/calendar/time-zone.ts';
import { IntakeQueue } from './intake.queue.ts';
import {
  initialState,
  isClosed,
  nextState,
  stageOf,
  type Switches,
  type Transition,
} from './case.machine.ts';
import type { CasesTable } from './case.table.ts';
import { escapeLike } from '../../core/db/like.ts';
import { paginate } from '../../core/http/paginate.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { MOBILE } from '../../core/pii/kinds.ts';

export interface CaseDeps {
  db: Kysely<DB>;
  personal: PersonalData;
  calendar: CalendarService;
  notify: NotifyService;
  locator: LocatorService;
  config: CaseConfigService;
  timeZone: string;
  photoDir: string;
  /**
   * Intake batches written at the same time: each holds a connection while it writes. 1 on the
   * embedded database (one connection), 2 by default, leaving the rest of the pool to reads.
   */
  intakeConcurrency?: number;
}

/** A report as the three doors (desk/phone, public page, open API) hand it in. */
export interface Intake {
  categoryId: number;
  nature: string;
  handlingType: string;
  urgency?: Urgency | undefined;
  title?: string | null | undefined;
  description: string;
  parties?: { role: 'A' | 'B'; name: string; phone?: string | null | undefined }[] | undefined;
  address?: string | null | undefined;
  location?: { lng: number; lat: number; crs?: Crs | undefined } | null | undefined;
  gridId?: number | null | undefined;
  photoTokens?: string[] | undefined;
  channel: string;
  reporterKind: 'public' | 'staff' | 'api';
  reporterName?: string | null | undefined;
  reporterPhone?: string | null | undefined;
  /** The request field the reporter's phone came in (for the error), `reporter/phone` by default. */
  reporterPhoneField?: string | undefined;
  apiKeyId?: number | null | undefined;
  onSpot?: { note: string } | null | undefined;
}

export interface IntakeResult {
  id: number;
  number: string;
  state: CaseState;
  departmentId: number | null;
  accessCode: string | null;
  dueAt: Date | null;
}

type CaseRow = Selectable<CasesTable>;

/** Rows as json_build_object returns them: timestamps as ISO strings. */
interface EventJson {
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
interface PhotoJson {
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

type DetailRow = Awaited<ReturnType<CaseService['detailRow']>>;

/** The subject kind of cases in the kernel's timeline, attachments and clocks. */
export const CASE = 'case';

const ACCESS_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
const CACHE_MS = 5000;
const EXPORT_MAX = 20_000;

interface PlannedEvent {
  action: keyof typeof CASE_ACTIONS;
  from?: string | null;
  to?: string | null;
  departmentId?: number | null;
  note?: string | null;
  data?: unknown;
}

/** A report decided and ready to write: everything but its id and number. */
export interface PlannedIntake {
  row: Omit<Insertable<CasesTable>, 'number'>;
  now: Date;
  /** For the audit entry (the account name). */
  actor: Actor;
  /** For the timeline (the display name). */
  who: Actor;
  events: PlannedEvent[];
  photoTokens: string[] | undefined;
  notices: { template: string; to: NotifyRecipient[] }[];
  noticeData: Record<string, string>;
  audit: {
    state: CaseState;
    categoryId: number;
    gridId: number;
    departmentId: number | null;
    channel: string;
  };
  accessCode: string | null;
  gridPath: string;
}

/** A written intake: what the caller gets, and the row a read back would return. */
export interface IntakeWritten {
  result: IntakeResult;
  row: DetailRow;
}

/** Statements as the CTEs `<prefix>0`, `<prefix>1`, … of one statement. */
function named(prefix: string, statements: readonly RawBuilder<unknown>[]): RawBuilder<unknown>[] {
  return statements.map((q, i) => sql`${sql.raw(`${prefix}${i}`)} as (${q})`);
}

/** YYYYMMDD of an instant in the deployment's time zone (case numbers). */
function ymdCompact(d: Date, timeZone: string): string {
  return ZoneClock.of(timeZone).date(d.getTime()).replaceAll('-', '');
}

/** `YYYY-MM-DD HH:mm` in the deployment's time zone ('' for none). */
export function fmtTime(d: Date | null, timeZone: string): string {
  return d ? ZoneClock.of(timeZone).minutes(d.getTime()) : '';
}

function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 6371008.8 * 2 * Math.asin(Math.sqrt(a));
}

/**
 * Case ids and number-sequence values, taken from the sequences ahead of need, a block at a time,
 * so that writing a batch of reports costs one statement. Sequences are not transactional: a
 * report that fails has used its values anyway, and the values a server holds when it stops are
 * never used: numbers have gaps either way, and stay unique.
 */
class CaseKeys {
  private readonly keys: { id: number; n: number }[] = [];
  private refilling = false;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly block = 100,
  ) {}

  /** `count` fresh keys; reads the sequences through `db` (the caller's transaction) if short. */
  async take(db: Executor, count: number): Promise<{ id: number; n: number }[]> {
    while (this.keys.length < count) await this.fetch(db, count - this.keys.length + this.block);
    const taken = this.keys.splice(0, count);
    // Refill in the background before the next batch needs them.
    if (this.keys.length < this.block / 2 && !this.refilling) {
      this.refilling = true;
      void this.fetch(this.db, this.block)
        .catch(() => undefined) // the next take reads them itself
        .finally(() => (this.refilling = false));
    }
    return taken;
  }

  private async fetch(db: Executor, count: number): Promise<void> {
    const { rows } = await sql<{ id: number; n: number }>`
      select nextval(pg_get_serial_sequence('cases', 'id'))::bigint as id,
             nextval('case_number_seq')::bigint as n
        from generate_series(1, ${count}::int)`.execute(db);
    for (const r of rows) this.keys.push({ id: Number(r.id), n: Number(r.n) });
  }
}

/**
 * The case workflow: intake from every door, the state machine's transitions (each locking the
 * case, checking permission and scope, and writing timeline, audit and notifications in one
 * transaction), parking and deferral with approval, reading with scope, and photos.
 */
export class CaseService {
  private readonly db: Kysely<DB>;
  private readonly staffCache = new Map<number, { at: number; persons: number[] }>();
  private readonly gridCache = new Map<number, { at: number; path: string; name: string; active: boolean }>();

  private readonly intake: IntakeQueue<PlannedIntake, IntakeWritten>;
  private readonly keys: CaseKeys;
  private readonly attachments: Attachments;

  /** How the intake queue has grouped reports into transactions. */
  get intakeStats(): Readonly<{ batches: number; reports: number; largest: number }> {
    return this.intake.stats;
  }

  constructor(private readonly deps: CaseDeps) {
    this.db = deps.db;
    this.keys = new CaseKeys(deps.db);
    this.attachments = new Attachments(deps.db, deps.photoDir, {
      maxBytes: CASE_PHOTO_MAX_BYTES,
      maxCount: CASE_PHOTO_MAX,
    });
    this.intake = new IntakeQueue(
      deps.db,
      (trx, plans) => this.writeIntakes(trx, plans),
      deps.intakeConcurrency ?? 2,
    );
  }

  // ================================================================ helpers

  private async switches(db: Executor): Promise<Switches> {
    const s = await this.deps.config.settings(db);
    return { autoDispatch: s.autoDispatch, returnVisit: s.returnVisit, autoArchive: s.autoArchive };
  }

  private async grid(
    db: Executor,
    id: number,
  ): Promise<{ path: string; name: string; active: boolean } | null> {
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

  private async departmentName(db: Executor, id: number): Promise<string> {
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

  private async departmentStaff(db: Executor, departmentId: number): Promise<NotifyRecipient[]> {
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
  private async nearestUsers(db: Executor, permission: string, gridPath: string): Promise<NotifyRecipient[]> {
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

  private async notify(
    trx: Executor,
    template: string,
    row: Pick<
      CaseRow,
      'id' | 'number' | 'title' | 'category_id' | 'grid_id' | 'department_id' | 'state' | 'due_at' | 'stage'
    >,
    to: NotifyRecipient[],
    extra: Record<string, string | number | null> = {},
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
      link: `/cases/${row.id}`,
      data: {
        number: row.number,
        title: row.title,
        category,
        grid: grid?.name ?? '',
        department: department ?? '',
        state: CASE_STATES[row.state as CaseState]?.zh ?? row.state,
        dueAt: fmtTime(row.due_at, this.deps.timeZone),
        stage: row.stage ? CASE_STAGES[row.stage as CaseStage].zh : '',
        link: `/cases/${row.id}`,
        ...extra,
      },
    });
  }

  private writeEvent(
    trx: Executor,
    caseId: number,
    actor: Actor,
    e: {
      action: keyof typeof CASE_ACTIONS;
      from?: string | null;
      to?: string | null;
      departmentId?: number | null;
      note?: string | null;
      data?: unknown;
    },
  ): Promise<number> {
    return writeEntry(trx, CASE, caseId, actor, { ...e, unitId: e.departmentId ?? null });
  }

  /** The clock columns for a case entering `state` at `now` (a new clock when the stage starts). */
  private async clockColumns(
    db: Executor,
    c: { category_id: number; urgency: string; stage: string | null; stage_seq: number },
    state: CaseState,
    now: Date,
    restart = false,
  ): Promise<Partial<Updateable<CasesTable>>> {
    const stage = stageOf(state);
    if (stage === null) {
      return {
        stage: null,
        stage_started_at: null,
        limit_minutes: null,
        due_at: null,
        next_alert_at: null,
        next_alert: null,
      };
    }
    if (stage === c.stage && !restart) return {};
    const [limit, calendar, settings] = await Promise.all([
      this.deps.config.limitFor(c.category_id, c.urgency as Urgency, stage, db),
      this.deps.calendar.get(db),
      this.deps.config.settings(db),
    ]);
    const clock = { startedAt: now, limitMinutes: limit.minutes, natural: limit.natural };
    const next = nextAlert(thresholds(calendar, clock, settings), now);
    return {
      stage,
      stage_seq: c.stage_seq + 1,
      stage_started_at: now,
      limit_minutes: limit.minutes,
      limit_natural: limit.natural,
      due_at: dueAt(calendar, clock),
      next_alert_at: next?.at ?? null,
      next_alert: next?.kind ?? null,
    };
  }

  private normalisePhone(field: string, raw: string | null | undefined): string | null {
    return this.deps.personal.normalise(MOBILE, raw, field);
  }

  // ================================================================ photos

  /** Stores an uploaded photo (type checked by content) and returns the token a report or feedback claims it with. */
  uploadPhoto(actor: Actor, dataUrl: string): Promise<{ token: string; bytes: number; type: string }> {
    return this.attachments.upload(actor.id, dataUrl);
  }

  /** Attaches uploaded photos to a case step; every token must be unclaimed. */
  private claimPhotos(
    trx: Executor,
    tokens: readonly string[] | undefined,
    caseId: number,
    eventId: number,
    kind: string,
  ): Promise<{ id: number; mime: string }[]> {
    return this.attachments.claim(trx, tokens, { kind: CASE, id: caseId, entryId: eventId, label: kind });
  }

  async photo(
    principal: Principal,
    caseId: number,
    photoId: number,
  ): Promise<{ file: string; type: string }> {
    await this.assertVisible(this.db, principal, caseId);
    return this.attachments.file(CASE, caseId, photoId);
  }

  /** Unclaimed uploads older than a day are removed. */
  purgeStalePhotos(olderThanHours = 24): Promise<number> {
    return this.attachments.purgeStale(olderThanHours);
  }

  // ================================================================ intake

  /**
   * Takes a report in: validates, locates it to the deepest grid, applies the switches and the
   * dispatch rules, starts the clock, and writes case, timeline, photos, notifications and audit
   * in one transaction.
   */
  async report(principal: Principal | null, actor: Actor, input: Intake): Promise<IntakeResult> {
    return (await this.intakeOne(principal, actor, input)).result;
  }

  /** A staff report, answered with the new case as its reporter sees it (no read back needed). */
  async reportDetailed(principal: Principal, actor: Actor, input: Intake): Promise<CaseDetail> {
    const { result, row } = await this.intakeOne(principal, actor, input);
    const [switches, departments] = await Promise.all([
      this.switches(this.db),
      principal.permissions.has('case.handle')
        ? this.departmentsOf(this.db, principal.userId)
        : Promise.resolve([]),
    ]);
    return this.assemble(principal, result.id, row, switches, departments);
  }

  private async intakeOne(principal: Principal | null, actor: Actor, input: Intake): Promise<IntakeWritten> {
    const db = this.db;
    const chain = await this.deps.config.categoryChain(input.categoryId, db);
    const reporterPhone = this.normalisePhone(
      input.reporterPhoneField ?? 'reporter/phone',
      input.reporterPhone,
    );
    const parties = (input.parties ?? []).map((p, i) => ({
      role: p.role,
      name: p.name.trim(),
      phone: this.normalisePhone(`parties/${i}/phone`, p.phone),
    }));
    if (input.onSpot && (input.handlingType !== 'routine' || input.reporterKind !== 'staff')) {
      throw new AppError('VALIDATION_FAILED', '只有一般事项可由工作人员现场处置', { onSpot: '仅限一般事项' });
    }

    // Location: a picked point is converted to WGS84 and located in the case tree; a picked grid
    // must exist, be active, and (for staff) lie in the reporter's scope.
    let lng: number | null = null;
    let lat: number | null = null;
    let gridId = input.gridId ?? null;
    if (input.location) {
      [lng, lat] = toWgs84(input.location.lng, input.location.lat, input.location.crs ?? 'wgs84');
      if (gridId === null) {
        const rootId = await this.deps.config.caseRootId(db);
        gridId = rootId === null ? null : await this.deps.locator.locate(rootId, lng, lat);
        if (gridId === null) throw new AppError('NO_GRID_FOR_LOCATION');
      }
    }
    if (gridId === null) {
      if (input.reporterKind === 'staff') {
        throw new AppError('VALIDATION_FAILED', '请在地图上选择位置或选择网格', {
          location: '请选择位置或网格',
        });
      }
      // Public and API reports with an address only go to the whole territory; the dispatcher
      // places them.
      if (!input.address?.trim()) {
        throw new AppError('VALIDATION_FAILED', '请选择位置或填写地址', { location: '请选择位置或填写地址' });
      }
      gridId = await this.deps.config.caseRootId(db);
      if (gridId === null) throw new AppError('NO_GRID_FOR_LOCATION');
    }
    const grid = await this.grid(db, gridId);
    if (!grid || !grid.active)
      throw new AppError('VALIDATION_FAILED', undefined, { gridId: '网格不存在或已撤销' });
    if (principal && input.reporterKind === 'staff' && !pathInScope(grid.path, principal.scopePaths)) {
      throw new AppError('OUT_OF_SCOPE', '该位置不在您的管辖范围内');
    }

    const urgency: Urgency = input.handlingType === 'emergency' ? 'urgent' : (input.urgency ?? 'normal');
    // The first 20 characters (code points: never half an emoji).
    const title =
      input.title?.trim() ||
      `${chain[0]!.name}：${Array.from(input.description.trim()).slice(0, 20).join('')}`;
    const onSpot = Boolean(input.onSpot);
    const accessCode =
      input.reporterKind === 'staff'
        ? null
        : Array.from({ length: 6 }, () => ACCESS_ALPHABET[randomInt(ACCESS_ALPHABET.length)]).join('');

    // Everything the writes need is decided here, from cached configuration; the writes go
    // through the intake queue, which commits concurrent reports together (see IntakeQueue).
    const now = new Date();
    const switches = await this.switches(db);
    const rule = onSpot
      ? null
      : ((await this.deps.config.matchRules(input.categoryId, grid.path, db))[0] ?? null);
    const state = initialState(switches, { onSpot, ruleDepartment: rule?.departmentId ?? null });
    const departmentId = state === 'assigned' ? rule!.departmentId : null;
    const clock = await this.clockColumns(
      db,
      { category_id: input.categoryId, urgency, stage: null, stage_seq: 0 },
      state,
      now,
    );
    const closed = isClosed(state);
    const who = shown(principal, actor);
    const events: PlannedEvent[] = [
      {
        action: 'report',
        to: onSpot ? 'handled' : rule && state === 'assigned' ? 'pending_dispatch' : state,
        data: { channel: input.channel, reporterKind: input.reporterKind, gridId },
      },
    ];
    if (onSpot) {
      events.push({ action: 'on_spot', to: state, note: input.onSpot!.note });
      if (state === 'archived') events.push({ action: 'auto_archive', to: state });
    } else if (state === 'assigned') {
      events.push({
        action: 'auto_dispatch',
        from: 'pending_dispatch',
        to: 'assigned',
        departmentId,
        data: { ruleId: rule!.id },
      });
    }
    const notices: { template: string; to: NotifyRecipient[] }[] = [];
    if (state === 'assigned') {
      notices.push({ template: 'case.assigned', to: await this.departmentStaff(db, departmentId!) });
    }
    if (state === 'handled') {
      notices.push({ template: 'case.handled', to: await this.nearestUsers(db, 'case.visit', grid.path) });
    }
    if (urgency === 'urgent' && input.handlingType === 'emergency') {
      notices.push({
        template: 'case.emergency',
        to: await this.nearestUsers(db, 'case.dispatch', grid.path),
      });
    }
    const noticeData = {
      title,
      category: await this.deps.config.categoryName(input.categoryId, db),
      grid: grid.name,
      department: departmentId ? await this.departmentName(db, departmentId) : '',
      state: CASE_STATES[state]?.zh ?? state,
      dueAt: fmtTime(clock.due_at ?? null, this.deps.timeZone),
      stage: clock.stage ? CASE_STAGES[clock.stage as CaseStage].zh : '',
    };
    const row: Omit<Insertable<CasesTable>, 'number'> = {
      access_hash: accessCode ? this.deps.personal.index(`case-access:${accessCode}`) : null,
      category_id: input.categoryId,
      nature: input.nature,
      handling_type: input.handlingType,
      urgency,
      title,
      description: input.description.trim(),
      parties_enc: parties.length ? this.deps.personal.encrypt(JSON.stringify(parties)) : null,
      address: input.address?.trim() || null,
      lng,
      lat,
      crs_source: input.location ? (input.location.crs ?? 'wgs84') : null,
      grid_id: gridId,
      reporter_kind: input.reporterKind,
      reporter_user_id: input.reporterKind === 'staff' ? actor.id : null,
      reporter_name: input.reporterName?.trim() || (input.reporterKind === 'staff' ? who.name : null),
      reporter_phone_enc: reporterPhone ? this.deps.personal.encrypt(reporterPhone) : null,
      reporter_phone_hash: reporterPhone ? this.deps.personal.index(reporterPhone) : null,
      api_key_id: input.apiKeyId ?? null,
      channel: input.channel,
      state,
      department_id: departmentId,
      on_spot: onSpot,
      reported_at: now,
      handled_at: onSpot ? now : null,
      closed_at: closed ? now : null,
      updated_at: now,
      ...clock,
    };
    return this.intake.submit({
      row,
      now,
      actor,
      who,
      events,
      photoTokens: input.photoTokens,
      notices,
      noticeData,
      audit: { state, categoryId: input.categoryId, gridId, departmentId, channel: input.channel },
      accessCode,
      gridPath: grid.path,
    });
  }

  /**
   * Writes a batch of planned intakes in the caller's transaction: their ids and numbers from the
   * sequences in one query, then one multi-row insert each for the cases, the timeline entries,
   * the notifications and the audit entries. One case alone takes the same path.
   */
  async writeIntakes(db: Kysely<DB>, plans: readonly PlannedIntake[]): Promise<IntakeWritten[]> {
    // Photos are claimed with a check of their own: then the writes need a transaction around
    // them. Otherwise the one statement that writes everything is atomic by itself.
    if (plans.some((p) => p.photoTokens?.length)) {
      return db.transaction().execute((trx) => this.writeIntakesIn(trx, plans));
    }
    return this.writeIntakesIn(db, plans);
  }

  private async writeIntakesIn(db: Executor, plans: readonly PlannedIntake[]): Promise<IntakeWritten[]> {
    // Ids and numbers first: the notifications quote them.
    const keys = await this.keys.take(db, plans.length);
    const numbered = plans.map((plan, i) => {
      const { id, n } = keys[i]!;
      const number = `SJ${ymdCompact(plan.now, this.deps.timeZone)}${String(Number(n) % 1_000_000).padStart(6, '0')}`;
      return { plan, id: Number(id), number };
    });
    const { outbox, inbox } = await this.deps.notify.prepareMany(
      db,
      numbered.flatMap(({ plan, id, number }) =>
        plan.notices.map((n) => ({
          template: n.template,
          to: n.to,
          caseId: id,
          link: `/cases/${id}`,
          data: { number, ...plan.noticeData, link: `/cases/${id}` },
        })),
      ),
    );
    const eventRows = numbered.flatMap(({ plan, id }) =>
      plan.events.map((e) => entryRow(CASE, id, plan.who, { ...e, unitId: e.departmentId ?? null })),
    );
    // One statement: the cases, their timeline entries, notifications and audit entries, as
    // data-modifying CTEs (foreign keys are checked at the end of the statement), each table's
    // rows as one JSON parameter.
    const audit = auditRows(
      numbered.map(({ plan, id, number }) => ({
        actor: plan.actor,
        event: { action: 'case.report', targetType: 'case', targetId: id, after: { number, ...plan.audit } },
      })),
    );
    // (One after the other: the first use of a table reads its columns, on `db`.)
    const cases = await insertJsonRows(
      db,
      'cases',
      numbered.map(({ plan, id, number }) => ({ ...plan.row, id, number })),
    );
    const events = await insertJsonRows(db, 'timeline_entry', eventRows);
    const audits = await insertJsonRows(db, 'audit_log', audit);
    const outboxes = await insertJsonRows(db, 'outbox', outbox);
    const inboxes = await insertJsonRows(db, 'inbox_message', inbox);
    const parts = [
      ...named('c', cases),
      ...named(
        'e',
        events.map((q) => sql`${q} returning id, subject_id as case_id, action, at`),
      ),
      ...named('a', audits),
      ...named('o', outboxes),
      ...named('i', inboxes),
    ];
    const written = sql.join(
      events.map((_, i) => sql`select id, case_id, action, at from ${sql.raw(`e${i}`)}`),
      sql` union all `,
    );
    const inserted = (
      await sql<{ id: number; case_id: number; action: string; at: Date }>`
        with ${sql.join(parts)} ${written}`.execute(db)
    ).rows.map((r) => ({ ...r, id: Number(r.id), case_id: Number(r.case_id), at: new Date(r.at) }));
    const photosOf = new Map<number, PhotoJson[]>();
    for (const { plan, id } of numbered) {
      if (!plan.photoTokens?.length) continue;
      const reportEvent = inserted.find((e) => e.case_id === id && e.action === 'report')!;
      const claimed = await this.claimPhotos(db, plan.photoTokens, id, reportEvent.id, 'report');
      photosOf.set(
        id,
        claimed.map((p) => ({ id: p.id, kind: 'report', mime: p.mime, event_id: reportEvent.id })),
      );
    }
    // What a read back would return, from what was just written.
    return numbered.map(({ plan, id, number }) => {
      const r = plan.row;
      const dueAt = (r.due_at as Date | null | undefined) ?? null;
      const events: EventJson[] = plan.events.map((e) => {
        // Each action appears at most once in an intake's timeline.
        const written = inserted.find((w) => w.case_id === id && w.action === e.action)!;
        return {
          id: written.id,
          at: written.at.toISOString(),
          action: e.action,
          from_state: e.from ?? null,
          to_state: e.to ?? null,
          actor_name: plan.who.name,
          department_name: e.departmentId ? plan.noticeData.department || null : null,
          note: e.note ?? null,
          data: e.data ?? null,
        };
      });
      const row: DetailRow = {
        id,
        number,
        title: r.title,
        category_id: r.category_id,
        category_name: plan.noticeData.category ?? '',
        nature: r.nature,
        handling_type: r.handling_type,
        urgency: r.urgency,
        state: r.state,
        grid_id: r.grid_id,
        grid_name: plan.noticeData.grid ?? '',
        grid_path: plan.gridPath,
        department_id: r.department_id ?? null,
        department_name: plan.noticeData.department || null,
        address: r.address ?? null,
        lng: r.lng ?? null,
        lat: r.lat ?? null,
        reporter_kind: r.reporter_kind,
        channel: r.channel,
        reported_at: plan.now,
        updated_at: plan.now,
        stage: r.stage ?? null,
        due_at: dueAt,
        parked_at: null,
        deferred: false,
        round: 1,
        on_spot: r.on_spot ?? false,
        description: r.description,
        parties_enc: r.parties_enc ?? null,
        reporter_name: r.reporter_name ?? null,
        reporter_phone_enc: r.reporter_phone_enc ?? null,
        stage_started_at: (r.stage_started_at as Date | null | undefined) ?? null,
        visit_satisfied: null,
        rework_count: 0,
        duplicate_of: null,
        events_json: events,
        photos_json: photosOf.get(id) ?? null,
        requests_json: null,
        duplicate_number: null,
      };
      return {
        result: {
          id,
          number,
          state: plan.audit.state,
          departmentId: plan.audit.departmentId,
          accessCode: plan.accessCode,
          dueAt,
        },
        row,
      };
    });
  }

  // ================================================================ transitions

  private async lock(trx: Executor, caseId: number): Promise<CaseRow & { grid_path: string }> {
    const row = await trx
      .selectFrom('cases')
      .selectAll()
      .where('id', '=', caseId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '事件不存在');
    const grid = await trx
      .selectFrom('grid_node')
      .select('path')
      .where('id', '=', row.grid_id)
      .executeTakeFirstOrThrow();
    return { ...(row as CaseRow), grid_path: grid.path };
  }

  private requireScope(principal: Principal, gridPath: string): void {
    if (!pathInScope(gridPath, principal.scopePaths)) throw new AppError('OUT_OF_SCOPE');
  }

  private requirePermission(principal: Principal, permission: string): void {
    if (!principal.permissions.has(permission as never)) throw new AppError('FORBIDDEN');
  }

  private async requireDepartment(
    trx: Executor,
    principal: Principal,
    departmentId: number | null,
  ): Promise<void> {
    this.requirePermission(principal, 'case.handle');
    const mine = await this.departmentsOf(trx, principal.userId);
    if (departmentId === null || !mine.includes(departmentId)) throw new AppError('CASE_NOT_ASSIGNED_TO_YOU');
  }

  /**
   * One transition: lock, check the state machine, apply, restart the clock when the stage
   * changes, write the timeline entry, notifications and audit entry — all or nothing.
   */
  private async transition(
    principal: Principal,
    actor: Actor,
    caseId: number,
    transition: Transition,
    opts: {
      check: (trx: Executor, row: CaseRow & { grid_path: string }) => Promise<void> | void;
      set?: (row: CaseRow) => Partial<Updateable<CasesTable>>;
      note?: string | null;
      departmentId?: (row: CaseRow) => number | null;
      data?: unknown;
      photoTokens?: string[] | undefined;
      photoKind?: string;
      after?: (trx: Executor, row: CaseRow & { grid_path: string }) => Promise<void>;
    },
  ): Promise<CaseDetail> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, caseId);
      const switches = await this.switches(trx);
      const from = row.state as CaseState;
      const to = nextState(from, transition, switches);
      if (to === null) {
        throw new AppError(
          'CASE_STATE',
          `事件当前状态为“${CASE_STATES[from]?.zh ?? from}”，不能${transitionName(transition)}`,
        );
      }
      await opts.check(trx, row);
      const now = new Date();
      const extra = opts.set?.(row) ?? {};
      const restart = transition === 'visit_unsatisfied';
      const clock = await this.clockColumns(trx, row, to, now, restart);
      const update: Partial<Updateable<CasesTable>> = {
        state: to,
        updated_at: now,
        ...extra,
        ...clock,
        ...(isClosed(to) ? { closed_at: now, parked_at: null } : {}),
        ...(stageOf(to) === null ? { parked_at: null } : {}),
      };
      await trx.updateTable('cases').set(update).where('id', '=', caseId).execute();
      const departmentId = opts.departmentId
        ? opts.departmentId(row)
        : (update.department_id ?? row.department_id);
      const eventId = await this.writeEvent(trx, caseId, shown(principal, actor), {
        action: eventAction(transition),
        from,
        to,
        departmentId,
        note: opts.note ?? null,
        data: opts.data,
      });
      await this.claimPhotos(trx, opts.photoTokens, caseId, eventId, opts.photoKind ?? transition);
      if (to === 'archived' && transition !== 'archive') {
        await this.writeEvent(trx, caseId, shown(principal, actor), {
          action: 'auto_archive',
          to: 'archived',
        });
      }
      const updated = { ...row, ...update } as CaseRow & { grid_path: string };
      await this.afterTransition(trx, updated, to);
      await opts.after?.(trx, updated);
      await appendAudit(trx, actor, {
        action: `case.${transition}`,
        targetType: 'case',
        targetId: caseId,
        before: { state: from, departmentId: row.department_id },
        after: { state: to, departmentId: updated.department_id, note: opts.note ?? null },
      });
    });
    return this.get(principal, caseId, { justActed: true });
  }

  /** Who hears of the new state. */
  private async afterTransition(
    trx: Executor,
    row: CaseRow & { grid_path: string },
    to: CaseState,
  ): Promise<void> {
    switch (to) {
      case 'assigned':
      case 'rework':
        await this.notify(
          trx,
          to === 'assigned' ? 'case.assigned' : 'case.rework',
          row,
          await this.departmentStaff(trx, row.department_id!),
        );
        break;
      case 'rejected':
        await this.notify(
          trx,
          'case.rejected',
          row,
          await this.nearestUsers(trx, 'case.dispatch', row.grid_path),
        );
        break;
      case 'handled':
        await this.notify(
          trx,
          'case.handled',
          row,
          await this.nearestUsers(trx, 'case.visit', row.grid_path),
        );
        break;
      case 'archived':
        if (row.reporter_kind !== 'staff' && row.reporter_phone_enc) {
          await this.notify(trx, 'case.reporter.update', row, [
            { phone: this.deps.personal.open(row.reporter_phone_enc)!, name: row.reporter_name ?? '' },
          ]);
        }
        break;
      default:
        break;
    }
  }

  async dispatch(principal: Principal, actor: Actor, caseId: number, departmentId: number, note?: string) {
    return this.transition(principal, actor, caseId, 'dispatch', {
      note: note ?? null,
      check: async (trx, row) => {
        this.requirePermission(principal, 'case.dispatch');
        this.requireScope(principal, row.grid_path);
        const dep = await trx
          .selectFrom('department')
          .select(['id', 'closed_at'])
          .where('id', '=', departmentId)
          .executeTakeFirst();
        if (!dep || dep.closed_at)
          throw new AppError('VALIDATION_FAILED', undefined, { departmentId: '部门不存在或已撤销' });
      },
      set: () => ({ department_id: departmentId }),
      departmentId: () => departmentId,
    });
  }

  async accept(principal: Principal, actor: Actor, caseId: number, note?: string) {
    return this.transition(principal, actor, caseId, 'accept', {
      note: note ?? null,
      check: (trx, row) => this.requireDepartment(trx, principal, row.department_id),
      set: () => ({ accepted_at: new Date() }),
    });
  }

  async reject(principal: Principal, actor: Actor, caseId: number, reason: string) {
    return this.transition(principal, actor, caseId, 'reject', {
      note: reason,
      check: (trx, row) => this.requireDepartment(trx, principal, row.department_id),
      // The rejecting department is kept on the timeline entry; the case goes back unassigned.
      departmentId: (row) => row.department_id,
      set: () => ({ department_id: null }),
    });
  }

  async feedback(principal: Principal, actor: Actor, caseId: number, note: string, photoTokens?: string[]) {
    return this.transition(principal, actor, caseId, 'feedback', {
      note,
      photoTokens,
      photoKind: 'feedback',
      check: (trx, row) => this.requireDepartment(trx, principal, row.department_id),
      set: () => ({ handled_at: new Date() }),
    });
  }

  async visit(
    principal: Principal,
    actor: Actor,
    caseId: number,
    body: {
      satisfied: boolean;
      note: string;
      method?: string | undefined;
      photoTokens?: string[] | undefined;
    },
  ) {
    return this.transition(
      principal,
      actor,
      caseId,
      body.satisfied ? 'visit_satisfied' : 'visit_unsatisfied',
      {
        note: body.note,
        photoTokens: body.photoTokens,
        photoKind: 'visit',
        data: { satisfied: body.satisfied, method: body.method ?? 'phone' },
        check: (_trx, row) => {
          this.requirePermission(principal, 'case.visit');
          this.requireScope(principal, row.grid_path);
          if (!body.satisfied && row.on_spot && row.department_id === null) {
            throw new AppError('CASE_STATE', '现场处置的事件回访不满意时，请先分派给部门', {
              satisfied: '请分派',
            });
          }
        },
        set: (row) =>
          body.satisfied
            ? { visit_satisfied: true }
            : { visit_satisfied: false, round: row.round + 1, rework_count: row.rework_count + 1 },
      },
    );
  }

  async archive(principal: Principal, actor: Actor, caseId: number, note?: string) {
    return this.transition(principal, actor, caseId, 'archive', {
      note: note ?? null,
      check: (_trx, row) => {
        this.requirePermission(principal, 'case.archive');
        this.requireScope(principal, row.grid_path);
      },
    });
  }

  async void(principal: Principal, actor: Actor, caseId: number, reason: string, duplicateOf?: string) {
    let duplicateId: number | null = null;
    return this.transition(principal, actor, caseId, 'void', {
      note: reason,
      check: async (trx, row) => {
        this.requirePermission(principal, 'case.dispatch');
        this.requireScope(principal, row.grid_path);
        if (duplicateOf) {
          const dup = await trx
            .selectFrom('cases')
            .select('id')
            .where('number', '=', duplicateOf)
            .executeTakeFirst();
          if (!dup || dup.id === row.id)
            throw new AppError('VALIDATION_FAILED', undefined, { duplicateOf: '重复的事件编号不存在' });
          duplicateId = dup.id;
        }
      },
      set: () => ({ duplicate_of: duplicateId }),
      data: duplicateOf ? { duplicateOf } : undefined,
    });
  }

  async comment(principal: Principal, actor: Actor, caseId: number, note: string): Promise<CaseDetail> {
    await this.db.transaction().execute(async (trx) => {
      await this.assertVisible(trx, principal, caseId);
      await this.writeEvent(trx, caseId, shown(principal, actor), { action: 'comment', note });
      await appendAudit(trx, actor, { action: 'case.comment', targetType: 'case', targetId: caseId });
    });
    return this.get(principal, caseId);
  }

  // ================================================================ parking and deferral

  /** Asks for parking (挂账: the clock stops), unparking, or a deferral (缓办: more time). */
  async request(
    principal: Principal,
    actor: Actor,
    caseId: number,
    body: { kind: RequestKind; reason: string; extraMinutes?: number | undefined },
  ): Promise<CaseDetail> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, caseId);
      await this.assertMayRequest(trx, principal, row);
      if (!row.stage) throw new AppError('CASE_STATE', '只有在办（计时中）的事件可以申请挂账或缓办');
      if (body.kind === 'park' && row.parked_at) throw new AppError('CASE_STATE', '事件已挂账');
      if (body.kind === 'unpark' && !row.parked_at) throw new AppError('CASE_STATE', '事件未挂账');
      if (body.kind === 'defer' && !body.extraMinutes) {
        throw new AppError('VALIDATION_FAILED', undefined, { extraMinutes: '请填写延长的工作时间（分钟）' });
      }
      const pending = await trx
        .selectFrom('case_request')
        .select('id')
        .where('case_id', '=', caseId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (pending) throw new AppError('CONFLICT', '该事件已有待审批的申请');
      const req = await trx
        .insertInto('case_request')
        .values({
          case_id: caseId,
          kind: body.kind,
          reason: body.reason,
          extra_minutes: body.kind === 'defer' ? (body.extraMinutes ?? null) : null,
          requested_by: actor.id,
          requested_by_name: actor.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await this.writeEvent(trx, caseId, shown(principal, actor), {
        action: 'request',
        note: body.reason,
        data: { requestId: req.id, kind: body.kind, extraMinutes: body.extraMinutes ?? null },
      });
      await this.notify(
        trx,
        'case.request',
        row,
        await this.nearestUsers(trx, 'case.approve', row.grid_path),
        {
          reason: body.reason,
        },
      );
      await appendAudit(trx, actor, {
        action: 'case.request',
        targetType: 'case',
        targetId: caseId,
        after: {
          requestId: req.id,
          kind: body.kind,
          reason: body.reason,
          extraMinutes: body.extraMinutes ?? null,
        },
      });
    });
    return this.get(principal, caseId);
  }

  private async assertMayRequest(trx: Executor, principal: Principal, row: CaseRow & { grid_path: string }) {
    const mine = principal.permissions.has('case.handle')
      ? (await this.departmentsOf(trx, principal.userId)).includes(row.department_id ?? -1)
      : false;
    const dispatcher =
      principal.permissions.has('case.dispatch') && pathInScope(row.grid_path, principal.scopePaths);
    if (!mine && !dispatcher) throw new AppError('FORBIDDEN', '只有承办部门或分发人员可以申请');
  }

  async decide(
    principal: Principal,
    actor: Actor,
    caseId: number,
    requestId: number,
    approve: boolean,
    note?: string,
  ): Promise<CaseDetail> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.lock(trx, caseId);
      this.requirePermission(principal, 'case.approve');
      this.requireScope(principal, row.grid_path);
      const req = await trx
        .selectFrom('case_request')
        .selectAll()
        .where('id', '=', requestId)
        .where('case_id', '=', caseId)
        .forUpdate()
        .executeTakeFirst();
      if (!req) throw new AppError('NOT_FOUND', '申请不存在');
      if (req.state !== 'pending') throw new AppError('CASE_STATE', '该申请已审批');
      if (req.requested_by === actor.id) throw new AppError('FORBIDDEN', '不能审批自己提出的申请');
      const now = new Date();
      await trx
        .updateTable('case_request')
        .set({
          state: approve ? 'approved' : 'denied',
          decided_by: actor.id,
          decided_by_name: actor.name,
          decided_at: now,
          decision_note: note ?? null,
        })
        .where('id', '=', requestId)
        .execute();
      let update: Partial<Updateable<CasesTable>> = {};
      if (approve && row.stage) {
        update = await this.applyRequest(trx, row, req.kind, req.extra_minutes, now);
        if (Object.keys(update).length)
          await trx.updateTable('cases').set(update).where('id', '=', caseId).execute();
      }
      await this.writeEvent(trx, caseId, shown(principal, actor), {
        action: approve
          ? req.kind === 'park'
            ? 'park'
            : req.kind === 'unpark'
              ? 'unpark'
              : 'defer'
          : 'deny',
        note: note ?? null,
        data: { requestId, kind: req.kind, extraMinutes: req.extra_minutes },
      });
      if (req.requested_by) {
        await this.notify(
          trx,
          'case.request.decided',
          { ...row, ...update } as CaseRow,
          [{ userId: req.requested_by }],
          {
            reason: `${approve ? '已批准' : '未批准'}${note ? `：${note}` : ''}`,
          },
        );
      }
      await appendAudit(trx, actor, {
        action: approve ? 'case.request.approve' : 'case.request.deny',
        targetType: 'case',
        targetId: caseId,
        after: { requestId, kind: req.kind, note: note ?? null },
      });
    });
    return this.get(principal, caseId);
  }

  private async applyRequest(
    trx: Executor,
    row: CaseRow,
    kind: RequestKind,
    extraMinutes: number | null,
    now: Date,
  ): Promise<Partial<Updateable<CasesTable>>> {
    const calendar = await this.deps.calendar.get(trx);
    const settings = await this.deps.config.settings(trx);
    if (kind === 'park') {
      // The clock stops: no reminders while parked.
      return { parked_at: now, next_alert_at: null, next_alert: null, updated_at: now };
    }
    let limit = row.limit_minutes ?? 0;
    if (kind === 'unpark' && row.parked_at) {
      // Time spent parked does not count: the limit grows by it.
      const parked = row.limit_natural
        ? (now.getTime() - row.parked_at.getTime()) / 60000
        : calendar.workingMinutesBetween(row.parked_at, now);
      limit += Math.ceil(parked);
    }
    if (kind === 'defer') limit += extraMinutes ?? 0;
    const clock = { startedAt: row.stage_started_at!, limitMinutes: limit, natural: row.limit_natural };
    const next = nextAlert(thresholds(calendar, clock, settings), now);
    return {
      limit_minutes: limit,
      due_at: dueAt(calendar, clock),
      // A new deadline is a new clock for reminders: its thresholds may fire again.
      stage_seq: row.stage_seq + 1,
      next_alert_at: kind === 'defer' && row.parked_at ? null : (next?.at ?? null),
      next_alert: kind === 'defer' && row.parked_at ? null : (next?.kind ?? null),
      ...(kind === 'unpark' ? { parked_at: null } : {}),
      ...(kind === 'defer' ? { deferred: true } : {}),
      updated_at: now,
    };
  }

  /** The running clocks `retimeClocks` goes through (natural-time ones only with `natural`). */
  private runningClocks(db: Executor, natural = false) {
    return db
      .selectFrom('cases')
      .where('stage', 'is not', null)
      .$if(!natural, (qb) => qb.where('limit_natural', '=', false))
      .where('parked_at', 'is', null);
  }

  async countRunningClocks(db: Executor, opts: { natural?: boolean } = {}): Promise<number> {
    const row = await this.runningClocks(db, opts.natural)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * After a calendar change: the deadline and next reminder of every running working-time clock,
   * recomputed on the new calendar (natural-time clocks only with `natural`; parked clocks stay
   * stopped). The next reminder is the first threshold not yet sent for the clock; if it has
   * already passed, the next sweep sends it.
   *
   * In batches of `batchSize` by id, each written by one statement of its own: a clock that
   * changed after its batch was read (a transition, a deferral, a parking; or another re-timing)
   * is left as that change left it. `onBatch` hears how many clocks each batch went through, and
   * `stop` ends the pass between batches. Returns how many clocks were re-timed.
   */
  async retimeClocks(
    db: Executor,
    calendar: Clock,
    opts: {
      natural?: boolean;
      batchSize?: number;
      onBatch?: (clocks: number) => Promise<void> | void;
      /** Hears each batch's ids between reading and writing them (tests interleave a change). */
      afterRead?: (ids: number[]) => Promise<void>;
      stop?: () => boolean;
    } = {},
  ): Promise<number> {
    const settings = await this.deps.config.settings(db);
    let after = 0;
    let total = 0;
    while (!opts.stop?.()) {
      const rows = await this.runningClocks(db, opts.natural)
        .select(['id', 'stage_seq', 'stage_started_at', 'limit_minutes', 'limit_natural'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(opts.batchSize ?? 2000)
        .execute();
      if (!rows.length) break;
      after = rows[rows.length - 1]!.id;
      const sent = await db
        .selectFrom('case_reminder')
        .select(['case_id', 'stage_seq', 'threshold'])
        .where(
          'case_id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      const sentKeys = new Set(sent.map((r) => `${r.case_id}:${r.stage_seq}:${r.threshold}`));
      const plans = rows
        .filter((r) => r.stage_started_at && r.limit_minutes !== null)
        .map((r) => {
          const clock = {
            startedAt: r.stage_started_at!,
            limitMinutes: r.limit_minutes!,
            natural: r.limit_natural,
          };
          const next = thresholds(calendar, clock, settings).find(
            (t) => !sentKeys.has(`${r.id}:${r.stage_seq}:${t.kind}`),
          );
          return { row: r, due: dueAt(calendar, clock), next: next ?? null };
        });
      await opts.afterRead?.(rows.map((r) => r.id));
      let retimed = 0;
      if (plans.length) {
        // Only clocks still as they were read: same stage round, start and limit, not parked.
        const result = await sql`update cases set due_at = v.due, next_alert_at = v.at, next_alert = v.kind
          from (select unnest(${sql.val(plans.map((p) => p.row.id))}::bigint[]) as id,
                       unnest(${sql.val(plans.map((p) => p.row.stage_seq))}::integer[]) as seq,
                       unnest(${sql.val(plans.map((p) => p.row.stage_started_at!.toISOString()))}::timestamptz[]) as started,
                       unnest(${sql.val(plans.map((p) => p.row.limit_minutes))}::integer[]) as limit_minutes,
                       unnest(${sql.val(plans.map((p) => p.due.toISOString()))}::timestamptz[]) as due,
                       unnest(${sql.val(plans.map((p) => (p.next ? p.next.at.toISOString() : null)))}::timestamptz[]) as at,
                       unnest(${sql.val(plans.map((p) => p.next?.kind ?? null))}::text[]) as kind) v
          where cases.id = v.id and cases.stage_seq = v.seq and cases.stage_started_at = v.started
            and cases.limit_minutes = v.limit_minutes and cases.stage is not null and cases.parked_at is null`.execute(
          db,
        );
        retimed = Number(result.numAffectedRows ?? 0);
      }
      total += retimed;
      await opts.onBatch?.(rows.length);
    }
    return total;
  }

  // ================================================================ reading

  private visibility(principal: Principal, departments: number[]) {
    const canRead = principal.permissions.has('case.read');
    const canHandle = principal.permissions.has('case.handle');
    return (eb: ExpressionBuilder<DB & { c: DB['cases']; g: DB['grid_node'] }, 'c' | 'g'>) =>
      eb.or([
        canRead ? inScope(eb.ref('g.path'), principal.scopePaths) : sql<boolean>`false`,
        canHandle && departments.length ? eb('c.department_id', 'in', departments) : sql<boolean>`false`,
        eb('c.reporter_user_id', '=', principal.userId),
      ]);
  }

  async assertVisible(db: Executor, principal: Principal, caseId: number): Promise<void> {
    const departments = principal.permissions.has('case.handle')
      ? await this.departmentsOf(db, principal.userId)
      : [];
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

  private summaryQuery(db: Executor) {
    return db
      .selectFrom('cases as c')
      .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .leftJoin('department as d', 'd.id', 'c.department_id');
  }

  private static summaryColumns = [
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
    'c.stage',
    'c.due_at',
    'c.parked_at',
    'c.deferred',
    'c.round',
    'c.on_spot',
  ] as const;

  private toSummary(r: {
    id: number;
    number: string;
    title: string;
    category_id: number;
    category_name: string;
    nature: string;
    handling_type: string;
    urgency: string;
    state: string;
    grid_id: number;
    grid_name: string;
    department_id: number | null;
    department_name: string | null;
    address: string | null;
    lng: number | null;
    lat: number | null;
    reporter_kind: string;
    channel: string;
    reported_at: Date;
    updated_at: Date;
    stage: string | null;
    due_at: Date | null;
    parked_at: Date | null;
    deferred: boolean;
    round: number;
    on_spot: boolean;
  }): CaseSummary {
    const now = Date.now();
    return {
      id: r.id,
      number: r.number,
      title: r.title,
      categoryId: r.category_id,
      categoryName: r.category_name,
      nature: r.nature as CaseSummary['nature'],
      handlingType: r.handling_type as CaseSummary['handlingType'],
      urgency: r.urgency as Urgency,
      state: r.state as CaseState,
      gridId: r.grid_id,
      gridName: r.grid_name,
      departmentId: r.department_id,
      departmentName: r.department_name,
      address: r.address,
      lng: r.lng,
      lat: r.lat,
      reporterKind: r.reporter_kind as CaseSummary['reporterKind'],
      channel: r.channel as CaseSummary['channel'],
      reportedAt: r.reported_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
      stage: r.stage as CaseStage | null,
      dueAt: r.due_at ? r.due_at.toISOString() : null,
      overdue: Boolean(r.due_at && !r.parked_at && r.due_at.getTime() < now),
      parked: r.parked_at !== null,
      deferred: r.deferred,
      round: r.round,
      onSpot: r.on_spot,
    };
  }

  /** The case ledger (事件台账) for the list's filters as an Excel workbook; audited. */
  async exportLedger(
    principal: Principal,
    actor: Actor,
    query: CaseListQuery,
  ): Promise<{ bytes: Buffer; count: number }> {
    const result = await this.list(principal, { ...query, page: 1 }, EXPORT_MAX);
    if (result.total > EXPORT_MAX) {
      throw new AppError(
        'VALIDATION_FAILED',
        `一次最多导出 ${EXPORT_MAX} 条，请缩小筛选范围（当前 ${result.total} 条）`,
        {
          _: '结果过多',
        },
      );
    }
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'Wangge 网格';
    workbook.created = new Date();
    const sheet = workbook.addWorksheet('事件台账', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = [
      { header: '事件编号', key: 'number', width: 18 },
      { header: '标题', key: 'title', width: 32 },
      { header: '分类', key: 'category', width: 12 },
      { header: '性质', key: 'nature', width: 8 },
      { header: '处置类型', key: 'handling', width: 16 },
      { header: '紧急程度', key: 'urgency', width: 8 },
      { header: '状态', key: 'state', width: 16 },
      { header: '所属网格', key: 'grid', width: 18 },
      { header: '承办部门', key: 'department', width: 20 },
      { header: '地址', key: 'address', width: 24 },
      { header: '上报渠道', key: 'channel', width: 12 },
      { header: '上报时间', key: 'reportedAt', width: 18 },
      { header: '当前环节', key: 'stage', width: 8 },
      { header: '办理期限', key: 'dueAt', width: 18 },
      { header: '是否超时', key: 'overdue', width: 8 },
      { header: '挂账', key: 'parked', width: 6 },
      { header: '缓办', key: 'deferred', width: 6 },
      { header: '办理轮次', key: 'round', width: 8 },
    ];
    sheet.getRow(1).font = { bold: true };
    const tz = this.deps.timeZone;
    for (const c of result.items) {
      sheet.addRow({
        number: c.number,
        title: c.title,
        category: c.categoryName,
        nature: CASE_NATURES[c.nature].zh,
        handling: HANDLING_TYPES[c.handlingType].zh,
        urgency: URGENCIES[c.urgency].zh,
        state: CASE_STATES[c.state].zh,
        grid: c.gridName,
        department: c.departmentName ?? '',
        address: c.address ?? '',
        channel: CASE_CHANNELS[c.channel]?.zh ?? c.channel,
        reportedAt: fmtTime(new Date(c.reportedAt), tz),
        stage: c.stage ? CASE_STAGES[c.stage].zh : '',
        dueAt: c.dueAt ? fmtTime(new Date(c.dueAt), tz) : '',
        overdue: c.overdue ? '是' : '',
        parked: c.parked ? '是' : '',
        deferred: c.deferred ? '是' : '',
        round: c.round,
      });
    }
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    await this.db.transaction().execute((trx) =>
      appendAudit(trx, actor, {
        action: 'case.export',
        targetType: 'case',
        after: { filters: { ...query, page: undefined, pageSize: undefined }, count: result.items.length },
      }),
    );
    return { bytes, count: result.items.length };
  }

  async list(principal: Principal, query: CaseListQuery, limit?: number): Promise<PageResult<CaseSummary>> {
    const departments = principal.permissions.has('case.handle')
      ? await this.departmentsOf(this.db, principal.userId)
      : [];
    const states = query.state ? query.state.split(',') : null;
    if (states?.some((s) => !(s in CASE_STATES))) {
      throw new AppError('VALIDATION_FAILED', undefined, { state: '状态取值无效' });
    }
    let gridPath: string | null = null;
    if (query.gridId) {
      const g = await this.grid(this.db, query.gridId);
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
    const base = this.summaryQuery(this.db)
      .where(this.visibility(principal, departments))
      .$if(states !== null, (q) => q.where('c.state', 'in', states!))
      .$if(categoryIds !== null, (q) => q.where('c.category_id', 'in', categoryIds!))
      .$if(gridPath !== null, (q) => q.where('g.path', 'like', `${gridPath!}%`))
      .$if(query.departmentId !== undefined, (q) => q.where('c.department_id', '=', query.departmentId!))
      .$if(Boolean(query.mine), (q) =>
        q.where('c.department_id', 'in', departments.length ? departments : [0]),
      )
      .$if(query.urgency !== undefined, (q) => q.where('c.urgency', '=', query.urgency!))
      .$if(query.parked !== undefined, (q) => q.where('c.parked_at', query.parked ? 'is not' : 'is', null))
      .$if(query.overdue !== undefined, (q) =>
        q
          .$if(query.overdue !== 'any', (q2) => q2.where('c.stage', '=', query.overdue!))
          .where('c.stage', 'is not', null)
          .where('c.due_at', '<', now)
          .where('c.parked_at', 'is', null),
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
        .select([...CaseService.summaryColumns])
        .$if(sort === 'reported', (q) => q.orderBy('c.reported_at', 'desc'))
        .$if(sort === 'updated', (q) => q.orderBy('c.updated_at', 'desc'))
        .$if(sort === 'due', (q) => q.orderBy(sql`c.due_at asc nulls last`))
        .orderBy('c.id', 'desc'),
      { page: query.page, pageSize: limit ?? query.pageSize },
      (rows) => rows.map((r) => this.toSummary(r)),
    );
  }

  /** Counts for the queues and the overdue lists, in the caller's visibility. */
  async counts(principal: Principal): Promise<CaseCounts> {
    const departments = principal.permissions.has('case.handle')
      ? await this.departmentsOf(this.db, principal.userId)
      : [];
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
        .select(['c.stage', (eb) => eb.fn.countAll<number>().as('n')])
        .where('c.stage', 'is not', null)
        .where('c.due_at', '<', now)
        .where('c.parked_at', 'is', null)
        .groupBy('c.stage')
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
    const [row, switches, departments] = await Promise.all([
      this.detailRow(db, caseId),
      this.switches(db),
      principal.permissions.has('case.handle')
        ? this.departmentsOf(db, principal.userId)
        : Promise.resolve([]),
    ]);
    return this.assemble(principal, caseId, row, switches, departments);
  }

  /** The row `get` assembles a case page from (internal; public for its type). */
  detailRow(db: Executor, caseId: number) {
    return this.summaryQuery(db)
      .select([
        ...CaseService.summaryColumns,
        'c.description',
        'c.parties_enc',
        'c.reporter_name',
        'c.reporter_phone_enc',
        'c.stage_started_at',
        'c.visit_satisfied',
        'c.rework_count',
        'c.duplicate_of',
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

  private async assemble(
    principal: Principal,
    caseId: number,
    row: DetailRow,
    switches: Switches,
    departments: number[],
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
      const g = await this.grid(db, id);
      if (g) ancestors.push({ id, name: g.name, depth });
    }
    const duplicate = row.duplicate_number ? { number: row.duplicate_number } : undefined;
    const parties = row.parties_enc
      ? (JSON.parse(this.deps.personal.open(row.parties_enc)!) as {
          role: string;
          name: string;
          phone: string | null;
        }[])
      : [];
    const summary = this.toSummary(row);
    const pendingRequest = requests.find((r) => r.state === 'pending');
    const inScopeNow = pathInScope(row.grid_path, principal.scopePaths);
    const mine = row.department_id !== null && departments.includes(row.department_id);
    const can = (p: string) => principal.permissions.has(p as never);
    const state = row.state as CaseState;
    const allowed: string[] = [];
    const legal = (t: Transition) => nextState(state, t, switches) !== null;
    if (can('case.dispatch') && inScopeNow && legal('dispatch')) allowed.push('dispatch', 'void');
    if (can('case.handle') && mine && legal('accept')) allowed.push('accept', 'reject');
    if (can('case.handle') && mine && legal('feedback')) allowed.push('feedback');
    if (can('case.visit') && inScopeNow && legal('visit_satisfied')) allowed.push('visit');
    if (can('case.archive') && inScopeNow && legal('archive')) allowed.push('archive');
    if (
      row.stage &&
      !pendingRequest &&
      ((can('case.handle') && mine) || (can('case.dispatch') && inScopeNow))
    ) {
      allowed.push('request');
    }
    if (
      pendingRequest &&
      can('case.approve') &&
      inScopeNow &&
      pendingRequest.requested_by !== principal.userId
    ) {
      allowed.push('decide');
    }
    allowed.push('comment');
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
    };
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
      ? await this.departmentsOf(this.db, principal.userId)
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

  // ================================================================ public side

  /** What a citizen sees of their own report, given its number and access code. */
  async publicStatus(number: string, code: string): Promise<PublicCaseStatus> {
    const row = await this.db
      .selectFrom('cases as c')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .select([
        'c.id',
        'c.number',
        'c.access_hash',
        'cc.name as category',
        'c.description',
        'c.address',
        'c.state',
        'c.closed_at',
        'c.reported_at',
        'c.updated_at',
      ])
      .where('c.number', '=', number)
      .executeTakeFirst();
    // Same answer for an unknown number and a wrong code: numbers cannot be probed.
    if (!row || !row.access_hash || row.access_hash !== this.deps.personal.index(`case-access:${code}`)) {
      throw new AppError('NOT_FOUND', '事件编号或查询码不正确');
    }
    const events = await this.db
      .selectFrom('timeline_entry')
      .select(['at', 'action'])
      .where('subject_kind', '=', CASE)
      .where('subject_id', '=', row.id)
      .where('action', 'in', [...PUBLIC_CASE_ACTIONS])
      .orderBy('id')
      .execute();
    return {
      number: row.number,
      category: row.category,
      description: row.description,
      address: row.address,
      state: row.state as CaseState,
      stateName: CASE_STATES[row.state as CaseState]?.zh ?? row.state,
      closed: row.closed_at !== null,
      reportedAt: row.reported_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      timeline: events.map((e) => ({
        at: e.at.toISOString(),
        action: e.action,
        actionName: publicActionName(e.action),
        note: null,
      })),
    };
  }
}

function transitionName(t: Transition): string {
  return {
    dispatch: '分派',
    accept: '接受',
    reject: '驳回',
    feedback: '反馈',
    visit_satisfied: '回访',
    visit_unsatisfied: '回访',
    archive: '归档',
    void: '作废',
  }[t];
}

/** Timelines name staff by their display name (the audit log keeps the account name). */
function shown(principal: Principal | null, actor: Actor): Actor {
  return principal && actor.id === principal.userId ? { ...actor, name: principal.displayName } : actor;
}

function eventAction(t: Transition): keyof typeof CASE_ACTIONS {
  return t === 'visit_satisfied' || t === 'visit_unsatisfied' ? 'visit' : t;
}

/** Words a citizen sees, without naming departments or staff. */
function publicActionName(action: string): string {
  return (
    {
      report: '已受理您的反映',
      dispatch: '已交办相关部门',
      auto_dispatch: '已交办相关部门',
      accept: '承办部门已接收',
      reject: '正在重新交办',
      feedback: '承办部门已处理',
      on_spot: '已现场处置',
      visit: '已回访',
      archive: '已办结',
      auto_archive: '已办结',
      void: '已作废（重复或无效反映）',
      park: '暂缓办理',
      unpark: '恢复办理',
      defer: '延期办理',
    }[action] ?? action
  );
}
