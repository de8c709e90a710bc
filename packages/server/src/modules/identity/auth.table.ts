import type { ColumnType, Generated } from 'kysely';
import type { LoginResult } from '@wangge/shared';

export interface SessionTable {
  id_hash: string;
  user_id: number;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_seen_at: Date;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginLogTable {
  id: Generated<number>;
  at: ColumnType<Date, Date | undefined, never>;
  username: string;
  user_id: number | null;
  ip: string | null;
  user_agent: string | null;
  result: LoginResult;
  reason: string | null;
}

declare module '../../core/db/types.ts' {
  interface DB {
    session: SessionTable;
    login_log: LoginLogTable;
  }
}
