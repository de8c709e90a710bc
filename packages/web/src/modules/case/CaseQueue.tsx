import { LIMITS, type CaseSummary, type PageResult } from '@wangge/shared';
import { App, Badge, Button, Space, Tabs } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorText, get, query } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ACTION_LABELS, ActionDialog, type CaseActionKind } from './ActionDialog.tsx';
import { CaseTable } from './CaseTable.tsx';

export interface QueueTab {
  key: string;
  label: string;
  /** The list's filters. */
  filter: Record<string, string | number | boolean>;
  count?: number;
  /** Quick actions on each row. */
  actions?: CaseActionKind[];
}

/** Tabs of case lists with quick actions; the open tab is kept in the address. */
export function CaseQueue({
  tabs,
  onChanged,
  testId,
}: {
  tabs: QueueTab[];
  /** Called after an action (so the tab counts can be reloaded). */
  onChanged?: () => void;
  testId: string;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const active = tabs.find((tab) => tab.key === params.get('tab')) ?? tabs[0];
  const [page, setPage] = useState({ page: 1, pageSize: LIMITS.pageSizeDefault as number });
  const [data, setData] = useState<PageResult<CaseSummary> | null>(null);
  const [dialog, setDialog] = useState<{ kind: CaseActionKind; row: CaseSummary } | null>(null);
  const search = active ? query({ ...active.filter, ...page } as Record<string, string | number>) : '';

  const load = useCallback(() => {
    if (!active) return;
    get<PageResult<CaseSummary>>(`/api/cases${search}`)
      .then(setData)
      .catch((err) => {
        message.error(errorText(err, lang));
        setData({ items: [], total: 0, page: 1, pageSize: page.pageSize });
      });
    // The tab's filter is in `search`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [search, lang, message]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);

  if (!active) return null;
  return (
    <div data-testid={testId}>
      <Tabs
        activeKey={active.key}
        onChange={(key) => {
          setPage((p) => ({ ...p, page: 1 }));
          setParams({ tab: key }, { replace: true });
        }}
        items={tabs.map((tab) => ({
          key: tab.key,
          label: (
            <span data-testid={`tab-${tab.key}`}>
              {tab.label}{' '}
              {tab.count !== undefined && (
                <Badge
                  count={tab.count}
                  showZero
                  overflowCount={999}
                  color={tab.count ? '#1458a8' : '#bfbfbf'}
                  style={{ marginInlineStart: 2 }}
                />
              )}
            </span>
          ),
        }))}
      />
      <CaseTable
        data={data}
        page={page.page}
        pageSize={page.pageSize}
        onPage={(p, s) => setPage({ page: p, pageSize: s })}
        testId={`${testId}-table`}
        actions={
          active.actions?.length
            ? (row) => (
                <Space size={4} wrap>
                  {active.actions!.map((kind) => (
                    <Button
                      key={kind}
                      size="small"
                      type={kind === 'reject' || kind === 'void' ? 'default' : 'primary'}
                      ghost={kind !== 'reject' && kind !== 'void'}
                      danger={kind === 'reject' || kind === 'void'}
                      onClick={() => setDialog({ kind, row })}
                      data-testid={`quick-${kind}`}
                    >
                      {t(ACTION_LABELS[kind])}
                    </Button>
                  ))}
                </Space>
              )
            : undefined
        }
      />
      <ActionDialog
        kind={dialog?.kind ?? null}
        target={dialog?.row ?? null}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          load();
          onChanged?.();
        }}
      />
    </div>
  );
}
