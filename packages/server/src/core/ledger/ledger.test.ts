import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { normalise, parseDate, readLedger, writeLedger, type LedgerDef } from './ledger.ts';

const people: LedgerDef<{ name: string; note: string }> = {
  sheet: '名单',
  columns: [
    { key: 'name', zh: '姓名', en: 'Name', required: true, value: (r) => r.name },
    { key: 'note', zh: '备注', en: 'Note', value: (r) => r.note },
  ],
};

async function readAll(file: Buffer) {
  const rows: Record<string, unknown>[] = [];
  for await (const r of readLedger(people, file)) if (!('header' in r)) rows.push(r.fields);
  return rows;
}

describe('ledger cells', () => {
  it('reads Chinese text intact however the compressed stream is cut (inline and shared strings)', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => ({
      name: `网格员${i}号`,
      note: `递铺街道第${i % 97}网格`,
    }));
    const inline = await readAll(await writeLedger(people, rows));
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('名单');
    sheet.addRow(['姓名', '备注']);
    for (const r of rows) sheet.addRow([r.name, r.note]);
    const shared = await readAll(Buffer.from(await wb.xlsx.writeBuffer()));
    for (const read of [inline, shared]) {
      expect(read).toHaveLength(rows.length);
      expect(read.filter((r, i) => r.name !== rows[i]!.name || r.note !== rows[i]!.note)).toEqual([]);
    }
  });

  it('reads dates as ledgers write them', () => {
    for (const text of [
      '2026-03-01',
      '2026/3/1',
      '2026.3.1',
      '2026年3月1日',
      '20260301',
      '2026 年 3 月 1 日',
    ]) {
      expect(parseDate(text), text).toBe('2026-03-01');
    }
    expect(parseDate('', new Date(Date.UTC(2026, 2, 1)))).toBe('2026-03-01');
    expect(parseDate('46082', 46082)).toBe('2026-03-01');
    expect(() => parseDate('2026-02-30')).toThrow('不是有效的日期');
    expect(() => parseDate('三月一日')).toThrow('不是日期');
  });

  it('normalises full-width characters and spaces', () => {
    expect(normalise('  ９１３３０５２３ＭＡ２Ｂ　１２  ')).toBe('91330523MA2B 12');
  });
});
