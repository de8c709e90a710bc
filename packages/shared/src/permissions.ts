/**
 * Function permissions, declared as data. Each belongs to at most one of the three separated
 * administrator duties (三员分立): an account may never hold permissions of two of them, and no
 * permission implies another — there is no super-user.
 */
export type AdminDuty = 'system' | 'security' | 'audit';

interface PermissionDef {
  zh: string;
  en: string;
  duty: AdminDuty | null;
}

export const PERMISSIONS = {
  'user.read': { zh: '查看用户', en: 'View users', duty: 'system' },
  'user.write': { zh: '新建、修改、停用用户', en: 'Create, edit, disable users', duty: 'system' },
  'user.reset_password': { zh: '重置用户密码', en: 'Reset passwords', duty: 'system' },
  'user.phone.reveal': { zh: '查看完整手机号', en: 'Reveal phone numbers', duty: 'system' },
  'config.write': { zh: '修改系统配置', en: 'Change system settings', duty: 'system' },
  'grid.write': { zh: '维护网格', en: 'Maintain grids', duty: 'system' },
  'role.read': { zh: '查看角色与权限', en: 'View roles', duty: 'security' },
  'role.write': { zh: '定义角色与权限', en: 'Define roles', duty: 'security' },
  'user.grant': { zh: '分配用户角色与数据范围', en: 'Grant roles and data scope', duty: 'security' },
  'user.unlock': { zh: '解锁账号', en: 'Unlock accounts', duty: 'security' },
  'security.policy': { zh: '设置密码与登录策略', en: 'Set password and login policy', duty: 'security' },
  'audit.read': { zh: '查看审计日志', en: 'View the audit log', duty: 'audit' },
  'audit.verify': { zh: '校验审计日志完整性', en: 'Verify audit log integrity', duty: 'audit' },
  'audit.export': { zh: '导出审计日志', en: 'Export the audit log', duty: 'audit' },
  'loginlog.read': { zh: '查看登录日志', en: 'View the login log', duty: 'audit' },
  'grid.read': { zh: '查看网格', en: 'View grids', duty: null },
  'duty.read': { zh: '查看网格责任人', en: 'View people on duty', duty: null },
  'duty.write': { zh: '安排网格责任人、交接', en: 'Assign and hand over duties', duty: null },
  'person.phone.reveal': {
    zh: '查看责任人完整手机号',
    en: 'Reveal phone numbers of people on duty',
    duty: null,
  },
  'department.write': { zh: '维护条线部门', en: 'Maintain departments', duty: null },
  'dashboard.read': { zh: '查看工作台', en: 'View the dashboard', duty: null },
  'case.read': { zh: '查看管辖范围内的事件', en: 'View cases in scope', duty: null },
  'case.report': { zh: '上报事件、现场处置', en: 'Report cases, close on the spot', duty: null },
  'case.dispatch': { zh: '分发、重新分发、作废事件', en: 'Dispatch, re-dispatch and void cases', duty: null },
  'case.handle': { zh: '部门接受、驳回、反馈事件', en: 'Accept, reject and feed back cases', duty: null },
  'case.visit': { zh: '回访事件', en: 'Return visits', duty: null },
  'case.archive': { zh: '归档事件', en: 'Archive cases', duty: null },
  'case.approve': { zh: '审批挂账、缓办', en: 'Approve parking and deferral', duty: null },
  'case.supervise': { zh: '督办、催办事件', en: 'Supervise and urge cases', duty: null },
  'case.export': { zh: '导出事件台账', en: 'Export case ledgers', duty: null },
  'case.party.reveal': {
    zh: '查看事件当事人、上报人完整联系方式',
    en: 'Reveal contacts of parties and reporters',
    duty: null,
  },
  'case.config': {
    zh: '设置事件开关、时限、分流规则、分类、工作日历和通知模板',
    en: 'Set case switches, time limits, dispatch rules, categories, the calendar and notification templates',
    duty: null,
  },
  'notify.read': { zh: '查看邮件、短信发送记录并重发', en: 'View and resend mail and SMS', duty: null },
  'apikey.write': { zh: '管理开放接口密钥', en: 'Manage open API keys', duty: 'system' },
} as const satisfies Record<string, PermissionDef>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_KEYS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.prototype.hasOwnProperty.call(PERMISSIONS, value);
}

/** The admin duties a set of permissions touches; more than one means the set is illegal. */
export function adminDutiesOf(permissions: Iterable<string>): AdminDuty[] {
  const duties = new Set<AdminDuty>();
  for (const p of permissions) {
    if (isPermission(p)) {
      const duty = PERMISSIONS[p].duty;
      if (duty) duties.add(duty);
    }
  }
  return [...duties].sort();
}

/** Built-in roles. The three admin roles are fixed; the business roles are editable templates. */
export const BUILTIN_ROLES = {
  sys_admin: {
    zh: '系统管理员',
    en: 'System administrator',
    editable: false,
    permissions: [
      'user.read',
      'user.write',
      'user.reset_password',
      'user.phone.reveal',
      'config.write',
      'grid.read',
      'grid.write',
      'duty.read',
      'duty.write',
      'person.phone.reveal',
      'department.write',
      'dashboard.read',
      'notify.read',
      'apikey.write',
    ],
  },
  sec_admin: {
    zh: '安全管理员',
    en: 'Security administrator',
    editable: false,
    permissions: [
      'role.read',
      'role.write',
      'user.grant',
      'user.unlock',
      'security.policy',
      'grid.read',
      'dashboard.read',
    ],
  },
  audit_admin: {
    zh: '审计管理员',
    en: 'Audit administrator',
    editable: false,
    permissions: ['audit.read', 'audit.verify', 'audit.export', 'loginlog.read', 'dashboard.read'],
  },
  leader: {
    zh: '领导',
    en: 'Leader',
    editable: true,
    permissions: [
      'grid.read',
      'duty.read',
      'dashboard.read',
      'case.read',
      'case.export',
      'case.approve',
      'case.supervise',
    ],
  },
  command_center: {
    zh: '指挥中心',
    en: 'Command centre',
    editable: true,
    permissions: [
      'grid.read',
      'duty.read',
      'dashboard.read',
      'case.read',
      'case.report',
      'case.dispatch',
      'case.visit',
      'case.archive',
      'case.approve',
      'case.supervise',
      'case.export',
      'case.config',
      'notify.read',
    ],
  },
  grid_chief: {
    zh: '网格长',
    en: 'Grid chief',
    editable: true,
    permissions: [
      'grid.read',
      'duty.read',
      'duty.write',
      'person.phone.reveal',
      'dashboard.read',
      'case.read',
      'case.report',
      'case.dispatch',
      'case.approve',
      'case.export',
      'case.party.reveal',
    ],
  },
  grid_member: {
    zh: '网格员',
    en: 'Grid member',
    editable: true,
    permissions: ['grid.read', 'duty.read', 'dashboard.read', 'case.read', 'case.report'],
  },
  social_worker: {
    zh: '社工',
    en: 'Social worker',
    editable: true,
    permissions: [
      'grid.read',
      'duty.read',
      'dashboard.read',
      'case.read',
      'case.report',
      'case.dispatch',
      'case.visit',
      'case.archive',
      'case.party.reveal',
    ],
  },
  department_staff: {
    zh: '部门人员',
    en: 'Department staff',
    editable: true,
    permissions: ['grid.read', 'duty.read', 'dashboard.read', 'case.handle'],
  },
} as const satisfies Record<
  string,
  { zh: string; en: string; editable: boolean; permissions: readonly Permission[] }
>;

export type BuiltinRoleKey = keyof typeof BUILTIN_ROLES;
export const ADMIN_ROLE_KEYS = ['sys_admin', 'sec_admin', 'audit_admin'] as const;
