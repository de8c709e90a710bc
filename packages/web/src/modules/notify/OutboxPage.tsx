import { EyeOutlined, RedoOutlined, ReloadOutlined } from '@ant-design/icons';
import { LIMITS, OUTBOX_STATES, type OutboxItem, type OutboxState } from '@wangge/shared';
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Drawer,
  Grid,
  Input,
  Popconfirm,
  Select,
  Space,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useAction, useInvalidate } from '../../core/query.tsx';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
import { fmtTime, named } from '../case/shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

const STATE_COLORS: Record<OutboxState, string> = {
  pending: 'blue',
  sending: 'processing',
  sent: 'green',
  failed: 'red',
  unsent: 'orange',
};
const RETRYABLE: OutboxState[] = ['failed', 'unsent'];
const FILTERS = ['state', 'from', 'to', 'q', 'caseId'] as const;

/** 邮件查看 / 短信查看: the outbox of one channel with its delivery state; failed ones can be re-sent. */
export function OutboxPage({ channel }: { channel: 'email' | 'sms' }) {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const screens = Grid.useBreakpoint();
  const invalidate = useInvalidate();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const [shown, setShown] = useState<OutboxItem | null>(null);
  const canRetry = can('notify.read', 'case.config');
  const email = channel === 'email';
  const url = email ? '/api/notify/mails' : '/api/notify/sms';

  const retry = useAction(
    (item: OutboxItem) => api<OutboxItem>('POST', `/api/notify/outbox/${item.id}/retry`),
    {
      invalidates: [url],
      success: t('outbox.retried'),
      onDone: (updated) => setShown((s) => (s?.id === updated.id ? updated : s)),
    },
  );

  const stateTag = (s: OutboxState) => (
    <Tag color={STATE_COLORS[s]} data-testid="outbox-state">
      {named(OUTBOX_STATES, s, lang)}
    </Tag>
  );
  const retryButton = (item: OutboxItem) =>
    canRetry && RETRYABLE.includes(item.state) ? (
      <Popconfirm title={t('outbox.retryConfirm')} onConfirm={() => void retry.run(item)}>
        <Button size="small" icon={<RedoOutlined />} data-testid="outbox-retry">
          {t('outbox.retry')}
        </Button>
      </Popconfirm>
    ) : null;

  const columns: RColumn<OutboxItem>[] = [
    {
      key: 'createdAt',
      title: t('outbox.createdAt'),
      phone: 'head',
      render: (m) => <span style={{ whiteSpace: 'nowrap' }}>{fmtTime(m.createdAt)}</span>,
    },
    { key: 'state', title: t('outbox.state'), phone: 'head', render: (m) => stateTag(m.state) },
    {
      key: 'to',
      title: t('outbox.to'),
      render: (m) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {m.recipientName ? `${m.recipientName} ` : ''}
          <Typography.Text type="secondary">{m.toMasked}</Typography.Text>
        </span>
      ),
    },
    {
      key: 'content',
      title: email ? t('outbox.subject') : t('outbox.text'),
      render: (m) => (
        <Typography.Text ellipsis style={{ maxWidth: screens.md ? 320 : '100%' }} title={m.subject ?? m.body}>
          {email ? (m.subject ?? '—') : m.body}
        </Typography.Text>
      ),
    },
    { key: 'template', title: t('outbox.template'), responsive: ['lg'], render: (m) => m.templateName },
    {
      key: 'attempts',
      title: t('outbox.attempts'),
      render: (m) =>
        m.state === 'pending' && m.nextAttemptAt && m.attempts > 0 ? (
          <Tooltip title={t('outbox.nextAttempt', { at: fmtTime(m.nextAttemptAt) })}>
            <span>{m.attempts}</span>
          </Tooltip>
        ) : (
          m.attempts
        ),
    },
    {
      key: 'error',
      title: t('outbox.lastError'),
      render: (m) =>
        m.lastError ? (
          <Typography.Text
            type="danger"
            ellipsis
            style={{ maxWidth: screens.md ? 240 : '100%' }}
            title={m.lastError}
          >
            {m.lastError}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    { key: 'sentAt', title: t('outbox.sentAt'), responsive: ['xl'], render: (m) => fmtTime(m.sentAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (m) => (
        <Space size={4}>
          <Button size="small" icon={<EyeOutlined />} onClick={() => setShown(m)} data-testid="outbox-view">
            {t('outbox.view')}
          </Button>
          {retryButton(m)}
        </Space>
      ),
    },
  ];

  return (
    <Card
      size="small"
      title={email ? t('menu.mails') : t('menu.sms')}
      data-testid={email ? 'outbox-mails' : 'outbox-sms'}
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void invalidate(url)}
          aria-label="reload"
        />
      }
    >
      <ListPage
        url={url}
        state={list}
        rowKey={(m) => m.id}
        columns={columns}
        testId="outbox-table"
        filters={
          <>
            <Select
              allowClear
              placeholder={t('outbox.state')}
              value={filters.state}
              onChange={(v?: string) => set({ state: v })}
              options={(Object.keys(OUTBOX_STATES) as OutboxState[]).map((s) => ({
                value: s,
                label: named(OUTBOX_STATES, s, lang),
              }))}
              data-testid="outbox-filter-state"
            />
            <DatePicker.RangePicker
              value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
              onChange={(r) =>
                set({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1]?.format('YYYY-MM-DD') ?? null })
              }
              allowEmpty={[true, true]}
            />
            <Input.Search
              key={filters.q ?? ''}
              allowClear
              placeholder={email ? t('outbox.searchMail') : t('outbox.searchSms')}
              defaultValue={filters.q}
              maxLength={LIMITS.searchMax}
              onSearch={(q) => set({ q: q.trim() })}
            />
            {filters.caseId && (
              <Tag closable onClose={() => set({ caseId: null })} style={{ alignSelf: 'center' }}>
                {t('outbox.caseFilter', { id: filters.caseId })}
              </Tag>
            )}
          </>
        }
      />
      <Drawer
        open={shown !== null}
        onClose={() => setShown(null)}
        width={screens.md ? 560 : '100%'}
        title={shown ? (email ? (shown.subject ?? t('outbox.noSubject')) : t('outbox.smsTitle')) : ''}
        extra={shown ? retryButton(shown) : null}
        data-testid="outbox-drawer"
      >
        {shown && (
          <>
            <Descriptions
              column={1}
              size="small"
              bordered
              items={[
                { key: 'state', label: t('outbox.state'), children: stateTag(shown.state) },
                {
                  key: 'to',
                  label: t('outbox.to'),
                  children: `${shown.recipientName ? `${shown.recipientName} ` : ''}${shown.toMasked}`,
                },
                { key: 'template', label: t('outbox.template'), children: shown.templateName },
                ...(shown.caseId
                  ? [
                      {
                        key: 'case',
                        label: t('outbox.case'),
                        children: can('case.read', 'case.handle') ? (
                          <Link to={`/cases/${shown.caseId}`}>#{shown.caseId}</Link>
                        ) : (
                          `#${shown.caseId}`
                        ),
                      },
                    ]
                  : []),
                { key: 'created', label: t('outbox.createdAt'), children: fmtTime(shown.createdAt) },
                { key: 'sent', label: t('outbox.sentAt'), children: fmtTime(shown.sentAt) },
                { key: 'attempts', label: t('outbox.attempts'), children: shown.attempts },
                ...(shown.nextAttemptAt && shown.state === 'pending'
                  ? [
                      {
                        key: 'next',
                        label: t('outbox.nextAttemptLabel'),
                        children: fmtTime(shown.nextAttemptAt),
                      },
                    ]
                  : []),
                ...(shown.lastError
                  ? [
                      {
                        key: 'error',
                        label: t('outbox.lastError'),
                        children: (
                          <Typography.Text type="danger" style={{ wordBreak: 'break-all' }}>
                            {shown.lastError}
                          </Typography.Text>
                        ),
                      },
                    ]
                  : []),
                ...(shown.providerId
                  ? [
                      {
                        key: 'provider',
                        label: t('outbox.providerId'),
                        children: <code>{shown.providerId}</code>,
                      },
                    ]
                  : []),
              ]}
            />
            <Typography.Title level={5} style={{ marginTop: 16 }}>
              {t('outbox.body')}
            </Typography.Title>
            <pre className="wg-mail-body" data-testid="outbox-body">
              {shown.body}
            </pre>
          </>
        )}
      </Drawer>
    </Card>
  );
}
