/** Node kinds of the territorial scheme used by the foundation's demo data; the grid module adds the rest. */
export const GRID_KINDS = {
  county: { zh: '县（区）', en: 'County' },
  street: { zh: '街道', en: 'Subdistrict' },
  town: { zh: '镇', en: 'Town' },
  township: { zh: '乡', en: 'Township' },
  community: { zh: '社区', en: 'Community' },
  village: { zh: '行政村', en: 'Village' },
  base_grid: { zh: '基础网格', en: 'Base grid' },
} as const;

export type GridKind = keyof typeof GRID_KINDS;

export function gridKindLabel(kind: string, lang: 'zh' | 'en' = 'zh'): string {
  const k = (GRID_KINDS as Record<string, { zh: string; en: string }>)[kind];
  return k ? k[lang] : kind;
}
