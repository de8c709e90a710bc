import type { ColumnType, Generated } from 'kysely';

/** 满意 / 基本满意 / 不满意: the citizen's rating of one handling round of a closed case. */
export interface CaseRatingTable {
  id: Generated<number>;
  case_id: number;
  /** The case's round the rating is about (a reopened case is rated again when it closes again). */
  round: number;
  rating: 'satisfied' | 'basic' | 'unsatisfied';
  comment: string | null;
  /** The citizen reopened the case with this rating. */
  reopened: ColumnType<boolean, boolean | undefined, boolean>;
  rated_at: ColumnType<Date, Date | undefined, Date>;
}

/** A citizen following an open case someone else reported (附议), with a read-only code. */
export interface CaseFollowTable {
  id: Generated<number>;
  case_id: number;
  code_hash: string;
  /** Keyed hash of the client address: one follow per address and case. */
  client_hash: string;
  followed_at: ColumnType<Date, Date | undefined, never>;
}

declare module '../../core/db/types.ts' {
  interface DB {
    case_rating: CaseRatingTable;
    case_follow: CaseFollowTable;
  }
}
