import { Type, type Static } from 'typebox';
import { CASE_RATINGS, CITIZEN_LIMITS } from '../citizen.ts';
import { CaseStateSchema } from './case.ts';
import { Int, Latitude, Longitude } from './numbers.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = () => Type.String({ format: 'date-time' });
const Code = () => Type.String({ pattern: '^[0-9A-Z]{6}$', description: '6 位查询码' });

export const CaseRatingSchema = Type.Enum(Object.keys(CASE_RATINGS) as (keyof typeof CASE_RATINGS)[]);

/** A photo the citizen may see: served only with the number and the access code. */
export const PublicPhoto = Type.Object({
  id: Type.Integer(),
  /** Relative URL including the access code (`/api/public/cases/{number}/photos/{id}?code=…`). */
  url: Type.String(),
});
export type PublicPhoto = Static<typeof PublicPhoto>;

/** One step of a handling round, in citizens' words, without staff names or phones. */
export const PublicStep = Type.Object({
  at: DateTime(),
  /** A key of PUBLIC_CASE_STEPS (the return visit as visit_satisfied / visit_unsatisfied). */
  step: Type.String(),
  /** The step in Chinese (with the unit filled in). */
  stepName: Type.String(),
  /** The unit the case was passed to (dispatch steps). */
  unit: Nullable(Type.String()),
  /** What was done (feedback, on-the-spot handling; staff names and phones masked) or the citizen's own words. */
  text: Nullable(Type.String()),
  photos: Type.Array(PublicPhoto),
  rating: Nullable(CaseRatingSchema),
});
export type PublicStep = Static<typeof PublicStep>;

export const PublicRound = Type.Object({
  round: Type.Integer(),
  steps: Type.Array(PublicStep),
});
export type PublicRound = Static<typeof PublicRound>;

export const PublicCaseStatus = Type.Object({
  number: Type.String(),
  /** `reporter`: by the report's own code; `follower`: by the code of a citizen who followed it. */
  viewer: Type.Union([Type.Literal('reporter'), Type.Literal('follower')]),
  category: Type.String(),
  categoryEn: Type.String(),
  /** The report's text (for a follower: a short excerpt without phones or names). */
  description: Type.String(),
  address: Nullable(Type.String()),
  state: CaseStateSchema,
  /** The state in citizens' words (PUBLIC_CASE_STATES). */
  stateName: Type.String(),
  closed: Type.Boolean(),
  reportedAt: DateTime(),
  updatedAt: DateTime(),
  /** The unit handling it now (or last). */
  unit: Nullable(Type.String()),
  /** The report's own photos (the reporter only). */
  photos: Type.Array(PublicPhoto),
  /** The handling rounds: a second round after an unsatisfied visit or a reopening. */
  rounds: Type.Array(PublicRound),
  /** Other citizens who reported the same problem (附议). */
  followers: Type.Integer(),
  /** The citizen's rating of the current round, if given. */
  rating: Nullable(
    Type.Object({
      rating: CaseRatingSchema,
      comment: Nullable(Type.String()),
      at: DateTime(),
      reopened: Type.Boolean(),
    }),
  ),
  canRate: Type.Boolean(),
  canReopen: Type.Boolean(),
  /** Until when it may be reopened. */
  reopenUntil: Nullable(DateTime()),
  /** Steps without names of staff or other people (flat; `rounds` groups them). */
  timeline: Type.Array(
    Type.Object({
      at: DateTime(),
      action: Type.String(),
      actionName: Type.String(),
      note: Nullable(Type.String()),
    }),
  ),
});
export type PublicCaseStatus = Static<typeof PublicCaseStatus>;

export const PublicPhotoParams = Type.Object({
  number: Type.String({ pattern: '^[A-Z]{2}\\d{14}$' }),
  photoId: Int(1, Number.MAX_SAFE_INTEGER),
});

export const PublicRateBody = Type.Object({
  code: Code(),
  rating: CaseRatingSchema,
  comment: Type.Optional(Nullable(Type.String({ maxLength: CITIZEN_LIMITS.reasonMax }))),
});
export type PublicRateBody = Static<typeof PublicRateBody>;

export const PublicReopenBody = Type.Object({
  code: Code(),
  reason: Type.String({ minLength: CITIZEN_LIMITS.reasonMin, maxLength: CITIZEN_LIMITS.reasonMax }),
});
export type PublicReopenBody = Static<typeof PublicReopenBody>;

export const PublicNearbyQuery = Type.Object({
  categoryId: Int(1, 2_147_483_647),
  lng: Longitude(),
  lat: Latitude(),
  crs: Type.Optional(Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02'), Type.Literal('bd09')])),
});
export type PublicNearbyQuery = Static<typeof PublicNearbyQuery>;

/** An open report near a point, as anybody may see it: nothing personal, no access code. */
export const PublicNearbyCase = Type.Object(
  {
    number: Type.String(),
    category: Type.String(),
    categoryEn: Type.String(),
    /** The start of the description, phones, ID numbers and names masked. */
    summary: Type.String(),
    distanceM: Type.Integer(),
    state: CaseStateSchema,
    stateName: Type.String(),
    reportedAt: DateTime(),
    followers: Type.Integer(),
  },
  { additionalProperties: false },
);
export type PublicNearbyCase = Static<typeof PublicNearbyCase>;

export const PublicFollowReceipt = Type.Object({
  number: Type.String(),
  /** A read-only code of the follower's own: with the number it shows the case's progress. */
  accessCode: Type.String(),
  followers: Type.Integer(),
});
export type PublicFollowReceipt = Static<typeof PublicFollowReceipt>;
