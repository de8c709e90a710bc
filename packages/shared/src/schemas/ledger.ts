import { Type, type Static } from 'typebox';

/** What a dry run of a ledger import found: every bad row with its reasons (the first 200 shown). */
export const LedgerDryRun = Type.Object({
  total: Type.Integer({ description: '数据行数' }),
  valid: Type.Integer({ description: '可导入的行数' }),
  errorCount: Type.Integer({ description: '问题总数（全部列在错误文件中）' }),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer({ description: '表中的行号' }),
      column: Type.Union([Type.String(), Type.Null()]),
      message: Type.String(),
    }),
  ),
});
export type LedgerDryRun = Static<typeof LedgerDryRun>;

/** The content type of an uploaded or downloaded Excel workbook. */
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
