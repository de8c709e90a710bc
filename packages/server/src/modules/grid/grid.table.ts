import type { ColumnType } from 'kysely';

export interface GridNodeTable {
  id: ColumnType<number, number | undefined, never>;
  parent_id: number | null;
  /** Id of the tree's root (the first id in `path`). */
  root_id: number;
  /** Scheme the node's tree follows, and the node's level in it (0 = the scheme's top). */
  scheme: string | null;
  level: number | null;
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
  /** Coordinate system the polygon was given in before conversion to WGS84 (wgs84, gcj02, bd09). */
  geometry_source: string | null;
  lng: number | null;
  lat: number | null;
  valid_from: ColumnType<string, string | undefined, string>;
  valid_to: string | null;
  created_at: ColumnType<Date, Date | undefined, Date>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface SchemeTable {
  key: string;
  code: string;
  name: string;
  name_en: string;
  definition: ColumnType<unknown, string, string>;
  builtin: boolean;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export type GridEventKind =
  'create' | 'rename' | 'move' | 'recode' | 'split' | 'merge' | 'close' | 'geometry' | 'import';

export interface GridEventTable {
  id: ColumnType<number, never, never>;
  node_id: number;
  kind: GridEventKind;
  effective_date: string;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  note: string | null;
  actor_id: number | null;
  at: ColumnType<Date, Date | undefined, never>;
}

export interface GridLineageTable {
  from_id: number;
  to_id: number;
  kind: 'split' | 'merge';
  effective_date: string;
}

declare module '../../core/db/types.ts' {
  interface DB {
    grid_node: GridNodeTable;
    grid_event: GridEventTable;
    grid_lineage: GridLineageTable;
    scheme: SchemeTable;
  }
}
