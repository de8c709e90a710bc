import ExcelJS from 'exceljs';
import {
  CASE_CHANNELS,
  CASE_NATURES,
  CASE_STAGES,
  CASE_STATES,
  HANDLING_TYPES,
  URGENCIES,
  type CaseListQuery,
} from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { DB } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { fmtTime } from './case.format.ts';
import type { CaseReader } from './case.read.ts';

const EXPORT_MAX = 20_000;

/** The case ledger (事件台账): the filtered list as an Excel workbook. */
export class CaseLedger {
  constructor(private readonly deps: { db: Kysely<DB>; read: CaseReader; timeZone: string }) {}

  /** The case ledger (事件台账) for the list's filters as an Excel workbook; audited. */
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
        {
          _: '结果过多',
        },
      );
    }
    const workbook = new ExcelJS.Workbook();
    workbook.creator = 'Wangge 网格';
    workbook.created = new Date();
    const sheet = workbook.addWorksheet('事件台账', { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = [
      { header: '事件编号', key: 'number', width: 18 },
      { header: '标题', key: 'title', width: 32 },
      { header: '分类', key: 'category', width: 12 },
      { header: '性质', key: 'nature', width: 8 },
      { header: '处置类型', key: 'handling', width: 16 },
      { header: '紧急程度', key: 'urgency', width: 8 },
      { header: '状态', key: 'state', width: 16 },
      { header: '所属网格', key: 'grid', width: 18 },
      { header: '承办部门', key: 'department', width: 20 },
      { header: '地址', key: 'address', width: 24 },
      { header: '上报渠道', key: 'channel', width: 12 },
      { header: '上报时间', key: 'reportedAt', width: 18 },
      { header: '当前环节', key: 'stage', width: 8 },
      { header: '办理期限', key: 'dueAt', width: 18 },
      { header: '是否超时', key: 'overdue', width: 8 },
      { header: '挂账', key: 'parked', width: 6 },
      { header: '缓办', key: 'deferred', width: 6 },
      { header: '办理轮次', key: 'round', width: 8 },
    ];
    sheet.getRow(1).font = { bold: true };
    const tz = this.deps.timeZone;
    for (const c of result.items) {
      sheet.addRow({
        number: c.number,
        title: c.title,
        category: c.categoryName,
        nature: CASE_NATURES[c.nature].zh,
        handling: HANDLING_TYPES[c.handlingType].zh,
        urgency: URGENCIES[c.urgency].zh,
        state: CASE_STATES[c.state].zh,
        grid: c.gridName,
        department: c.departmentName ?? '',
        address: c.address ?? '',
        channel: CASE_CHANNELS[c.channel]?.zh ?? c.channel,
        reportedAt: fmtTime(new Date(c.reportedAt), tz),
        stage: c.stage ? CASE_STAGES[c.stage].zh : '',
        dueAt: c.dueAt ? fmtTime(new Date(c.dueAt), tz) : '',
        overdue: c.overdue ? '是' : '',
        parked: c.parked ? '是' : '',
        deferred: c.deferred ? '是' : '',
        round: c.round,
      });
    }
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    await this.deps.db.transaction().execute((trx) =>
      appendAudit(trx, actor, {
        action: 'case.export',
        targetType: 'case',
        after: { filters: { ...query, page: undefined, pageSize: undefined }, count: result.items.length },
      }),
    );
    return { bytes, count: result.items.length };
  }
}
