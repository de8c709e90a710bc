import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import {
  describeRule,
  passwordViolations,
  type Me,
  type PasswordPolicy,
  type PasswordRule,
} from '@wangge/shared';
import { Alert, App, Button, Card, Form, Input, List, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, ApiError, errorText, get } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useI18n } from '../../i18n/index.tsx';

const RULES: PasswordRule[] = ['length', 'classes', 'contains_username', 'whitespace'];

export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { me, setMe, logout } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [policy, setPolicy] = useState<PasswordPolicy | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const newPassword: string = Form.useWatch('newPassword', form) ?? '';

  useEffect(() => {
    get<PasswordPolicy>('/api/auth/policy')
      .then(setPolicy)
      .catch(() => undefined);
  }, []);

  const broken = policy ? passwordViolations(newPassword, policy, me?.username) : [];

  const onFinish = async (values: { currentPassword: string; newPassword: string }) => {
    setBusy(true);
    setError(null);
    try {
      const updated = await api<Me>('POST', '/api/auth/password', values);
      message.success(t('pwd.done'));
      setMe(updated);
      if (!forced) navigate('/');
    } catch (err) {
      setError(errorText(err, lang));
      if (err instanceof ApiError && err.fields) {
        form.setFields(Object.entries(err.fields).map(([name, msg]) => ({ name, errors: [msg] })));
      }
    } finally {
      setBusy(false);
    }
  };

  const card = (
    <Card title={t('pwd.title')} style={{ maxWidth: 460, width: '100%' }} data-testid="change-password">
      {forced && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={me?.passwordChangeReason === 'expired' ? t('pwd.forcedExpired') : t('pwd.forcedInitial')}
        />
      )}
      {error && (
        <Alert
          type="error"
          showIcon
          message={error}
          style={{ marginBottom: 16 }}
          data-testid="password-error"
        />
      )}
      <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false}>
        <Form.Item
          name="currentPassword"
          label={t('pwd.current')}
          rules={[{ required: true, message: t('pwd.current') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('pwd.new')}
          rules={[{ required: true, message: t('pwd.new') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {policy && (
          <List
            size="small"
            header={<Typography.Text type="secondary">{t('pwd.rules')}</Typography.Text>}
            dataSource={RULES}
            style={{ marginBottom: 16 }}
            renderItem={(rule) => (
              <List.Item style={{ padding: '2px 0', border: 'none' }}>
                <Space>
                  {newPassword && !broken.includes(rule) ? (
                    <CheckCircleTwoTone twoToneColor="#52c41a" />
                  ) : (
                    <CloseCircleTwoTone twoToneColor={newPassword ? '#ff4d4f' : '#bfbfbf'} />
                  )}
                  {describeRule(rule, policy, lang)}
                </Space>
              </List.Item>
            )}
          />
        )}
        <Form.Item
          name="confirm"
          label={t('pwd.confirm')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('pwd.confirm') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('pwd.mismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="password-submit">
            {t('pwd.submit')}
          </Button>
          {forced && <Button onClick={() => void logout()}>{t('header.logout')}</Button>}
        </Space>
      </Form>
    </Card>
  );
  return forced ? <div className="wg-login">{card}</div> : card;
}
