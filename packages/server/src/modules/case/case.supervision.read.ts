import type { CaseSupervision } from '@wangge/shared';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../core/db/types.ts';

/** An assisting unit as the case page's JSON sub-select returns it. */
interface AssistJson {
  department_id: number;
  department_name: string;
  state: 'open' | 'done';
  requested_at: string;
  requested_by_name: string;
  note: string | null;
  fed_back_at: string | null;
  fed_back_by_name: string | null;
}

/** The case page's supervision columns (a case aliased `c`). */
export const SUPERVISION_COLUMNS = [
  'c.urged_at',
  'c.supervised_by_name',
  'c.supervision_note',
  'c.assignee_person_id',
  sql<string | null>`(select p.name from person p where p.id = c.assignee_person_id)`.as('assignee_name'),
  sql<AssistJson[] | null>`(select json_agg(json_build_object(
        'department_id', a.department_id, 'department_name', ad.name, 'state', a.state,
        'requested_at', a.requested_at, 'requested_by_name', a.requested_by_name, 'note', a.note,
        'fed_back_at', a.fed_back_at, 'fed_back_by_name', a.fed_back_by_name) order by a.requested_at, a.department_id)
      from case_assist a join department ad on ad.id = a.department_id where a.case_id = c.id)`.as(
    'assists_json',
  ),
] as const;

/** The supervision columns of a case nobody has supervised yet (a new case). */
export const UNSUPERVISED = {
  supervised_at: null,
  urge_count: 0,
  urged_at: null,
  supervised_by_name: null,
  supervision_note: null,
  assignee_person_id: null,
  assignee_name: null,
  assists_json: null,
} as const;

export function toSupervision(r: {
  supervised_at: Date | null;
  supervised_by_name: string | null;
  supervision_note: string | null;
  urge_count: number;
  urged_at: Date | null;
  assignee_person_id: number | null;
  assignee_name: string | null;
  assists_json: AssistJson[] | null;
}): CaseSupervision {
  return {
    supervision: r.supervised_at
      ? { by: r.supervised_by_name ?? '', at: r.supervised_at.toISOString(), note: r.supervision_note ?? '' }
      : null,
    urgeCount: r.urge_count,
    urgedAt: r.urged_at ? r.urged_at.toISOString() : null,
    assignee:
      r.assignee_person_id !== null ? { personId: r.assignee_person_id, name: r.assignee_name ?? '' } : null,
    assists: (r.assists_json ?? []).map((a) => ({
      departmentId: a.department_id,
      departmentName: a.department_name,
      state: a.state,
      requestedAt: new Date(a.requested_at).toISOString(),
      requestedBy: a.requested_by_name,
      note: a.note,
      fedBackAt: a.fed_back_at ? new Date(a.fed_back_at).toISOString() : null,
      fedBackBy: a.fed_back_by_name,
    })),
  };
}

/** Cases one of `departments` assists (协办), in any state of the assist or only `state`. */
export function assisting(
  eb: ExpressionBuilder<DB & { c: DB['cases'] }, 'c'>,
  departments: number[],
  state?: 'open',
) {
  return eb.exists(
    eb
      .selectFrom('case_assist as a')
      .select('a.case_id')
      .whereRef('a.case_id', '=', 'c.id')
      .where('a.department_id', 'in', departments)
      .$if(state !== undefined, (q) => q.where('a.state', '=', state!)),
  );
}
