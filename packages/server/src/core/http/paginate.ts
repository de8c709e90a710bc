import { LIMITS, type PageResult } from '@wangge/shared';
import type { SelectQueryBuilder } from 'kysely';

/** The page a list request asks for (the query string's `page` and `pageSize`). */
export interface PageRequest {
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** The page number and size of a request, with the defaults filled in. */
function pageOf(request: PageRequest): { page: number; pageSize: number } {
  return { page: request.page ?? 1, pageSize: request.pageSize ?? LIMITS.pageSizeDefault };
}

/**
 * One page of `query` (filtered, selected and ordered) with the total count of its rows. The
 * count is a second statement over the same filter, run only when the page is full (otherwise
 * the page tells the total). `map` turns the page's rows into the items (it may read more, e.g.
 * details for the ids of the page). A query with `group by` or `distinct` needs its count from
 * elsewhere: this counts rows of the ungrouped filter.
 */
export async function paginate<DB, TB extends keyof DB, O, R = O>(
  query: SelectQueryBuilder<DB, TB, O>,
  request: PageRequest,
  map?: (rows: O[]) => R[] | Promise<R[]>,
): Promise<PageResult<R>> {
  const { page, pageSize } = pageOf(request);
  const offset = (page - 1) * pageSize;
  const rows = await query.limit(pageSize).offset(offset).execute();
  const total =
    rows.length < pageSize && (rows.length > 0 || page === 1)
      ? offset + rows.length
      : Number(
          (
            (await query
              .clearSelect()
              .clearOrderBy()
              .select((eb) => eb.fn.countAll<number | string | bigint>().as('total'))
              .executeTakeFirstOrThrow()) as { total: number | string | bigint }
          ).total,
        );
  const items = map ? await map(rows) : (rows as unknown as R[]);
  return { items, total, page, pageSize };
}

/** A page cut from rows already in memory (lists computed in the server). */
export function pageFrom<T>(rows: readonly T[], request: PageRequest): PageResult<T> {
  const { page, pageSize } = pageOf(request);
  return { items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length, page, pageSize };
}
