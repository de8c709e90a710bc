import type { SecuritySettings } from '@wangge/shared';
import { App, Button, Card, Form, InputNumber } from 'antd';
import { useEffect } from 'react';
import { api, errorText, get } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';

export function SecurityPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<SecuritySettings>();

  useEffect(() => {
    get<SecuritySettings>('/api/settings/security').then((s) => form.setFieldsValue(s));
  }, [form]);

  const save = async (values: SecuritySettings) => {
    try {
      form.setFieldsValue(await api<SecuritySettings>('PUT', '/api/settings/security', values));
      message.success(t('common.saved'));
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  return (
    <Form form={form} layout="vertical" onFinish={save} style={{ maxWidth: 560 }}>
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
      <Button type="primary" htmlType="submit">
        {t('common.save')}
      </Button>
    </Form>
  );
}
