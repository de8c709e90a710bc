import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import {
  describeRule,
  passwordViolations,
  type Me,
  type PasswordPolicy,
  type PasswordRule,
} from '@wangge/shared';
import { Alert, Button, Card, Form, Input, List, Space, Typography } from 'antd';
import { useNavigate } from 'react-router-dom';
import { api } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';

const RULES: PasswordRule[] = ['length', 'classes', 'contains_username', 'whitespace'];

interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

export function ChangePasswordPage({ forced = false }: { forced?: boolean }) {
  const { me, setMe, logout } = useAuth();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const policy = useApi<PasswordPolicy>('/api/auth/policy').data ?? null;
  const newPassword: string = Form.useWatch('newPassword', form) ?? '';
  const { submit, busy, error } = useSubmit<PasswordChange, Me>(form, {
    send: ({ currentPassword, newPassword }) =>
      api<Me>('POST', '/api/auth/password', { currentPassword, newPassword }),
    success: t('pwd.done'),
    onDone: (updated) => {
      setMe(updated);
      if (!forced) navigate('/');
    },
    field: (name) => name,
  });

  const broken = policy ? passwordViolations(newPassword, policy, me?.username) : [];

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
      <Form
        form={form}
        layout="vertical"
        onFinish={(values: PasswordChange) => void submit(values)}
        requiredMark={false}
      >
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
