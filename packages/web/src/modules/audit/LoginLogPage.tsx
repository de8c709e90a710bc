import type { LoginLogEntry } from '@wangge/shared';
import { Input, Select, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
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
const FILTERS = ['username', 'result'] as const;

/** 登录日志: every sign-in, sign-out and refusal, by user name and result. */
export function LoginLogPage() {
  const { t } = useI18n();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const resultLabel = (r: string) => t(`loginlog.result.${r}` as MessageKey);

  const columns: RColumn<LoginLogEntry>[] = [
    {
      key: 'at',
      title: t('audit.at'),
      phone: 'head',
      render: (r) => dayjs(r.at).format('YYYY-MM-DD HH:mm:ss'),
    },
    { key: 'username', title: t('loginlog.username'), phone: 'head', render: (r) => r.username },
    {
      key: 'result',
      title: t('loginlog.result'),
      render: (r) => <Tag color={COLORS[r.result]}>{resultLabel(r.result)}</Tag>,
    },
    { key: 'reason', title: t('loginlog.reason'), render: (r) => r.reason },
    { key: 'ip', title: t('audit.ip'), render: (r) => r.ip },
    {
      key: 'ua',
      title: t('loginlog.userAgent'),
      responsive: ['lg'],
      render: (r) => (
        <Typography.Text ellipsis={{ tooltip: r.userAgent }} style={{ maxWidth: 320 }}>
          {r.userAgent}
        </Typography.Text>
      ),
    },
  ];

  return (
    <ListPage
      url="/api/login-log"
      state={list}
      testId="loginlog-table"
      rowKey={(r) => r.id}
      columns={columns}
      filters={
        <>
          <Input.Search
            key={filters.username ?? ''}
            placeholder={t('loginlog.username')}
            allowClear
            defaultValue={filters.username}
            onSearch={(username) => set({ username: username.trim() })}
          />
          <Select
            allowClear
            placeholder={t('loginlog.result')}
            value={filters.result}
            onChange={(result) => set({ result })}
            options={RESULTS.map((r) => ({ value: r, label: resultLabel(r) }))}
          />
        </>
      }
    />
  );
}
