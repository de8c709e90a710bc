import { Type, type Static } from 'typebox';
import { CaseReturned, DispatchRule } from './case.ts';

/**
 * What the dispatch dialog shows before the choice: the rule's suggestion (never a unit that sent
 * the case back), the units that did, and the acceptance deadline a dispatch now would set.
 */
export const DispatchPreview = Type.Object({
  /** The best matching rule whose department has not sent this case back; null: choose by hand. */
  suggestion: Type.Union([DispatchRule, Type.Null()]),
  /** Every matching active rule, winner first (including skipped ones). */
  matches: Type.Array(DispatchRule),
  /** Every time the case was sent back for re-dispatch, the latest first. */
  returns: Type.Array(CaseReturned),
  /** The acceptance time limit of the case's category and urgency. */
  acceptLimit: Type.Object({ minutes: Type.Integer(), natural: Type.Boolean() }),
  /** When acceptance would be due if dispatched now (by the work calendar). */
  acceptDueAt: Type.String({ format: 'date-time' }),
});
export type DispatchPreview = Static<typeof DispatchPreview>;
