import type { InboxMessage, InboxQuery, PageResult } from '@wangge/shared';
import type { Kysely, Selectable } from 'kysely';
import type { DB } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { iso } from '../http/responses.ts';
import type { InboxMessageTable } from './notify.table.ts';
import { paginate } from '../http/paginate.ts';

function message(r: Selectable<InboxMessageTable>): InboxMessage {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    link: r.link,
    caseId: r.case_id,
    createdAt: r.created_at.toISOString(),
    readAt: iso(r.read_at),
  };
}

/**
 * The in-app inbox (站内消息) of the logged-in user. Every query is bound to the user's own id:
 * another user's message id is simply "not found". Marking as read changes only the reader's own
 * view, so it is not an audited event.
 */
export class InboxService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(userId: number, query: InboxQuery): Promise<PageResult<InboxMessage>> {
    const q = this.db
      .selectFrom('inbox_message')
      .where('user_id', '=', userId)
      .$if(query.unread === true, (b) => b.where('read_at', 'is', null))
      .$if(query.unread === false, (b) => b.where('read_at', 'is not', null));
    return paginate(q.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'), query, (rows) =>
      rows.map(message),
    );
  }

  async unreadCount(userId: number): Promise<number> {
    const row = await this.db
      .selectFrom('inbox_message')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async markRead(userId: number, id: number): Promise<InboxMessage> {
    const row = await this.db
      .updateTable('inbox_message')
      .set((eb) => ({ read_at: eb.fn.coalesce('read_at', eb.val(new Date())) }))
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', '消息不存在');
    return message(row);
  }

  async markAllRead(userId: number): Promise<number> {
    const result = await this.db
      .updateTable('inbox_message')
      .set({ read_at: new Date() })
      .where('user_id', '=', userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
