/** Node kinds used by the shipped schemes. Schemes name these; labels are for display. */
export const GRID_KINDS = {
  country: { zh: '国家', en: 'Country' },
  province: { zh: '省', en: 'Province' },
  city: { zh: '市', en: 'City' },
  county: { zh: '县（区）', en: 'County' },
  street: { zh: '街道', en: 'Subdistrict' },
  town: { zh: '镇', en: 'Town' },
  township: { zh: '乡', en: 'Township' },
  special_zone: { zh: '乡级特殊区域', en: 'Special township-level area' },
  community: { zh: '社区', en: 'Community' },
  special_area: { zh: '村级特殊区域', en: 'Special village-level area' },
  village: { zh: '行政村', en: 'Village' },
  base_grid: { zh: '基础网格', en: 'Base grid' },
  compound: { zh: '小区', en: 'Compound' },
  building: { zh: '楼栋', en: 'Building' },
  unit: { zh: '单元', en: 'Entrance' },
  enterprise: { zh: '企业', en: 'Enterprise' },
  institution: { zh: '事业单位', en: 'Institution' },
  bureau: { zh: '局（公司）', en: 'Bureau' },
  unit_org: { zh: '单位', en: 'Unit' },
  zone: { zh: '责任区', en: 'Zone' },
  mine: { zh: '矿井', en: 'Mine' },
  office: { zh: '职能科室', en: 'Office' },
  inspection_area: { zh: '安监区域', en: 'Inspection area' },
  work_team: { zh: '区队', en: 'Work team' },
  crew: { zh: '班组', en: 'Crew' },
  post: { zh: '岗位', en: 'Post' },
  project: { zh: '建设项目', en: 'Project' },
  supervision: { zh: '监理单位', en: 'Supervisor' },
  contractor: { zh: '施工单位', en: 'Contractor' },
  section: { zh: '标段', en: 'Section' },
  big_grid: { zh: '大网格', en: 'Big grid' },
  cell: { zh: '单元格', en: 'Cell' },
  sub_cell: { zh: '子格', en: 'Sub-cell' },
  courtyard: { zh: '院落', en: 'Courtyard' },
  shop: { zh: '商铺', en: 'Shop' },
  villager_group: { zh: '村民小组', en: "Villagers' group" },
  hospital: { zh: '医院', en: 'Hospital' },
  school: { zh: '学校', en: 'School' },
  org_department: { zh: '科室', en: 'Department' },
  sub_grid: { zh: '子网格', en: 'Sub-grid' },
} as const;

export type GridKind = keyof typeof GRID_KINDS;

export function isGridKind(kind: string): kind is GridKind {
  return Object.prototype.hasOwnProperty.call(GRID_KINDS, kind);
}

export function gridKindLabel(kind: string, lang: 'zh' | 'en' = 'zh'): string {
  return isGridKind(kind) ? GRID_KINDS[kind][lang] : kind;
}
