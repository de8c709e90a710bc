import {
  ALERT_KINDS,
  CASE_STAGES,
  CASE_STATES,
  type AlertKind,
  type CaseStage,
  type CaseState,
} from '@wangge/shared';
import { SYSTEM_ACTOR } from '../../core/audit/audit.service.ts';
import type { ClockKind } from '../../core/clock/clocks.ts';
import type { Executor } from '../../core/db/types.ts';
import type { NotifyMessage, NotifyRecipient, NotifyService } from '../../core/notify/notify.service.ts';
import { entryRow, writeEntries } from '../../core/workflow/timeline.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { fmtTime } from './case.format.ts';
import { CASE } from './case.machine.ts';
import type { CasePeople } from './case.people.ts';

/**
 * Case clocks for the kernel's sweep: thresholds from the case settings; each reminder a timeline
 * entry and a notice — department staff for the acceptance and feedback clocks, the social
 * workers for the visit clock, the chief above on escalation.
 */
export function caseClockKind(deps: {
  config: CaseConfigService;
  people: CasePeople;
  notify: NotifyService;
  timeZone: string;
}): ClockKind {
  return {
    kind: CASE,
    alerts: async (db) => {
      const s = await deps.config.settings(db);
      return { warnFraction: s.warnFraction, escalateFraction: s.escalateFraction };
    },
    remind: async (trx, due, now) => {
      const rows = await trx
        .selectFrom('cases as c')
        .innerJoin('grid_node as g', 'g.id', 'c.grid_id')
        .leftJoin('department as d', 'd.id', 'c.department_id')
        .select([
          'c.id',
          'c.number',
          'c.title',
          'c.category_id',
          'c.state',
          'c.department_id',
          'c.assignee_person_id',
          'd.name as department_name',
          'g.path as grid_path',
          'g.name as grid_name',
        ])
        .where(
          'c.id',
          'in',
          due.map((d) => d.subjectId),
        )
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const sent = due.filter((d) => byId.has(d.subjectId));
      await writeEntries(
        trx,
        sent.map((d) =>
          entryRow(
            CASE,
            d.subjectId,
            { id: null, name: SYSTEM_ACTOR.name },
            {
              action: d.threshold === 'escalate' ? 'escalate' : 'remind',
              unitId: byId.get(d.subjectId)!.department_id,
              note: `${CASE_STAGES[d.stage as CaseStage].zh}${ALERT_KINDS[d.threshold].zh}`,
              data: { threshold: d.threshold, stage: d.stage, dueAt: d.dueAt },
            },
          ),
        ),
      );
      // Recipients repeat across a batch (one department, one grid's chief): look each up once.
      const cache = new Map<string, Promise<NotifyRecipient[]>>();
      const messages: NotifyMessage[] = [];
      for (const d of sent) {
        const row = byId.get(d.subjectId)!;
        const to = await recipients(trx, deps.people, { ...row, stage: d.stage }, d.threshold, cache);
        if (!to.length) continue;
        messages.push({
          template:
            d.threshold === 'warn'
              ? 'case.warn'
              : d.threshold === 'overdue'
                ? 'case.overdue'
                : 'case.escalate',
          to,
          caseId: row.id,
          link: `/cases/${row.id}`,
          data: {
            number: row.number,
            title: row.title,
            category: await deps.config.categoryName(row.category_id, trx),
            grid: row.grid_name,
            department: row.department_name ?? '',
            state: CASE_STATES[row.state as CaseState]?.zh ?? row.state,
            stage: CASE_STAGES[d.stage as CaseStage].zh,
            dueAt: fmtTime(d.dueAt, deps.timeZone),
            hours: hoursApart(d.dueAt, now),
            link: `/cases/${row.id}`,
          },
        });
      }
      await deps.notify.enqueueMany(trx, messages);
    },
  };
}

/**
 * Whole hours between the deadline and now (left before it, or past it), '' under one hour:
 * the templates' `{{#hours}}` sections say nothing then.
 */
function hoursApart(dueAt: Date, now: Date): string {
  const hours = Math.floor(Math.abs(dueAt.getTime() - now.getTime()) / 3_600_000);
  return hours >= 1 ? String(hours) : '';
}

function recipients(
  trx: Executor,
  people: CasePeople,
  row: { department_id: number | null; assignee_person_id: number | null; stage: string; grid_path: string },
  kind: AlertKind,
  cache: Map<string, Promise<NotifyRecipient[]>>,
): Promise<NotifyRecipient[]> {
  const key =
    kind === 'escalate'
      ? `chief:${row.grid_path}`
      : row.stage === 'visit'
        ? `visit:${row.grid_path}`
        : `dept:${row.department_id}:${row.assignee_person_id ?? ''}`;
  let hit = cache.get(key);
  if (!hit) {
    hit =
      kind === 'escalate'
        ? people.chiefAbove(trx, row.grid_path)
        : row.stage === 'visit'
          ? people.nearestUsers(trx, 'case.visit', row.grid_path)
          : row.assignee_person_id !== null
            ? Promise.resolve([{ personId: row.assignee_person_id }])
            : row.department_id === null
              ? Promise.resolve([])
              : people.departmentStaff(trx, row.department_id);
    cache.set(key, hit);
  }
  return hit;
}
