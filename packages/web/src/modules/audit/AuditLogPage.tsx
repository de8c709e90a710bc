import { DownloadOutlined } from '@ant-design/icons';
import {
  AUDIT_RESULTS,
  type AuditEntry,
  type AuditResult,
  type AuditVerifyResult,
  type AuditVocabularyInfo,
} from '@wangge/shared';
import { Alert, Button, DatePicker, Input, Modal, Select, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, download, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useAction, useApi } from '../../core/query.tsx';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
import { useI18n, type Lang } from '../../i18n/index.tsx';

const FILTERS = ['actor', 'action', 'targetType', 'result', 'from', 'to'] as const;
const RESULT_COLORS: Record<string, string> = { success: 'green', failure: 'red', denied: 'orange' };

/** An entry's target: its kind, then its name, linked to its page where it has one. */
function TargetCell({ entry, lang }: { entry: AuditEntry; lang: Lang }) {
  const target = entry.target;
  if (!target) return <>—</>;
  const name = (lang === 'en' ? target.nameEn : null) ?? target.name ?? target.id;
  return (
    <span>
      <Typography.Text type="secondary">{target.typeLabel?.[lang] ?? target.type}</Typography.Text>{' '}
      {name === null ? null : target.link ? (
        <Link to={target.link} data-testid="audit-target-link">
          {name}
        </Link>
      ) : (
        <span>{name}</span>
      )}
    </span>
  );
}

/**
 * 审计日志: the hash-chained log of every write, as a person reads it — actions and targets
 * named, results in words — filtered by actor, action, kind of target, result and days;
 * exported as Excel (itself recorded); the chain verified.
 */
export function AuditLogPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const vocabulary = useApi<AuditVocabularyInfo>('/api/audit/vocabulary', { staleTime: 3_600_000 }).data;
  const [verify, setVerify] = useState<AuditVerifyResult | null>(null);
  const [shown, setShown] = useState<AuditEntry | null>(null);
  // Verifying is itself audited: the list is refreshed to show it.
  const verifying = useAction(() => api<AuditVerifyResult>('POST', '/api/audit/verify'), {
    invalidates: ['/api/audit'],
    onDone: setVerify,
  });
  // So is exporting.
  const exporting = useAction(
    async () => {
      const stamp = dayjs().format('YYYYMMDD');
      const { actor, action, targetType, result, from, to } = filters;
      await download(
        `/api/audit/export${query({ actor, action, targetType, result, from, to })}`,
        `${lang === 'zh' ? '审计日志' : 'audit-log'}-${stamp}.xlsx`,
      );
    },
    { invalidates: ['/api/audit'] },
  );
  const resultLabel = (r: string) => AUDIT_RESULTS[r as AuditResult]?.[lang] ?? r;

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
      render: (r) =>
        r.actionLabel ? (
          <span title={r.action} data-testid="audit-action">
            {r.actionLabel[lang]}
          </span>
        ) : (
          <Typography.Text code data-testid="audit-action">
            {r.action}
          </Typography.Text>
        ),
    },
    { key: 'target', title: t('audit.target'), render: (r) => <TargetCell entry={r} lang={lang} /> },
    {
      key: 'result',
      title: t('audit.result'),
      render: (r) => <Tag color={RESULT_COLORS[r.result] ?? 'default'}>{resultLabel(r.result)}</Tag>,
    },
    { key: 'ip', title: t('audit.ip'), responsive: ['md'], render: (r) => r.ip ?? '—' },
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
          <>
            {can('audit.export') && (
              <Button
                icon={<DownloadOutlined />}
                onClick={() => void exporting.run()}
                loading={exporting.busy}
                data-testid="audit-export"
              >
                {t('audit.export')}
              </Button>
            )}
            {can('audit.verify') && (
              <Button
                onClick={() => void verifying.run()}
                loading={verifying.busy}
                data-testid="audit-verify"
              >
                {t('audit.verify')}
              </Button>
            )}
          </>
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
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('audit.action')}
              value={filters.action}
              onChange={(action?: string) => set({ action })}
              options={vocabulary?.actions.map((a) => ({ value: a.key, label: a[lang] }))}
              popupMatchSelectWidth={false}
              data-testid="audit-filter-action"
            />
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              placeholder={t('audit.targetType')}
              value={filters.targetType}
              onChange={(targetType?: string) => set({ targetType })}
              options={vocabulary?.targets.map((k) => ({ value: k.type, label: k[lang] }))}
              popupMatchSelectWidth={false}
              data-testid="audit-filter-target"
            />
            <Select
              allowClear
              placeholder={t('audit.result')}
              value={filters.result}
              onChange={(result?: string) => set({ result })}
              options={(Object.keys(AUDIT_RESULTS) as AuditResult[]).map((r) => ({
                value: r,
                label: resultLabel(r),
              }))}
              data-testid="audit-filter-result"
            />
            <DatePicker.RangePicker
              value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
              placeholder={[t('audit.from'), t('audit.to')]}
              onChange={(r) =>
                set({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1]?.format('YYYY-MM-DD') ?? null })
              }
              allowEmpty={[true, true]}
              data-testid="audit-filter-dates"
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
