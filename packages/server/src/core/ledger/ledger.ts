import { PassThrough, Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import ExcelJS from 'exceljs';
import type { PersonalKind } from '../pii/personal.ts';

/** What a cell holds, as written or as read. */
export type CellValue = string | number | boolean | Date | null;

/** A cell the importer could not take, with the reason (shown in the error column). */
export class CellError extends Error {}

/**
 * One column of a ledger (台账): its header in Chinese and English, how its cells are written and
 * read. The same definition gives the export, the import template and the import.
 */
export interface LedgerColumn<R> {
  key: string;
  zh: string;
  en: string;
  width?: number;
  /** `text` cells are written as text: credit codes and ID numbers keep every digit. */
  format?: 'text' | 'number' | 'date' | 'datetime';
  /** An import row must have it. */
  required?: boolean;
  /** Export: the cell of a row. */
  value?(row: R): CellValue;
  /** Import: the field from the cell's text (normalised) and its raw value; throws CellError. */
  parse?(text: string, raw: CellValue): unknown;
  /** The template's example and the note on its header (what the column accepts). */
  example?: string;
  hint?: string;
}

export interface LedgerDef<R> {
  /** The sheet's name (also the file's, in Chinese). */
  sheet: string;
  columns: readonly LedgerColumn<R>[];
}

/** A row read from an uploaded ledger: its line in the sheet and its fields by column key. */
export interface ReadRow {
  line: number;
  fields: Record<string, unknown>;
  /** The cells as they were, in the sheet's column order (for the error file). */
  cells: CellValue[];
  /** Reasons the row cannot be taken, by column key ('' for the row as a whole). */
  errors: { key: string; message: string }[];
}

/** Writes rows as a workbook of one sheet, row by row (an export of any size in bounded memory). */
export async function writeLedger<R>(
  def: LedgerDef<R>,
  rows: Iterable<R> | AsyncIterable<R>,
  opts: { extra?: { header: string; width?: number; value(row: R): CellValue } } = {},
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    out.on('end', resolve);
    out.on('error', reject);
  });
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  workbook.creator = 'Wangge 网格';
  const sheet = workbook.addWorksheet(def.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = [
    ...def.columns.map((c) => ({
      header: c.zh,
      key: c.key,
      width: c.width ?? 14,
      style: styleOf(c.format),
    })),
    ...(opts.extra ? [{ header: opts.extra.header, key: '__extra', width: opts.extra.width ?? 30 }] : []),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for await (const row of rows) {
    const values: Record<string, CellValue> = {};
    for (const c of def.columns) values[c.key] = cellOut(c, c.value?.(row) ?? null);
    if (opts.extra) values.__extra = opts.extra.value(row);
    sheet.addRow(values).commit();
  }
  sheet.commit();
  await workbook.commit();
  await done;
  return Buffer.concat(chunks);
}

/** The import template: the headers (with what each accepts as a note) and an example row. */
export async function ledgerTemplate<R>(def: LedgerDef<R>): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Wangge 网格';
  const sheet = workbook.addWorksheet(def.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = def.columns.map((c) => ({
    header: c.required ? `${c.zh}*` : c.zh,
    key: c.key,
    width: c.width ?? 14,
    style: styleOf(c.format),
  }));
  const header = sheet.getRow(1);
  header.font = { bold: true };
  def.columns.forEach((c, i) => {
    const note = [c.required ? '必填' : '选填', c.hint].filter(Boolean).join('；');
    header.getCell(i + 1).note = note;
  });
  sheet.addRow(Object.fromEntries(def.columns.map((c) => [c.key, c.example ?? ''])));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * Reads an uploaded ledger row by row (streaming: bounded memory for any size). Tolerates what
 * real ledgers contain: title rows above the header (the header is the first row naming every
 * required column), headers in Chinese or English with a trailing `*`, merged header cells,
 * full-width digits, letters and spaces, trailing spaces, dates as text. Each row comes with its
 * fields parsed and the reasons it cannot be taken.
 */
export async function* readLedger<R>(
  def: LedgerDef<R>,
  input: Buffer | Readable,
): AsyncGenerator<ReadRow | { header: CellValue[]; line: number }> {
  const reader = new Utf8WorkbookReader(Buffer.isBuffer(input) ? Readable.from(input) : input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  const names = new Map<string, LedgerColumn<R>>();
  for (const c of def.columns) {
    names.set(normalise(c.zh), c);
    names.set(normalise(c.en).toLowerCase(), c);
  }
  const required = def.columns.filter((c) => c.required);
  for await (const worksheet of reader) {
    let columns: (LedgerColumn<R> | null)[] | null = null;
    let scanned = 0;
    for await (const row of worksheet) {
      const cells = valuesOf(row.values as unknown[]);
      if (!columns) {
        scanned += 1;
        const found = cells.map((v) => {
          const text = normalise(textOf(v))
            .replace(/[*＊]$/, '')
            .trim();
          return names.get(text) ?? names.get(text.toLowerCase()) ?? null;
        });
        if (found.some(Boolean) && required.every((c) => found.includes(c))) {
          columns = found;
          yield { header: cells, line: row.number };
        } else if (scanned >= 20) {
          throw new CellError(
            `未找到表头：前 20 行中没有一行同时包含 ${required.map((c) => `“${c.zh}”`).join('、')}`,
          );
        }
        continue;
      }
      if (cells.every((v) => textOf(v).trim() === '')) continue;
      const fields: Record<string, unknown> = {};
      const errors: { key: string; message: string }[] = [];
      columns.forEach((c, i) => {
        if (!c) return;
        const raw = cells[i] ?? null;
        const text = normalise(textOf(raw));
        if (text === '') {
          if (c.required) errors.push({ key: c.key, message: `“${c.zh}”不能为空` });
          fields[c.key] = null;
          return;
        }
        try {
          fields[c.key] = c.parse ? c.parse(text, raw) : text;
        } catch (err) {
          if (!(err instanceof CellError)) throw err;
          errors.push({ key: c.key, message: `“${c.zh}”${err.message}` });
        }
      });
      for (const c of def.columns) if (!columns.includes(c)) fields[c.key] ??= null;
      yield { line: row.number, fields, cells, errors };
    }
    if (!columns) {
      throw new CellError(`未找到表头：表中没有一行同时包含 ${required.map((c) => `“${c.zh}”`).join('、')}`);
    }
    // The first sheet only.
    break;
  }
}

/**
 * ExcelJS's streaming reader decodes each compressed chunk to text on its own, so a Chinese
 * character split across two chunks comes out as "��" (exceljs issues #2063, #2084; 4.4.0).
 * This reader hands its parser text decoded across chunk boundaries instead.
 */
class Utf8WorkbookReader extends ExcelJS.stream.xlsx.WorkbookReader {
  constructor(...args: ConstructorParameters<typeof ExcelJS.stream.xlsx.WorkbookReader>) {
    super(...args);
    const self = this as unknown as Record<string, (...a: unknown[]) => unknown>;
    const proto = ExcelJS.stream.xlsx.WorkbookReader.prototype as unknown as Record<
      string,
      (...a: unknown[]) => unknown
    >;
    self._parseWorksheet = (iterator: unknown, sheetNo: unknown) =>
      proto._parseWorksheet!.call(this, utf8(iterator as AsyncIterable<Buffer | string>), sheetNo);
    for (const name of ['_parseSharedStrings', '_parseWorkbook', '_parseStyles', '_parseRels']) {
      const original = proto[name]!;
      self[name] = (entry: unknown, ...rest: unknown[]) => {
        (entry as { setEncoding(e: string): void }).setEncoding('utf8');
        return original.call(this, entry, ...rest);
      };
    }
  }
}

async function* utf8(chunks: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Full-width characters to their ordinary forms, spaces of every kind collapsed, trimmed. */
export function normalise(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** The text of a cell as the user typed it (dates as YYYY-MM-DD, rich text and formulas resolved). */
export function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if (o.result !== undefined) return textOf(o.result);
    if (o.text !== undefined) return textOf(o.text);
    return '';
  }
  return String(v);
}

/**
 * A date from what ledgers hold: an Excel date, an Excel serial number, or text such as
 * 2026-03-01, 2026/3/1, 2026.3.1, 20260301 or 2026年3月1日. Returns YYYY-MM-DD.
 */
export function parseDate(text: string, raw: CellValue = null): string {
  if (raw instanceof Date) return raw.toISOString().slice(0, 10);
  if (typeof raw === 'number' && raw > 20000 && raw < 80000) {
    return new Date(Date.UTC(1899, 11, 30) + Math.round(raw) * 86_400_000).toISOString().slice(0, 10);
  }
  const m =
    /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  if (!m) throw new CellError('不是日期（例如 2026-03-01）');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) {
    throw new CellError('不是有效的日期');
  }
  return date.toISOString().slice(0, 10);
}

/** One of a set of named choices, by its Chinese or English name (or its key). */
export function parseChoice<K extends string>(choices: Record<K, { zh: string; en?: string }>) {
  return (text: string): K => {
    const t = text.toLowerCase();
    for (const [key, c] of Object.entries(choices) as [K, { zh: string; en?: string }][]) {
      if (c.zh === text || c.en?.toLowerCase() === t || key.toLowerCase() === t) return key;
    }
    throw new CellError(
      `应为 ${Object.values<{ zh: string }>(choices)
        .map((c) => c.zh)
        .join('、')} 之一`,
    );
  };
}

function styleOf(format: LedgerColumn<unknown>['format']): Partial<ExcelJS.Style> {
  switch (format) {
    case 'text':
      return { numFmt: '@' };
    case 'date':
      return { numFmt: 'yyyy-mm-dd' };
    case 'datetime':
      return { numFmt: 'yyyy-mm-dd hh:mm' };
    default:
      return {};
  }
}

function cellOut(c: LedgerColumn<unknown>, v: CellValue): CellValue {
  if (v === null) return null;
  if (c.format === 'text') return String(v);
  return v;
}

/** Row values as ExcelJS gives them (1-based, holes for empty cells) → 0-based cells. */
function valuesOf(values: unknown[]): CellValue[] {
  const out: CellValue[] = [];
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    out.push(v === undefined ? null : (v as CellValue));
  }
  return out;
}

/** A personal-data cell (phone, ID number …) normalised by its kind, or refused with the kind's reason. */
export function parsePersonal(kind: PersonalKind) {
  return (text: string): string => {
    const plain = kind.normalise(text);
    if (plain === null) throw new CellError(kind.invalid);
    return plain;
  };
}
