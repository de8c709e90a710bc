import type { CaseReturned, CaseStage, CaseState, CaseSummary, Urgency } from '@wangge/shared';
import { ZoneClock } from '../../core/calendar/time-zone.ts';

/** YYYYMMDD of an instant in the deployment's time zone (case numbers). */
export function ymdCompact(d: Date, timeZone: string): string {
  return ZoneClock.of(timeZone).date(d.getTime()).replaceAll('-', '');
}

/** `YYYY-MM-DD HH:mm` in the deployment's time zone ('' for none). */
export function fmtTime(d: Date | null, timeZone: string): string {
  return d ? ZoneClock.of(timeZone).minutes(d.getTime()) : '';
}

/** Metres between two WGS84 points along the earth's surface. */
export function haversineM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 6371008.8 * 2 * Math.asin(Math.sqrt(a));
}

/** A case as lists show it, from the columns of `CaseReader.summaryColumns`. */
export function toSummary(r: {
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
  supervised_at: Date | null;
  urge_count: number;
  returned_json?: ReturnedJson | null;
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
    supervised: r.supervised_at !== null,
    urgeCount: r.urge_count,
    ...(r.returned_json === undefined ? {} : { returned: returned(r.returned_json) }),
  };
}

/** The step that sent a case back, as `CaseReader.returnedColumn` reads it (timestamps as text). */
export interface ReturnedJson {
  action: string;
  unit_id: number | null;
  unit_name: string | null;
  note: string | null;
  actor_name: string;
  at: string;
}

export function returned(r: ReturnedJson | null): CaseReturned | null {
  return r
    ? {
        action: r.action,
        departmentId: r.unit_id,
        departmentName: r.unit_name,
        reason: r.note,
        by: r.actor_name,
        at: new Date(r.at).toISOString(),
      }
    : null;
}
