import type { PageResult } from '@wangge/shared';
import { useCallback, useEffect, useState } from 'react';
import { get, query } from '../../core/api.ts';
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
  const [counts, setCounts] = useState<Record<string, number>>({});
  const loadCounts = useCallback(() => {
    Promise.all(
      TABS.map((tab) =>
        get<PageResult<unknown>>(`/api/cases${query({ mine: 'true', state: tab.state, pageSize: 1 })}`).then(
          (r) => [tab.key, r.total] as const,
        ),
      ),
    )
      .then((pairs) => setCounts(Object.fromEntries(pairs)))
      .catch(() => undefined);
  }, []);
  useEffect(loadCounts, [loadCounts]);

  const tabs: QueueTab[] = TABS.map((tab) => ({
    key: tab.key,
    label: t(tab.label),
    filter: { mine: 'true', state: tab.state, sort: tab.key === 'done' ? 'updated' : 'due' },
    count: tab.key === 'done' ? undefined : counts[tab.key],
    actions: [...tab.actions],
  }));
  return <CaseQueue tabs={tabs} onChanged={loadCounts} testId="dept-inbox" />;
}
