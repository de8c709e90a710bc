import { Alert, App, Button, Card, Form, Input, Progress, Space, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useJob } from '../../core/useJob.ts';
import { useI18n } from '../../i18n/index.tsx';

/** Imports the national administrative divisions, following the background job's progress. */
export function DivisionsImportPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId);

  const start = async (values: { province?: string; city?: string; county?: string }) => {
    const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v && String(v).trim()));
    try {
      const { jobId: id } = await api<{ jobId: number }>('POST', '/api/grids/import/divisions', body);
      setJobId(id);
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const result = job?.result as { added: number; renamed: number; closed: number; unchanged: number } | null;
  return (
    <Card title={t('grids.importDivisions')} style={{ maxWidth: 640 }}>
      <Typography.Paragraph type="secondary">{t('import.scopeHint')}</Typography.Paragraph>
      <Form layout="vertical" onFinish={start}>
        <Space wrap>
          <Form.Item name="province" label={t('import.province')} rules={[{ pattern: /^\d{2}$/ }]}>
            <Input maxLength={2} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="city" label={t('import.city')} rules={[{ pattern: /^\d{4}$/ }]}>
            <Input maxLength={4} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="county" label={t('import.county')} rules={[{ pattern: /^\d{6}$/ }]}>
            <Input maxLength={6} style={{ width: 120 }} data-testid="import-county" />
          </Form.Item>
        </Space>
        <Button
          type="primary"
          htmlType="submit"
          disabled={job?.status === 'running'}
          data-testid="import-start"
        >
          {t('import.start')}
        </Button>
      </Form>
      {job && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }} data-testid="import-progress">
          <Progress
            percent={job.total ? Math.floor((job.done / job.total) * 100) : job.status === 'done' ? 100 : 0}
            status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'}
          />
          <Typography.Text type="secondary">
            {job.message} {job.total ? `${job.done}/${job.total}` : ''}
          </Typography.Text>
          {job.status === 'done' && result && (
            <Alert type="success" showIcon message={t('import.done', { ...result })} />
          )}
          {job.status === 'failed' && (
            <Alert type="error" showIcon message={t('import.failed', { error: job.error ?? '' })} />
          )}
        </Space>
      )}
    </Card>
  );
}
