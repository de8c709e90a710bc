import {
  AUDIT_ACTIONS,
  LIMITS,
  type AuditEntry,
  type AuditVerifyResult,
  type PageResult,
} from '@wangge/shared';
import { Alert, App, Button, Input, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, get, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useI18n } from '../../i18n/index.tsx';

export function AuditLogPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<PageResult<AuditEntry> | null>(null);
  const [params, setParams] = useState({
    page: 1,
    pageSize: LIMITS.pageSizeDefault as number,
    actor: '',
    action: '',
  });
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [verifying, setVerifying] = useState(false);

  const load = useCallback(() => {
    get<PageResult<AuditEntry>>(`/api/audit${query(params)}`)
      .then(setData)
      .catch((err) => message.error(errorText(err, lang)));
  }, [params, lang, message]);
  useEffect(load, [load]);

  const runVerify = async () => {
    setVerifying(true);
    try {
      setVerify(await api<AuditVerifyResult>('POST', '/api/audit/verify'));
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder={t('audit.actor')}
          allowClear
          onSearch={(actor) => setParams((p) => ({ ...p, actor, page: 1 }))}
          style={{ width: 180 }}
        />
        <Input.Search
          placeholder={t('audit.action')}
          allowClear
          onSearch={(action) => setParams((p) => ({ ...p, action, page: 1 }))}
          style={{ width: 180 }}
        />
        {can('audit.verify') && (
          <Button onClick={() => void runVerify()} loading={verifying} data-testid="audit-verify">
            {t('audit.verify')}
          </Button>
        )}
      </Space>
      {verify && (
        <Alert
          style={{ marginBottom: 12 }}
          showIcon
          type={verify.ok ? 'success' : 'error'}
          message={
            verify.ok
              ? t('audit.verifyOk', { n: verify.checked })
              : t('audit.verifyFail', { seq: verify.brokenAt ?? '?', reason: verify.reason ?? '' })
          }
          data-testid="audit-verify-result"
        />
      )}
      <Table
        rowKey="seq"
        size="small"
        loading={!data}
        dataSource={data?.items}
        scroll={{ x: 'max-content' }}
        expandable={{
          rowExpandable: (r) => r.before !== null || r.after !== null,
          expandedRowRender: (r) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {r.before !== null && (
                <>
                  <Typography.Text type="secondary">{t('audit.before')}</Typography.Text>
                  <pre className="wg-json">{JSON.stringify(r.before, null, 2)}</pre>
                </>
              )}
              {r.after !== null && (
                <>
                  <Typography.Text type="secondary">{t('audit.after')}</Typography.Text>
                  <pre className="wg-json">{JSON.stringify(r.after, null, 2)}</pre>
                </>
              )}
              <Typography.Text type="secondary" copyable style={{ fontSize: 11 }}>
                {r.hash}
              </Typography.Text>
            </Space>
          ),
        }}
        columns={[
          { title: t('audit.seq'), dataIndex: 'seq', key: 'seq' },
          { title: t('audit.at'), key: 'at', render: (_, r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss') },
          { title: t('audit.actor'), dataIndex: 'actorName', key: 'actor' },
          {
            title: t('audit.action'),
            dataIndex: 'action',
            key: 'action',
            render: (a: string) => (
              <span title={a}>{AUDIT_ACTIONS[a]?.[lang] ?? <Typography.Text code>{a}</Typography.Text>}</span>
            ),
          },
          {
            title: t('audit.target'),
            key: 'target',
            render: (_, r) => (r.targetType ? `${r.targetType} ${r.targetId ?? ''}` : '—'),
          },
          {
            title: t('audit.result'),
            dataIndex: 'result',
            key: 'result',
            render: (v: string) => (
              <Tag color={v === 'success' ? 'green' : v === 'denied' ? 'orange' : 'red'}>{v}</Tag>
            ),
          },
          { title: t('audit.ip'), dataIndex: 'ip', key: 'ip', responsive: ['md'] },
        ]}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: data?.total,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => setParams((p) => ({ ...p, page, pageSize })),
        }}
        data-testid="audit-table"
      />
    </>
  );
}
