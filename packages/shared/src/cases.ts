/**
 * The case (事件) workflow of the community grid system, as the vendor specification (seed 004
 * part 1, §3.2–3.5, §6.1–6.4, §6.13, §8.2) describes it: states, the three switches, the three
 * timers, and the words the screens use.
 */

/** Case states. `handled` means fed back by the department and waiting for the return visit. */
export const CASE_STATES = {
  pending_dispatch: { zh: '待分发', en: 'Awaiting dispatch', open: true },
  assigned: { zh: '已分派待接受', en: 'Assigned', open: true },
  accepted: { zh: '已接受处理中', en: 'Accepted', open: true },
  rejected: { zh: '已驳回待重新分发', en: 'Rejected, awaiting re-dispatch', open: true },
  handled: { zh: '已反馈待回访', en: 'Handled, awaiting return visit', open: true },
  rework: { zh: '回访不满意二次处理', en: 'Second handling', open: true },
  pending_archive: { zh: '待归档', en: 'Awaiting archive', open: true },
  archived: { zh: '已归档', en: 'Archived', open: false },
  voided: { zh: '已作废', en: 'Void', open: false },
} as const;
export type CaseState = keyof typeof CASE_STATES;
export const CASE_STATE_KEYS = Object.keys(CASE_STATES) as CaseState[];
export const OPEN_CASE_STATES = CASE_STATE_KEYS.filter((s) => CASE_STATES[s].open);

/** 民情 / 警情 and the other natures the community plans use. */
export const CASE_NATURES = {
  civil: { zh: '民情', en: 'Civil matter' },
  police: { zh: '警情', en: 'Police matter' },
  service: { zh: '服务诉求', en: 'Service request' },
  safety: { zh: '安全隐患', en: 'Safety hazard' },
} as const;
export type CaseNature = keyof typeof CASE_NATURES;

/** How a case is handled (community plans): on the spot, taken back and agreed, escalated, approved. */
export const HANDLING_TYPES = {
  routine: { zh: '一般事项（现场处置）', en: 'Routine (on the spot)' },
  coordination: { zh: '协调事项', en: 'Coordination' },
  emergency: { zh: '紧急事项', en: 'Emergency' },
  approval: { zh: '审批事项', en: 'Approval' },
} as const;
export type HandlingType = keyof typeof HANDLING_TYPES;

export const URGENCIES = {
  normal: { zh: '一般', en: 'Normal' },
  urgent: { zh: '紧急', en: 'Urgent' },
} as const;
export type Urgency = keyof typeof URGENCIES;

export const REPORTER_KINDS = {
  public: { zh: '群众', en: 'Citizen' },
  staff: { zh: '工作人员', en: 'Staff' },
  api: { zh: '接口', en: 'API' },
} as const;
export type ReporterKind = keyof typeof REPORTER_KINDS;

export const CASE_CHANNELS = {
  desk: { zh: '系统录入', en: 'Desk' },
  mobile: { zh: '手机端', en: 'Phone app' },
  public_page: { zh: '群众上报页', en: 'Public page' },
  hotline: { zh: '热线电话', en: 'Hotline' },
  wechat: { zh: '微信', en: 'WeChat' },
  open311: { zh: 'Open311 接口', en: 'Open311' },
  api: { zh: '开放接口', en: 'Open API' },
} as const;
export type CaseChannel = keyof typeof CASE_CHANNELS;

/** The three timers: assigned→accepted, accepted→feedback, feedback→return visit. */
export const CASE_STAGES = {
  accept: { zh: '受理', en: 'Acceptance', from: '已分派', to: '接受' },
  feedback: { zh: '反馈', en: 'Feedback', from: '已接受', to: '反馈' },
  visit: { zh: '回访', en: 'Return visit', from: '已反馈', to: '回访' },
} as const;
export type CaseStage = keyof typeof CASE_STAGES;
export const CASE_STAGE_KEYS = Object.keys(CASE_STAGES) as CaseStage[];

/** Thresholds on a stage's clock; each sends its reminder exactly once per clock. */
export const ALERT_KINDS = {
  warn: { zh: '即将超时', en: 'Due soon' },
  overdue: { zh: '已超时', en: 'Overdue' },
  escalate: { zh: '超时升级', en: 'Escalated' },
} as const;
export type AlertKind = keyof typeof ALERT_KINDS;

/** Timeline actions. */
export const CASE_ACTIONS = {
  report: { zh: '上报', en: 'Reported' },
  on_spot: { zh: '现场处置', en: 'Handled on the spot' },
  dispatch: { zh: '分派', en: 'Dispatched' },
  auto_dispatch: { zh: '自动分派', en: 'Auto-dispatched' },
  accept: { zh: '接受', en: 'Accepted' },
  reject: { zh: '驳回', en: 'Rejected' },
  feedback: { zh: '反馈', en: 'Fed back' },
  visit: { zh: '回访', en: 'Return visit' },
  archive: { zh: '归档', en: 'Archived' },
  auto_archive: { zh: '自动归档', en: 'Archived automatically' },
  void: { zh: '作废', en: 'Voided' },
  request: { zh: '申请', en: 'Request' },
  approve: { zh: '批准', en: 'Approved' },
  deny: { zh: '不批准', en: 'Denied' },
  park: { zh: '挂账', en: 'Parked' },
  unpark: { zh: '取消挂账', en: 'Unparked' },
  defer: { zh: '缓办', en: 'Deferred' },
  remind: { zh: '催办', en: 'Reminder' },
  escalate: { zh: '升级', en: 'Escalated' },
  comment: { zh: '备注', en: 'Note' },
  // Supervision of a case in hand.
  urge: { zh: '催办', en: 'Urged' },
  reassign: { zh: '改派', en: 'Reassigned' },
  recall: { zh: '撤回', en: 'Recalled' },
  devolve: { zh: '退回属地', en: 'Handed to the local unit' },
  assist: { zh: '协办', en: 'Assistance requested' },
  assistFeedback: { zh: '协办反馈', en: 'Assisting unit fed back' },
  supervise: { zh: '督办', en: 'Under supervision' },
  handOver: { zh: '交办', en: 'Handed to an officer' },
  // The citizen's own steps (the public pages).
  rate: { zh: '群众评价', en: 'Rated by the citizen' },
  reopen: { zh: '群众要求重新办理', en: 'Reopened by the citizen' },
  follow: { zh: '群众附议', en: 'Another citizen reported it too' },
} as const;
export type CaseAction = keyof typeof CASE_ACTIONS;

export const REQUEST_KINDS = {
  park: { zh: '挂账', en: 'Parking' },
  unpark: { zh: '取消挂账', en: 'Unparking' },
  defer: { zh: '缓办', en: 'Deferral' },
} as const;
export type RequestKind = keyof typeof REQUEST_KINDS;

/** The seed's default category tree (§3.2, §8.2.1), with a few common children. */
export const DEFAULT_CASE_CATEGORIES: {
  code: string;
  name: string;
  nameEn: string;
  children?: { code: string; name: string; nameEn: string }[];
}[] = [
  {
    code: 'SRHJ',
    name: '市容环境',
    nameEn: 'City appearance',
    children: [
      { code: 'SRHJ01', name: '暴露垃圾', nameEn: 'Exposed rubbish' },
      { code: 'SRHJ02', name: '道路破损', nameEn: 'Damaged road' },
      { code: 'SRHJ03', name: '井盖缺失', nameEn: 'Missing manhole cover' },
      { code: 'SRHJ04', name: '绿化损毁', nameEn: 'Damaged greenery' },
    ],
  },
  {
    code: 'XCGG',
    name: '宣传广告',
    nameEn: 'Advertising',
    children: [
      { code: 'XCGG01', name: '违章广告', nameEn: 'Illegal advertising' },
      { code: 'XCGG02', name: '乱贴乱画', nameEn: 'Flyposting and graffiti' },
    ],
  },
  {
    code: 'SGGL',
    name: '施工管理',
    nameEn: 'Construction',
    children: [
      { code: 'SGGL01', name: '违法建设', nameEn: 'Illegal construction' },
      { code: 'SGGL02', name: '施工扰民', nameEn: 'Construction nuisance' },
    ],
  },
  { code: 'TFSJ', name: '突发事件', nameEn: 'Emergencies' },
  {
    code: 'JMZX',
    name: '街面秩序',
    nameEn: 'Street order',
    children: [
      { code: 'JMZX01', name: '占道经营', nameEn: 'Street vending' },
      { code: 'JMZX02', name: '乱停乱放', nameEn: 'Illegal parking' },
    ],
  },
  {
    code: 'MSJF',
    name: '民事纠纷',
    nameEn: 'Civil disputes',
    children: [
      { code: 'MSJF01', name: '邻里纠纷', nameEn: 'Neighbour dispute' },
      { code: 'MSJF02', name: '家庭纠纷', nameEn: 'Family dispute' },
      { code: 'MSJF03', name: '物业纠纷', nameEn: 'Property management dispute' },
    ],
  },
  { code: 'ZA', name: '治安', nameEn: 'Public order' },
  { code: 'AQSC', name: '安全生产', nameEn: 'Work safety' },
  { code: 'QT', name: '其他', nameEn: 'Other' },
];

/** Uploads of case photos. */
export const CASE_PHOTO_MAX = 9;
export const CASE_PHOTO_MAX_BYTES = 5 * 1024 * 1024;
export const CASE_PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** Timeline steps that are news to the public (citizen tracking, Open311 updates). */
export const PUBLIC_CASE_ACTIONS = [
  'report',
  'on_spot',
  'dispatch',
  'auto_dispatch',
  'accept',
  'reject',
  'feedback',
  'visit',
  'archive',
  'auto_archive',
  'void',
  'park',
  'unpark',
  'defer',
] as const;

/** The categories in use: active, under parents active all the way up (a cycle counts as not in use). */
export function categoriesInUse<T extends { id: number; active: boolean }>(
  rows: readonly T[],
  parentOf: (row: T) => number | null,
): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return rows.filter((r) => {
    for (let cur: T | undefined = r, n = 0; cur; n++) {
      if (!cur.active || n >= 20) return false;
      const parent = parentOf(cur);
      cur = parent === null ? undefined : byId.get(parent);
    }
    return true;
  });
}
