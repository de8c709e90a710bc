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

export function isDutyRole(role: string): role is DutyRole {
  return Object.prototype.hasOwnProperty.call(DUTY_ROLES, role);
}
