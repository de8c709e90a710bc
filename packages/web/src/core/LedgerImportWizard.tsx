import type { LedgerDryRun } from '@wangge/shared';
import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Progress, Space, Steps, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { download, errorText, upload } from './api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useJob } from './useJob.ts';

interface Props {
  /** The ledger's routes: `<base>/template.xlsx`, `/dry-run`, `/errors.xlsx`, `/import`. */
  base: string;
  title: string;
}

/**
 * Import of any kernel ledger: download the template, choose the filled file (checked at once:
 * every bad row with its reason, and the file back with an error column), import it as a job
 * with its progress.
 */
export function LedgerImportWizard({ base, title }: Props) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [dry, setDry] = useState<LedgerDryRun | null>(null);
  const [checking, setChecking] = useState(false);
  const [jobId, setJobId] = useState<number | null>(null);
  const job = useJob(jobId, 800);

  const choose = async (f: File | undefined) => {
    if (!f) return;
    setFile(f);
    setDry(null);
    setJobId(null);
    setChecking(true);
    try {
      setDry(await upload<LedgerDryRun>(`${base}/dry-run`, f));
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setChecking(false);
      if (input.current) input.current.value = '';
    }
  };

  const start = async () => {
    if (!file) return;
    try {
      const { jobId: id } = await upload<{ jobId: number }>(`${base}/import`, file);
      setJobId(id);
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const step = job?.status === 'done' ? 3 : jobId ? 2 : dry ? 1 : 0;
  const result = (job?.result ?? null) as Record<string, number> | null;
  return (
    <Card title={title} data-testid="ledger-wizard">
      <Steps
        current={step}
        size="small"
        responsive
        items={[
          { title: t('ledger.stepFile') },
          { title: t('ledger.stepCheck') },
          { title: t('ledger.stepImport') },
        ]}
        style={{ marginBottom: 16 }}
      />
      <Space wrap style={{ marginBottom: 16 }}>
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            void download(`${base}/template.xlsx`, `${title}-模板.xlsx`).catch((e) =>
              message.error(errorText(e, lang)),
            )
          }
          data-testid="ledger-template"
        >
          {t('ledger.template')}
        </Button>
        <Button
          type="primary"
          icon={<UploadOutlined />}
          loading={checking}
          onClick={() => input.current?.click()}
          data-testid="ledger-choose"
        >
          {t('ledger.choose')}
        </Button>
        <input
          ref={input}
          type="file"
          accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          style={{ display: 'none' }}
          data-testid="ledger-file"
          onChange={(e) => void choose(e.target.files?.[0])}
        />
        {file && <Typography.Text type="secondary">{file.name}</Typography.Text>}
      </Space>
      {dry && (
        <Space direction="vertical" style={{ width: '100%' }} data-testid="ledger-check">
          {dry.errorCount === 0 ? (
            <Alert type="success" showIcon message={t('ledger.allGood', { total: dry.total })} />
          ) : (
            <Alert
              type="warning"
              showIcon
              message={t('ledger.someBad', {
                total: dry.total,
                bad: dry.total - dry.valid,
                problems: dry.errorCount,
              })}
              action={
                <Button
                  size="small"
                  onClick={() =>
                    file &&
                    void download(`${base}/errors.xlsx`, `${title}-错误.xlsx`, file).catch((e) =>
                      message.error(errorText(e, lang)),
                    )
                  }
                  data-testid="ledger-errors"
                >
                  {t('ledger.errorFile')}
                </Button>
              }
            />
          )}
          {dry.errors.length > 0 && (
            <Table
              size="small"
              rowKey={(r) => `${r.line}:${r.column}:${r.message}`}
              dataSource={dry.errors}
              pagination={{ pageSize: 10, size: 'small' }}
              tableLayout="fixed"
              columns={[
                { title: t('ledger.line'), dataIndex: 'line', width: 64 },
                {
                  title: t('ledger.column'),
                  dataIndex: 'column',
                  width: 110,
                  render: (v: string | null) => v ?? '—',
                },
                {
                  title: t('ledger.problem'),
                  dataIndex: 'message',
                  render: (v: string) => <span style={{ wordBreak: 'break-word' }}>{v}</span>,
                },
              ]}
              data-testid="ledger-errors-table"
            />
          )}
          {job?.status !== 'done' && (
            <Button
              type="primary"
              disabled={dry.errorCount > 0 || dry.total === 0 || job?.status === 'running'}
              onClick={() => void start()}
              data-testid="ledger-import"
            >
              {t('ledger.import', { total: dry.valid })}
            </Button>
          )}
        </Space>
      )}
      {job && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }} data-testid="ledger-progress">
          <Progress
            percent={job.status === 'done' ? 100 : job.total ? Math.floor((job.done / job.total) * 100) : 0}
            status={job.status === 'failed' ? 'exception' : job.status === 'done' ? 'success' : 'active'}
          />
          <Typography.Text type="secondary">{job.message}</Typography.Text>
          {job.status === 'done' && result && (
            <Alert
              type="success"
              showIcon
              message={t('ledger.done', { ...result })}
              data-testid="ledger-done"
            />
          )}
          {job.status === 'failed' && <Alert type="error" showIcon message={job.error ?? ''} />}
        </Space>
      )}
    </Card>
  );
}
