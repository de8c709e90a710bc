import { LIMITS, type PageResult } from '@wangge/shared';
import type { SelectQueryBuilder } from 'kysely';

/** The page a list request asks for (the query string's `page` and `pageSize`). */
export interface PageRequest {
  page?: number | undefined;
  pageSize?: number | undefined;
}

/** The page number and size of a request, with the defaults filled in. */
export function pageOf(request: PageRequest): { page: number; pageSize: number } {
  return { page: request.page ?? 1, pageSize: request.pageSize ?? LIMITS.pageSizeDefault };
}

/**
 * One page of `query` (filtered, selected and ordered) with the total count of its rows: the page
 * and the count run as two statements of the same filter. `map` turns the page's rows into the
 * items (it may read more, e.g. details for the ids of the page). A query with `group by` or
 * `distinct` needs its count from elsewhere: this counts rows of the ungrouped filter.
 */
export async function paginate<DB, TB extends keyof DB, O, R = O>(
  query: SelectQueryBuilder<DB, TB, O>,
  request: PageRequest,
  map?: (rows: O[]) => R[] | Promise<R[]>,
): Promise<PageResult<R>> {
  const { page, pageSize } = pageOf(request);
  const [rows, count] = await Promise.all([
    query
      .limit(pageSize)
      .offset((page - 1) * pageSize)
      .execute(),
    query
      .clearSelect()
      .clearOrderBy()
      .select((eb) => eb.fn.countAll<number | string | bigint>().as('total'))
      .executeTakeFirstOrThrow(),
  ]);
  const items = map ? await map(rows) : (rows as unknown as R[]);
  return { items, total: Number((count as { total: number | string | bigint }).total), page, pageSize };
}

/** A page cut from rows already in memory (lists computed in the server). */
export function pageFrom<T>(rows: readonly T[], request: PageRequest): PageResult<T> {
  const { page, pageSize } = pageOf(request);
  return { items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length, page, pageSize };
}
