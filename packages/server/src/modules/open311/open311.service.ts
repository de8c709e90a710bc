import { categoriesInUse, PUBLIC_CASE_ACTIONS, normalizeMobile } from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import { CASE } from '../case/case.machine.ts';
import type { Cases } from '../case/cases.ts';
import type { DB } from '../../core/db/types.ts';
import { writeEntry } from '../../core/workflow/timeline.ts';
import type { VerifiedKey } from './apikey.service.ts';
import { parseW3cDateTime, w3cDateTime } from './w3c.ts';

import {
  WINDOW_DAYS,
  MAX_RESULTS,
  DESCRIPTION_MAX,
  ADDRESS_MAX,
  NAME_MAX,
  DAY_MS,
  PRIVATE_NATURES,
  CLOSED_STATES,
  Open311Error,
  type ServiceRequestOut,
  type ServiceOut,
  type UpdateOut,
  type Params,
  param,
  words,
  list,
  statusNotes,
  updateWords,
  statusOf,
  notFoundService,
  notFoundRequest,
} from './open311.format.ts';

/**
 * GeoReport v2 over the case workflow: the categories as services, cases as service requests
 * (public fields only: never reporters, parties, staff, notes or photos), intake through
 * `CaseIntake.report`, and the timeline as service request updates (mySociety's extension).
 */
export class Open311Service {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly cases: Cases,
    private readonly timeZone: string,
  ) {}

  private time(d: Date): string {
    return w3cDateTime(d, this.timeZone);
  }

  // ---------------------------------------------------------------- discovery and services

  /** When the service list last changed: the discovery changeset. */
  async changeset(): Promise<string> {
    const row = await this.db
      .selectFrom('case_category')
      .select((eb) => eb.fn.max('updated_at').as('at'))
      .executeTakeFirst();
    const at = row?.at ? new Date(row.at as Date | string) : new Date(0);
    return this.time(at);
  }

  private async activeCategories() {
    const rows = await this.db
      .selectFrom('case_category')
      .select(['id', 'parent_id', 'code', 'name', 'name_en', 'sort', 'active'])
      .orderBy('sort')
      .orderBy('id')
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Tree order: each top category followed by its children.
    const ordered = rows
      .filter((r) => r.parent_id === null || !byId.has(r.parent_id))
      .flatMap((top) => [top, ...rows.filter((r) => r.parent_id === top.id)]);
    const seen = new Set(ordered.map((r) => r.id));
    ordered.push(...rows.filter((r) => !seen.has(r.id)));
    const inUse = new Set(categoriesInUse(rows, (r) => r.parent_id));
    return ordered
      .filter((r) => inUse.has(r))
      .map((r) => ({ ...r, parent: r.parent_id ? (byId.get(r.parent_id) ?? null) : null }));
  }

  async services(): Promise<ServiceOut[]> {
    return (await this.activeCategories()).map((c) => {
      const group = c.parent?.name ?? c.name;
      const keywords = [c.name, c.name_en, c.parent?.name, c.parent?.name_en, c.code].filter(
        (k, i, all): k is string => Boolean(k) && all.indexOf(k) === i,
      );
      return {
        service_code: c.code,
        service_name: c.name,
        description: c.parent
          ? `${c.parent.name} › ${c.name}${c.name_en ? ` (${c.name_en})` : ''}`
          : `${c.name}${c.name_en ? ` (${c.name_en})` : ''}`,
        metadata: false,
        type: 'realtime',
        keywords: keywords.join(', '),
        group,
      };
    });
  }

  private async activeCategory(code: string) {
    return (await this.activeCategories()).find((c) => c.code === code);
  }

  async serviceDefinition(code: string): Promise<{ service_code: string; attributes: never[] }> {
    const category = await this.activeCategory(code);
    if (!category) throw notFoundService(code);
    return { service_code: category.code, attributes: [] };
  }

  // ---------------------------------------------------------------- reading requests

  private requestQuery() {
    return this.db
      .selectFrom('cases as c')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .leftJoin('department as d', 'd.id', 'c.department_id')
      .leftJoin('clock as k', (j) =>
        j.on('k.subject_kind', '=', CASE).onRef('k.subject_id', '=', 'c.id').on('k.stopped_at', 'is', null),
      )
      .select([
        'c.id',
        'c.number',
        'c.state',
        'c.description',
        'c.address',
        'c.lng',
        'c.lat',
        'c.reported_at',
        'c.updated_at',
        'c.closed_at',
        'k.stage',
        'k.due_at',
        'k.parked_at',
        'cc.code as category_code',
        'cc.name as category_name',
        'd.name as department_name',
      ])
      .where('c.nature', 'not in', PRIVATE_NATURES);
  }

  private toRequest(r: {
    number: string;
    state: string;
    description: string;
    address: string | null;
    lng: number | null;
    lat: number | null;
    reported_at: Date;
    updated_at: Date;
    closed_at: Date | null;
    stage: string | null;
    due_at: Date | null;
    parked_at: Date | null;
    category_code: string;
    category_name: string;
    department_name: string | null;
  }): ServiceRequestOut {
    const status = statusOf(r.state);
    const running = r.stage !== null && r.due_at !== null && r.parked_at === null;
    return {
      service_request_id: r.number,
      status,
      status_notes: statusNotes(r.state, r.parked_at !== null),
      service_name: r.category_name,
      service_code: r.category_code,
      description: r.description,
      agency_responsible: r.department_name,
      service_notice: null,
      requested_datetime: this.time(r.reported_at),
      // Closed requests: the date they were closed (GeoReport v2).
      updated_datetime: this.time(status === 'closed' && r.closed_at ? r.closed_at : r.updated_at),
      expected_datetime: running ? this.time(r.due_at!) : null,
      address: r.address,
      lat: r.lat,
      long: r.lng,
    };
  }

  /** The window of a query: default the most recent 90 days; never more than 90 days. */
  private range(params: Params, now = new Date()): { from: Date; to: Date; given: boolean } {
    const errors: { code: number; description: string }[] = [];
    const date = (name: string): Date | null => {
      const raw = param(params, name);
      if (raw === null) return null;
      const d = parseW3cDateTime(raw, this.timeZone);
      if (!d) {
        errors.push({
          code: 400,
          description: `${name} 格式不正确，应为 W3C 日期时间，如 2026-11-22T08:00:00+08:00 / ${name} must be a W3C date-time`,
        });
      }
      return d;
    };
    const start = date('start_date');
    const end = date('end_date');
    if (errors.length) throw new Open311Error(400, errors);
    const span = WINDOW_DAYS * DAY_MS;
    if (start && end) {
      if (end.getTime() < start.getTime()) {
        throw Open311Error.of(400, 'end_date 不能早于 start_date / end_date is before start_date');
      }
      if (end.getTime() - start.getTime() > span) {
        throw Open311Error.of(
          400,
          `查询时间范围不能超过 ${WINDOW_DAYS} 天 / the range may not span more than ${WINDOW_DAYS} days`,
        );
      }
      return { from: start, to: end, given: true };
    }
    if (start) return { from: start, to: new Date(start.getTime() + span), given: true };
    if (end) return { from: new Date(end.getTime() - span), to: end, given: true };
    return { from: new Date(now.getTime() - span), to: now, given: false };
  }

  private page(params: Params): { limit: number; offset: number } {
    const int = (name: string, fallback: number, max: number): number => {
      const raw = param(params, name);
      if (raw === null) return fallback;
      if (!/^\d{1,7}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
        throw Open311Error.of(
          400,
          `${name} 应为 1–${max} 的整数 / ${name} must be an integer from 1 to ${max}`,
        );
      }
      return Number(raw);
    };
    const pageSize = int('page_size', MAX_RESULTS, MAX_RESULTS);
    const page = int('page', 1, 1_000_000);
    return { limit: pageSize, offset: (page - 1) * pageSize };
  }

  /** GET requests: the spec's filters (`service_request_id` overrides the others), newest first. */
  async requests(params: Params): Promise<ServiceRequestOut[]> {
    const ids = list(params, 'service_request_id');
    if (ids) {
      if (ids.length > MAX_RESULTS) {
        throw Open311Error.of(400, `一次最多查询 ${MAX_RESULTS} 个编号 / at most ${MAX_RESULTS} ids`);
      }
      const rows = await this.requestQuery()
        .where(
          'c.number',
          'in',
          ids.map((i) => i.toUpperCase()),
        )
        .orderBy('c.reported_at', 'desc')
        .orderBy('c.id', 'desc')
        .execute();
      return rows.map((r) => this.toRequest(r));
    }
    const codes = list(params, 'service_code');
    const statuses = list(params, 'status')?.map((s) => s.toLowerCase());
    if (statuses?.some((s) => s !== 'open' && s !== 'closed')) {
      throw Open311Error.of(400, 'status 只能是 open 或 closed / status must be open or closed');
    }
    const { from, to } = this.range(params);
    const { limit, offset } = this.page(params);
    const only = statuses && statuses.length === 1 ? statuses[0] : null;
    const rows = await this.requestQuery()
      .where('c.reported_at', '>=', from)
      .where('c.reported_at', '<=', to)
      .$if(codes !== null, (q) => q.where('cc.code', 'in', codes!))
      .$if(only === 'closed', (q) => q.where('c.state', 'in', CLOSED_STATES))
      .$if(only === 'open', (q) => q.where('c.state', 'not in', CLOSED_STATES))
      .orderBy('c.reported_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((r) => this.toRequest(r));
  }

  async request(id: string): Promise<ServiceRequestOut[]> {
    const row = await this.requestQuery().where('c.number', '=', id.toUpperCase()).executeTakeFirst();
    if (!row) throw notFoundRequest(id);
    return [this.toRequest(row)];
  }

  /**
   * GET tokens: the service is realtime, so POST answers with the service_request_id and no
   * token. For clients that ask anyway, a request created through Open311 is its own token.
   */
  async token(token: string): Promise<{ service_request_id: string; token: string }[]> {
    const row = await this.db
      .selectFrom('cases')
      .select('number')
      .where('number', '=', token.toUpperCase())
      .where('channel', '=', 'open311')
      .where('nature', 'not in', PRIVATE_NATURES)
      .executeTakeFirst();
    if (!row) throw Open311Error.of(404, `token ${token} 不存在 / token not found`);
    return [{ service_request_id: row.number, token }];
  }

  // ---------------------------------------------------------------- updates (extension)

  /**
   * GET servicerequestupdates (mySociety's extension): the public steps of the timelines in the
   * window, oldest first, in public words; each says the status the request had after it.
   */
  async updates(params: Params): Promise<UpdateOut[]> {
    const { from, to, given } = this.range(params);
    const rows = await this.db
      .selectFrom('timeline_entry as e')
      .innerJoin('cases as c', 'c.id', 'e.subject_id')
      .leftJoin('department as d', 'd.id', 'e.unit_id')
      .select([
        'e.id',
        'e.at',
        'e.action',
        'e.to_state',
        'c.number',
        'd.name as department_name',
        sql<
          string | null
        >`(select e2.to_state from timeline_entry e2 where e2.subject_kind = ${CASE} and e2.subject_id = e.subject_id and e2.id <= e.id and e2.to_state is not null order by e2.id desc limit 1)`.as(
          'state_after',
        ),
      ])
      .where('e.subject_kind', '=', CASE)
      .where('e.action', 'in', [...PUBLIC_CASE_ACTIONS])
      .where('e.at', '>=', from)
      .where('e.at', '<=', to)
      .where('c.nature', 'not in', PRIVATE_NATURES)
      // Without a start the most recent ones; with one, from the start on (for rolling windows).
      .$if(given, (q) => q.orderBy('e.at', 'asc').orderBy('e.id', 'asc'))
      .$if(!given, (q) => q.orderBy('e.at', 'desc').orderBy('e.id', 'desc'))
      .limit(MAX_RESULTS)
      .execute();
    if (!given) rows.reverse();
    return rows.map((r) => ({
      update_id: String(r.id),
      service_request_id: r.number,
      status: statusOf(r.state_after ?? 'pending_dispatch'),
      updated_datetime: this.time(r.at),
      description: updateWords(r.action, r.to_state, r.department_name),
      media_url: '',
    }));
  }

  // ---------------------------------------------------------------- POST requests

  /**
   * POST requests: a report through `CaseIntake.report` (channel open311, reporter kind api,
   * the key recorded). Reporter details go where the case keeps them (name, encrypted mobile);
   * e-mail and device ids are not kept. A media URL becomes a note on the timeline.
   */
  async create(
    key: VerifiedKey,
    client: { ip: string | null; userAgent: string | null },
    params: Params,
  ): Promise<{ service_request_id: string; service_notice: string; account_id: null }[]> {
    const errors: { code: number; description: string }[] = [];
    const bad = (description: string) => errors.push({ code: 400, description });

    const code = param(params, 'service_code');
    if (code === null) throw Open311Error.of(400, 'service_code 必填 / service_code is required');
    const category = await this.activeCategory(code);
    // GET services/{code} answers an unknown code with 404; in a report it is bad data (400).
    if (!category) throw Open311Error.of(400, `service_code ${code} 不存在或已停用 / invalid service_code`);

    const latRaw = param(params, 'lat');
    const lngRaw = param(params, 'long');
    let location: { lng: number; lat: number; crs: 'wgs84' } | null = null;
    if (latRaw !== null || lngRaw !== null) {
      const lat = Number(latRaw);
      const lng = Number(lngRaw);
      if (latRaw === null || lngRaw === null) bad('lat 与 long 须同时提供 / lat and long must both be sent');
      else if (!Number.isFinite(lat) || lat < -90 || lat > 90)
        bad('lat 应为 -90 到 90 之间的 WGS84 纬度 / lat must be a WGS84 latitude');
      else if (!Number.isFinite(lng) || lng < -180 || lng > 180)
        bad('long 应为 -180 到 180 之间的 WGS84 经度 / long must be a WGS84 longitude');
      else location = { lng, lat, crs: 'wgs84' };
    }
    const addressString = words(params, 'address_string');
    const addressId = words(params, 'address_id');
    const address = addressString ?? (addressId ? `地址编号 ${addressId}` : null);
    if (latRaw === null && lngRaw === null && address === null) {
      bad(
        '须提供位置：lat 与 long，或 address_string，或 address_id / a location is required: lat & long, address_string or address_id',
      );
    }
    if (address && [...address].length > ADDRESS_MAX) {
      bad(`地址不能超过 ${ADDRESS_MAX} 个字符 / the address may not exceed ${ADDRESS_MAX} characters`);
    }
    const description = words(params, 'description');
    if (description === null || [...description].length < 2) {
      bad('description 必填（至少 2 个字）/ description is required');
    } else if ([...description].length > DESCRIPTION_MAX) {
      bad(
        `description 不能超过 ${DESCRIPTION_MAX} 个字符 / description may not exceed ${DESCRIPTION_MAX} characters`,
      );
    }
    if (errors.length) throw new Open311Error(400, errors);

    const first = words(params, 'first_name');
    const last = words(params, 'last_name');
    const cjk = (s: string) => /^[\p{Script=Han}·]+$/u.test(s);
    const name =
      first && last
        ? cjk(first) && cjk(last)
          ? `${last}${first}`
          : `${first} ${last}`
        : (first ?? last ?? null);
    // Only a mobile number can be used to reach the reporter (SMS); anything else is not kept.
    const phone = normalizeMobile(param(params, 'phone') ?? '');

    const actor: Actor = {
      id: null,
      name: `Open311（${key.name}）`,
      ip: client.ip,
      userAgent: client.userAgent,
    };
    const result = await this.cases.intake.report(null, actor, {
      categoryId: category.id,
      nature: 'civil',
      handlingType: 'coordination',
      description: description!,
      address,
      location,
      channel: 'open311',
      reporterKind: 'api',
      reporterName: name ? [...name].slice(0, NAME_MAX).join('') : null,
      reporterPhone: phone,
      apiKeyId: key.id,
    });

    const media = param(params, 'media_url');
    if (media && media.length <= 1000 && /^https?:\/\/\S+$/i.test(media)) {
      await this.db.transaction().execute(async (trx) => {
        await writeEntry(
          trx,
          CASE,
          result.id,
          { id: null, name: actor.name },
          {
            action: 'comment',
            note: `Open311 提交的媒体链接（未经核实）：${media}`,
          },
        );
        await appendAudit(trx, actor, {
          action: 'case.comment',
          targetType: 'case',
          targetId: result.id,
          after: { source: 'open311', mediaUrl: media },
        });
      });
    }

    let notice = `已受理，事件编号 ${result.number}`;
    if (result.departmentId !== null) {
      const dep = await this.db
        .selectFrom('department')
        .select('name')
        .where('id', '=', result.departmentId)
        .executeTakeFirst();
      notice += dep ? `，已交办${dep.name}` : '，已交办承办部门';
    } else {
      notice += '，将尽快交办相关部门处理';
    }
    return [{ service_request_id: result.number, service_notice: notice, account_id: null }];
  }
}
