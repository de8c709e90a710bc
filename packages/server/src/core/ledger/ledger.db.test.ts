import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { Database } from '../db/database.ts';
import { AppError } from '../http/errors.ts';
import { commitLedger, dryRunLedger, errorWorkbook, type LedgerImport } from './import.ts';
import { CellError, ledgerTemplate, parseDate, type LedgerDef } from './ledger.ts';

/** A ledger of the tests' own: things with a code, a name, a quantity and a date. */
interface Thing {
  code: string;
  name: string;
  qty: number | null;
  since: string | null;
}

const things: LedgerDef<Thing> = {
  sheet: '物品台账',
  columns: [
    {
      key: 'code',
      zh: '编码',
      en: 'Code',
      format: 'text',
      required: true,
      example: '0001',
      parse: (t) => {
        if (!/^\d{4}$/.test(t)) throw new CellError('应为 4 位数字');
        return t;
      },
    },
    { key: 'name', zh: '名称', en: 'Name', required: true, example: '灭火器' },
    {
      key: 'qty',
      zh: '数量',
      en: 'Quantity',
      format: 'number',
      parse: (t) => {
        if (!/^\d+$/.test(t)) throw new CellError('应为整数');
        return Number(t);
      },
    },
    { key: 'since', zh: '启用日期', en: 'Since', format: 'date', parse: parseDate, hint: '如 2026-03-01' },
  ],
};

async function workbook(rows: unknown[][], opts: { title?: string } = {}): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('Sheet1');
  if (opts.title) {
    sheet.addRow([opts.title]);
    sheet.mergeCells(1, 1, 1, 4);
  }
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(testEngines())('ledgers on $name', (engine) => {
  let database: Database;

  const spec: LedgerImport = {
    def: things as LedgerDef<unknown>,
    key: (f) => String(f.code),
    check: async (_db, rows) => {
      for (const r of rows)
        if (r.fields.name === '禁用品') r.errors.push({ key: 'name', message: '“名称”不允许' });
    },
    write: async (trx, rows) => {
      const counts = { created: 0, updated: 0, unchanged: 0 };
      for (const r of rows) {
        const f = r.fields as unknown as Thing;
        const old = await sql<Thing>`select * from test_thing where code = ${f.code}`.execute(trx);
        const before = old.rows[0];
        if (!before) {
          await sql`insert into test_thing values (${f.code}, ${f.name}, ${f.qty}, ${f.since})`.execute(trx);
          counts.created += 1;
        } else if (before.name !== f.name || before.qty !== f.qty || before.since !== f.since) {
          await sql`update test_thing set name = ${f.name}, qty = ${f.qty}, since = ${f.since}
                     where code = ${f.code}`.execute(trx);
          counts.updated += 1;
        } else counts.unchanged += 1;
      }
      return counts;
    },
    batchSize: 2,
  };
  const stored = async () =>
    (await sql<Thing>`select code, name, qty, since from test_thing order by code`.execute(database.db)).rows;

  beforeAll(async () => {
    database = await engine.open();
    await migrateToLatest(database.db);
    await sql`create table test_thing (code text primary key, name text not null, qty integer, since text)`.execute(
      database.db,
    );
  });
  afterAll(() => database.close());

  it('gives a template with the headers, what each accepts, and an example row', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await ledgerTemplate(things)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('物品台账')!;
    expect(sheet.getRow(1).values).toEqual([undefined, '编码*', '名称*', '数量', '启用日期']);
    expect(String(sheet.getRow(1).getCell(4).note)).toContain('2026-03-01');
    expect(sheet.getRow(2).getCell(1).value).toBe('0001');
  });

  it('finds the header under a title row, reads full-width digits, text dates and spaces, and reports bad rows', async () => {
    const file = await workbook(
      [
        ['编码*', 'Name', '数量', '启用日期'],
        ['０１２３', '  灭火器  ', '５', '2026.3.1'],
        ['0124', '消防栓', 2, '2026年3月1日'],
        ['0125', '应急灯', null, new Date(Date.UTC(2026, 2, 2))],
        ['12', '', 'x', '2026-02-30'],
        ['0123', '重复的', 1, null],
        ['0126', '禁用品', 1, '20260301'],
        [null, null, null, null],
      ],
      { title: '某某镇物品台账（2026年）' },
    );
    const dry = await dryRunLedger(database.db, spec, file);
    expect(dry.total).toBe(6);
    expect(dry.valid).toBe(3);
    expect(dry.errors).toEqual([
      { line: 6, column: '编码', message: '“编码”应为 4 位数字' },
      { line: 6, column: '名称', message: '“名称”不能为空' },
      { line: 6, column: '数量', message: '“数量”应为整数' },
      { line: 6, column: '启用日期', message: '“启用日期”不是有效的日期' },
      { line: 7, column: null, message: '与第 3 行重复' },
      { line: 8, column: '名称', message: '“名称”不允许' },
    ]);
    // Nothing written by a dry run.
    expect(await stored()).toEqual([]);

    // The uploaded rows come back with an error column.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await errorWorkbook(database.db, spec, file)) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet('物品台账')!;
    expect(sheet.getRow(1).values).toEqual([undefined, '编码*', 'Name', '数量', '启用日期', '错误原因']);
    expect(sheet.getRow(2).getCell(5).value).toBeNull();
    expect(String(sheet.getRow(5).getCell(5).value)).toContain('“编码”应为 4 位数字');
    expect(String(sheet.getRow(6).getCell(5).value)).toBe('与第 3 行重复');

    // A file with bad rows is refused whole.
    await expect(commitLedger(database.db, spec, file)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await stored()).toEqual([]);
  });

  it('commits in batches with progress, and a re-import changes only what changed', async () => {
    const rows = [
      ['编码', '名称', '数量', '启用日期'],
      ['0001', '灭火器', 5, '2026-03-01'],
      ['0002', '消防栓', 2, null],
      ['0003', '应急灯', null, '2026/3/2'],
    ];
    const seen: string[] = [];
    const first = await commitLedger(database.db, spec, await workbook(rows), (done, total) =>
      seen.push(`${done}/${total}`),
    );
    expect(first).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0 });
    expect(seen).toEqual(['0/3', '2/3', '3/3']);
    expect(await stored()).toEqual([
      { code: '0001', name: '灭火器', qty: 5, since: '2026-03-01' },
      { code: '0002', name: '消防栓', qty: 2, since: null },
      { code: '0003', name: '应急灯', qty: null, since: '2026-03-02' },
    ]);
    const again = await commitLedger(database.db, spec, await workbook(rows));
    expect(again).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3 });
    rows[2] = ['0002', '室内消防栓', 3, null];
    const changed = await commitLedger(database.db, spec, await workbook(rows));
    expect(changed).toEqual({ total: 3, created: 0, updated: 1, unchanged: 2 });
  });

  it('refuses a file without the header, or that is not a workbook, with a clear reason', async () => {
    const noHeader = await workbook([['名字', '数目']]);
    const err = await dryRunLedger(database.db, spec, noHeader).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toContain('未找到表头');
    const junk = await dryRunLedger(database.db, spec, Buffer.from('not a workbook')).catch(
      (e: unknown) => e,
    );
    expect(junk).toMatchObject({ code: 'INVALID_UPLOAD' });
  });
});
