import type { ColumnType } from 'kysely';

export interface PersonTable {
  id: ColumnType<number, never, never>;
  name: string;
  phone_enc: string | null;
  phone_hash: string | null;
  id_number_enc: ColumnType<string | null, string | null | undefined, string | null>;
  id_number_hash: ColumnType<string | null, string | null | undefined, string | null>;
  organisation: string | null;
  photo_path: string | null;
  user_id: number | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DutyTable {
  id: ColumnType<number, never, never>;
  person_id: number;
  node_id: number;
  role: string;
  valid_from: string;
  valid_to: string | null;
  note: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export interface DepartmentTable {
  id: ColumnType<number, never, never>;
  name: string;
  code: string;
  sectors: string[];
  categories: string[];
  /** A township's or community's own unit (属地): the grid it answers for; null for county departments. */
  grid_id: ColumnType<number | null, number | null | undefined, number | null>;
  closed_at: Date | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface DepartmentStaffTable {
  department_id: number;
  person_id: number;
  role: string;
}

/** A grid's supervising department (主管部门), inherited by the subtree below it. */
export interface GridDepartmentTable {
  node_id: number;
  department_id: number;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

declare module '../../core/db/types.ts' {
  interface DB {
    grid_department: GridDepartmentTable;
    person: PersonTable;
    duty: DutyTable;
    department: DepartmentTable;
    department_staff: DepartmentStaffTable;
  }
}
