import {
  CITIZEN_CLOSED_STATES,
  CITIZEN_LIMITS,
  OPEN_CASE_STATES,
  PUBLIC_CASE_STATES,
  type CaseRating,
  type CaseState,
} from '@wangge/shared';
import type { Principal } from '../../core/access/principal.ts';
import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import type { ActionSpec, BaseInput, Notice, Relation, Step } from '../../core/workflow/workflow.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { CASE, MOVES, type CaseContext } from './case.machine.ts';
import { excerpt, publicText } from './case.public-text.ts';
import type { CaseRecord } from './case.workflow.ts';

/**
 * The citizen's actions on the case workflow, taken from the public pages without an account:
 * rating a closed case, reopening it within the configured days, following an open case someone
 * else reported (附议). They run on the kernel's engine like every other action (row lock,
 * timeline, audit) as the principal CITIZEN, whose only grant is the `citizen` relation; the
 * access code is checked again on the locked row.
 */

/** The principal of a request from the public pages (no account, no permissions, no scope). */
export const CITIZEN: Principal = Object.freeze({
  userId: 0,
  username: '',
  displayName: '群众',
  isDemo: false,
  roles: [],
  permissions: new Set(),
  scopes: [],
  scopePaths: [],
}) as Principal;

/** The relation of the citizen's actions: held by CITIZEN only, never by a staff account. */
export const CITIZEN_RELATION = 'citizen';

export const citizenRelation: Relation<CaseRecord, CaseContext> = {
  holds: (p) => p === CITIZEN,
  error: () => new AppError('FORBIDDEN', '只有反映人可以评价或要求重新办理'),
};

/** The keyed hash a reporter's access code is stored under (`cases.access_hash`). */
export const accessHash = (personal: PersonalData, code: string) => personal.index(`case-access:${code}`);
/** The keyed hash of a follower's read-only code (`case_follow.code_hash`). */
export const followHash = (personal: PersonalData, code: string) => personal.index(`case-follow:${code}`);

type CaseStep<I> = Step<CaseState, CaseRecord, CaseContext, I>;
type CitizenAction<I extends BaseInput> = ActionSpec<CaseState, CaseRecord, CaseContext, I>;
export type RateInput = BaseInput & { code: string; rating: CaseRating };
export type ReopenInput = BaseInput & { code: string };
export type FollowInput = BaseInput & { codeHash: string; clientHash: string };

export interface CitizenDeps {
  config: CaseConfigService;
  personal: PersonalData;
}

/** When the citizen's window opens: the closing, or the last feedback of a case waiting to be archived. */
export function closedSince(c: Pick<CaseRecord, 'closed_at' | 'handled_at' | 'updated_at'>): Date {
  return c.closed_at ?? c.handled_at ?? c.updated_at;
}

/** The last day the citizen may reopen (null: reopening is switched off). */
export function reopenUntil(
  c: Pick<CaseRecord, 'closed_at' | 'handled_at' | 'updated_at'>,
  reopenDays: number,
): Date | null {
  return reopenDays > 0 ? new Date(closedSince(c).getTime() + reopenDays * 86_400_000) : null;
}

/** The rating of the case's current round, if any. */
export async function roundRating(db: Executor, caseId: number, round: number) {
  return db
    .selectFrom('case_rating')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('round', '=', round)
    .executeTakeFirst();
}

export function citizenActions(deps: CitizenDeps) {
  const by = [{ relation: CITIZEN_RELATION }] as const;
  // Same answer as an unknown number: a wrong code does not confirm that the case exists.
  const checkCode = ({ record, input }: CaseStep<{ code: string }>) => {
    if (!record.access_hash || record.access_hash !== accessHash(deps.personal, input.code))
      throw new AppError('NOT_FOUND', '事件编号或查询码不正确');
  };
  const audit = (step: CaseStep<BaseInput>, after: object) => ({
    before: { state: step.from },
    after: { state: step.to, ...after },
  });

  const rate: CitizenAction<RateInput> = {
    label: '评价',
    from: CITIZEN_CLOSED_STATES,
    by,
    validate: async (step) => {
      checkCode(step);
      if (await roundRating(step.trx, step.record.id, step.record.round))
        throw new AppError('CONFLICT', '您已评价过本次办理');
    },
    apply: async ({ trx, record, input, now }) => {
      await trx
        .insertInto('case_rating')
        .values({
          case_id: record.id,
          round: record.round,
          rating: input.rating,
          comment: input.note?.trim() || null,
          rated_at: now,
        })
        .execute();
    },
    entry: ({ input, record }) => ({ data: { rating: input.rating, round: record.round } }),
    audit: (step) => audit(step, { rating: step.input.rating, round: step.record.round }),
  };

  const reopen: CitizenAction<ReopenInput> = {
    ...MOVES.reopen,
    by,
    validate: async (step) => {
      checkCode(step);
      const { reopenDays } = await deps.config.settings(step.trx);
      const until = reopenUntil(step.record, reopenDays);
      if (!until) throw new AppError('CASE_STATE', '本平台暂不受理办结后的重新办理要求，请重新反映');
      if (step.now > until)
        throw new AppError('CASE_STATE', `已超过可要求重新办理的期限（办结后 ${reopenDays} 天内）`);
    },
    // Reopening says the round did not satisfy: the round's rating becomes 不满意 (kept or given now).
    apply: async ({ trx, record, input, now }) => {
      await trx
        .insertInto('case_rating')
        .values({
          case_id: record.id,
          round: record.round,
          rating: 'unsatisfied',
          comment: input.note?.trim() || null,
          reopened: true,
          rated_at: now,
        })
        .onConflict((oc) =>
          oc.columns(['case_id', 'round']).doUpdateSet({ rating: 'unsatisfied', reopened: true }),
        )
        .execute();
    },
    set: ({ record }) => ({
      round: record.round + 1,
      rework_count: record.rework_count + 1,
      visit_satisfied: false,
      closed_at: null,
    }),
    entry: ({ record }) => ({ data: { rating: 'unsatisfied', round: record.round } }),
    audit: (step) => audit(step, { round: step.record.round, departmentId: step.record.department_id }),
  };

  const follow: CitizenAction<FollowInput> = {
    label: '附议',
    from: OPEN_CASE_STATES,
    by,
    apply: async ({ trx, record, input, data }) => {
      const row = await trx
        .insertInto('case_follow')
        .values({ case_id: record.id, code_hash: input.codeHash, client_hash: input.clientHash })
        .onConflict((oc) => oc.columns(['case_id', 'client_hash']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) throw new AppError('CONFLICT', '您已附议过这个问题，请用当时得到的查询码查看进度');
      const n = await trx
        .selectFrom('case_follow')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('case_id', '=', record.id)
        .executeTakeFirstOrThrow();
      data.followers = Number(n.n);
    },
    entry: ({ data }) => ({ data: { followers: data.followers } }),
    audit: (step) => audit(step, { followers: step.data.followers }),
  };

  return { rate, reopen, follow };
}

/** The closing SMS to a citizen reporter: what was done, and the link back with number and code. */
export function closingNotice(deps: CitizenDeps): Notice<CaseState, CaseRecord, CaseContext, BaseInput> {
  return {
    template: 'case.reporter.update',
    to: ({ updated: c }) =>
      c.reporter_kind !== 'staff' && c.reporter_phone_enc
        ? [{ phone: deps.personal.open(c.reporter_phone_enc)!, name: c.reporter_name ?? '' }]
        : [],
    extra: async ({ trx, updated: c }) => {
      const feedback = await trx
        .selectFrom('timeline_entry')
        .select('note')
        .where('subject_kind', '=', CASE)
        .where('subject_id', '=', c.id)
        .where('action', 'in', ['feedback', 'on_spot'])
        .where('note', 'is not', null)
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const code = deps.personal.open(c.access_code_enc);
      const query = new URLSearchParams({ number: c.number, ...(code ? { code } : {}) });
      return {
        state: PUBLIC_CASE_STATES.archived.zh,
        summary: feedback?.note
          ? excerpt(
              publicText(feedback.note, await staffNames(trx, c, deps.personal)),
              CITIZEN_LIMITS.smsSummary,
            )
          : '',
        link: `/track?${query.toString()}`,
      };
    },
  };
}

/**
 * The names a public text about the case must not show: the staff who acted on it, the people of
 * the units that had it and on duty for its grid, its parties and its reporter.
 */
export async function staffNames(
  db: Executor,
  c: Pick<CaseRecord, 'id' | 'grid_id' | 'department_id' | 'reporter_name' | 'parties_enc'>,
  personal?: PersonalData,
): Promise<string[]> {
  const entries = await db
    .selectFrom('timeline_entry')
    .select(['actor_name', 'actor_id', 'unit_id'])
    .where('subject_kind', '=', CASE)
    .where('subject_id', '=', c.id)
    .execute();
  const units = [
    ...new Set([c.department_id, ...entries.map((e) => e.unit_id)].filter((u): u is number => u !== null)),
  ];
  const grid = await db.selectFrom('grid_node').select('path').where('id', '=', c.grid_id).executeTakeFirst();
  const gridIds = (grid?.path ?? '').split('/').filter(Boolean).map(Number);
  const [unitPeople, onDuty] = await Promise.all([
    units.length
      ? db
          .selectFrom('department_staff as s')
          .innerJoin('person as p', 'p.id', 's.person_id')
          .leftJoin('app_user as u', 'u.id', 'p.user_id')
          .select(['p.name', 'u.display_name'])
          .where('s.department_id', 'in', units)
          .execute()
      : Promise.resolve([]),
    gridIds.length
      ? db
          .selectFrom('duty as d')
          .innerJoin('person as p', 'p.id', 'd.person_id')
          .select('p.name')
          .where('d.node_id', 'in', gridIds)
          .where('d.valid_to', 'is', null)
          .execute()
      : Promise.resolve([]),
  ]);
  const parties =
    personal && c.parties_enc
      ? (JSON.parse(personal.open(c.parties_enc) ?? '[]') as { name: string }[]).map((p) => p.name)
      : [];
  return [
    ...entries.filter((e) => e.actor_id !== null).map((e) => e.actor_name),
    ...unitPeople.flatMap((p) => [p.name, p.display_name ?? '']),
    ...onDuty.map((p) => p.name),
    ...parties,
    c.reporter_name ?? '',
  ].filter(Boolean);
}
