import type { CaseStage, CaseState } from '@wangge/shared';

/** The three switches of the seed's 开关设置. */
export interface Switches {
  autoDispatch: boolean;
  returnVisit: boolean;
  autoArchive: boolean;
}

export type Transition =
  | 'dispatch'
  | 'accept'
  | 'reject'
  | 'feedback'
  | 'visit_satisfied'
  | 'visit_unsatisfied'
  | 'archive'
  | 'void';

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

const FROM: Record<Transition, readonly CaseState[]> = {
  dispatch: ['pending_dispatch', 'rejected'],
  accept: ['assigned'],
  reject: ['assigned'],
  feedback: ['accepted', 'rework'],
  visit_satisfied: ['handled'],
  visit_unsatisfied: ['handled'],
  // A case waiting for a return visit can be archived by hand once return visits are switched off.
  archive: ['pending_archive', 'handled'],
  void: ['pending_dispatch', 'rejected'],
};

/**
 * The next state of `state` under `transition`, or null when the transition is illegal there.
 * Pure: the service adds permission, scope, locking and persistence.
 */
export function nextState(state: CaseState, transition: Transition, switches: Switches): CaseState | null {
  if (!FROM[transition].includes(state)) return null;
  switch (transition) {
    case 'dispatch':
      return 'assigned';
    case 'accept':
      return 'accepted';
    case 'reject':
      return 'rejected';
    case 'feedback':
      return afterFeedback(switches);
    case 'visit_satisfied':
      return afterClose(switches);
    case 'visit_unsatisfied':
      return 'rework';
    case 'archive':
      if (state === 'handled' && switches.returnVisit) return null;
      return 'archived';
    case 'void':
      return 'voided';
  }
}

/** The clock a state runs: assigned→accepted, accepted→feedback, feedback→return visit. */
export function stageOf(state: CaseState): CaseStage | null {
  switch (state) {
    case 'assigned':
      return 'accept';
    case 'accepted':
    case 'rework':
      return 'feedback';
    case 'handled':
      return 'visit';
    default:
      return null;
  }
}

export function isClosed(state: CaseState): boolean {
  return state === 'archived' || state === 'voided';
}
