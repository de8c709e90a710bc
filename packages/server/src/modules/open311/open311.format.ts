import { CASE_STATES, type CaseState } from '@wangge/shared';

/** The GeoReport v2 specification token, as discovery names it. */
export const GEOREPORT_V2 = 'http://wiki.open311.org/GeoReport_v2';
/** The default window and the most a query may span (GeoReport v2: 90 days). */
export const WINDOW_DAYS = 90;
/** The most requests (and updates) one answer carries (GeoReport v2: 1000). */
export const MAX_RESULTS = 1000;
/** Longest description GeoReport v2 accepts. */
export const DESCRIPTION_MAX = 4000;
export const ADDRESS_MAX = 200;
export const NAME_MAX = 40;
export const DAY_MS = 86_400_000;

/**
 * Cases of these natures never leave through the open interface: 警情 are for the police, and
 * Open311 reads are anonymous. (Open311 reports are always 民情.)
 */
export const PRIVATE_NATURES = ['police'];
export const CLOSED_STATES = (Object.keys(CASE_STATES) as CaseState[]).filter((s) => !CASE_STATES[s].open);

/** A GeoReport error: the HTTP status and one or more `{code, description}` entries. */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429,
    readonly errors: { code: number; description: string }[],
  ) {
    super(errors.map((e) => e.description).join('; '));
    this.name = 'Open311Error';
  }

  static of(status: 400 | 403 | 404 | 429, description: string, code: number = status): Open311Error {
    return new Open311Error(status, [{ code, description }]);
  }
}

export type Status = 'open' | 'closed';

/** One service request as GET requests answers it (field order as in the specification). */
export interface ServiceRequestOut {
  service_request_id: string;
  status: Status;
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  lat: number | null;
  long: number | null;
}

export interface ServiceOut {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime';
  keywords: string;
  group: string;
}

export interface UpdateOut {
  update_id: string;
  service_request_id: string;
  status: Status;
  updated_datetime: string;
  description: string;
  media_url: string;
}

/**
 * Parameters as they arrive: the query string and form bodies give strings (repeated ones as
 * arrays); a JSON body can hold anything.
 */
export type Params = Record<string, unknown>;

/** Text of one value: strings as they are, numbers and booleans written out, anything else none. */
export function text(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') return String(v);
  return null;
}

/** A parameter's value; repeated values are joined with commas; empty counts as absent (the spec's "optional"). */
export function param(params: Params, name: string): string | null {
  if (!Object.hasOwn(params, name)) return null;
  const v = params[name];
  const parts = (Array.isArray(v) ? v : [v]).map(text).filter((x): x is string => x !== null);
  return parts.length ? parts.join(',') : null;
}

// Control characters (but tab, line feed, carriage return): PostgreSQL cannot store NUL, XML
// cannot carry the others, and none of them belongs in a report.
// eslint-disable-next-line no-control-regex
export const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A free-text parameter: as `param`, without control characters. */
export function words(params: Params, name: string): string | null {
  const v = param(params, name)?.replace(CONTROL, '').trim();
  return v ? v : null;
}

export function list(params: Params, name: string): string[] | null {
  const v = param(params, name);
  if (v === null) return null;
  const items = [
    ...new Set(
      v
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    ),
  ];
  return items.length ? items : null;
}

/** The words a citizen reads for a state. */
export function statusNotes(state: string, parked: boolean): string {
  if (parked) return '暂缓办理';
  return (
    {
      pending_dispatch: '已受理，等待交办',
      assigned: '已交办承办部门，等待接收',
      accepted: '承办部门正在处理',
      rejected: '正在重新交办',
      handled: '承办部门已处理，等待回访',
      rework: '回访后再次处理中',
      pending_archive: '已处理，等待办结',
      archived: '已办结',
      voided: '已作废（重复或无效反映）',
    }[state] ?? '处理中'
  );
}

export function updateWords(action: string, toState: string | null, department: string | null): string {
  switch (action) {
    case 'report':
      return '已受理您的反映';
    case 'on_spot':
      return '已现场处置';
    case 'dispatch':
    case 'auto_dispatch':
      return department ? `已交办${department}` : '已交办相关部门';
    case 'accept':
      return department ? `${department}已接收，正在处理` : '承办部门已接收，正在处理';
    case 'reject':
      return '正在重新交办';
    case 'feedback':
      return department ? `${department}已处理` : '承办部门已处理';
    case 'visit':
      return toState === 'rework' ? '回访后需再次处理' : '已回访';
    case 'archive':
    case 'auto_archive':
      return '已办结';
    case 'void':
      return '已作废（重复或无效反映）';
    case 'park':
      return '暂缓办理';
    case 'unpark':
      return '恢复办理';
    case 'defer':
      return '延期办理';
    default:
      return '办理进展';
  }
}

export const statusOf = (state: string): Status =>
  CASE_STATES[state as CaseState]?.open === false ? 'closed' : 'open';

export function notFoundService(code: string): Open311Error {
  return Open311Error.of(404, `service_code ${code} 不存在或已停用 / service_code not found`);
}

export function notFoundRequest(id: string): Open311Error {
  return Open311Error.of(404, `service_request_id ${id} 不存在 / service_request_id not found`);
}
