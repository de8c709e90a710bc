import type { ColumnType, Generated } from 'kysely';

type Created = ColumnType<Date, Date | undefined, never>;

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  prefix: string;
  key_hash: string;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Created;
  created_by: number | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

declare module '../../core/db/types.ts' {
  interface DB {
    api_key: ApiKeyTable;
  }
}
