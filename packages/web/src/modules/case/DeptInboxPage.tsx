import type { PageResult } from '@wangge/shared';
import { query } from '../../core/api.ts';
import { useApis } from '../../core/query.tsx';
import { CaseQueue, type QueueTab } from './CaseQueue.tsx';
import { useI18n } from '../../i18n/index.tsx';

const TABS = [
  { key: 'assigned', state: 'assigned', label: 'inbox.assigned', actions: ['accept', 'reject'] },
  { key: 'accepted', state: 'accepted', label: 'inbox.accepted', actions: ['feedback'] },
  { key: 'rework', state: 'rework', label: 'inbox.rework', actions: ['feedback'] },
  { key: 'done', state: 'handled,pending_archive,archived', label: 'inbox.done', actions: [] },
] as const;

/** 部门待办: the cases of the user's departments, by what they wait for. */
export function DeptInboxPage() {
  const { t } = useI18n();
  const totals = useApis<PageResult<unknown>>(
    TABS.map((tab) => `/api/cases${query({ mine: 'true', state: tab.state, pageSize: 1 })}`),
  );
  const counts = Object.fromEntries(TABS.map((tab, i) => [tab.key, totals[i]?.data?.total]));

  const tabs: QueueTab[] = TABS.map((tab) => ({
    key: tab.key,
    label: t(tab.label),
    filter: { mine: 'true', state: tab.state, sort: tab.key === 'done' ? 'updated' : 'due' },
    count: tab.key === 'done' ? undefined : counts[tab.key],
    actions: [...tab.actions],
  }));
  return <CaseQueue tabs={tabs} testId="dept-inbox" />;
}
