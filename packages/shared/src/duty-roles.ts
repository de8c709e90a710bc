/** Roles a person can hold on a grid node (定人定责). Schemes list which apply at each level. */
export const DUTY_ROLES = {
  chief: { zh: '网格长', en: 'Grid chief' },
  deputy_chief: { zh: '副网格长', en: 'Deputy chief' },
  member: { zh: '网格员', en: 'Grid member' },
  supervisor: { zh: '网格监督员', en: 'Supervisor' },
  patroller: { zh: '巡查员', en: 'Patroller' },
  monitor: { zh: '监管员', en: 'Monitor' },
  safety_officer: { zh: '安全员', en: 'Safety officer' },
  liaison_leader: { zh: '联系领导', en: 'Liaison leader' },
  liaison: { zh: '联络员', en: 'Liaison' },
  key_site_leader: { zh: '包重点领导', en: 'Leader for key sites' },
  area_leader: { zh: '包片领导', en: 'Area leader' },
  sector_leader: { zh: '包行业领导', en: 'Sector leader' },
  responsible: { zh: '责任人', en: 'Responsible person' },
  specific_responsible: { zh: '具体责任人', en: 'Specific responsible person' },
  social_worker: { zh: '社工', en: 'Social worker' },
  building_chief: { zh: '楼长', en: 'Building chief' },
  unit_chief: { zh: '单元长', en: 'Entrance chief' },
  mine_leader: { zh: '包区矿领导', en: 'Mine leader' },
  office_head: { zh: '科室负责人', en: 'Office head' },
  inspector: { zh: '安监员', en: 'Safety inspector' },
  team_leader: { zh: '区队长', en: 'Team leader' },
  crew_leader: { zh: '班组长', en: 'Crew leader' },
  post_worker: { zh: '岗位工', en: 'Post worker' },
  owner_rep: { zh: '建设单位负责人', en: "Owner's representative" },
  chief_supervisor: { zh: '总监理工程师', en: 'Chief supervisor' },
  project_manager: { zh: '项目经理', en: 'Project manager' },
} as const;

export type DutyRole = keyof typeof DUTY_ROLES;

/** What each role does, as printed on the public notice board (公示牌). */
export const DUTY_TEXT: Partial<Record<DutyRole, string>> = {
  chief: '统筹本网格工作，组织巡查排查，督促隐患和问题整改到位，协调解决网格内的重大事项。',
  deputy_chief: '协助网格长开展工作，分管本网格的具体事项。',
  member:
    '每日巡查网格，采集人、房、事、物、组织信息；发现隐患和问题及时上报、跟踪处置；宣传政策，服务群众。',
  supervisor: '监督网格员履职，核查上报事项的真实性和整改效果。',
  patroller: '按规定频次巡查责任区域，记录巡查情况，发现问题立即报告。',
  monitor: '对单元格内的单位和场所开展监管，建立一户一档，督促整改。',
  safety_officer: '开展日常安全检查，组织隐患排查治理，落实安全生产责任。',
  building_chief: '联系楼栋住户，收集社情民意，协助开展人口信息采集和安全检查。',
  responsible: '对责任区域的安全和管理负总责。',
  specific_responsible: '具体落实责任区域的各项工作任务。',
  social_worker: '受理和分派事件，开展回访，维护人口信息。',
};

export function isDutyRole(role: string): role is DutyRole {
  return Object.prototype.hasOwnProperty.call(DUTY_ROLES, role);
}
