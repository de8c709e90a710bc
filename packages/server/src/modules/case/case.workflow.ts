import {
  CASE_STATES,
  type CaseStage,
  type CaseState,
  type Permission,
  type RequestKind,
  type Urgency,
} from '@wangge/shared';
import type { Selectable, Updateable } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import { pathInScope } from '../../core/access/scope.ts';
import type { Clocks } from '../../core/clock/clocks.ts';
import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import {
  SCOPE,
  type ActionSpec,
  type BaseInput,
  type Step,
  type WorkflowSpec,
} from '../../core/workflow/workflow.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { citizenActions, citizenRelation, CITIZEN_RELATION, closingNotice } from './case.citizen.ts';
import { CASE, MOVES, STATES, switchesOf, type CaseContext } from './case.machine.ts';
import type { CasePeople } from './case.people.ts';
import { checkUnit, supervisionActions } from './case.supervision.ts';
import type { CasesTable } from './case.table.ts';

/** A case as its actions see it: the row, its grid's path and the pending request, if any. */
export type CaseRecord = Omit<Selectable<CasesTable>, 'state'> & {
  state: CaseState;
  grid_path: string;
  pending: { id: number; requestedBy: number | null } | null;
  /** Its assisting units (协办). */
  assists: { departmentId: number; state: 'open' | 'done' }[];
};

export type CaseStep<I = BaseInput> = Step<CaseState, CaseRecord, CaseContext, I>;
export type CaseAction<I extends BaseInput = BaseInput> = ActionSpec<CaseState, CaseRecord, CaseContext, I>;

/** Who may read a case may comment on it: the read permissions and reporters. */
export const COMMENTERS: Permission[] = ['case.read', 'case.handle', 'case.report'];

export interface CaseWorkflowDeps {
  config: CaseConfigService;
  people: CasePeople;
  clocks: Clocks;
  personal: PersonalData;
}

const HANDLER = { permission: 'case.handle', relation: 'department' } as const;
const DISPATCHER = { permission: 'case.dispatch', relation: SCOPE } as const;

/** The audit entry of a transition: state and department before and after. */
const transitionAudit = (step: CaseStep) => ({
  before: { state: step.from, departmentId: step.record.department_id },
  after: { state: step.to, departmentId: step.updated.department_id, note: step.input.note ?? null },
});

/** A step that closed the case by itself (feedback or a visit with auto-archive on). */
const autoArchive = (step: CaseStep) =>
  step.to === 'archived' ? [{ action: 'auto_archive', to: 'archived' as const }] : [];

/**
 * The case workflow of the seed (§3.2–3.5): dispatch, accept or reject, feedback, return visit,
 * archive or void; parking and deferral requests with their approval; comments. The states and
 * moves are in case.machine.ts; this adds who may act, what each action writes and who hears.
 */
export function caseWorkflow(deps: CaseWorkflowDeps): WorkflowSpec<CaseState, CaseRecord, CaseContext> {
  const { people, clocks } = deps;
  // Who handles the case: the officer it was handed to, else its unit's staff.
  const departmentStaff = async (step: CaseStep) =>
    step.updated.assignee_person_id !== null
      ? [{ personId: step.updated.assignee_person_id }]
      : step.updated.department_id === null
        ? []
        : people.departmentStaff(step.trx, step.updated.department_id);
  const nearest = (permission: string) => (step: CaseStep) =>
    people.nearestUsers(step.trx, permission, step.record.grid_path);

  const dispatch: CaseAction<BaseInput & { departmentId: number }> = {
    ...MOVES.dispatch,
    by: [DISPATCHER],
    validate: async ({ trx, input, record }) => {
      await checkUnit(trx, input.departmentId, record.grid_path);
    },
    set: ({ input }) => ({ department_id: input.departmentId, assignee_person_id: null }),
    audit: transitionAudit,
  };

  const voidIt: CaseAction<BaseInput & { duplicateOf?: string | undefined }> = {
    ...MOVES.void,
    by: [DISPATCHER],
    validate: async (step) => {
      if (!step.input.duplicateOf) return;
      const dup = await step.trx
        .selectFrom('cases')
        .select('id')
        .where('number', '=', step.input.duplicateOf)
        .executeTakeFirst();
      if (!dup || dup.id === step.record.id)
        throw new AppError('VALIDATION_FAILED', undefined, { duplicateOf: '重复的事件编号不存在' });
      step.data.duplicateId = dup.id;
    },
    set: (step) => ({ duplicate_of: (step.data.duplicateId as number | undefined) ?? null }),
    entry: ({ input }) => ({ data: input.duplicateOf ? { duplicateOf: input.duplicateOf } : undefined }),
    audit: transitionAudit,
  };

  const visit: CaseAction<BaseInput & { satisfied: boolean; method?: string | undefined }> = {
    ...MOVES.visit,
    by: [{ permission: 'case.visit', relation: SCOPE }],
    validate: ({ record, input }) => {
      if (!input.satisfied && record.on_spot && record.department_id === null) {
        throw new AppError('CASE_STATE', '现场处置的事件回访不满意时，请先分派给部门', {
          satisfied: '请分派',
        });
      }
    },
    set: ({ record, input }) =>
      input.satisfied
        ? { visit_satisfied: true }
        : { visit_satisfied: false, round: record.round + 1, rework_count: record.rework_count + 1 },
    entry: ({ input }) => ({ data: { satisfied: input.satisfied, method: input.method ?? 'phone' } }),
    also: autoArchive,
    audit: (step) => ({
      ...transitionAudit(step),
      action: step.input.satisfied ? 'case.visit_satisfied' : 'case.visit_unsatisfied',
    }),
  };

  const request: CaseAction<BaseInput & { kind: RequestKind; extraMinutes?: number | undefined }> = {
    label: '申请',
    by: [HANDLER, DISPATCHER],
    denied: () => new AppError('FORBIDDEN', '只有承办部门或分发人员可以申请'),
    guards: [
      {
        holds: (_c, _ctx, _p, clock) => clock !== null,
        error: () => new AppError('CASE_STATE', '只有在办（计时中）的事件可以申请挂账或缓办'),
      },
      { holds: (c) => c.pending === null, error: () => new AppError('CONFLICT', '该事件已有待审批的申请') },
    ],
    validate: ({ clock, input }) => {
      if (input.kind === 'park' && clock?.parked_at) throw new AppError('CASE_STATE', '事件已挂账');
      if (input.kind === 'unpark' && !clock?.parked_at) throw new AppError('CASE_STATE', '事件未挂账');
      if (input.kind === 'defer' && !input.extraMinutes) {
        throw new AppError('VALIDATION_FAILED', undefined, { extraMinutes: '请填写延长的工作时间（分钟）' });
      }
    },
    apply: async (step) => {
      const { input, actor } = step;
      const req = await step.trx
        .insertInto('case_request')
        .values({
          case_id: step.record.id,
          kind: input.kind,
          reason: input.note ?? '',
          extra_minutes: input.kind === 'defer' ? (input.extraMinutes ?? null) : null,
          requested_by: actor.id,
          requested_by_name: actor.name,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      step.data.requestId = req.id;
    },
    entry: ({ input, data }) => ({
      data: { requestId: data.requestId, kind: input.kind, extraMinutes: input.extraMinutes ?? null },
    }),
    notify: [
      {
        template: 'case.request',
        to: nearest('case.approve'),
        extra: ({ input }) => ({ reason: input.note ?? '' }),
      },
    ],
    audit: ({ input, data }) => ({
      after: {
        requestId: data.requestId,
        kind: input.kind,
        reason: input.note ?? '',
        extraMinutes: input.extraMinutes ?? null,
      },
    }),
  };

  type Decided = { kind: RequestKind; extra_minutes: number | null; requested_by: number | null };
  const decided = (step: CaseStep) => step.data.request as Decided;
  const decide: CaseAction<BaseInput & { requestId: number; approve: boolean }> = {
    label: '审批',
    by: [{ permission: 'case.approve', relation: SCOPE }],
    guards: [
      { holds: (c) => c.pending !== null, error: () => new AppError('CASE_STATE', '该申请已审批') },
      {
        holds: (c, _ctx, p) => c.pending?.requestedBy !== p.userId,
        error: () => new AppError('FORBIDDEN', '不能审批自己提出的申请'),
      },
    ],
    validate: async (step) => {
      const req = await step.trx
        .selectFrom('case_request')
        .selectAll()
        .where('id', '=', step.input.requestId)
        .where('case_id', '=', step.record.id)
        .forUpdate()
        .executeTakeFirst();
      if (!req) throw new AppError('NOT_FOUND', '申请不存在');
      if (req.state !== 'pending') throw new AppError('CASE_STATE', '该申请已审批');
      if (req.requested_by === step.actor.id) throw new AppError('FORBIDDEN', '不能审批自己提出的申请');
      step.data.request = req;
    },
    apply: async (step) => {
      const { trx, input, actor, now } = step;
      await trx
        .updateTable('case_request')
        .set({
          state: input.approve ? 'approved' : 'denied',
          decided_by: actor.id,
          decided_by_name: actor.name,
          decided_at: now,
          decision_note: input.note ?? null,
        })
        .where('id', '=', input.requestId)
        .execute();
      const req = decided(step);
      if (!input.approve || !step.clock) return;
      const subject = { kind: CASE, id: step.record.id };
      // Parking stops the reminders; unparking adds the time parked; a deferral adds its minutes.
      if (req.kind === 'park') await clocks.park(trx, subject, now);
      else if (req.kind === 'unpark') step.clock = await clocks.extend(trx, subject, { resume: true }, now);
      else step.clock = await clocks.extend(trx, subject, { addMinutes: req.extra_minutes ?? 0 }, now);
    },
    set: (step) => {
      if (!step.input.approve || !step.clock) return {};
      return { updated_at: step.now, ...(decided(step).kind === 'defer' ? { deferred: true } : {}) };
    },
    entry: (step) => {
      const req = decided(step);
      return {
        action: step.input.approve ? req.kind : 'deny',
        data: { requestId: step.input.requestId, kind: req.kind, extraMinutes: req.extra_minutes },
      };
    },
    notify: [
      {
        template: 'case.request.decided',
        to: (step) => {
          const by = decided(step).requested_by;
          return by ? [{ userId: by }] : [];
        },
        extra: ({ input }) => ({
          reason: `${input.approve ? '已批准' : '未批准'}${input.note ? `：${input.note}` : ''}`,
        }),
      },
    ],
    audit: (step) => ({
      action: step.input.approve ? 'case.request.approve' : 'case.request.deny',
      after: { requestId: step.input.requestId, kind: decided(step).kind, note: step.input.note ?? null },
    }),
  };

  return {
    kind: CASE,
    states: {
      ...STATES,
      assigned: { ...STATES.assigned, notify: [{ template: 'case.assigned', to: departmentStaff }] },
      rework: {
        ...STATES.rework,
        // The return visit's opinion (or whatever note sent the case back) is the reason.
        notify: [
          {
            template: 'case.rework',
            to: departmentStaff,
            extra: ({ input }) => ({ reason: input.note ?? '' }),
          },
        ],
      },
      rejected: {
        ...STATES.rejected,
        notify: [
          {
            template: 'case.rejected',
            to: nearest('case.dispatch'),
            // The case comes back unassigned: the unit that sent it back is the one it had before.
            extra: async ({ trx, record, input }) => ({
              department:
                record.department_id === null ? '' : await people.departmentName(trx, record.department_id),
              reason: input.note ?? '',
            }),
          },
        ],
      },
      handled: { ...STATES.handled, notify: [{ template: 'case.handled', to: nearest('case.visit') }] },
      // The citizen reporter hears what was done, with the link back (case.citizen.ts).
      archived: { ...STATES.archived, notify: [closingNotice(deps)] },
    },
    // In the order the case page offers them.
    actions: {
      dispatch,
      void: voidIt,
      accept: {
        ...MOVES.accept,
        by: [HANDLER],
        set: ({ now }) => ({ accepted_at: now }),
        audit: transitionAudit,
      },
      reject: {
        ...MOVES.reject,
        by: [HANDLER],
        // The rejecting department is kept on the timeline entry; the case goes back unassigned.
        set: () => ({ department_id: null, assignee_person_id: null }),
        entry: ({ record }) => ({ unitId: record.department_id }),
        audit: transitionAudit,
      },
      feedback: {
        ...MOVES.feedback,
        by: [HANDLER],
        guards: [
          {
            holds: (c) => c.assists.every((a) => a.state === 'done'),
            error: () => new AppError('CASE_STATE', '协办单位尚未全部反馈，请待协办反馈后再反馈'),
          },
        ],
        set: ({ now }) => ({ handled_at: now }),
        attachments: 'feedback',
        also: autoArchive,
        audit: transitionAudit,
      },
      visit,
      archive: {
        ...MOVES.archive,
        by: [{ permission: 'case.archive', relation: SCOPE }],
        audit: transitionAudit,
      },
      ...supervisionActions({ people, handler: HANDLER, dispatcher: DISPATCHER, handlers: departmentStaff }),
      request,
      decide,
      comment: {
        label: '备注',
        by: COMMENTERS.map((permission) => ({ permission, relation: 'visible' })),
        denied: () => new AppError('OUT_OF_SCOPE'),
      },
      // The citizen's own actions from the public pages (case.citizen.ts): rate, reopen, follow.
      ...citizenActions(deps),
    },
    relations: {
      [CITIZEN_RELATION]: citizenRelation,
      department: {
        holds: (_p, c, ctx) => c.department_id !== null && ctx.departments.includes(c.department_id),
        error: () => new AppError('CASE_NOT_ASSIGNED_TO_YOU'),
      },
      assisting: {
        holds: (_p, c, ctx) =>
          c.assists.some((a) => a.state === 'open' && ctx.departments.includes(a.departmentId)),
        error: () => new AppError('CASE_NOT_ASSIGNED_TO_YOU'),
      },
      visible: {
        holds: (p, c, ctx) => visibleTo(p, c, ctx),
        error: () => new AppError('OUT_OF_SCOPE'),
      },
    },
    illegal: (c, act) =>
      new AppError('CASE_STATE', `事件当前状态为“${CASE_STATES[c.state]?.zh ?? c.state}”，不能${act.label}`),
    context: async (db, principal) => ({
      switches: switchesOf(await deps.config.settings(db)),
      departments: principal.permissions.has('case.handle')
        ? await people.departmentsOf(db, principal.userId)
        : [],
    }),
    lock: (trx, id) => lockCase(trx, id),
    write: async ({ trx, record, now }, update, closing) => {
      const values: Partial<Updateable<CasesTable>> = {
        ...(update as Partial<Updateable<CasesTable>>),
        updated_at: now,
        ...(closing ? { closed_at: now } : {}),
      };
      await trx.updateTable('cases').set(values).where('id', '=', record.id).execute();
    },
    clockLimit: ({ trx, record }, stage) =>
      deps.config.limitFor(record.category_id, record.urgency as Urgency, stage as CaseStage, trx),
    send: (trx, template, c, to, extra, clock) => people.notice(trx, template, c, to, extra, clock),
    scopePath: (c) => c.grid_path,
    unit: ({ updated, record }) => updated.department_id ?? record.department_id,
  };
}

/** Who may see a case: readers in scope, its department's staff, its reporter. */
export function visibleTo(
  p: Principal,
  c: {
    grid_path: string;
    department_id: number | null;
    reporter_user_id: number | null;
    assists?: readonly { departmentId: number }[];
  },
  ctx: Pick<CaseContext, 'departments'>,
): boolean {
  return (
    (p.permissions.has('case.read') && pathInScope(c.grid_path, p.scopePaths)) ||
    (p.permissions.has('case.handle') &&
      c.department_id !== null &&
      ctx.departments.includes(c.department_id)) ||
    (p.permissions.has('case.handle') &&
      (c.assists ?? []).some((a) => ctx.departments.includes(a.departmentId))) ||
    c.reporter_user_id === p.userId
  );
}

/** Reads and locks a case for an action. */
async function lockCase(trx: Executor, id: number): Promise<CaseRecord> {
  const row = await trx.selectFrom('cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', '事件不存在');
  const [grid, pending, assists] = await Promise.all([
    trx.selectFrom('grid_node').select('path').where('id', '=', row.grid_id).executeTakeFirstOrThrow(),
    trx
      .selectFrom('case_request')
      .select(['id', 'requested_by'])
      .where('case_id', '=', id)
      .where('state', '=', 'pending')
      .executeTakeFirst(),
    trx.selectFrom('case_assist').select(['department_id', 'state']).where('case_id', '=', id).execute(),
  ]);
  return {
    ...row,
    state: row.state as CaseState,
    grid_path: grid.path,
    pending: pending ? { id: pending.id, requestedBy: pending.requested_by } : null,
    assists: assists.map((a) => ({ departmentId: a.department_id, state: a.state })),
  };
}
