import { AUDIT_ACTIONS, type AuditEntry, type AuditVerifyResult } from '@wangge/shared';
import { Alert, Button, Input, Modal, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { api } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useAction } from '../../core/query.tsx';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
import { useI18n } from '../../i18n/index.tsx';

const FILTERS = ['actor', 'action'] as const;

/** 审计日志: the hash-chained log of every write, filtered by actor and action; the chain verified. */
export function AuditLogPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [shown, setShown] = useState<AuditEntry | null>(null);
  // Verifying is itself audited: the list is refreshed to show it.
  const verifying = useAction(() => api<AuditVerifyResult>('POST', '/api/audit/verify'), {
    invalidates: ['/api/audit'],
    onDone: setVerify,
  });

  const columns: RColumn<AuditEntry>[] = [
    { key: 'seq', title: t('audit.seq'), phone: 'head', render: (r) => r.seq },
    {
      key: 'at',
      title: t('audit.at'),
      phone: 'head',
      render: (r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss'),
    },
    { key: 'actor', title: t('audit.actor'), render: (r) => r.actorName },
    {
      key: 'action',
      title: t('audit.action'),
      render: (r) => (
        <span title={r.action}>
          {AUDIT_ACTIONS[r.action]?.[lang] ?? <Typography.Text code>{r.action}</Typography.Text>}
        </span>
      ),
    },
    {
      key: 'target',
      title: t('audit.target'),
      render: (r) => (r.targetType ? `${r.targetType} ${r.targetId ?? ''}` : '—'),
    },
    {
      key: 'result',
      title: t('audit.result'),
      render: (r) => (
        <Tag color={r.result === 'success' ? 'green' : r.result === 'denied' ? 'orange' : 'red'}>
          {r.result}
        </Tag>
      ),
    },
    { key: 'ip', title: t('audit.ip'), responsive: ['md'], render: (r) => r.ip },
    {
      key: 'detail',
      title: t('audit.detail'),
      phone: 'actions',
      render: (r) =>
        r.before !== null || r.after !== null ? (
          <Button size="small" type="link" onClick={() => setShown(r)} data-testid="audit-detail">
            {t('audit.view')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      {verify && (
        <Alert
          showIcon
          type={verify.ok ? 'success' : 'error'}
          title={
            verify.ok
              ? t('audit.verifyOk', { n: verify.checked })
              : t('audit.verifyFail', { seq: verify.brokenAt ?? '?', reason: verify.reason ?? '' })
          }
          data-testid="audit-verify-result"
        />
      )}
      <ListPage
        url="/api/audit"
        state={list}
        testId="audit-table"
        rowKey={(r) => r.seq}
        columns={columns}
        toolbar={
          can('audit.verify') && (
            <Button onClick={() => void verifying.run()} loading={verifying.busy} data-testid="audit-verify">
              {t('audit.verify')}
            </Button>
          )
        }
        filters={
          <>
            <Input.Search
              key={`actor:${filters.actor ?? ''}`}
              placeholder={t('audit.actor')}
              allowClear
              defaultValue={filters.actor}
              onSearch={(actor) => set({ actor: actor.trim() })}
            />
            <Input.Search
              key={`action:${filters.action ?? ''}`}
              placeholder={t('audit.action')}
              allowClear
              defaultValue={filters.action}
              onSearch={(action) => set({ action: action.trim() })}
            />
          </>
        }
      />
      <Modal
        open={shown !== null}
        title={shown ? `${t('audit.detail')} #${shown.seq}` : ''}
        onCancel={() => setShown(null)}
        footer={null}
        width={720}
      >
        {shown && <AuditDetail entry={shown} />}
      </Modal>
    </Space>
  );
}

/** What an entry changed (before and after, as the server recorded them) and its chain hash. */
function AuditDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="audit-detail-body">
      {entry.before !== null && (
        <>
          <Typography.Text type="secondary">{t('audit.before')}</Typography.Text>
          <pre className="wg-json">{JSON.stringify(entry.before, null, 2)}</pre>
        </>
      )}
      {entry.after !== null && (
        <>
          <Typography.Text type="secondary">{t('audit.after')}</Typography.Text>
          <pre className="wg-json">{JSON.stringify(entry.after, null, 2)}</pre>
        </>
      )}
      <Typography.Text type="secondary" copyable style={{ fontSize: 11, overflowWrap: 'anywhere' }}>
        {entry.hash}
      </Typography.Text>
    </Space>
  );
}
