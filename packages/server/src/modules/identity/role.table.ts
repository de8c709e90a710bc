import type { ColumnType } from 'kysely';

export interface RoleTable {
  key: string;
  name: string;
  name_en: string;
  builtin: boolean;
  editable: boolean;
  permissions: string[];
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

declare module '../../core/db/types.ts' {
  interface DB {
    role: RoleTable;
  }
}
