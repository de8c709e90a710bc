import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import { LIMITS, type InboxMessage, type PageResult } from '@wangge/shared';
import { App, Badge, Button, Card, Empty, List, Segmented, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorText, get, query } from '../../core/api.ts';
import { usePaginationBase } from '../../core/ResponsiveTable.tsx';
import { fmtTime } from '../case/shared.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { inboxChanged } from '../../core/unread.ts';

/** Only links inside the app are followed (a message's link is a path like /cases/12). */
const internal = (link: string | null): link is string =>
  !!link && link.startsWith('/') && !link.startsWith('//');

/** 站内消息: the user's own in-app messages; opening one marks it read and follows its link. */
export function InboxPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const base = usePaginationBase();
  const [params, setParams] = useSearchParams();
  const unreadOnly = params.get('show') === 'unread';
  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? LIMITS.pageSizeDefault);
  const [data, setData] = useState<PageResult<InboxMessage> | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    get<PageResult<InboxMessage>>(
      `/api/inbox${query({ unread: unreadOnly ? 'true' : undefined, page, pageSize })}`,
    )
      .then(setData)
      .catch((err) => {
        message.error(errorText(err, lang));
        setData({ items: [], total: 0, page, pageSize });
      });
  }, [unreadOnly, page, pageSize, lang, message]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);

  const set = (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    setParams(next, { replace: true });
  };

  const markRead = async (m: InboxMessage): Promise<void> => {
    if (m.readAt) return;
    try {
      const updated = await api<InboxMessage>('POST', `/api/inbox/${m.id}/read`);
      setData((d) => d && { ...d, items: d.items.map((x) => (x.id === m.id ? updated : x)) });
      inboxChanged();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const open = async (m: InboxMessage) => {
    await markRead(m);
    if (internal(m.link)) navigate(m.link);
    else if (m.caseId) navigate(`/cases/${m.caseId}`);
  };

  const readAll = async () => {
    setBusy(true);
    try {
      const r = await api<{ updated: number }>('POST', '/api/inbox/read-all');
      message.success(t('inbox.readAllDone', { n: r.updated }));
      inboxChanged();
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      size="small"
      title={t('menu.inbox')}
      data-testid="inbox"
      extra={<Button size="small" icon={<ReloadOutlined />} onClick={load} aria-label="reload" />}
    >
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }}>
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => set({ show: v === 'unread' ? 'unread' : null, page: null })}
          options={[
            { value: 'all', label: t('inbox.all') },
            { value: 'unread', label: t('inbox.unread') },
          ]}
          data-testid="inbox-filter"
        />
        <Button
          icon={<CheckOutlined />}
          onClick={() => void readAll()}
          loading={busy}
          data-testid="inbox-read-all"
        >
          {t('inbox.readAll')}
        </Button>
      </Space>
      <List<InboxMessage>
        loading={!data}
        dataSource={data?.items ?? []}
        locale={{
          emptyText: (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={unreadOnly ? t('inbox.noUnread') : t('inbox.empty')}
            />
          ),
        }}
        pagination={
          data && data.total > pageSize
            ? {
                ...base,
                current: page,
                pageSize,
                total: data.total,
                onChange: (p, s) => set({ page: p, pageSize: s }),
                align: 'center',
              }
            : false
        }
        renderItem={(m) => {
          const followable = internal(m.link) || !!m.caseId;
          return (
            <List.Item
              key={m.id}
              className={m.readAt ? 'wg-msg' : 'wg-msg wg-msg-unread'}
              data-testid="inbox-item"
              actions={
                m.readAt
                  ? undefined
                  : [
                      <Button
                        key="read"
                        size="small"
                        type="link"
                        onClick={() => void markRead(m)}
                        data-testid="inbox-mark-read"
                      >
                        {t('inbox.markRead')}
                      </Button>,
                    ]
              }
            >
              <List.Item.Meta
                avatar={<Badge status={m.readAt ? 'default' : 'processing'} />}
                title={
                  followable ? (
                    <a onClick={() => void open(m)} data-testid="inbox-open">
                      {m.title}
                    </a>
                  ) : (
                    <span>{m.title}</span>
                  )
                }
                description={
                  <>
                    <div style={{ whiteSpace: 'pre-wrap', color: 'rgba(0,0,0,0.75)' }}>{m.body}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {fmtTime(m.createdAt)}
                      {m.readAt ? ` · ${t('inbox.readAt', { at: fmtTime(m.readAt) })}` : ''}
                    </Typography.Text>
                  </>
                }
              />
            </List.Item>
          );
        }}
      />
    </Card>
  );
}
