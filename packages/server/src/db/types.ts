import type { Kysely, Transaction } from 'kysely';
import type { AuditHeadTable, AuditLogTable } from '../audit/audit.table.ts';
import type { LoginLogTable, SessionTable } from '../auth/auth.table.ts';
import type {
  GridEventTable,
  GridLineageTable,
  GridNodeTable,
  JobTable,
  SchemeTable,
} from '../grid/grid.table.ts';
import type { DepartmentStaffTable, DepartmentTable, DutyTable, PersonTable } from '../duty/duty.table.ts';
import type {
  ApiKeyTable,
  CaseCategoryTable,
  CaseEventTable,
  CasePhotoTable,
  CaseReminderTable,
  CaseRequestTable,
  CasesTable,
  CaseTimeLimitTable,
  DispatchRuleHistoryTable,
  DispatchRuleTable,
} from '../case/case.table.ts';
import type { InboxMessageTable, NotifyTemplateTable, OutboxTable } from '../notify/notify.table.ts';
import type { CalendarDayTable } from '../calendar/calendar.table.ts';
import type { RoleTable } from '../role/role.table.ts';
import type { SettingTable } from '../settings/settings.table.ts';
import type {
  AppUserTable,
  PasswordHistoryTable,
  UserRoleTable,
  UserScopeTable,
} from '../user/user.table.ts';

export interface DB {
  grid_node: GridNodeTable;
  grid_event: GridEventTable;
  grid_lineage: GridLineageTable;
  scheme: SchemeTable;
  job: JobTable;
  person: PersonTable;
  duty: DutyTable;
  department: DepartmentTable;
  department_staff: DepartmentStaffTable;
  app_user: AppUserTable;
  password_history: PasswordHistoryTable;
  role: RoleTable;
  user_role: UserRoleTable;
  user_scope: UserScopeTable;
  session: SessionTable;
  login_log: LoginLogTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  setting: SettingTable;
  case_category: CaseCategoryTable;
  dispatch_rule: DispatchRuleTable;
  dispatch_rule_history: DispatchRuleHistoryTable;
  case_time_limit: CaseTimeLimitTable;
  api_key: ApiKeyTable;
  cases: CasesTable;
  case_event: CaseEventTable;
  case_photo: CasePhotoTable;
  case_request: CaseRequestTable;
  case_reminder: CaseReminderTable;
  notify_template: NotifyTemplateTable;
  outbox: OutboxTable;
  inbox_message: InboxMessageTable;
  calendar_day: CalendarDayTable;
}

/** The database or an open transaction: repository functions accept either. */
export type Executor = Kysely<DB> | Transaction<DB>;
