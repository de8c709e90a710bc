import type { CaseSettings } from '@wangge/shared';
import { Alert, Button, Card, Col, Form, InputNumber, Row, Space, Switch, Typography } from 'antd';
import { useEffect } from 'react';
import { api, errorText } from '../../../core/api.ts';
import { useApi } from '../../../core/query.tsx';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { GridPicker } from '../../grid/GridPicker.tsx';

interface Values {
  autoDispatch: boolean;
  returnVisit: boolean;
  autoArchive: boolean;
  sweepSeconds: number;
  warnOn: boolean;
  warnPercent: number | null;
  escalateOn: boolean;
  escalateTimes: number | null;
  duplicateRadiusM: number;
  duplicateHours: number;
  rootId: number | null;
  reopenDays: number;
}

const SETTINGS = '/api/case-settings';

const toValues = (s: CaseSettings): Values => ({
  autoDispatch: s.autoDispatch,
  returnVisit: s.returnVisit,
  autoArchive: s.autoArchive,
  sweepSeconds: s.sweepSeconds,
  warnOn: s.warnFraction !== null,
  warnPercent: s.warnFraction === null ? 80 : Math.round(s.warnFraction * 100),
  escalateOn: s.escalateFraction !== null,
  escalateTimes: s.escalateFraction ?? 2,
  duplicateRadiusM: s.duplicateRadiusM,
  duplicateHours: s.duplicateHours,
  rootId: s.rootId,
  reopenDays: s.reopenDays,
});

/** 开关与定时器: the three switches, the sweep, the warning and escalation thresholds, duplicates. */
export function SwitchesPanel() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const settings = useApi<CaseSettings>(SETTINGS);
  const warnOn = Form.useWatch('warnOn', form);
  const escalateOn = Form.useWatch('escalateOn', form);

  useEffect(() => {
    if (settings.data) form.setFieldsValue(toValues(settings.data));
  }, [settings.data, form]);

  const { submit, busy, error } = useSubmit<Values, CaseSettings>(form, {
    send: (v) =>
      api<CaseSettings>('PUT', SETTINGS, {
        autoDispatch: v.autoDispatch,
        returnVisit: v.returnVisit,
        autoArchive: v.autoArchive,
        sweepSeconds: v.sweepSeconds,
        warnFraction: v.warnOn && v.warnPercent ? v.warnPercent / 100 : null,
        escalateFraction: v.escalateOn && v.escalateTimes ? v.escalateTimes : null,
        duplicateRadiusM: v.duplicateRadiusM,
        duplicateHours: v.duplicateHours,
        rootId: v.rootId ?? null,
        reopenDays: v.reopenDays,
      }),
    invalidates: [SETTINGS],
    success: t('common.saved'),
    // The server's answer is what it keeps (normalised); the form shows that.
    onDone: (saved) => form.setFieldsValue(toValues(saved)),
  });
  const failure = error ?? (settings.error ? errorText(settings.error, lang) : null);

  const switchRow = (name: 'autoDispatch' | 'returnVisit' | 'autoArchive') => (
    <Card size="small" style={{ height: '100%' }}>
      <Space align="start" style={{ width: '100%', justifyContent: 'space-between' }}>
        <div>
          <Typography.Text strong>{t(`settings.${name}`)}</Typography.Text>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t(`settings.${name}.hint`)}
            </Typography.Text>
          </div>
        </div>
        <Form.Item name={name} valuePropName="checked" noStyle>
          <Switch data-testid={`switch-${name}`} />
        </Form.Item>
      </Space>
    </Card>
  );

  return (
    <Form<Values> form={form} layout="vertical" onFinish={(v) => void submit(v)} disabled={!settings.data}>
      {failure && <Alert type="error" showIcon title={failure} style={{ marginBottom: 16 }} />}
      <Row gutter={[12, 12]} style={{ marginBottom: 16 }}>
        <Col xs={24} md={8}>
          {switchRow('autoDispatch')}
        </Col>
        <Col xs={24} md={8}>
          {switchRow('returnVisit')}
        </Col>
        <Col xs={24} md={8}>
          {switchRow('autoArchive')}
        </Col>
      </Row>
      <Row gutter={[16, 0]}>
        <Col xs={24} sm={12} md={8}>
          <Form.Item name="sweepSeconds" label={t('settings.sweepSeconds')} rules={[{ required: true }]}>
            <InputNumber min={5} max={3600} suffix={t('unit.seconds')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item label={t('settings.warn')} extra={t('settings.warnHint')}>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name="warnOn" valuePropName="checked" noStyle>
                <Switch style={{ margin: '5px 8px 0 0' }} />
              </Form.Item>
              <Form.Item name="warnPercent" noStyle>
                <InputNumber min={10} max={99} suffix="%" disabled={!warnOn} style={{ width: '100%' }} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item label={t('settings.escalate')} extra={t('settings.escalateHint')}>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name="escalateOn" valuePropName="checked" noStyle>
                <Switch style={{ margin: '5px 8px 0 0' }} />
              </Form.Item>
              <Form.Item name="escalateTimes" noStyle>
                <InputNumber
                  min={1.01}
                  max={10}
                  step={0.1}
                  suffix="×"
                  disabled={!escalateOn}
                  style={{ width: '100%' }}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item
            name="duplicateRadiusM"
            label={t('settings.duplicateRadius')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} max={5000} suffix={t('unit.metres')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item name="duplicateHours" label={t('settings.duplicateHours')} rules={[{ required: true }]}>
            <InputNumber min={0} max={2160} suffix={t('unit.hours')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item name="rootId" label={t('settings.rootId')} extra={t('settings.rootIdHint')}>
            <GridPicker placeholder={t('settings.rootAuto')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12} md={8}>
          <Form.Item
            name="reopenDays"
            label={t('citizen.settings.reopenDays')}
            extra={t('citizen.settings.reopenDaysHint')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} max={365} suffix={t('unit.days')} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
      </Row>
      <Alert type="info" showIcon title={t('settings.switchesNote')} style={{ marginBottom: 12 }} />
      <Button type="primary" htmlType="submit" loading={busy} data-testid="settings-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}
