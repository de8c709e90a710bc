import { CASE_STAGES, URGENCIES } from '@wangge/shared';
import type { AuditVocabulary } from '../../core/audit/audit.vocabulary.ts';
import { rowsFor } from '../../core/audit/audit.vocabulary.ts';

const named = (table: Record<string, { zh: string; en: string }>, key: string) =>
  table[key] ?? { zh: key, en: key };

/**
 * What the case module writes into the audit log, named: intake, every action of the workflow
 * (`case.<action>` unless the action names its own entry), the ledger export, the configuration.
 */
export const caseAudit: AuditVocabulary = {
  actions: {
    'case.report': { zh: '上报事件', en: 'Reported a case' },
    'case.dispatch': { zh: '分派事件', en: 'Dispatched a case' },
    'case.void': { zh: '作废事件', en: 'Voided a case' },
    'case.accept': { zh: '接受事件', en: 'Accepted a case' },
    'case.reject': { zh: '驳回事件', en: 'Rejected a case' },
    'case.feedback': { zh: '反馈事件', en: 'Fed back a case' },
    'case.visit': { zh: '回访事件', en: 'Return visit' },
    'case.visit_satisfied': { zh: '回访满意', en: 'Return visit: satisfied' },
    'case.visit_unsatisfied': { zh: '回访不满意', en: 'Return visit: unsatisfied' },
    'case.archive': { zh: '归档事件', en: 'Archived a case' },
    'case.request': { zh: '申请挂账或缓办', en: 'Requested parking or deferral' },
    'case.decide': { zh: '审批挂账或缓办', en: 'Decided on parking or deferral' },
    'case.request.approve': { zh: '批准挂账或缓办', en: 'Approved parking or deferral' },
    'case.request.deny': { zh: '驳回挂账或缓办申请', en: 'Denied parking or deferral' },
    'case.comment': { zh: '事件备注', en: 'Commented on a case' },
    'case.urge': { zh: '催办事件', en: 'Urged a case' },
    'case.reassign': { zh: '改派事件', en: 'Reassigned a case' },
    'case.recall': { zh: '撤回事件', en: 'Recalled a case' },
    'case.devolve': { zh: '退回属地办理', en: 'Handed a case back to the locality' },
    'case.assist': { zh: '发起协办', en: 'Asked for assistance' },
    'case.assistFeedback': { zh: '协办反馈', en: 'Fed back as assisting unit' },
    'case.supervise': { zh: '督办事件', en: 'Supervised a case' },
    'case.handOver': { zh: '交办经办人', en: 'Handed a case to an officer' },
    'case.rate': { zh: '群众评价', en: 'Rated by the reporter' },
    'case.reopen': { zh: '群众要求重新办理', en: 'Reopened by the reporter' },
    'case.follow': { zh: '附议事件', en: 'Followed a case' },
    'case.export': { zh: '导出事件台账', en: 'Exported the case ledger' },
    'case.settings.update': { zh: '修改事件开关设置', en: 'Changed case switches' },
    'case.category.create': { zh: '新建事件分类', en: 'Created a case category' },
    'case.category.update': { zh: '修改事件分类', en: 'Changed a case category' },
    'case.limit.set': { zh: '设置事件时限', en: 'Set a time limit' },
    'case.limit.delete': { zh: '删除事件时限', en: 'Deleted a time limit' },
    'case.rule.create': { zh: '新建分流规则', en: 'Created a dispatch rule' },
    'case.rule.update': { zh: '修改分流规则', en: 'Changed a dispatch rule' },
    'case.rule.delete': { zh: '删除分流规则', en: 'Deleted a dispatch rule' },
  },
  targets: {
    case: {
      label: { zh: '事件', en: 'Case' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db.selectFrom('cases').select(['id', 'number']).where('id', 'in', numbers).execute(),
        );
        return new Map(rows.map((r) => [String(r.id), { name: r.number, link: `/cases/${r.id}` }]));
      },
    },
    case_category: {
      label: { zh: '事件分类', en: 'Case category' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('case_category')
            .select(['id', 'name', 'name_en'])
            .where('id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => [
            String(r.id),
            { name: r.name, nameEn: r.name_en || null, link: '/case-settings?tab=categories' },
          ]),
        );
      },
    },
    case_time_limit: {
      label: { zh: '事件时限', en: 'Time limit' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('case_time_limit as l')
            .leftJoin('case_category as c', 'c.id', 'l.category_id')
            .select(['l.id', 'l.urgency', 'l.stage', 'c.name', 'c.name_en'])
            .where('l.id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => {
            const urgency = named(URGENCIES, r.urgency);
            const stage = named(CASE_STAGES, r.stage);
            return [
              String(r.id),
              {
                name: `${r.name ?? '全部分类'} · ${urgency.zh} · ${stage.zh}`,
                nameEn: `${r.name_en || r.name || 'All categories'} · ${urgency.en} · ${stage.en}`,
                link: '/case-settings?tab=limits',
              },
            ];
          }),
        );
      },
    },
    dispatch_rule: {
      label: { zh: '分流规则', en: 'Dispatch rule' },
      describe: async (ids, ctx) => {
        const rows = await rowsFor(ids, (numbers) =>
          ctx.db
            .selectFrom('dispatch_rule as r')
            .innerJoin('department as d', 'd.id', 'r.department_id')
            .leftJoin('case_category as c', 'c.id', 'r.category_id')
            .leftJoin('grid_node as g', 'g.id', 'r.grid_id')
            .select(['r.id', 'd.name as department', 'c.name as category', 'g.name as grid'])
            .where('r.id', 'in', numbers)
            .execute(),
        );
        return new Map(
          rows.map((r) => [
            String(r.id),
            {
              name: `${r.category ?? '全部分类'} · ${r.grid ?? '全部网格'} → ${r.department}`,
              link: '/case-settings?tab=rules',
            },
          ]),
        );
      },
    },
  },
};
