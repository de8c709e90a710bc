import type { AuditVocabulary } from '../../core/audit/audit.vocabulary.ts';
import { rowsFor } from '../../core/audit/audit.vocabulary.ts';

/** What the grid module writes into the audit log, named: changes to the tree and its outlines. */
export const gridAudit: AuditVocabulary = {
  actions: {
    'grid.create': { zh: '新建网格', en: 'Created a grid' },
    'grid.rename': { zh: '网格改名', en: 'Renamed a grid' },
    'grid.move': { zh: '调整网格隶属', en: 'Moved a grid' },
    'grid.split': { zh: '拆分网格', en: 'Split a grid' },
    'grid.merge': { zh: '合并网格', en: 'Merged grids' },
    'grid.close': { zh: '撤销网格', en: 'Closed a grid' },
    'grid.geometry.import': { zh: '导入网格边界', en: 'Imported grid outlines' },
    'grid.import.divisions': { zh: '导入行政区划', en: 'Imported administrative divisions' },
  },
  targets: {
    grid: {
      label: { zh: '网格', en: 'Grid' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db.selectFrom('grid_node').select(['id', 'name']).where('id', 'in', numbers).execute(),
        );
        return new Map(rows.map((r) => [String(r.id), { name: r.name, link: `/grids?id=${r.id}` }]));
      },
    },
  },
};
