import type { CaseCounts } from '@wangge/shared';
import { Alert } from 'antd';
import { useApi } from '../../core/query.tsx';
import { CaseQueue } from './CaseQueue.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** 超时事件: cases whose clock has run out, by stage. */
export function OverduePage() {
  const { t } = useI18n();
  const { data: counts } = useApi<CaseCounts>('/api/cases/counts');
  return (
    <>
      <Alert type="info" showIcon title={t('overdue.hint')} style={{ marginBottom: 8 }} />
      <CaseQueue
        testId="overdue"
        tabs={(['accept', 'feedback', 'visit'] as const).map((stage) => ({
          key: stage,
          label: t(`overdue.${stage}`),
          filter: { overdue: stage, sort: 'due' },
          count: counts?.overdue[stage],
        }))}
      />
    </>
  );
}
