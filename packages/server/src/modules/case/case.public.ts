import { CASE_STATES, PUBLIC_CASE_ACTIONS, type CaseState, type PublicCaseStatus } from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { DB } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { CASE } from './case.machine.ts';

/** What a citizen sees of their own report, given its number and access code. */
export class CasePublic {
  constructor(private readonly deps: { db: Kysely<DB>; personal: PersonalData }) {}

  /** What a citizen sees of their own report, given its number and access code. */
  async publicStatus(number: string, code: string): Promise<PublicCaseStatus> {
    const row = await this.deps.db
      .selectFrom('cases as c')
      .innerJoin('case_category as cc', 'cc.id', 'c.category_id')
      .select([
        'c.id',
        'c.number',
        'c.access_hash',
        'cc.name as category',
        'c.description',
        'c.address',
        'c.state',
        'c.closed_at',
        'c.reported_at',
        'c.updated_at',
      ])
      .where('c.number', '=', number)
      .executeTakeFirst();
    // Same answer for an unknown number and a wrong code: numbers cannot be probed.
    if (!row || !row.access_hash || row.access_hash !== this.deps.personal.index(`case-access:${code}`)) {
      throw new AppError('NOT_FOUND', '事件编号或查询码不正确');
    }
    const events = await this.deps.db
      .selectFrom('timeline_entry')
      .select(['at', 'action'])
      .where('subject_kind', '=', CASE)
      .where('subject_id', '=', row.id)
      .where('action', 'in', [...PUBLIC_CASE_ACTIONS])
      .orderBy('id')
      .execute();
    return {
      number: row.number,
      category: row.category,
      description: row.description,
      address: row.address,
      state: row.state as CaseState,
      stateName: CASE_STATES[row.state as CaseState]?.zh ?? row.state,
      closed: row.closed_at !== null,
      reportedAt: row.reported_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      timeline: events.map((e) => ({
        at: e.at.toISOString(),
        action: e.action,
        actionName: publicActionName(e.action),
        note: null,
      })),
    };
  }
}

/** Words a citizen sees, without naming departments or staff. */
function publicActionName(action: string): string {
  return (
    {
      report: '已受理您的反映',
      dispatch: '已交办相关部门',
      auto_dispatch: '已交办相关部门',
      accept: '承办部门已接收',
      reject: '正在重新交办',
      feedback: '承办部门已处理',
      on_spot: '已现场处置',
      visit: '已回访',
      archive: '已办结',
      auto_archive: '已办结',
      void: '已作废（重复或无效反映）',
      park: '暂缓办理',
      unpark: '恢复办理',
      defer: '延期办理',
    }[action] ?? action
  );
}
