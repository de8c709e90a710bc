import {
  keepPreviousData,
  QueryClient,
  QueryClientProvider,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
  type UseQueryOptions,
} from '@tanstack/react-query';
import { App } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { ApiError, errorText, get } from './api.ts';

/**
 * Server data lives in one TanStack Query cache. A query's key is its address split into path
 * segments and the query string, so `invalidate('/api/cases')` refreshes every case query (lists,
 * one case, its counts) at once: `['api', 'cases', '12', '']`.
 */
export function apiKey(url: string): string[] {
  const [path = '', search = ''] = url.split('?');
  return [...path.split('/').filter(Boolean), search];
}

/** The key prefix of every query under `path` (no query string). */
const prefix = (path: string): string[] => path.split('?')[0]!.split('/').filter(Boolean);

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) is the answer; only lost connections and 5xx are worth a second try.
      retry: (count, err) => !(err instanceof ApiError && err.status < 500) && count < 2,
      staleTime: 15_000,
      refetchOnWindowFocus: false,
    },
  },
});

export function QueryProvider({
  userId,
  children,
}: {
  userId: number | null | undefined;
  children: ReactNode;
}) {
  // What was loaded belongs to the user who loaded it: when the signed-in user changes, what no page
  // shows is dropped and what a page shows (a public page stays open across a sign-in) is loaded
  // again. The first answer of who is signed in (from "not known yet") changes nothing.
  const previous = useRef(userId);
  useEffect(() => {
    const before = previous.current;
    previous.current = userId;
    if (before === undefined || before === userId) return;
    queryClient.removeQueries({ type: 'inactive' });
    void queryClient.resetQueries({ type: 'active' });
  }, [userId]);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}

type ApiQueryOptions<T> = Omit<UseQueryOptions<T, Error, T, string[]>, 'queryKey' | 'queryFn'> & {
  /** Keep showing the previous answer while the next one loads (paging, filters). */
  keepPrevious?: boolean;
};

/**
 * GET `url` through the cache; `null` waits (a dependent query). Errors stay in `error` for the page
 * to show; nothing is fetched twice for two components asking for the same address.
 */
export function useApi<T>(url: string | null, options: ApiQueryOptions<T> = {}) {
  const { keepPrevious, ...rest } = options;
  return useQuery<T, Error, T, string[]>({
    ...rest,
    queryKey: url ? apiKey(url) : ['idle'],
    queryFn: () => get<T>(url!),
    enabled: url !== null && rest.enabled !== false,
    ...(keepPrevious ? { placeholderData: keepPreviousData } : {}),
  });
}

/** Several GETs at once (a list of counts); answers in the order of `urls`. */
export function useApis<T>(urls: string[]) {
  return useQueries({
    queries: urls.map((url) => ({ queryKey: apiKey(url), queryFn: () => get<T>(url) })),
  });
}

/**
 * A read outside rendering (a tree level opened, a picker's search) through the same cache: a
 * second ask within `staleTime` is answered without a request.
 */
export function fetchApi<T>(url: string, staleTime = 15_000): Promise<T> {
  return queryClient.fetchQuery({ queryKey: apiKey(url), queryFn: () => get<T>(url), staleTime });
}

/** Every item of a paginated list (tree levels, which must be complete), page by page, cached. */
export async function fetchAllPages<T>(url: string, pageSize = 200): Promise<T[]> {
  const items: T[] = [];
  const sep = url.includes('?') ? '&' : '?';
  for (let page = 1; ; page++) {
    const r = await fetchApi<{ items: T[]; total: number }>(`${url}${sep}page=${page}&pageSize=${pageSize}`);
    items.push(...r.items);
    if (r.items.length === 0 || items.length >= r.total) return items;
  }
}

/** Marks every query under each path stale and refetches the ones on screen. */
export function useInvalidate(): (...paths: string[]) => Promise<void> {
  const client = useQueryClient();
  return async (...paths) => {
    await Promise.all(paths.map((p) => client.invalidateQueries({ queryKey: prefix(p) })));
  };
}

/**
 * Puts a changed answer into the cache without loading it again (a message marked read stays where
 * it is until the next visit) and marks the other answers under the same path stale.
 */
export function useCacheEdit(): <T>(url: string, change: (old: T) => T) => void {
  const client = useQueryClient();
  return (url, change) => {
    void client.invalidateQueries({ queryKey: prefix(url), refetchType: 'none' });
    client.setQueryData(apiKey(url), (old: Parameters<typeof change>[0] | undefined) =>
      old === undefined ? old : change(old),
    );
  };
}

/**
 * A write that is not a form (a button: mark read, revoke, retry): runs `fn`, refreshes `invalidates`,
 * shows the success text and, on failure, the server's message in the UI language.
 */
export function useAction<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  options: { invalidates?: string[]; success?: string; onDone?: (result: R) => void } = {},
) {
  const { message } = App.useApp();
  const { lang } = useI18n();
  const invalidate = useInvalidate();
  const mutation = useMutation<R, Error, A>({
    mutationFn: (args) => fn(...args),
    onSuccess: async (result) => {
      if (options.invalidates?.length) await invalidate(...options.invalidates);
      if (options.success) message.success(options.success);
      options.onDone?.(result);
    },
    onError: (err) => message.error(errorText(err, lang)),
  });
  return {
    run: (...args: A) => mutation.mutateAsync(args).catch(() => undefined),
    busy: mutation.isPending,
  };
}
