import type { CaseSummary } from '@wangge/shared';
import { Badge, Tabs } from 'antd';
import { useState } from 'react';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useInvalidate } from '../../core/query.tsx';
import { WorkflowActions } from '../../core/WorkflowActions.tsx';
import { ActionDialog, CASE_ACTION_LOOK, type CaseActionKind } from './ActionDialog.tsx';
import { useCaseRows } from './CaseTable.tsx';

export interface QueueTab {
  key: string;
  label: string;
  /** The list's filters. */
  filter: Record<string, string | number | boolean>;
  count?: number;
  /** Quick actions on each row. */
  actions?: CaseActionKind[];
  /** Show why each case came back (the re-dispatch queue). */
  returned?: boolean;
}

/** Tabs of case lists with quick actions; the open tab and page are kept in the address. */
export function CaseQueue({ tabs, testId }: { tabs: QueueTab[]; testId: string }) {
  const list = useListState(['tab'] as const);
  const active = tabs.find((tab) => tab.key === list.filters.tab) ?? tabs[0];
  const [dialog, setDialog] = useState<{ kind: CaseActionKind; row: CaseSummary } | null>(null);
  const invalidate = useInvalidate();
  const rows = useCaseRows(
    active?.actions?.length
      ? (row) => (
          <WorkflowActions
            compact
            allowed={active.actions!}
            look={CASE_ACTION_LOOK}
            onAction={(kind) => setDialog({ kind, row })}
            buttonTestId={(kind) => `quick-${kind}`}
          />
        )
      : undefined,
    { returned: active?.returned ?? false },
  );
  if (!active) return null;
  return (
    <div data-testid={testId}>
      <Tabs
        activeKey={active.key}
        onChange={(key) => list.set({ tab: key })}
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
      <ListPage url="/api/cases" params={active.filter} state={list} testId={`${testId}-table`} {...rows} />
      <ActionDialog
        kind={dialog?.kind ?? null}
        target={dialog?.row ?? null}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          // The lists and the tab counts.
          void invalidate('/api/cases');
        }}
      />
    </div>
  );
}
