import type { CaseCounts } from '@wangge/shared';
import { useApi } from '../../core/query.tsx';
import { useAuth } from '../../core/AuthContext.tsx';
import { CaseQueue, type QueueTab } from './CaseQueue.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** 分发台: cases waiting for dispatch, re-dispatch, the return visit and archiving. */
export function DispatchConsolePage() {
  const { can } = useAuth();
  const { t } = useI18n();
  const { data: counts } = useApi<CaseCounts>('/api/cases/counts');
  const n = (state: string) => (counts ? (counts.byState[state] ?? 0) : undefined);

  const tabs: QueueTab[] = [
    ...(can('case.dispatch')
      ? [
          {
            key: 'pending',
            label: t('queue.pendingDispatch'),
            // Urgent first, then the longest waiting.
            filter: { state: 'pending_dispatch', sort: 'queue' },
            count: n('pending_dispatch'),
            actions: ['dispatch', 'void'] as const,
          },
          {
            key: 'rejected',
            label: t('queue.rejected'),
            filter: { state: 'rejected', sort: 'queue' },
            count: n('rejected'),
            actions: ['dispatch', 'void'] as const,
            returned: true,
          },
        ]
      : []),
    ...(can('case.visit')
      ? [
          {
            key: 'visit',
            label: t('queue.visit'),
            filter: { state: 'handled', sort: 'due' },
            count: n('handled'),
            actions: ['visit'] as const,
          },
        ]
      : []),
    ...(can('case.archive')
      ? [
          {
            key: 'archive',
            label: t('queue.archive'),
            filter: { state: 'pending_archive', sort: 'updated' },
            count: n('pending_archive'),
            actions: ['archive'] as const,
          },
        ]
      : []),
  ].map((tab) => ({ ...tab, actions: [...tab.actions] }));

  return <CaseQueue tabs={tabs} testId="dispatch-console" />;
}
