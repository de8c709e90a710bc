/**
 * What citizens read on the public pages: the states and steps of their report in plain words
 * (never the staff's "已分派待接受"), and the ratings they give a closed case.
 */
import { PUBLIC_CASE_ACTIONS, type CaseState } from './cases.ts';

/** A case's state as the citizen reads it. */
export const PUBLIC_CASE_STATES: { [K in CaseState]: { zh: string; en: string } } = {
  pending_dispatch: { zh: '已受理，正在交办', en: 'Received, being passed on' },
  assigned: { zh: '已转承办单位', en: 'Passed to the unit in charge' },
  accepted: { zh: '承办单位正在处理', en: 'Being dealt with' },
  rejected: { zh: '正在重新交办', en: 'Being passed to another unit' },
  handled: { zh: '已处理，等待回访', en: 'Dealt with, we will check back with you' },
  rework: { zh: '正在重新处理', en: 'Being dealt with again' },
  pending_archive: { zh: '已处理完毕', en: 'Dealt with' },
  archived: { zh: '已办结', en: 'Closed' },
  voided: { zh: '已作废（重复或无效反映）', en: 'Closed as a duplicate or invalid' },
};

/**
 * The steps of a report a citizen sees, in order of the timeline; `visit_satisfied` and
 * `visit_unsatisfied` are the return visit by its outcome. `{unit}` is the unit in charge.
 */
export const PUBLIC_CASE_STEPS = {
  report: { zh: '已收到您的反映', en: 'We received your report' },
  on_spot: { zh: '已现场处置', en: 'Dealt with on the spot' },
  dispatch: { zh: '已转{unit}办理', en: 'Passed to {unit}' },
  auto_dispatch: { zh: '已转{unit}办理', en: 'Passed to {unit}' },
  accept: { zh: '承办单位已接收', en: 'The unit in charge took it on' },
  reject: { zh: '正在重新交办', en: 'Being passed to another unit' },
  feedback: { zh: '承办单位已处理', en: 'The unit in charge reported what was done' },
  visit_satisfied: { zh: '已回访', en: 'We checked back with you' },
  visit_unsatisfied: { zh: '回访不满意，重新办理', en: 'Not resolved at the check-back, handled again' },
  archive: { zh: '已办结', en: 'Closed' },
  auto_archive: { zh: '已办结', en: 'Closed' },
  void: { zh: '已作废（重复或无效反映）', en: 'Closed as a duplicate or invalid' },
  park: { zh: '暂缓办理', en: 'On hold' },
  unpark: { zh: '恢复办理', en: 'Resumed' },
  defer: { zh: '延期办理', en: 'Given more time' },
  rate: { zh: '您已评价', en: 'You rated it' },
  reopen: { zh: '您要求重新办理', en: 'You asked for it to be handled again' },
} as const;
export type PublicCaseStep = keyof typeof PUBLIC_CASE_STEPS;

/** The steps that are the reporter's own, as someone who followed the report reads them. */
export const FOLLOWER_CASE_STEPS: Partial<Record<PublicCaseStep, { zh: string; en: string }>> = {
  report: { zh: '已收到反映', en: 'The report was received' },
  rate: { zh: '反映人已评价', en: 'The reporter rated it' },
  reopen: { zh: '反映人要求重新办理', en: 'The reporter asked for it to be handled again' },
};

/** The timeline actions the public steps come from. */
export const PUBLIC_STEP_ACTIONS = [...PUBLIC_CASE_ACTIONS, 'rate', 'reopen'] as const;

/** The citizen's rating of a closed case (counted by the satisfaction figures). */
export const CASE_RATINGS = {
  satisfied: { zh: '满意', en: 'Satisfied' },
  basic: { zh: '基本满意', en: 'Fairly satisfied' },
  unsatisfied: { zh: '不满意', en: 'Unsatisfied' },
} as const;
export type CaseRating = keyof typeof CASE_RATINGS;

/** States in which the citizen may rate or reopen: dealt with and closed (or waiting to be archived). */
export const CITIZEN_CLOSED_STATES = ['pending_archive', 'archived'] as const satisfies readonly CaseState[];

/** Limits of the public texts. */
export const CITIZEN_LIMITS = {
  /** Characters of another person's report shown near a chosen point. */
  nearbySnippet: 40,
  /** Characters of the department's feedback quoted in the closing SMS. */
  smsSummary: 40,
  reasonMin: 5,
  reasonMax: 500,
} as const;
