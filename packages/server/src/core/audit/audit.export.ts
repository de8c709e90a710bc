import { AUDIT_RESULTS, type AuditEntry } from '@wangge/shared';
import { writeLedger, type LedgerDef } from '../ledger/ledger.ts';

/** At most this many entries in one export. */
export const AUDIT_EXPORT_MAX = 20_000;

/** Excel keeps at most 32,767 characters in a cell. */
const CELL_MAX = 32_000;

function json(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  return text.length > CELL_MAX ? `${text.slice(0, CELL_MAX)}…` : text;
}

/** The columns of the exported log, as a person reads it: names, not codes (the codes kept beside). */
export function auditLedger(timeZone: string): LedgerDef<AuditEntry> {
  // 'sv-SE' writes dates as 2026-11-22 09:30:00.
  const time = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  return {
    sheet: '审计日志',
    columns: [
      { key: 'seq', zh: '序号', en: 'No.', width: 8, format: 'number', value: (e) => e.seq },
      { key: 'at', zh: '时间', en: 'Time', width: 20, value: (e) => time.format(new Date(e.at)) },
      { key: 'actor', zh: '操作人', en: 'Actor', width: 16, value: (e) => e.actorName },
      { key: 'ip', zh: '来源地址', en: 'From', width: 16, value: (e) => e.ip },
      { key: 'action', zh: '操作', en: 'Action', width: 22, value: (e) => e.actionLabel?.zh ?? e.action },
      { key: 'actionCode', zh: '操作代码', en: 'Action code', width: 22, value: (e) => e.action },
      {
        key: 'targetType',
        zh: '对象类型',
        en: 'Target kind',
        width: 12,
        value: (e) => e.target?.typeLabel?.zh ?? e.targetType,
      },
      { key: 'target', zh: '对象', en: 'Target', width: 24, value: (e) => e.target?.name ?? e.targetId },
      {
        key: 'targetId',
        zh: '对象编号',
        en: 'Target id',
        width: 12,
        format: 'text',
        value: (e) => e.targetId,
      },
      {
        key: 'result',
        zh: '结果',
        en: 'Result',
        width: 8,
        value: (e) => AUDIT_RESULTS[e.result as keyof typeof AUDIT_RESULTS]?.zh ?? e.result,
      },
      { key: 'before', zh: '变更前', en: 'Before', width: 40, value: (e) => json(e.before) },
      { key: 'after', zh: '变更后', en: 'After', width: 40, value: (e) => json(e.after) },
      { key: 'hash', zh: '哈希', en: 'Hash', width: 20, format: 'text', value: (e) => e.hash },
    ],
  };
}

/** The entries as an Excel workbook of one sheet. */
export function auditWorkbook(entries: readonly AuditEntry[], timeZone: string): Promise<Buffer> {
  return writeLedger(auditLedger(timeZone), entries);
}
