import { CITIZEN_CLOSED_STATES, type CaseStage, type CaseState } from '@wangge/shared';
import type { StateType } from '../../core/workflow/workflow.ts';

/** The subject kind of cases in the kernel's timeline, attachments, clocks and audit. */
export const CASE = 'case';

/** The three switches of the seed's 开关设置. */
export interface Switches {
  autoDispatch: boolean;
  returnVisit: boolean;
  autoArchive: boolean;
}

/** The switches out of the case settings. */
export function switchesOf(s: Switches): Switches {
  return { autoDispatch: s.autoDispatch, returnVisit: s.returnVisit, autoArchive: s.autoArchive };
}

/** What every case action reads besides the case: the switches and the actor's departments. */
export interface CaseContext {
  switches: Switches;
  /** The departments whose staff the acting user is (empty without `case.handle`). */
  departments: number[];
}

/** The states of a case: open or closed, and the clock stage each runs. */
export const STATES: { [K in CaseState]: { type: StateType; clock?: CaseStage } } = {
  pending_dispatch: { type: 'open' },
  assigned: { type: 'open', clock: 'accept' },
  accepted: { type: 'open', clock: 'feedback' },
  rejected: { type: 'open' },
  handled: { type: 'open', clock: 'visit' },
  rework: { type: 'open', clock: 'feedback' },
  pending_archive: { type: 'open' },
  archived: { type: 'closed' },
  voided: { type: 'closed' },
};

/** A unit has the case in hand: to accept, to feed back, or again after an unsatisfied visit. */
export const IN_HAND = ['assigned', 'accepted', 'rework'] as const satisfies readonly CaseState[];

/**
 * Where each transition of the seed's diagram may start and where it leads, under the switches:
 * the workflow (case.workflow.ts) adds who may take it and what it writes.
 */
export const MOVES = {
  dispatch: { label: '分派', from: ['pending_dispatch', 'rejected'], to: 'assigned' },
  void: { label: '作废', from: ['pending_dispatch', 'rejected'], to: 'voided' },
  accept: { label: '接受', from: ['assigned'], to: 'accepted' },
  reject: { label: '驳回', from: ['assigned'], to: 'rejected' },
  feedback: {
    label: '反馈',
    from: ['accepted', 'rework'],
    to: (_c: unknown, ctx: CaseContext): CaseState => afterFeedback(ctx.switches),
  },
  visit: {
    label: '回访',
    from: ['handled'],
    to: (_c: unknown, ctx: CaseContext, input: { satisfied: boolean }): CaseState =>
      input.satisfied ? afterClose(ctx.switches) : 'rework',
  },
  archive: {
    label: '归档',
    // A case waiting for a return visit can be archived by hand once return visits are switched off.
    from: ['pending_archive', 'handled'],
    when: (c: { state: string }, ctx: CaseContext) => !(c.state === 'handled' && ctx.switches.returnVisit),
    to: 'archived',
  },
  // Supervision of a case in hand (the seed's 催办、改派、撤回; 退回属地 to a township or community).
  reassign: { label: '改派', from: IN_HAND, to: 'assigned' },
  recall: { label: '撤回', from: IN_HAND, to: 'pending_dispatch' },
  devolve: { label: '退回属地', from: ['assigned'], to: 'assigned' },
  // The citizen's reopening of a closed case (the public pages, case.citizen.ts): back to the
  // unit that handled it for another round, or to the dispatch queue when none did.
  reopen: {
    label: '重新办理',
    from: CITIZEN_CLOSED_STATES,
    to: (c: { department_id: number | null }): CaseState =>
      c.department_id === null ? 'pending_dispatch' : 'rework',
  },
} as const satisfies Record<
  string,
  {
    label: string;
    from: readonly CaseState[];
    to: CaseState | ((c: never, ctx: CaseContext, input: never) => CaseState);
    when?: (c: { state: string }, ctx: CaseContext) => boolean;
  }
>;

export type Transition =
  | 'dispatch'
  | 'accept'
  | 'reject'
  | 'feedback'
  | 'visit_satisfied'
  | 'visit_unsatisfied'
  | 'archive'
  | 'void'
  | 'reassign'
  | 'recall'
  | 'devolve';

/**
 * Where a new case starts. On-the-spot handling (routine cases closed by the grid member) counts
 * as fed back; otherwise auto-dispatch assigns it when a rule names a department.
 */
export function initialState(
  switches: Switches,
  opts: { onSpot: boolean; ruleDepartment: number | null },
): CaseState {
  if (opts.onSpot) return afterFeedback(switches);
  if (switches.autoDispatch && opts.ruleDepartment !== null) return 'assigned';
  return 'pending_dispatch';
}

/** After the department's feedback (or on-the-spot handling). */
export function afterFeedback(switches: Switches): CaseState {
  if (switches.returnVisit) return 'handled';
  return afterClose(switches);
}

/** After a satisfied return visit, or feedback without return visits. */
export function afterClose(switches: Switches): CaseState {
  return switches.autoArchive ? 'archived' : 'pending_archive';
}

/** The next state of `state` under `transition`, or null when the transition is illegal there. */
export function nextState(state: CaseState, transition: Transition, switches: Switches): CaseState | null {
  const key = transition === 'visit_satisfied' || transition === 'visit_unsatisfied' ? 'visit' : transition;
  const move: {
    from: readonly CaseState[];
    to: unknown;
    when?: (c: { state: string }, ctx: CaseContext) => boolean;
  } = MOVES[key];
  const ctx = { switches, departments: [] };
  if (!move.from.includes(state) || !(move.when?.({ state }, ctx) ?? true)) return null;
  if (typeof move.to === 'string') return move.to as CaseState;
  return (move.to as (c: unknown, ctx: CaseContext, input: { satisfied: boolean }) => CaseState)(
    { state },
    ctx,
    {
      satisfied: transition !== 'visit_unsatisfied',
    },
  );
}

/** The clock a state runs: assigned→accepted, accepted→feedback, feedback→return visit. */
export function stageOf(state: CaseState): CaseStage | null {
  return STATES[state].clock ?? null;
}

export function isClosed(state: CaseState): boolean {
  return STATES[state].type === 'closed';
}
