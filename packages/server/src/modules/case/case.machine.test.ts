import { CASE_STATE_KEYS, type CaseState } from '@wangge/shared';
import { describe, expect, it } from 'vitest';
import { initialState, nextState, stageOf, type Switches, type Transition } from './case.machine.ts';

const ALL_SWITCHES: Switches[] = [];
for (const autoDispatch of [false, true])
  for (const returnVisit of [false, true])
    for (const autoArchive of [false, true]) ALL_SWITCHES.push({ autoDispatch, returnVisit, autoArchive });

const TRANSITIONS: Transition[] = [
  'dispatch',
  'accept',
  'reject',
  'feedback',
  'visit_satisfied',
  'visit_unsatisfied',
  'archive',
  'void',
  'reassign',
  'recall',
  'devolve',
];

/** The seed's diagram, written out as a table: state × transition → next state, per switch setting. */
function expected(state: CaseState, t: Transition, s: Switches): CaseState | null {
  const closeState: CaseState = s.autoArchive ? 'archived' : 'pending_archive';
  const afterFeedback: CaseState = s.returnVisit ? 'handled' : closeState;
  const table: Partial<Record<CaseState, Partial<Record<Transition, CaseState>>>> = {
    pending_dispatch: { dispatch: 'assigned', void: 'voided' },
    rejected: { dispatch: 'assigned', void: 'voided' },
    assigned: {
      accept: 'accepted',
      reject: 'rejected',
      reassign: 'assigned',
      recall: 'pending_dispatch',
      devolve: 'assigned',
    },
    accepted: { feedback: afterFeedback, reassign: 'assigned', recall: 'pending_dispatch' },
    rework: { feedback: afterFeedback, reassign: 'assigned', recall: 'pending_dispatch' },
    handled: {
      visit_satisfied: closeState,
      visit_unsatisfied: 'rework',
      ...(s.returnVisit ? {} : { archive: 'archived' as const }),
    },
    pending_archive: { archive: 'archived' },
  };
  return table[state]?.[t] ?? null;
}

describe('case state machine', () => {
  it('follows the diagram for every state, transition and switch combination', () => {
    let legal = 0;
    let illegal = 0;
    for (const s of ALL_SWITCHES) {
      for (const state of CASE_STATE_KEYS) {
        for (const t of TRANSITIONS) {
          const want = expected(state, t, s);
          expect(nextState(state, t, s), `${state} --${t}--> with ${JSON.stringify(s)}`).toBe(want);
          if (want === null) illegal++;
          else legal++;
        }
      }
    }
    // 8 switch settings × 9 states × 11 transitions.
    expect(legal + illegal).toBe(8 * 9 * 11);
    expect(illegal).toBeGreaterThan(legal);
  });

  it('closed cases accept nothing', () => {
    for (const s of ALL_SWITCHES)
      for (const t of TRANSITIONS) {
        expect(nextState('archived', t, s)).toBeNull();
        expect(nextState('voided', t, s)).toBeNull();
      }
  });

  it('starts new cases by the auto-dispatch switch, a matching rule and on-the-spot handling', () => {
    for (const s of ALL_SWITCHES) {
      expect(initialState(s, { onSpot: false, ruleDepartment: 7 })).toBe(
        s.autoDispatch ? 'assigned' : 'pending_dispatch',
      );
      expect(initialState(s, { onSpot: false, ruleDepartment: null })).toBe('pending_dispatch');
      expect(initialState(s, { onSpot: true, ruleDepartment: 7 })).toBe(
        s.returnVisit ? 'handled' : s.autoArchive ? 'archived' : 'pending_archive',
      );
    }
  });

  it('runs the three clocks in the right states only', () => {
    expect(stageOf('assigned')).toBe('accept');
    expect(stageOf('accepted')).toBe('feedback');
    expect(stageOf('rework')).toBe('feedback');
    expect(stageOf('handled')).toBe('visit');
    for (const s of ['pending_dispatch', 'rejected', 'pending_archive', 'archived', 'voided'] as const)
      expect(stageOf(s)).toBeNull();
  });
});
