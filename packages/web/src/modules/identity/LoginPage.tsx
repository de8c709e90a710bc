import { GlobalOutlined, LockOutlined, UserOutlined } from '@ant-design/icons';
import { LIMITS, type Health } from '@wangge/shared';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { errorText, get } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useI18n } from '../../i18n/index.tsx';

export function LoginPage() {
  const { login, sessionExpired } = useAuth();
  const { t, lang, setLang } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState(false);

  useEffect(() => {
    get<Health>('/api/health')
      .then((h) => setDemo(h.demo))
      .catch(() => setDemo(false));
  }, []);

  const onFinish = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password);
    } catch (err) {
      setError(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

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
        <Form layout="vertical" onFinish={onFinish} requiredMark={false} size="large">
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
