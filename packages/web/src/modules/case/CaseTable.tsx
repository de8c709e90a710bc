import { SupervisionTags } from './SupervisionPanel.tsx';
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
export function useCaseRows(
  actions?: (c: CaseSummary) => ReactNode,
  opts: {
    /** Show why each case came back (the re-dispatch queue). */
    returned?: boolean;
  } = {},
) {
  const { t, lang } = useI18n();
  const returned = (c: CaseSummary) =>
    c.returned ? (
      <div style={{ maxWidth: 220, minWidth: 150 }} data-testid="case-returned">
        <Typography.Text type="danger" style={{ fontSize: 12 }}>
          {c.returned.departmentName
            ? t('dispatch.returnedBy', { unit: c.returned.departmentName })
            : t('dispatch.returnedByWho', { who: c.returned.by })}{' '}
          · {fmtTime(c.returned.at)}
        </Typography.Text>
        <Typography.Paragraph
          style={{ margin: 0, fontSize: 13 }}
          ellipsis={{ rows: 2, tooltip: c.returned.reason }}
          data-testid="case-returned-reason"
        >
          {c.returned.reason ?? '—'}
        </Typography.Paragraph>
      </div>
    ) : (
      '—'
    );
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
          <Typography.Text ellipsis style={{ maxWidth: opts.returned ? 200 : 260 }} title={c.title}>
            {c.title}
          </Typography.Text>
          {c.onSpot && <Tag color="green">{t('case.onSpotShort')}</Tag>}
          {c.round > 1 && <Tag color="volcano">{t('case.round', { n: c.round })}</Tag>}
          <SupervisionTags c={c} />
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
    {
      key: 'grid',
      title: t('case.grid'),
      render: (c) => c.gridName,
      // The re-dispatch queue gives the room to the reason (the place is in the dialog).
      responsive: opts.returned ? ['xxl'] : ['lg'],
    },
    ...(opts.returned
      ? [{ key: 'returned', title: t('dispatch.returned'), render: returned }]
      : [
          {
            key: 'department',
            title: t('case.department'),
            render: (c: CaseSummary) => c.departmentName ?? '—',
          },
        ]),
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
          <SupervisionTags c={c} />
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
      {opts.returned && c.returned && <div style={{ marginTop: 4 }}>{returned(c)}</div>}
      {c.stage && <div style={{ marginTop: 4 }}>{due(c)}</div>}
      {actions && <div style={{ marginTop: 6 }}>{actions(c)}</div>}
    </>
  );

  return { columns, card, rowClassName, rowKey: (c: CaseSummary) => c.id, rowTestId: 'case-row' };
}
