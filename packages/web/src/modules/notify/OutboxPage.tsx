import { EyeOutlined, RedoOutlined, ReloadOutlined } from '@ant-design/icons';
import { LIMITS, OUTBOX_STATES, type OutboxItem, type OutboxState, type PageResult } from '@wangge/shared';
import {
  App,
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
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api, errorText, get, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { fmtTime, named } from '../case/shared.tsx';
import { ResponsiveTable, type RColumn } from '../../core/ResponsiveTable.tsx';
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
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const [data, setData] = useState<PageResult<OutboxItem> | null>(null);
  const [text, setText] = useState(params.get('q') ?? '');
  const [shown, setShown] = useState<OutboxItem | null>(null);
  const canRetry = can('notify.read', 'case.config');
  const email = channel === 'email';

  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? LIMITS.pageSizeDefault);
  const filters = useMemo(
    () => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined])),
    [params],
  );
  const search = query({ ...filters, page, pageSize });
  const url = email ? '/api/notify/mails' : '/api/notify/sms';

  const load = useCallback(() => {
    get<PageResult<OutboxItem>>(`${url}${search}`)
      .then(setData)
      .catch((err) => {
        message.error(errorText(err, lang));
        setData({ items: [], total: 0, page: 1, pageSize });
      });
  }, [url, search, lang, message, pageSize]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);

  const set = (patch: Record<string, string | number | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const retry = async (item: OutboxItem) => {
    try {
      const updated = await api<OutboxItem>('POST', `/api/notify/outbox/${item.id}/retry`);
      message.success(t('outbox.retried'));
      setData((d) => d && { ...d, items: d.items.map((x) => (x.id === item.id ? updated : x)) });
      if (shown?.id === item.id) setShown(updated);
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const stateTag = (s: OutboxState) => (
    <Tag color={STATE_COLORS[s]} data-testid="outbox-state">
      {named(OUTBOX_STATES, s, lang)}
    </Tag>
  );
  const retryButton = (item: OutboxItem) =>
    canRetry && RETRYABLE.includes(item.state) ? (
      <Popconfirm title={t('outbox.retryConfirm')} onConfirm={() => void retry(item)}>
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
      extra={<Button size="small" icon={<ReloadOutlined />} onClick={load} aria-label="reload" />}
    >
      <div className="wg-filters" style={{ marginBottom: 12 }}>
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
          allowClear
          placeholder={email ? t('outbox.searchMail') : t('outbox.searchSms')}
          value={text}
          maxLength={LIMITS.searchMax}
          onChange={(e) => setText(e.target.value)}
          onSearch={(q) => set({ q: q.trim() })}
        />
        {filters.caseId && (
          <Tag closable onClose={() => set({ caseId: null })} style={{ alignSelf: 'center' }}>
            {t('outbox.caseFilter', { id: filters.caseId })}
          </Tag>
        )}
      </div>
      <ResponsiveTable<OutboxItem>
        rows={data?.items}
        loading={!data}
        rowKey={(m) => m.id}
        columns={columns}
        testId="outbox-table"
        paging={{
          page,
          pageSize,
          total: data?.total ?? 0,
          onChange: (p, s) => set({ page: p, pageSize: s }),
        }}
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
