import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { LIMITS, type Health } from '@wangge/shared';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useAuth } from '../../core/AuthContext.tsx';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';

interface Credentials {
  username: string;
  password: string;
}

export function LoginPage() {
  const { login, sessionExpired } = useAuth();
  const { t, lang, setLang } = useI18n();
  // A demo server tells visitors the demo password.
  const demo = useApi<Health>('/api/health').data?.demo ?? false;
  const { submit, busy, error } = useSubmit<Credentials>(null, {
    send: (values) => login(values.username.trim(), values.password),
    field: () => null,
  });

  return (
    <div className="wg-login">
      <Card className="wg-login-card" data-testid="login-card">
        <Space direction="vertical" size={4} style={{ width: '100%', marginBottom: 16 }}>
          <Space style={{ justifyContent: 'space-between', width: '100%' }}>
            <Space>
              <img src="/favicon.svg" width={32} height={32} alt="" />
              <Typography.Title level={3} style={{ margin: 0 }} data-testid="app-title">
                {t('appName')}
              </Typography.Title>
            </Space>
            <Button
              type="text"
              size="small"
              icon={<GlobalOutlined />}
              onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
              data-testid="lang-switch"
            >
              {t('header.language')}
            </Button>
          </Space>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </Space>
        {sessionExpired && (
          <Alert type="warning" showIcon message={t('session.expired')} style={{ marginBottom: 16 }} />
        )}
        {error && (
          <Alert
            type="error"
            showIcon
            message={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form
          layout="vertical"
          onFinish={(values: Credentials) => void submit(values)}
          requiredMark={false}
          size="large"
        >
          <Form.Item
            name="username"
            label={t('login.username')}
            rules={[{ required: true, message: t('login.username') }]}
          >
            <Input
              prefix={<UserOutlined />}
              autoComplete="username"
              maxLength={LIMITS.usernameMax}
              autoFocus
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.password') }]}
          >
            <Input.Password
              prefix={<LockOutlined />}
              autoComplete="current-password"
              maxLength={LIMITS.passwordInputMax}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('login.submit')}
          </Button>
        </Form>
        {demo && (
          <Typography.Paragraph
            type="secondary"
            style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}
            data-testid="demo-hint"
          >
            {t('login.demoHint')}
          </Typography.Paragraph>
        )}
      </Card>
    </div>
  );
}
