import type { SecuritySettings } from '@wangge/shared';
import { Alert, Button, Card, Form, InputNumber, Spin } from 'antd';
import { api, errorText } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';

const SETTINGS = '/api/settings/security';

/** 安全策略: the password policy and the sign-in limits. */
export function SecurityPage() {
  const { t, lang } = useI18n();
  const settings = useApi<SecuritySettings>(SETTINGS);
  const [form] = Form.useForm<SecuritySettings>();
  const { submit, busy, error } = useSubmit(form, {
    send: (values) => api<SecuritySettings>('PUT', SETTINGS, values),
    invalidates: [SETTINGS],
    success: t('common.saved'),
    // The server's answer is what it keeps (normalised); the form shows that.
    onDone: (saved) => form.setFieldsValue(saved),
    field: (name) => name.split('/'),
  });

  if (settings.error) return <Alert type="error" showIcon title={errorText(settings.error, lang)} />;
  if (!settings.data) return <Spin />;

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={settings.data}
      onFinish={(values) => void submit(values)}
      style={{ maxWidth: 560 }}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Card title={t('security.passwordPolicy')} size="small" style={{ marginBottom: 16 }}>
        <Form.Item
          name={['passwordPolicy', 'minLength']}
          label={t('security.minLength')}
          rules={[{ required: true }]}
        >
          <InputNumber min={8} max={64} />
        </Form.Item>
        <Form.Item
          name={['passwordPolicy', 'minClasses']}
          label={t('security.minClasses')}
          rules={[{ required: true }]}
        >
          <InputNumber min={1} max={4} />
        </Form.Item>
        <Form.Item
          name={['passwordPolicy', 'expiryDays']}
          label={t('security.expiryDays')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={3650} />
        </Form.Item>
        <Form.Item
          name={['passwordPolicy', 'historyCount']}
          label={t('security.historyCount')}
          rules={[{ required: true }]}
        >
          <InputNumber min={0} max={24} />
        </Form.Item>
      </Card>
      <Card title={t('security.login')} size="small" style={{ marginBottom: 16 }}>
        <Form.Item name="lockThreshold" label={t('security.lockThreshold')} rules={[{ required: true }]}>
          <InputNumber min={3} max={20} />
        </Form.Item>
        <Form.Item name="lockMinutes" label={t('security.lockMinutes')} rules={[{ required: true }]}>
          <InputNumber min={1} max={1440} />
        </Form.Item>
        <Form.Item name="idleMinutes" label={t('security.idleMinutes')} rules={[{ required: true }]}>
          <InputNumber min={5} max={480} />
        </Form.Item>
      </Card>
      <Button type="primary" htmlType="submit" loading={busy}>
        {t('common.save')}
      </Button>
    </Form>
  );
}
