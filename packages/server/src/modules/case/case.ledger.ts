import {
  CASE_CHANNELS,
  CASE_NATURES,
  CASE_STAGES,
  CASE_STATES,
  HANDLING_TYPES,
  URGENCIES,
  type CaseListQuery,
  type CaseSummary,
} from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { writeLedger, type LedgerDef } from '../../core/ledger/ledger.ts';
import { fmtTime } from './case.format.ts';
import { CASE } from './case.machine.ts';
import type { CaseReader } from './case.read.ts';

const EXPORT_MAX = 20_000;

/** A ledger row: the case as lists show it, and what a ledger keeper records besides. */
export interface CaseLedgerRow extends CaseSummary {
  description: string;
  result: string | null;
  handledAt: Date | null;
  archivedAt: Date | null;
  satisfied: boolean | null;
}

/** The columns of the case ledger (事件台账), in the order ledger keepers expect them. */
export function caseLedger(timeZone: string): LedgerDef<CaseLedgerRow> {
  const time = (d: Date | string | null) => (d ? fmtTime(new Date(d), timeZone) : null);
  const yes = (b: boolean) => (b ? '是' : '');
  return {
    sheet: '事件台账',
    columns: [
      { key: 'number', zh: '事件编号', en: 'Number', width: 18, format: 'text', value: (c) => c.number },
      { key: 'title', zh: '标题', en: 'Title', width: 32, value: (c) => c.title },
      { key: 'category', zh: '分类', en: 'Category', width: 12, value: (c) => c.categoryName },
      { key: 'nature', zh: '性质', en: 'Nature', width: 8, value: (c) => CASE_NATURES[c.nature].zh },
      {
        key: 'handling',
        zh: '处置类型',
        en: 'Handling',
        width: 16,
        value: (c) => HANDLING_TYPES[c.handlingType].zh,
      },
      { key: 'urgency', zh: '紧急程度', en: 'Urgency', width: 8, value: (c) => URGENCIES[c.urgency].zh },
      { key: 'state', zh: '状态', en: 'State', width: 16, value: (c) => CASE_STATES[c.state].zh },
      { key: 'description', zh: '事件描述', en: 'Description', width: 40, value: (c) => c.description },
      { key: 'grid', zh: '所属网格', en: 'Grid', width: 18, value: (c) => c.gridName },
      { key: 'department', zh: '承办部门', en: 'Department', width: 20, value: (c) => c.departmentName },
      { key: 'address', zh: '地址', en: 'Address', width: 24, value: (c) => c.address },
      {
        key: 'channel',
        zh: '上报渠道',
        en: 'Channel',
        width: 12,
        value: (c) => CASE_CHANNELS[c.channel]?.zh ?? c.channel,
      },
      { key: 'reportedAt', zh: '上报时间', en: 'Reported', width: 18, value: (c) => time(c.reportedAt) },
      {
        key: 'stage',
        zh: '当前环节',
        en: 'Stage',
        width: 8,
        value: (c) => (c.stage ? CASE_STAGES[c.stage].zh : null),
      },
      { key: 'dueAt', zh: '办理期限', en: 'Due', width: 18, value: (c) => time(c.dueAt) },
      { key: 'overdue', zh: '是否超时', en: 'Overdue', width: 8, value: (c) => (c.overdue ? '是' : '否') },
      { key: 'parked', zh: '挂账', en: 'Parked', width: 6, value: (c) => yes(c.parked) },
      { key: 'deferred', zh: '缓办', en: 'Deferred', width: 6, value: (c) => yes(c.deferred) },
      { key: 'round', zh: '办理轮次', en: 'Round', width: 8, format: 'number', value: (c) => c.round },
      { key: 'result', zh: '处理结果', en: 'Result', width: 40, value: (c) => c.result },
      { key: 'handledAt', zh: '办结时间', en: 'Handled', width: 18, value: (c) => time(c.handledAt) },
      { key: 'archivedAt', zh: '归档时间', en: 'Archived', width: 18, value: (c) => time(c.archivedAt) },
      {
        key: 'satisfied',
        zh: '回访满意度',
        en: 'Satisfaction',
        width: 10,
        value: (c) => (c.satisfied === null ? null : c.satisfied ? '满意' : '不满意'),
      },
    ],
  };
}

/** The case ledger (事件台账): the filtered list as an Excel workbook. */
export class CaseLedger {
  constructor(private readonly deps: { db: Kysely<DB>; read: CaseReader; timeZone: string }) {}

  /** The case ledger for the list's filters as an Excel workbook; audited. */
  async exportLedger(
    principal: Principal,
    actor: Actor,
    query: CaseListQuery,
  ): Promise<{ bytes: Buffer; count: number }> {
    const result = await this.deps.read.list(principal, { ...query, page: 1 }, EXPORT_MAX);
    if (result.total > EXPORT_MAX) {
      throw new AppError(
        'VALIDATION_FAILED',
        `一次最多导出 ${EXPORT_MAX} 条，请缩小筛选范围（当前 ${result.total} 条）`,
        { _: '结果过多' },
      );
    }
    const extras = await this.extras(result.items.map((c) => c.id));
    const rows = result.items.map((c) => ({ ...c, ...extras.get(c.id)! }));
    const bytes = await writeLedger(caseLedger(this.deps.timeZone), rows);
    await this.deps.db.transaction().execute((trx) =>
      appendAudit(trx, actor, {
        action: 'case.export',
        targetType: 'case',
        after: { filters: { ...query, page: undefined, pageSize: undefined }, count: result.items.length },
      }),
    );
    return { bytes, count: result.items.length };
  }

  /** Description, the latest handling result, handled and archived times, the visit's verdict. */
  private async extras(ids: number[]) {
    const rows = ids.length
      ? await this.deps.db
          .selectFrom('cases as c')
          .select((eb) => [
            'c.id',
            'c.description',
            'c.handled_at',
            'c.closed_at',
            'c.state',
            'c.visit_satisfied',
            eb
              .selectFrom('timeline_entry as e')
              .select('e.note')
              .where('e.subject_kind', '=', CASE)
              .whereRef('e.subject_id', '=', 'c.id')
              .where('e.action', 'in', ['feedback', 'on_spot'])
              .orderBy('e.id', 'desc')
              .limit(1)
              .as('result'),
          ])
          .where('c.id', 'in', ids)
          .execute()
      : [];
    return new Map(
      rows.map((r) => [
        r.id,
        {
          description: r.description,
          result: r.result ?? null,
          handledAt: r.handled_at,
          archivedAt: r.state === 'archived' ? r.closed_at : null,
          satisfied: r.visit_satisfied,
        },
      ]),
    );
  }
}
