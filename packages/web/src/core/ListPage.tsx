import { FilterOutlined } from '@ant-design/icons';
import { LIMITS, type PageResult } from '@wangge/shared';
import { Alert, Badge, Button, Card, Grid, Space } from 'antd';
import { useMemo, useState, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useI18n } from '../i18n/index.tsx';
import { errorText, query } from './api.ts';
import { useApi } from './query.tsx';
import { ResponsiveTable, type RColumn } from './ResponsiveTable.tsx';

type Value = string | number | null | undefined;

/** A list's state in the address (filters, page, page size), so Back and a shared link keep it. */
export interface ListState<K extends string> {
  filters: Partial<Record<K, string>>;
  page: number;
  pageSize: number;
  /** Changes some filters; any change but paging goes back to page 1. */
  set: (patch: Partial<Record<K | 'page' | 'pageSize', Value>>) => void;
  reset: () => void;
  /** How many filters are set (shown on the phone's filter button). */
  active: number;
}

export function useListState<K extends string>(keys: readonly K[]): ListState<K> {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const out: Partial<Record<K, string>> = {};
    for (const k of keys) {
      const v = params.get(k);
      if (v !== null && v !== '') out[k] = v;
    }
    return out;
    // `keys` is a constant of the page.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [params]);
  const set = (patch: Partial<Record<K | 'page' | 'pageSize', Value>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch) as [string, Value][]) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  const reset = () => {
    const next = new URLSearchParams(params);
    for (const k of [...keys, 'page']) next.delete(k);
    setParams(next, { replace: true });
  };
  return {
    filters,
    page: Math.max(1, Number(params.get('page') ?? 1) || 1),
    pageSize: Number(params.get('pageSize') ?? LIMITS.pageSizeDefault) || LIMITS.pageSizeDefault,
    set,
    reset,
    active: Object.keys(filters).filter((k) => k !== 'tab' && k !== 'sort').length,
  };
}

/**
 * The one list page: filters (folded behind one button on a phone), a toolbar, and the server's
 * pages of `url` as a table on the desk (row actions fixed at the right) or cards on a phone.
 */
export function ListPage<T extends object, K extends string>({
  url,
  state,
  params,
  filters,
  toolbar,
  columns,
  rowKey,
  rowClassName,
  card,
  testId,
  rowTestId,
  empty,
  refetchInterval,
}: {
  /** The list's address without paging (`/api/cases`). */
  url: string;
  state: ListState<K>;
  /** Fixed parameters of this view (a tab's filter), sent with the user's filters. */
  params?: Record<string, Value | boolean>;
  filters?: ReactNode;
  toolbar?: ReactNode;
  columns: RColumn<T>[];
  rowKey: (row: T) => string | number;
  rowClassName?: (row: T) => string;
  card?: (row: T) => ReactNode;
  testId?: string;
  rowTestId?: string;
  empty?: ReactNode;
  refetchInterval?: number;
}) {
  const { t, lang } = useI18n();
  const screens = Grid.useBreakpoint();
  const [folded, setFolded] = useState(true);
  const address = `${url}${query({
    ...(params as Record<string, Value>),
    ...state.filters,
    page: state.page,
    pageSize: state.pageSize,
  })}`;
  const list = useApi<PageResult<T>>(address, {
    keepPrevious: true,
    ...(refetchInterval ? { refetchInterval } : {}),
  });

  const phone = !screens.md;
  const filterCard = (withToolbar: boolean) =>
    filters && (
      <Card size="small" data-testid={testId ? `${testId}-filters` : undefined}>
        <div className="wg-filters">{filters}</div>
        <Space wrap style={{ marginTop: 8 }}>
          <Button onClick={state.reset}>{t('common.reset')}</Button>
          {withToolbar && toolbar}
        </Space>
      </Card>
    );

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {phone && filters ? (
        <>
          <Space wrap>
            <Badge count={state.active} size="small">
              <Button
                icon={<FilterOutlined />}
                onClick={() => setFolded(!folded)}
                data-testid="filters-toggle"
              >
                {t('common.filters')}
              </Button>
            </Badge>
            {toolbar}
          </Space>
          {!folded && filterCard(false)}
        </>
      ) : (
        (filterCard(true) ?? (toolbar && <Space wrap>{toolbar}</Space>))
      )}
      {list.error && <Alert type="error" showIcon title={errorText(list.error, lang)} />}
      <ResponsiveTable<T>
        testId={testId}
        rowTestId={rowTestId}
        rows={list.data?.items}
        rowKey={rowKey}
        rowClassName={rowClassName}
        card={card}
        loading={list.isPending || list.isPlaceholderData}
        columns={columns}
        empty={empty}
        paging={{
          page: state.page,
          pageSize: state.pageSize,
          total: list.data?.total ?? 0,
          onChange: (page, pageSize) =>
            state.set({ page, pageSize } as Partial<Record<K | 'page' | 'pageSize', Value>>),
        }}
      />
    </Space>
  );
}
