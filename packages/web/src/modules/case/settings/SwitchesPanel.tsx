import type { CaseSettings } from '@wangge/shared';
import { Alert, App, Button, Card, Col, Form, InputNumber, Row, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { api, ApiError, errorText, get } from '../../../core/api.ts';
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
}

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
});

/** 开关与定时器: the three switches, the sweep, the warning and escalation thresholds, duplicates. */
export function SwitchesPanel() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const warnOn = Form.useWatch('warnOn', form);
  const escalateOn = Form.useWatch('escalateOn', form);

  useEffect(() => {
    get<CaseSettings>('/api/case-settings')
      .then((s) => {
        form.setFieldsValue(toValues(s));
        setLoaded(true);
      })
      .catch((err) => message.error(errorText(err, lang)));
  }, [form, lang, message]);

  const save = async (v: Values) => {
    setBusy(true);
    try {
      const saved = await api<CaseSettings>('PUT', '/api/case-settings', {
        autoDispatch: v.autoDispatch,
        returnVisit: v.returnVisit,
        autoArchive: v.autoArchive,
        sweepSeconds: v.sweepSeconds,
        warnFraction: v.warnOn && v.warnPercent ? v.warnPercent / 100 : null,
        escalateFraction: v.escalateOn && v.escalateTimes ? v.escalateTimes : null,
        duplicateRadiusM: v.duplicateRadiusM,
        duplicateHours: v.duplicateHours,
        rootId: v.rootId ?? null,
      });
      form.setFieldsValue(toValues(saved));
      message.success(t('common.saved'));
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields)
        form.setFields(
          Object.entries(err.fields).map(([name, msg]) => ({ name: name as never, errors: [msg] })),
        );
    } finally {
      setBusy(false);
    }
  };

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
    <Form<Values> form={form} layout="vertical" onFinish={(v) => void save(v)} disabled={!loaded}>
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
      </Row>
      <Alert type="info" showIcon title={t('settings.switchesNote')} style={{ marginBottom: 12 }} />
      <Button type="primary" htmlType="submit" loading={busy} data-testid="settings-save">
        {t('common.save')}
      </Button>
    </Form>
  );
}
