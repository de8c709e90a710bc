import { InboxOutlined } from '@ant-design/icons';
import { Alert, App, Button, Modal, Select, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';

interface Report {
  features: number;
  matched: number;
  unmatched: { index: number; code: string | null }[];
  invalid: { index: number; code: string | null; message: string }[];
  applied: boolean;
  topology: { problems: { kind: string; nodeId: number; areaM2?: number; message: string }[] };
}

/** Upload → dry run with a topology report → import. Nothing is written before the last step. */
export function GeoJsonWizard({
  nodeId,
  open,
  onClose,
  onDone,
}: {
  nodeId: number;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [collection, setCollection] = useState<{ type: string; features: unknown[] } | null>(null);
  const [fileName, setFileName] = useState('');
  const [crs, setCrs] = useState<'wgs84' | 'gcj02' | 'bd09'>('wgs84');
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (dryRun: boolean) => {
    if (!collection) return;
    setBusy(true);
    try {
      const result = await api<Report>(
        'POST',
        `/api/grids/${nodeId}/geojson?crs=${crs}&dryRun=${dryRun}`,
        collection,
      );
      setReport(result);
      if (result.applied) {
        message.success(t('geo.applied'));
        onDone();
        onClose();
      }
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

  const ready = report && !report.applied && report.invalid.length === 0 && report.unmatched.length === 0;
  return (
    <Modal
      open={open}
      title={t('grids.importGeojson')}
      onCancel={() => {
        setReport(null);
        setCollection(null);
        setFileName('');
        onClose();
      }}
      footer={null}
      width={720}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: '100%' }}>
        <Upload.Dragger
          accept=".geojson,.json,application/geo+json,application/json"
          maxCount={1}
          showUploadList={false}
          beforeUpload={async (file) => {
            try {
              const parsed = JSON.parse(await file.text());
              if (parsed?.type !== 'FeatureCollection' || !Array.isArray(parsed.features))
                throw new Error('not a FeatureCollection');
              setCollection(parsed);
              setFileName(`${file.name}（${parsed.features.length}）`);
              setReport(null);
            } catch {
              message.error('GeoJSON FeatureCollection');
            }
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p>{fileName || t('geo.file')}</p>
        </Upload.Dragger>
        <Space wrap>
          <span>{t('geo.crs')}</span>
          <Select
            value={crs}
            onChange={(value) => {
              // A report is only good for the coordinate system it was made with.
              setCrs(value);
              setReport(null);
            }}
            style={{ width: 220 }}
            options={[
              { value: 'wgs84', label: 'WGS84 / CGCS2000' },
              { value: 'gcj02', label: 'GCJ-02（高德、腾讯）' },
              { value: 'bd09', label: 'BD-09（百度）' },
            ]}
          />
          <Button
            onClick={() => void run(true)}
            disabled={!collection}
            loading={busy}
            data-testid="geo-dry-run"
          >
            {t('geo.dryRun')}
          </Button>
          <Button
            type="primary"
            onClick={() => void run(false)}
            disabled={!ready}
            loading={busy}
            data-testid="geo-apply"
          >
            {t('geo.apply')}
          </Button>
        </Space>
        {report && (
          <>
            <Alert
              type={
                report.invalid.length || report.unmatched.length
                  ? 'error'
                  : report.topology.problems.length
                    ? 'warning'
                    : 'success'
              }
              showIcon
              message={[
                t('geo.matched', { n: report.matched }),
                report.unmatched.length ? t('geo.unmatched', { n: report.unmatched.length }) : null,
                report.invalid.length ? t('geo.invalid', { n: report.invalid.length }) : null,
                report.topology.problems.length
                  ? `${t('geo.problems')} ${report.topology.problems.length}`
                  : t('geo.clean'),
              ]
                .filter(Boolean)
                .join('；')}
              data-testid="geo-report"
            />
            {report.invalid.map((i) => (
              <Typography.Text key={i.index} type="danger">
                #{i.index} {i.code ?? ''} {i.message}
              </Typography.Text>
            ))}
            {report.topology.problems.length > 0 && (
              <Table
                size="small"
                rowKey={(_, i) => String(i)}
                dataSource={report.topology.problems}
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                columns={[
                  { title: t('geo.problems'), dataIndex: 'message', key: 'message' },
                  {
                    title: 'm²',
                    dataIndex: 'areaM2',
                    key: 'area',
                    render: (v?: number) => (v === undefined ? '' : v.toLocaleString()),
                  },
                ]}
              />
            )}
          </>
        )}
      </Space>
    </Modal>
  );
}
