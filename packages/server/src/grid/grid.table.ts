import type { ColumnType } from 'kysely';

export interface GridNodeTable {
  id: ColumnType<number, number | undefined, never>;
  parent_id: number | null;
  path: string;
  depth: number;
  kind: string;
  name: string;
  code: string | null;
  geometry: ColumnType<unknown, string | null, string | null> | null;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
  lng: number | null;
  lat: number | null;
  valid_from: ColumnType<string, string | undefined, string>;
  valid_to: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}
