import type { AuditVocabulary } from '../../core/audit/audit.vocabulary.ts';
import { rowsFor } from '../../core/audit/audit.vocabulary.ts';

/** What the org module writes into the audit log, named: people on duty, departments, print-outs. */
export const orgAudit: AuditVocabulary = {
  actions: {
    'person.create': { zh: '新建人员', en: 'Created a person' },
    'person.photo': { zh: '更换人员照片', en: 'Changed a photo' },
    'duty.assign': { zh: '安排网格责任人', en: 'Assigned a duty' },
    'duty.end': { zh: '结束网格职责', en: 'Ended a duty' },
    'duty.handover': { zh: '职责交接', en: 'Handed over a duty' },
    'duty.roster.import': { zh: '导入网格员花名册', en: 'Imported the roster' },
    'department.create': { zh: '新建部门', en: 'Created a department' },
    'department.update': { zh: '修改部门', en: 'Changed a department' },
    'department.staff.add': { zh: '添加部门人员', en: 'Added department staff' },
    'department.staff.remove': { zh: '移除部门人员', en: 'Removed department staff' },
    'grid.print.notice': { zh: '打印网格公示牌', en: 'Printed a notice board' },
    'grid.print.chart': { zh: '打印网格责任图', en: 'Printed a responsibility chart' },
    'grid.department': { zh: '设置网格主管部门', en: 'Set the supervising department of a grid' },
  },
  targets: {
    person: {
      label: { zh: '人员', en: 'Person' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db.selectFrom('person').select(['id', 'name']).where('id', 'in', numbers).execute(),
        );
        return new Map(rows.map((r) => [String(r.id), { name: r.name }]));
      },
    },
    duty: {
      label: { zh: '网格职责', en: 'Duty' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('duty as d')
            .innerJoin('person as p', 'p.id', 'd.person_id')
            .innerJoin('grid_node as g', 'g.id', 'd.node_id')
            .select(['d.id', 'd.node_id', 'p.name as person', 'g.name as grid'])
            .where('d.id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => [
            String(r.id),
            { name: `${r.grid} · ${r.person}`, link: `/grids?id=${r.node_id}` },
          ]),
        );
      },
    },
    department: {
      label: { zh: '部门', en: 'Department' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db.selectFrom('department').select(['id', 'name']).where('id', 'in', numbers).execute(),
        );
        return new Map(rows.map((r) => [String(r.id), { name: r.name }]));
      },
    },
    'duty.roster': { label: { zh: '网格员花名册', en: 'Roster' } },
  },
};
