import { CASE_STAGES, type CaseSummary, type PageResult } from '@wangge/shared';
import { Grid, List, Space, Table, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n/index.tsx';
import { Countdown, fmtTime, named, StateTag, UrgencyTag } from './shared.tsx';

/** The case list as a table on the desk and as cards on a phone; overdue and urgent cases stand out. */
export function CaseTable({
  data,
  page,
  pageSize,
  onPage,
  actions,
  testId = 'case-table',
}: {
  data: PageResult<CaseSummary> | null;
  page: number;
  pageSize: number;
  onPage: (page: number, pageSize: number) => void;
  actions?: (c: CaseSummary) => ReactNode;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  const screens = Grid.useBreakpoint();
  const pagination = {
    current: page,
    pageSize,
    total: data?.total ?? 0,
    showSizeChanger: !!screens.md,
    size: screens.md ? undefined : ('small' as const),
    showTotal: (n: number) => t('common.total', { n }),
    onChange: onPage,
  };
  const due = (c: CaseSummary) =>
    c.stage ? (
      <Space size={2} wrap>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {named(CASE_STAGES, c.stage, lang)}
        </Typography.Text>
        <Countdown dueAt={c.dueAt} parked={c.parked} />
      </Space>
    ) : (
      '—'
    );
  const rowClass = (c: CaseSummary) =>
    [c.overdue ? 'wg-case-overdue' : '', c.urgency === 'urgent' ? 'wg-case-urgent' : ''].join(' ').trim();

  if (!screens.md) {
    return (
      <List
        data-testid={testId}
        loading={!data}
        dataSource={data?.items ?? []}
        pagination={data && data.total > pageSize ? { ...pagination, align: 'center' } : false}
        renderItem={(c) => (
          <List.Item className={`wg-case-card ${rowClass(c)}`} key={c.id} data-testid="case-row">
            <div style={{ width: '100%' }}>
              <Space size={4} wrap style={{ justifyContent: 'space-between', width: '100%' }}>
                <Link to={`/cases/${c.id}`} style={{ fontWeight: 600 }}>
                  {c.number}
                </Link>
                <Space size={0}>
                  <UrgencyTag urgency={c.urgency} />
                  <StateTag state={c.state} />
                </Space>
              </Space>
              <div style={{ margin: '4px 0' }}>
                <Link to={`/cases/${c.id}`} style={{ color: 'inherit' }}>
                  {c.title}
                </Link>
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {c.categoryName} · {c.gridName}
                {c.departmentName ? ` · ${c.departmentName}` : ''} · {fmtTime(c.reportedAt)}
              </Typography.Text>
              {c.stage && <div style={{ marginTop: 4 }}>{due(c)}</div>}
              {actions && <div style={{ marginTop: 6 }}>{actions(c)}</div>}
            </div>
          </List.Item>
        )}
      />
    );
  }

  return (
    <Table<CaseSummary>
      rowKey="id"
      size="small"
      scroll={{ x: 'max-content' }}
      dataSource={data?.items}
      loading={!data}
      rowClassName={rowClass}
      onRow={() => ({ 'data-testid': 'case-row' }) as React.HTMLAttributes<HTMLElement>}
      pagination={pagination}
      data-testid={testId}
      columns={[
        {
          title: t('case.number'),
          key: 'number',
          render: (_, c) => <Link to={`/cases/${c.id}`}>{c.number}</Link>,
        },
        {
          title: t('case.title'),
          key: 'title',
          render: (_, c) => (
            <Space size={4}>
              <Typography.Text ellipsis style={{ maxWidth: 260 }} title={c.title}>
                {c.title}
              </Typography.Text>
              {c.onSpot && <Tag color="green">{t('case.onSpotShort')}</Tag>}
              {c.round > 1 && <Tag color="volcano">{t('case.round', { n: c.round })}</Tag>}
            </Space>
          ),
        },
        { title: t('case.category'), dataIndex: 'categoryName', key: 'category' },
        {
          title: t('case.state'),
          key: 'state',
          render: (_, c) => (
            <Space size={0}>
              <StateTag state={c.state} />
              <UrgencyTag urgency={c.urgency} />
            </Space>
          ),
        },
        { title: t('case.grid'), dataIndex: 'gridName', key: 'grid', responsive: ['lg'] },
        {
          title: t('case.department'),
          key: 'department',
          render: (_, c) => c.departmentName ?? '—',
        },
        { title: t('case.reportedAt'), key: 'reportedAt', render: (_, c) => fmtTime(c.reportedAt) },
        { title: t('case.due'), key: 'due', render: (_, c) => due(c) },
        ...(actions
          ? [
              {
                title: t('common.actions'),
                key: 'actions',
                render: (_: unknown, c: CaseSummary) => actions(c),
              },
            ]
          : []),
      ]}
    />
  );
}
