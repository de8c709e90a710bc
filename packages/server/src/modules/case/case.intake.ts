import { randomInt } from 'node:crypto';
import type { CASE_ACTIONS } from '@wangge/shared';
import { CASE_STAGES, CASE_STATES, type CaseDetail, type CaseState, type Urgency } from '@wangge/shared';
import { sql, type Insertable, type Kysely, type RawBuilder } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { pathInScope } from '../../core/access/scope.ts';
import { auditRows, type Actor } from '../../core/audit/audit.service.ts';
import { insertJsonRows } from '../../core/db/json-rows.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import type { Attachments } from '../../core/files/attachments.ts';
import type { Clocks } from '../../core/clock/clocks.ts';
import type { ClockTable } from '../../core/clock/clock.table.ts';
import { AppError } from '../../core/http/errors.ts';
import type { NotifyRecipient, NotifyService } from '../../core/notify/notify.service.ts';
import { MOBILE } from '../../core/pii/kinds.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { entryRow, type EntryActor } from '../../core/workflow/timeline.ts';
import { shown } from '../../core/workflow/workflow.ts';
import { toWgs84, type Crs, type LocatorService } from '../grid/locator.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { fmtTime, ymdCompact } from './case.format.ts';
import { CASE, initialState, isClosed, stageOf, switchesOf } from './case.machine.ts';
import type { CasePeople } from './case.people.ts';
import { UNSUPERVISED } from './case.supervision.read.ts';
import type { CaseReader, DetailRow, PhotoJson, EventJson } from './case.read.ts';
import type { CasesTable } from './case.table.ts';
import { IntakeQueue } from './intake.queue.ts';

const ACCESS_ALPHABET = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

export interface CaseIntakeDeps {
  db: Kysely<DB>;
  personal: PersonalData;
  notify: NotifyService;
  locator: LocatorService;
  config: CaseConfigService;
  people: CasePeople;
  clocks: Clocks;
  read: CaseReader;
  attachments: Attachments;
  timeZone: string;
  /**
   * Intake batches written at the same time: each holds a connection while it writes. 1 on the
   * embedded database (one connection), 2 by default, leaving the rest of the pool to reads.
   */
  intakeConcurrency?: number | undefined;
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
  /** The clock the new case's state runs (its subject id filled in at writing). */
  clock: Insertable<ClockTable> | null;
  now: Date;
  /** For the audit entry (the account name). */
  actor: Actor;
  /** For the timeline (the display name). */
  who: EntryActor;
  events: PlannedEvent[];
  photoTokens: string[] | undefined;
  /** The parties `row.parties_enc` seals, in the clear. */
  parties: IntakeWritten['parties'];
  /** `data`: values of this notice beyond the shared `noticeData`. */
  notices: { template: string; to: NotifyRecipient[]; data?: Record<string, string> }[];
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
  /** The parties `row.parties_enc` holds, in the clear (no need to open what was just sealed). */
  parties: { role: 'A' | 'B'; name: string; phone: string | null }[];
}

/** Statements as the CTEs `<prefix>0`, `<prefix>1`, … of one statement. */
function named(prefix: string, statements: readonly RawBuilder<unknown>[]): RawBuilder<unknown>[] {
  return statements.map((q, i) => sql`${sql.raw(`${prefix}${i}`)} as (${q})`);
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
 * Takes reports in from every door: validates, locates each to the deepest grid, applies the
 * switches and the dispatch rules, starts the clock, and writes case, timeline, photos,
 * notifications and audit; concurrent reports are written together (see IntakeQueue).
 */
export class CaseIntake {
  private readonly db: Kysely<DB>;
  private readonly queue: IntakeQueue<PlannedIntake, IntakeWritten>;
  private readonly keys: CaseKeys;

  /** How the intake queue has grouped reports into transactions. */
  get stats(): Readonly<{ batches: number; reports: number; largest: number }> {
    return this.queue.stats;
  }

  constructor(private readonly deps: CaseIntakeDeps) {
    this.db = deps.db;
    this.keys = new CaseKeys(deps.db);
    this.queue = new IntakeQueue(
      deps.db,
      (trx, plans) => this.writeIntakes(trx, plans),
      deps.intakeConcurrency ?? 2,
    );
  }

  private normalisePhone(field: string, raw: string | null | undefined): string | null {
    return this.deps.personal.normalise(MOBILE, raw, field);
  }

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
    const { result, row, parties } = await this.intakeOne(principal, actor, input);
    const ctx = await this.deps.read.context(this.db, principal);
    return this.deps.read.assemble(principal, result.id, row, ctx, parties);
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
    // must exist, be active, (for staff) lie in the reporter's scope, and hold the point if both.
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
    const grid = await this.deps.people.grid(db, gridId);
    if (!grid || !grid.active)
      throw new AppError('VALIDATION_FAILED', undefined, { gridId: '网格不存在或已撤销' });
    if (principal && input.reporterKind === 'staff' && !pathInScope(grid.path, principal.scopePaths)) {
      throw new AppError('OUT_OF_SCOPE', '该位置不在您的管辖范围内');
    }
    // A point and a grid both given must agree (a grid in scope cannot carry a point elsewhere).
    if (input.gridId != null && lng !== null && lat !== null) {
      if (!(await this.deps.locator.holds(grid.path, lng, lat)))
        throw new AppError('LOCATION_OUTSIDE_GRID', undefined, { location: '位置不在所选网格内' });
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
    const switches = switchesOf(await this.deps.config.settings(db));
    const rule = onSpot
      ? null
      : ((await this.deps.config.rules.match(input.categoryId, grid.path, db))[0] ?? null);
    const state = initialState(switches, { onSpot, ruleDepartment: rule?.departmentId ?? null });
    const departmentId = state === 'assigned' ? rule!.departmentId : null;
    const stage = stageOf(state);
    const clock = stage
      ? await this.deps.clocks.plan(
          db,
          { kind: CASE, id: 0 },
          stage,
          await this.deps.config.limitFor(input.categoryId, urgency, stage, db),
          now,
          1,
        )
      : null;
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
    const notices: PlannedIntake['notices'] = [];
    if (state === 'assigned') {
      notices.push({
        template: 'case.assigned',
        to: await this.deps.people.departmentStaff(db, departmentId!),
      });
    }
    if (state === 'handled') {
      notices.push({
        template: 'case.handled',
        to: await this.deps.people.nearestUsers(db, 'case.visit', grid.path),
        // Handled on the spot: the one who handled it fed it back, not a department.
        data: { department: who.name },
      });
    }
    if (urgency === 'urgent' && input.handlingType === 'emergency') {
      notices.push({
        template: 'case.emergency',
        to: await this.deps.people.nearestUsers(db, 'case.dispatch', grid.path),
      });
    }
    const noticeData = {
      title,
      category: await this.deps.config.categoryName(input.categoryId, db),
      grid: grid.name,
      department: departmentId ? await this.deps.people.departmentName(db, departmentId) : '',
      state: CASE_STATES[state]?.zh ?? state,
      dueAt: fmtTime((clock?.due_at as Date | undefined) ?? null, this.deps.timeZone),
      stage: stage ? CASE_STAGES[stage].zh : '',
    };
    const row: Omit<Insertable<CasesTable>, 'number'> = {
      access_hash: accessCode ? this.deps.personal.index(`case-access:${accessCode}`) : null,
      access_code_enc: accessCode ? this.deps.personal.encrypt(accessCode) : null,
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
    };
    return this.queue.submit({
      row,
      clock,
      now,
      actor,
      who,
      events,
      photoTokens: input.photoTokens,
      parties,
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
          data: { number, ...plan.noticeData, ...n.data, link: `/cases/${id}` },
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
    const clockRows = numbered.flatMap(({ plan, id }) =>
      plan.clock ? [{ ...plan.clock, subject_id: id }] : [],
    );
    const clocks = clockRows.length ? await insertJsonRows(db, 'clock', clockRows) : [];
    const audits = await insertJsonRows(db, 'audit_log', audit);
    const outboxes = await insertJsonRows(db, 'outbox', outbox);
    const inboxes = await insertJsonRows(db, 'inbox_message', inbox);
    const parts = [
      ...named('c', cases),
      ...named(
        'e',
        events.map((q) => sql`${q} returning id, subject_id as case_id, action, at`),
      ),
      ...named('k', clocks),
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
      const claimed = await this.deps.attachments.claim(db, plan.photoTokens, {
        kind: CASE,
        id,
        entryId: reportEvent.id,
        label: 'report',
      });
      photosOf.set(
        id,
        claimed.map((p) => ({ id: p.id, kind: 'report', mime: p.mime, event_id: reportEvent.id })),
      );
    }
    // What a read back would return, from what was just written.
    return numbered.map(({ plan, id, number }) => {
      const r = plan.row;
      const k = plan.clock;
      const dueAt = (k?.due_at as Date | undefined) ?? null;
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
        // A new case has not been sent back.
        returned_json: null,
        address: r.address ?? null,
        lng: r.lng ?? null,
        lat: r.lat ?? null,
        reporter_kind: r.reporter_kind,
        channel: r.channel,
        reported_at: plan.now,
        updated_at: plan.now,
        stage: k?.stage ?? null,
        due_at: dueAt,
        parked_at: null,
        deferred: false,
        round: 1,
        on_spot: r.on_spot ?? false,
        ...UNSUPERVISED,
        description: r.description,
        parties_enc: r.parties_enc ?? null,
        reporter_name: r.reporter_name ?? null,
        reporter_phone_enc: r.reporter_phone_enc ?? null,
        stage_started_at: (k?.started_at as Date | undefined) ?? null,
        visit_satisfied: null,
        rework_count: 0,
        duplicate_of: null,
        reporter_user_id: r.reporter_user_id ?? null,
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
        parties: plan.parties,
      };
    });
  }
}
