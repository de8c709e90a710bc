import { LIMITS, type LoginLogEntry, type PageResult } from '@wangge/shared';
import { App, Input, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { errorText, get, query } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const RESULTS = ['success', 'failure', 'locked', 'disabled', 'logout', 'timeout', 'rate_limited'] as const;
const COLORS: Record<string, string> = {
  success: 'green',
  logout: 'blue',
  timeout: 'default',
  failure: 'red',
  locked: 'volcano',
  disabled: 'default',
  rate_limited: 'orange',
};

export function LoginLogPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<PageResult<LoginLogEntry> | null>(null);
  const [params, setParams] = useState({
    page: 1,
    pageSize: LIMITS.pageSizeDefault as number,
    username: '',
    result: '',
  });

  const load = useCallback(() => {
    get<PageResult<LoginLogEntry>>(`/api/login-log${query(params)}`)
      .then(setData)
      .catch((err) => message.error(errorText(err, lang)));
  }, [params, lang, message]);
  useEffect(load, [load]);

  const resultLabel = (r: string) => t(`loginlog.result.${r}` as MessageKey);

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder={t('loginlog.username')}
          allowClear
          onSearch={(username) => setParams((p) => ({ ...p, username, page: 1 }))}
          style={{ width: 200 }}
        />
        <Select
          style={{ width: 140 }}
          value={params.result}
          onChange={(result) => setParams((p) => ({ ...p, result, page: 1 }))}
          options={[
            { value: '', label: t('loginlog.result') },
            ...RESULTS.map((r) => ({ value: r, label: resultLabel(r) })),
          ]}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={!data}
        dataSource={data?.items}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('audit.at'), key: 'at', render: (_, r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss') },
          { title: t('loginlog.username'), dataIndex: 'username', key: 'username' },
          {
            title: t('loginlog.result'),
            key: 'result',
            render: (_, r) => <Tag color={COLORS[r.result]}>{resultLabel(r.result)}</Tag>,
          },
          { title: t('loginlog.reason'), dataIndex: 'reason', key: 'reason' },
          { title: t('audit.ip'), dataIndex: 'ip', key: 'ip' },
          {
            title: t('loginlog.userAgent'),
            dataIndex: 'userAgent',
            key: 'ua',
            responsive: ['lg'],
            ellipsis: true,
          },
        ]}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: data?.total,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => setParams((p) => ({ ...p, page, pageSize })),
        }}
        data-testid="loginlog-table"
      />
    </>
  );
}
