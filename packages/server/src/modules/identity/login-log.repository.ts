import type { LoginLogEntry, LoginLogQuery, PageResult } from '@wangge/shared';
import type { Executor } from '../../core/db/types.ts';
import { escapeLike } from '../../core/db/like.ts';
import { paginate } from '../../core/http/paginate.ts';

/** One page of the login log, newest first. */
export function listLoginLog(db: Executor, query: LoginLogQuery): Promise<PageResult<LoginLogEntry>> {
  let q = db.selectFrom('login_log');
  if (query.username) q = q.where('username', 'ilike', `%${escapeLike(query.username)}%`);
  if (query.result) q = q.where('result', '=', query.result);
  return paginate(q.selectAll().orderBy('id', 'desc'), query, (rows) =>
    rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      username: r.username,
      userId: r.user_id,
      ip: r.ip,
      userAgent: r.user_agent,
      result: r.result,
      reason: r.reason,
    })),
  );
}
