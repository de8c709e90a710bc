import { Grid, List, Table, Typography, type PaginationProps } from 'antd';
import type { ReactNode } from 'react';
import { useI18n } from '../i18n/index.tsx';

export interface RColumn<T> {
  key: string;
  title: ReactNode;
  render: (row: T, index: number) => ReactNode;
  /**
   * On a phone: 'head' puts the value on the card's first line, 'actions' at its foot, 'hide'
   * leaves it out; by default it is a "label: value" line.
   */
  phone?: 'head' | 'actions' | 'hide';
  width?: number | string;
  /** Desktop only: hide below this breakpoint (as antd's `responsive`). */
  responsive?: ('sm' | 'md' | 'lg' | 'xl' | 'xxl')[];
  /**
   * Desktop: keep the column in view at the right edge while the rest scrolls (the default for
   * the row actions, `phone: 'actions'`, so a wide list never cuts its buttons off).
   */
  fixed?: 'right' | false;
}

/** Server-side paging: the page the API returned and how to ask for another. */
export interface ServerPaging {
  page: number;
  pageSize: number;
  total: number;
  onChange: (page: number, pageSize: number) => void;
}

/** Pagination props shared by every list: total shown, a smaller pager on phones. */
export function usePaginationBase(): Pick<
  PaginationProps,
  'showTotal' | 'size' | 'showSizeChanger' | 'pageSizeOptions'
> {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  return {
    showTotal: (n: number) => t('common.total', { n }),
    size: screens.md ? undefined : 'small',
    showSizeChanger: !!screens.md,
    pageSizeOptions: [10, 20, 50, 100],
  };
}

/**
 * A table on the desk and a list of cards on a phone, from one set of columns. Paging is the
 * server's (`paging`) or, for the short lists the API returns whole, done here (`clientPageSize`).
 */
export function ResponsiveTable<T extends object>({
  rows,
  rowKey,
  columns,
  loading,
  paging,
  clientPageSize = 20,
  rowClassName,
  testId,
  rowTestId = 'row',
  card,
  empty,
}: {
  rows: T[] | undefined;
  rowKey: (row: T) => string | number;
  columns: RColumn<T>[];
  loading?: boolean;
  paging?: ServerPaging;
  clientPageSize?: number;
  rowClassName?: (row: T) => string;
  testId?: string;
  /** The test id of each row or card. */
  rowTestId?: string;
  /** A phone card of the list's own design instead of the column lines. */
  card?: (row: T) => ReactNode;
  empty?: ReactNode;
}) {
  const screens = Grid.useBreakpoint();
  const base = usePaginationBase();
  const pagination: PaginationProps = paging
    ? {
        ...base,
        current: paging.page,
        pageSize: paging.pageSize,
        total: paging.total,
        onChange: paging.onChange,
      }
    : { ...base, defaultPageSize: clientPageSize, hideOnSinglePage: true };
  const locale = empty ? { emptyText: empty } : undefined;

  if (!screens.md) {
    const head = columns.filter((c) => c.phone === 'head');
    const actions = columns.filter((c) => c.phone === 'actions');
    const lines = columns.filter((c) => c.phone === undefined);
    return (
      <List<T>
        data-testid={testId}
        loading={loading}
        dataSource={rows ?? []}
        locale={locale}
        pagination={
          (paging ? paging.total > paging.pageSize : (rows?.length ?? 0) > clientPageSize)
            ? { ...pagination, align: 'center' }
            : false
        }
        renderItem={(row, index) => (
          <List.Item
            key={rowKey(row)}
            className={['wg-card-row', rowClassName?.(row) ?? ''].join(' ').trim()}
            data-testid={rowTestId}
          >
            {card ? (
              <div style={{ width: '100%', minWidth: 0 }}>{card(row)}</div>
            ) : (
              <div style={{ width: '100%', minWidth: 0 }}>
                {head.length > 0 && (
                  <div className="wg-card-head">
                    {head.map((c) => (
                      <span key={c.key}>{c.render(row, index)}</span>
                    ))}
                  </div>
                )}
                {lines.map((c) => (
                  <div key={c.key} className="wg-card-line">
                    <Typography.Text type="secondary">{c.title}</Typography.Text>
                    <div className="wg-card-value">{c.render(row, index)}</div>
                  </div>
                ))}
                {actions.length > 0 && (
                  <div className="wg-card-actions">
                    {actions.map((c) => (
                      <span key={c.key}>{c.render(row, index)}</span>
                    ))}
                  </div>
                )}
              </div>
            )}
          </List.Item>
        )}
      />
    );
  }

  return (
    <Table<T>
      size="small"
      rowKey={rowKey}
      dataSource={rows}
      loading={loading}
      locale={locale}
      scroll={{ x: 'max-content' }}
      pagination={pagination}
      rowClassName={rowClassName}
      onRow={() => ({ 'data-testid': rowTestId }) as React.HTMLAttributes<HTMLElement>}
      data-testid={testId}
      columns={columns.map((c) => ({
        key: c.key,
        title: c.title,
        width: c.width,
        responsive: c.responsive,
        fixed: c.fixed ?? (c.phone === 'actions' ? 'right' : undefined),
        render: (_: unknown, row: T, index: number) => c.render(row, index),
      }))}
    />
  );
}
