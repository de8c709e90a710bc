import { sql } from 'kysely';
import type { Executor } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { NotifyRecipient } from '../../core/notify/notify.service.ts';
import { SCOPE, type BaseInput, type Grant } from '../../core/workflow/workflow.ts';
import { IN_HAND, MOVES } from './case.machine.ts';
import type { CasePeople } from './case.people.ts';
import type { CaseAction, CaseRecord, CaseStep } from './case.workflow.ts';

/** What the supervision actions take from the case workflow. */
export interface SupervisionDeps {
  people: CasePeople;
  handler: Grant;
  dispatcher: Grant;
  /** Who handles the case now: its officer, else its unit's staff. */
  handlers(step: CaseStep): Promise<NotifyRecipient[]>;
}

const SUPERVISOR = { permission: 'case.supervise', relation: SCOPE } as const;
/** States a case may be put under formal supervision in. */
const SUPERVISABLE = [...IN_HAND, 'pending_dispatch', 'rejected', 'handled'] as const;

/** A unit that may take the case: open, and (for a township's or community's unit) covering its grid. */
export async function checkUnit(
  trx: Executor,
  departmentId: number,
  gridPath: string,
  field = 'departmentId',
): Promise<{ id: number; name: string }> {
  const dep = await trx
    .selectFrom('department as d')
    .leftJoin('grid_node as g', 'g.id', 'd.grid_id')
    .select(['d.id', 'd.name', 'd.closed_at', 'g.path'])
    .where('d.id', '=', departmentId)
    .executeTakeFirst();
  if (!dep || dep.closed_at)
    throw new AppError('VALIDATION_FAILED', undefined, { [field]: '部门不存在或已撤销' });
  if (dep.path && !gridPath.startsWith(dep.path))
    throw new AppError('VALIDATION_FAILED', '属地单位只办理本辖区的事件', { [field]: '不在该单位辖区内' });
  return { id: dep.id, name: dep.name };
}

/**
 * Supervising a case in hand, declared on the kernel's engine like the rest of the workflow:
 * 催办 (urge: the handlers hear it, the case counts it), 改派 (to another unit; the accept clock
 * starts again), 撤回 (back to the dispatch queue), 退回属地 (a county department hands it to the
 * township's or community's own unit), 协办 (assisting units, each feeding back before the lead
 * unit does), 督办 (formal supervision by a named leader) and 交办 (to a named officer of the unit,
 * who then gets its notices).
 */
export function supervisionActions(deps: SupervisionDeps) {
  const { people, handler, dispatcher, handlers } = deps;
  const unitStaff = (departmentId: number | null) => (step: CaseStep) =>
    departmentId === null ? [] : people.departmentStaff(step.trx, departmentId);
  /** The unit the case was taken from hears it (its officer if it had one). */
  const formerHandlers = (step: CaseStep) =>
    step.record.assignee_person_id !== null
      ? [{ personId: step.record.assignee_person_id }]
      : unitStaff(step.record.department_id)(step);
  const withdrawn = {
    template: 'case.withdrawn',
    to: formerHandlers,
    extra: (step: CaseStep) => ({
      from: (step.data.fromName as string) ?? '',
      reason: step.input.note ?? '',
    }),
  };
  const by = (step: CaseStep) => step.principal.displayName;
  const fromName = async (step: CaseStep) => {
    step.data.fromName =
      step.record.department_id === null
        ? ''
        : await people.departmentName(step.trx, step.record.department_id);
  };
  /** What every unit change writes: the new unit, no officer, not accepted yet. */
  const newUnit = (departmentId: number | null): Partial<CaseRecord> => ({
    department_id: departmentId,
    assignee_person_id: null,
    accepted_at: null,
  });
  const unitAudit = (step: CaseStep) => ({
    before: { state: step.from, departmentId: step.record.department_id },
    after: { state: step.to, departmentId: step.updated.department_id, note: step.input.note ?? null },
  });

  const urge: CaseAction = {
    label: '催办',
    from: IN_HAND,
    by: [dispatcher, SUPERVISOR],
    denied: () => new AppError('FORBIDDEN', '只有分发人员或督办领导可以催办'),
    set: ({ record, now }) => ({ urge_count: record.urge_count + 1, urged_at: now }),
    entry: ({ updated }) => ({ data: { count: updated.urge_count } }),
    notify: [
      {
        template: 'case.urged',
        to: handlers,
        extra: (step) => ({ count: step.updated.urge_count, by: by(step), reason: step.input.note ?? '' }),
      },
    ],
    audit: ({ updated, input }) => ({ after: { count: updated.urge_count, note: input.note ?? null } }),
  };

  const reassign: CaseAction<BaseInput & { departmentId: number }> = {
    ...MOVES.reassign,
    by: [dispatcher],
    clock: 'restart',
    validate: async (step) => {
      if (step.input.departmentId === step.record.department_id)
        throw new AppError('VALIDATION_FAILED', '改派须选择另一个单位', {
          departmentId: '与当前承办单位相同',
        });
      await checkUnit(step.trx, step.input.departmentId, step.record.grid_path);
      await fromName(step);
    },
    set: ({ input }) => newUnit(input.departmentId),
    entry: ({ record }) => ({ data: { fromDepartmentId: record.department_id } }),
    notify: [
      withdrawn,
      // Entering `assigned` from another state tells the new unit; from `assigned` this does.
      { template: 'case.assigned', to: (step) => (step.from === 'assigned' ? handlers(step) : []) },
    ],
    audit: unitAudit,
  };

  const recall: CaseAction = {
    ...MOVES.recall,
    by: [dispatcher],
    validate: fromName,
    set: () => newUnit(null),
    entry: ({ record }) => ({ unitId: record.department_id }),
    notify: [withdrawn],
    audit: unitAudit,
  };

  const devolve: CaseAction = {
    ...MOVES.devolve,
    by: [handler],
    clock: 'restart',
    validate: async (step) => {
      // The nearest township's or community's unit whose grid covers the case.
      const unit = await step.trx
        .selectFrom('department as d')
        .innerJoin('grid_node as g', 'g.id', 'd.grid_id')
        .select(['d.id', 'g.depth'])
        .where('d.closed_at', 'is', null)
        .where('d.id', '!=', step.record.department_id ?? 0)
        .where(sql<boolean>`${step.record.grid_path} like g.path || '%'`)
        .orderBy('g.depth', 'desc')
        .executeTakeFirst();
      if (!unit) throw new AppError('CASE_STATE', '事件所在街道、社区没有属地承办单位，请驳回由分发人员处理');
      step.data.unitId = unit.id;
      await fromName(step);
    },
    set: (step) => newUnit(step.data.unitId as number),
    entry: ({ record }) => ({ data: { fromDepartmentId: record.department_id } }),
    notify: [{ template: 'case.assigned', to: handlers }],
    audit: unitAudit,
  };

  const assist: CaseAction<BaseInput & { departmentIds: number[] }> = {
    label: '协办',
    from: IN_HAND,
    by: [dispatcher],
    validate: async (step) => {
      const { input, record } = step;
      const names: string[] = [];
      for (const id of input.departmentIds) {
        if (id === record.department_id)
          throw new AppError('VALIDATION_FAILED', '主办单位不能同时协办', { departmentIds: '含主办单位' });
        if (record.assists.some((a) => a.departmentId === id))
          throw new AppError('VALIDATION_FAILED', '该单位已在协办', { departmentIds: '已在协办' });
        names.push((await checkUnit(step.trx, id, record.grid_path, 'departmentIds')).name);
      }
      step.data.names = names;
    },
    apply: async ({ trx, record, input, principal }) => {
      await trx
        .insertInto('case_assist')
        .values(
          input.departmentIds.map((department_id) => ({
            case_id: record.id,
            department_id,
            requested_by_name: principal.displayName,
            note: input.note ?? null,
          })),
        )
        .execute();
    },
    entry: ({ input, data }) => ({ data: { departmentIds: input.departmentIds, names: data.names } }),
    notify: [
      {
        template: 'case.assist',
        to: async (step) =>
          (
            await Promise.all(step.input.departmentIds.map((id) => people.departmentStaff(step.trx, id)))
          ).flat(),
        extra: (step) => ({
          assistant: (step.data.names as string[]).join('、'),
          reason: step.input.note ?? '',
        }),
      },
    ],
    audit: ({ input }) => ({ after: { departmentIds: input.departmentIds, note: input.note ?? null } }),
  };

  const assistFeedback: CaseAction<BaseInput & { departmentId?: number | undefined }> = {
    label: '协办反馈',
    from: IN_HAND,
    by: [{ permission: 'case.handle', relation: 'assisting' }],
    validate: async (step) => {
      const open = step.record.assists
        .filter((a) => a.state === 'open' && step.ctx.departments.includes(a.departmentId))
        .map((a) => a.departmentId);
      const unit = step.input.departmentId ?? (open.length === 1 ? open[0] : undefined);
      if (unit === undefined || !open.includes(unit))
        throw new AppError('VALIDATION_FAILED', '请选择反馈的协办单位', {
          departmentId: '不是待反馈的协办单位',
        });
      step.data.unitId = unit;
      step.data.unitName = await people.departmentName(step.trx, unit);
    },
    apply: async ({ trx, record, input, principal, now, data }) => {
      await trx
        .updateTable('case_assist')
        .set({
          state: 'done',
          fed_back_at: now,
          fed_back_by_name: principal.displayName,
          note: input.note ?? null,
        })
        .where('case_id', '=', record.id)
        .where('department_id', '=', data.unitId as number)
        .execute();
    },
    entry: ({ data }) => ({ unitId: data.unitId as number }),
    attachments: 'assist',
    notify: [
      {
        template: 'case.assist.done',
        to: handlers,
        extra: (step) => ({ assistant: step.data.unitName as string, reason: step.input.note ?? '' }),
      },
    ],
    audit: ({ data, input }) => ({ after: { departmentId: data.unitId, note: input.note ?? null } }),
  };

  const supervise: CaseAction = {
    label: '督办',
    from: SUPERVISABLE,
    by: [SUPERVISOR],
    guards: [
      {
        holds: (c) => c.supervised_at === null,
        error: () => new AppError('CONFLICT', '该事件已在督办中'),
      },
    ],
    set: ({ actor, principal, now, input }) => ({
      supervised_by: actor.id,
      supervised_by_name: principal.displayName,
      supervised_at: now,
      supervision_note: input.note ?? '',
    }),
    notify: [
      {
        template: 'case.supervised',
        to: async (step) =>
          step.record.department_id === null
            ? people.nearestUsers(step.trx, 'case.dispatch', step.record.grid_path)
            : handlers(step),
        extra: (step) => ({ by: by(step), reason: step.input.note ?? '' }),
      },
    ],
    audit: ({ input }) => ({ after: { note: input.note ?? null } }),
  };

  const handOver: CaseAction<BaseInput & { personId: number }> = {
    label: '交办',
    from: IN_HAND,
    by: [handler],
    validate: async (step) => {
      const staff = await step.trx
        .selectFrom('department_staff as s')
        .innerJoin('person as p', 'p.id', 's.person_id')
        .select(['p.id', 'p.name'])
        .where('s.department_id', '=', step.record.department_id ?? 0)
        .where('s.person_id', '=', step.input.personId)
        .executeTakeFirst();
      if (!staff)
        throw new AppError('VALIDATION_FAILED', '只能交给本单位的工作人员', {
          personId: '不是承办单位的人员',
        });
      if (staff.id === step.record.assignee_person_id)
        throw new AppError('VALIDATION_FAILED', '事件已由此人经办', { personId: '已是经办人' });
      step.data.name = staff.name;
    },
    set: ({ input }) => ({ assignee_person_id: input.personId }),
    entry: ({ input, data }) => ({ data: { personId: input.personId, name: data.name } }),
    notify: [
      {
        template: 'case.handed',
        to: ({ input }) => [{ personId: input.personId }],
        extra: (step) => ({ by: by(step), reason: step.input.note ?? '' }),
      },
    ],
    audit: ({ input, record }) => ({
      before: { personId: record.assignee_person_id },
      after: { personId: input.personId, note: input.note ?? null },
    }),
  };

  return { urge, reassign, recall, devolve, assist, assistFeedback, supervise, handOver };
}
