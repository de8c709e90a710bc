import type { ColumnType, Generated } from 'kysely';

type Created = ColumnType<Date, Date | undefined, never>;
type Updated = ColumnType<Date, Date | undefined, Date>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export interface CaseCategoryTable {
  id: Generated<number>;
  parent_id: number | null;
  code: string;
  name: string;
  name_en: ColumnType<string, string | undefined, string>;
  sort: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Created;
  updated_at: Updated;
}

export interface DispatchRuleTable {
  id: Generated<number>;
  category_id: number | null;
  grid_id: number | null;
  department_id: number;
  priority: ColumnType<number, number | undefined, number>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  note: string | null;
  created_at: Created;
  updated_at: Updated;
  deleted_at: Date | null;
}

export interface DispatchRuleHistoryTable {
  id: Generated<number>;
  rule_id: number;
  action: 'create' | 'update' | 'delete';
  before: Json;
  after: Json;
  actor_id: number | null;
  actor_name: string;
  at: Created;
}

export interface CaseTimeLimitTable {
  id: Generated<number>;
  category_id: number | null;
  urgency: string;
  stage: string;
  minutes: number;
  natural: ColumnType<boolean, boolean | undefined, boolean>;
  updated_at: Updated;
}

export interface CasesTable {
  id: Generated<number>;
  number: string;
  access_hash: string | null;
  /** The access code, sealed (the closing SMS links back with it); null for staff reports. */
  access_code_enc: ColumnType<string | null, string | null | undefined, string | null>;
  category_id: number;
  nature: string;
  handling_type: string;
  urgency: string;
  title: string;
  description: string;
  parties_enc: string | null;
  address: string | null;
  lng: number | null;
  lat: number | null;
  crs_source: string | null;
  grid_id: number;
  reporter_kind: 'public' | 'staff' | 'api';
  reporter_user_id: number | null;
  reporter_name: string | null;
  reporter_phone_enc: string | null;
  reporter_phone_hash: string | null;
  api_key_id: number | null;
  channel: string;
  state: string;
  department_id: number | null;
  round: ColumnType<number, number | undefined, number>;
  rework_count: ColumnType<number, number | undefined, number>;
  visit_satisfied: boolean | null;
  on_spot: ColumnType<boolean, boolean | undefined, boolean>;
  duplicate_of: number | null;
  deferred: ColumnType<boolean, boolean | undefined, boolean>;
  reported_at: ColumnType<Date, Date | undefined, Date>;
  accepted_at: Date | null;
  handled_at: Date | null;
  closed_at: Date | null;
  updated_at: Updated;
  urge_count: ColumnType<number, number | undefined, number>;
  urged_at: Date | null;
  /** The officer of the handling unit it is handed to (gets its notices). */
  assignee_person_id: ColumnType<number | null, number | null | undefined, number | null>;
  supervised_by: ColumnType<number | null, number | null | undefined, number | null>;
  supervised_by_name: ColumnType<string | null, string | null | undefined, string | null>;
  supervised_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  supervision_note: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An assisting unit (协办) of a case: asked by the dispatcher, feeding back to the lead unit. */
export interface CaseAssistTable {
  case_id: number;
  department_id: number;
  state: ColumnType<'open' | 'done', 'open' | undefined, 'open' | 'done'>;
  requested_at: Created;
  requested_by_name: string;
  note: string | null;
  fed_back_at: Date | null;
  fed_back_by_name: string | null;
}

export interface CaseRequestTable {
  id: Generated<number>;
  case_id: number;
  kind: 'park' | 'unpark' | 'defer';
  reason: string;
  extra_minutes: number | null;
  state: ColumnType<'pending' | 'approved' | 'denied', 'pending' | undefined, 'approved' | 'denied'>;
  requested_by: number | null;
  requested_by_name: string;
  requested_at: Created;
  decided_by: number | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  decision_note: string | null;
}

declare module '../../core/db/types.ts' {
  interface DB {
    case_category: CaseCategoryTable;
    dispatch_rule: DispatchRuleTable;
    dispatch_rule_history: DispatchRuleHistoryTable;
    case_time_limit: CaseTimeLimitTable;
    cases: CasesTable;
    case_request: CaseRequestTable;
    case_assist: CaseAssistTable;
  }
}
