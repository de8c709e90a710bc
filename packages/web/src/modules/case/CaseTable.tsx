import { CASE_STAGES, type CaseSummary } from '@wangge/shared';
import { Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { Countdown, fmtTime, named, StateTag, UrgencyTag } from './shared.tsx';

/**
 * How a case list shows its rows (for `ListPage`): columns on the desk, one card per case on a
 * phone; overdue and urgent cases stand out; the deadline and the actions stay in view at the right.
 */
export function useCaseRows(actions?: (c: CaseSummary) => ReactNode) {
  const { t, lang } = useI18n();
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
  const rowClassName = (c: CaseSummary) =>
    [c.overdue ? 'wg-case-overdue' : '', c.urgency === 'urgent' ? 'wg-case-urgent' : ''].join(' ').trim();

  const columns: RColumn<CaseSummary>[] = [
    { key: 'number', title: t('case.number'), render: (c) => <Link to={`/cases/${c.id}`}>{c.number}</Link> },
    {
      key: 'title',
      title: t('case.title'),
      render: (c) => (
        <Space size={4}>
          <Typography.Text ellipsis style={{ maxWidth: 260 }} title={c.title}>
            {c.title}
          </Typography.Text>
          {c.onSpot && <Tag color="green">{t('case.onSpotShort')}</Tag>}
          {c.round > 1 && <Tag color="volcano">{t('case.round', { n: c.round })}</Tag>}
        </Space>
      ),
    },
    { key: 'category', title: t('case.category'), render: (c) => c.categoryName },
    {
      key: 'state',
      title: t('case.state'),
      render: (c) => (
        <Space size={0}>
          <StateTag state={c.state} />
          <UrgencyTag urgency={c.urgency} />
        </Space>
      ),
    },
    { key: 'grid', title: t('case.grid'), render: (c) => c.gridName, responsive: ['lg'] },
    { key: 'department', title: t('case.department'), render: (c) => c.departmentName ?? '—' },
    { key: 'reportedAt', title: t('case.reportedAt'), render: (c) => fmtTime(c.reportedAt) },
    { key: 'due', title: t('case.due'), render: due, fixed: 'right' },
    ...(actions
      ? [{ key: 'actions', title: t('common.actions'), render: actions, phone: 'actions' as const }]
      : []),
  ];

  const card = (c: CaseSummary) => (
    <>
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
    </>
  );

  return { columns, card, rowClassName, rowKey: (c: CaseSummary) => c.id, rowTestId: 'case-row' };
}
