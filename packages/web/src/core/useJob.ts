import type { Job } from '@wangge/shared';
import { App } from 'antd';
import { useEffect, useState } from 'react';
import { errorText, get } from './api.ts';
import { useI18n } from '../i18n/index.tsx';

/** A background job followed until it ends (null until `jobId` is set); polled every `everyMs`. */
export function useJob(jobId: number | null, everyMs = 1000): Job | null {
  const { lang } = useI18n();
  const { message } = App.useApp();
  const [job, setJob] = useState<Job | null>(null);
  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let stop = false;
    const poll = async () => {
      try {
        const j = await get<Job>(`/api/jobs/${jobId}`);
        if (stop) return;
        setJob(j);
        if (j.status === 'running') setTimeout(() => void poll(), everyMs);
      } catch (err) {
        message.error(errorText(err, lang));
      }
    };
    void poll();
    return () => {
      stop = true;
    };
  }, [jobId, everyMs, lang, message]);
  return job;
}
