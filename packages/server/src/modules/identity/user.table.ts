import type { ColumnType, Generated } from 'kysely';

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  phone_enc: string | null;
  phone_hash: string | null;
  /** Work e-mail address for notifications (plain text, like the user name). */
  email: string | null;
  password_hash: string;
  password_changed_at: ColumnType<Date, Date | undefined, Date>;
  must_change_password: Generated<boolean>;
  status: Generated<'active' | 'disabled'>;
  failed_count: Generated<number>;
  locked_until: Date | null;
  last_login_at: Date | null;
  last_login_ip: string | null;
  is_demo: Generated<boolean>;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PasswordHistoryTable {
  id: Generated<number>;
  user_id: number;
  password_hash: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface UserRoleTable {
  user_id: number;
  role_key: string;
}

export interface UserScopeTable {
  user_id: number;
  grid_id: number;
}

declare module '../../core/db/types.ts' {
  interface DB {
    app_user: AppUserTable;
    password_history: PasswordHistoryTable;
    user_role: UserRoleTable;
    user_scope: UserScopeTable;
  }
}
