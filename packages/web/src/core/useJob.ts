import type { Job } from '@wangge/shared';
import { App } from 'antd';
import { useEffect } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { errorText } from './api.ts';
import { useApi } from './query.tsx';

/** A background job followed until it ends (null until `jobId` is set); polled every `everyMs`. */
export function useJob(jobId: number | null, everyMs = 1000): Job | null {
  const { lang } = useI18n();
  const { message } = App.useApp();
  const job = useApi<Job>(jobId ? `/api/jobs/${jobId}` : null, {
    staleTime: 0,
    refetchInterval: (q) =>
      q.state.error || (q.state.data && q.state.data.status !== 'running') ? false : everyMs,
  });
  const { error } = job;
  useEffect(() => {
    if (error) message.error(errorText(error, lang));
  }, [error, lang, message]);
  return job.data ?? null;
}
