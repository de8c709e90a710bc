import { Type, type Static } from 'typebox';
import { Id } from './numbers.ts';
import { PhotoTokens } from './tokens.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

// Supervision of cases in hand: 催办 (urge), 改派 (reassign), 撤回 (recall), 协办 (assisting units),
// 督办 (formal supervision by a named leader), handing to a named officer, 退回属地 (to the
// township's or community's own unit).

const Reason = (min = 2) => Type.String({ minLength: min, maxLength: 1000 });

export const UrgeBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) });
export const ReassignBody = Type.Object({ departmentId: Id(), reason: Reason() });
export const RecallBody = Type.Object({ reason: Reason() });
export const DevolveBody = Type.Object({ reason: Reason() });
export const AssistBody = Type.Object({
  departmentIds: Type.Array(Id(), { minItems: 1, maxItems: 10, uniqueItems: true }),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});
export const AssistFeedbackBody = Type.Object({
  note: Reason(),
  photoTokens: Type.Optional(PhotoTokens()),
  /** Which of the actor's units feeds back, when they work in several assisting ones. */
  departmentId: Type.Optional(Id()),
});
export const SuperviseBody = Type.Object({ note: Reason() });
export const HandOverBody = Type.Object({
  personId: Id(),
  note: Type.Optional(Type.String({ maxLength: 1000 })),
});

export type UrgeBody = Static<typeof UrgeBody>;
export type ReassignBody = Static<typeof ReassignBody>;
export type RecallBody = Static<typeof RecallBody>;
export type DevolveBody = Static<typeof DevolveBody>;
export type AssistBody = Static<typeof AssistBody>;
export type AssistFeedbackBody = Static<typeof AssistFeedbackBody>;
export type SuperviseBody = Static<typeof SuperviseBody>;
export type HandOverBody = Static<typeof HandOverBody>;

/** An assisting unit of a case and its feedback. */
export const CaseAssist = Type.Object({
  departmentId: Type.Integer(),
  departmentName: Type.String(),
  state: Type.Union([Type.Literal('open'), Type.Literal('done')]),
  requestedAt: Type.String({ format: 'date-time' }),
  requestedBy: Type.String(),
  note: Nullable(Type.String()),
  fedBackAt: Nullable(Type.String({ format: 'date-time' })),
  fedBackBy: Nullable(Type.String()),
});
export type CaseAssist = Static<typeof CaseAssist>;

/** What the case page shows of its supervision. */
export const CaseSupervision = Type.Object({
  /** 督办: the leader, when and why (null: not under formal supervision). */
  supervision: Nullable(
    Type.Object({
      by: Type.String(),
      at: Type.String({ format: 'date-time' }),
      note: Type.String(),
    }),
  ),
  urgeCount: Type.Integer(),
  urgedAt: Nullable(Type.String({ format: 'date-time' })),
  /** The officer of the handling unit it is handed to. */
  assignee: Nullable(Type.Object({ personId: Type.Integer(), name: Type.String() })),
  assists: Type.Array(CaseAssist),
});
export type CaseSupervision = Static<typeof CaseSupervision>;

/** The staff of the handling unit a case may be handed to. */
export const UnitOfficer = Type.Object({
  personId: Type.Integer(),
  name: Type.String(),
  role: Type.String(),
});
export type UnitOfficer = Static<typeof UnitOfficer>;
