import { CheckOutlined, ReloadOutlined } from '@ant-design/icons';
import type { InboxMessage, PageResult } from '@wangge/shared';
import { Alert, App, Badge, Button, Card, Empty, List, Segmented, Space, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api, errorText, query } from '../../core/api.ts';
import { useListState } from '../../core/ListPage.tsx';
import { useAction, useApi, useCacheEdit, useInvalidate } from '../../core/query.tsx';
import { usePaginationBase } from '../../core/ResponsiveTable.tsx';
import { UNREAD_COUNT } from '../../core/unread.ts';
import { fmtTime } from '../case/shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

const INBOX = '/api/inbox';
const FILTERS = ['show'] as const;

/** Only links inside the app are followed (a message's link is a path like /cases/12). */
const internal = (link: string | null): link is string =>
  !!link && link.startsWith('/') && !link.startsWith('//');

/** 站内消息: the user's own in-app messages; opening one marks it read and follows its link. */
export function InboxPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const base = usePaginationBase();
  const list = useListState(FILTERS);
  const { page, pageSize, set } = list;
  const unreadOnly = list.filters.show === 'unread';
  const address = `${INBOX}${query({ unread: unreadOnly ? 'true' : undefined, page, pageSize })}`;
  const inbox = useApi<PageResult<InboxMessage>>(address);
  const data = inbox.data;

  const edit = useCacheEdit();
  const invalidate = useInvalidate();
  const markRead = useAction((m: InboxMessage) => api<InboxMessage>('POST', `${INBOX}/${m.id}/read`), {
    onDone: (updated) => {
      // The message stays where it is, now read (also in the unread view, until the next visit).
      edit<PageResult<InboxMessage>>(address, (d) => ({
        ...d,
        items: d.items.map((x) => (x.id === updated.id ? updated : x)),
      }));
      void invalidate(UNREAD_COUNT);
    },
  });
  // The list and the header's count.
  const readAll = useAction(() => api<{ updated: number }>('POST', `${INBOX}/read-all`), {
    invalidates: [INBOX],
    onDone: (r) => message.success(t('inbox.readAllDone', { n: r.updated })),
  });

  const open = async (m: InboxMessage) => {
    if (!m.readAt) await markRead.run(m);
    if (internal(m.link)) navigate(m.link);
    else if (m.caseId) navigate(`/cases/${m.caseId}`);
  };

  return (
    <Card
      size="small"
      title={t('menu.inbox')}
      data-testid="inbox"
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void inbox.refetch()}
          aria-label="reload"
        />
      }
    >
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 8 }}>
        <Segmented
          value={unreadOnly ? 'unread' : 'all'}
          onChange={(v) => set({ show: v === 'unread' ? 'unread' : null })}
          options={[
            { value: 'all', label: t('inbox.all') },
            { value: 'unread', label: t('inbox.unread') },
          ]}
          data-testid="inbox-filter"
        />
        <Button
          icon={<CheckOutlined />}
          onClick={() => void readAll.run()}
          loading={readAll.busy}
          data-testid="inbox-read-all"
        >
          {t('inbox.readAll')}
        </Button>
      </Space>
      {inbox.error && (
        <Alert type="error" showIcon title={errorText(inbox.error, lang)} style={{ marginBottom: 8 }} />
      )}
      <List<InboxMessage>
        loading={inbox.isPending}
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
                        onClick={() => void markRead.run(m)}
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
