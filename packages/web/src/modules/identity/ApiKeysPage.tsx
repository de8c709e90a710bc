import { CopyOutlined, PlusOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { API_KEY_NAME_MAX, type ApiKey, type ApiKeyCreated } from '@wangge/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Form,
  Input,
  Modal,
  Popconfirm,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { api } from '../../core/api.ts';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useAction, useInvalidate } from '../../core/query.tsx';
import type { RColumn } from '../../core/ResponsiveTable.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { fmtTime } from '../case/shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

type Show = 'active' | 'revoked' | 'all';
const KEYS = '/api/api-keys';
const FILTERS = ['show'] as const;
const ACTIVE: Record<Show, string | undefined> = { active: 'true', revoked: 'false', all: undefined };

/** 开放接口密钥: keys of the open API (Open311 and others); the secret is shown once, at creation. */
export function ApiKeysPage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useListState(FILTERS);
  const show: Show =
    list.filters.show === 'revoked' || list.filters.show === 'all' ? list.filters.show : 'active';
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'rename'; key: ApiKey } | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [form] = Form.useForm<{ name: string }>();

  const save = useSubmit(form, {
    // A new key comes back with its secret; a renamed one needs no more than the list.
    send: ({ name }) =>
      dialog?.kind === 'rename'
        ? api<ApiKey>('PUT', `${KEYS}/${dialog.key.id}`, { name: name.trim() }).then(() => null)
        : api<ApiKeyCreated>('POST', KEYS, { name: name.trim() }),
    invalidates: [KEYS],
    success: dialog?.kind === 'rename' ? t('common.saved') : undefined,
    onDone: (r) => {
      if (r) setCreated(r);
      setDialog(null);
    },
  });
  const revoke = useAction((key: ApiKey) => api<ApiKey>('POST', `${KEYS}/${key.id}/revoke`), {
    invalidates: [KEYS],
    onDone: (key) => message.success(t('apikeys.revoked', { name: key.name })),
  });

  const open = (d: NonNullable<typeof dialog>) => {
    form.resetFields();
    save.clearError();
    if (d.kind === 'rename') form.setFieldsValue({ name: d.key.name });
    setDialog(d);
  };

  const columns: RColumn<ApiKey>[] = [
    {
      key: 'name',
      title: t('apikeys.name'),
      phone: 'head',
      render: (k) => <span style={{ overflowWrap: 'anywhere' }}>{k.name}</span>,
    },
    {
      key: 'state',
      title: t('apikeys.state'),
      phone: 'head',
      render: (k) =>
        k.active ? <Tag color="green">{t('apikeys.active')}</Tag> : <Tag>{t('apikeys.revokedTag')}</Tag>,
    },
    { key: 'prefix', title: t('apikeys.prefix'), render: (k) => <code>{k.prefix}…</code> },
    { key: 'createdAt', title: t('apikeys.createdAt'), render: (k) => fmtTime(k.createdAt) },
    {
      key: 'createdBy',
      title: t('apikeys.createdBy'),
      responsive: ['lg'],
      render: (k) => k.createdBy ?? '—',
    },
    {
      key: 'lastUsedAt',
      title: t('apikeys.lastUsedAt'),
      render: (k) => (k.lastUsedAt ? fmtTime(k.lastUsedAt) : t('apikeys.neverUsed')),
    },
    ...(show === 'active'
      ? []
      : [{ key: 'revokedAt', title: t('apikeys.revokedAt'), render: (k: ApiKey) => fmtTime(k.revokedAt) }]),
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (k) =>
        k.active ? (
          <Space size={4}>
            <Button size="small" onClick={() => open({ kind: 'rename', key: k })} data-testid="apikey-rename">
              {t('apikeys.rename')}
            </Button>
            <Popconfirm
              title={t('apikeys.revokeConfirm', { name: k.name })}
              description={t('apikeys.revokeHint')}
              okButtonProps={{ danger: true }}
              onConfirm={() => void revoke.run(k)}
            >
              <Button size="small" danger data-testid="apikey-revoke">
                {t('apikeys.revoke')}
              </Button>
            </Popconfirm>
          </Space>
        ) : null,
    },
  ];

  return (
    <Card
      size="small"
      title={t('menu.apiKeys')}
      data-testid="api-keys"
      extra={
        <Button
          size="small"
          icon={<ReloadOutlined />}
          onClick={() => void invalidate(KEYS)}
          aria-label="reload"
        />
      }
    >
      <Alert type="info" showIcon title={t('apikeys.hint')} style={{ marginBottom: 12 }} />
      <ListPage<ApiKey, (typeof FILTERS)[number]>
        url={KEYS}
        state={list}
        params={{ active: ACTIVE[show] }}
        rowKey={(k) => k.id}
        columns={columns}
        rowClassName={(k) => (k.active ? '' : 'wg-row-inactive')}
        testId="apikeys-table"
        toolbar={
          <>
            <Segmented<Show>
              value={show}
              onChange={(v) => list.set({ show: v === 'active' ? null : v })}
              options={[
                { value: 'active', label: t('apikeys.showActive') },
                { value: 'revoked', label: t('apikeys.showRevoked') },
                { value: 'all', label: t('apikeys.showAll') },
              ]}
            />
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => open({ kind: 'create' })}
              data-testid="apikey-create"
            >
              {t('apikeys.create')}
            </Button>
          </>
        }
      />

      <Modal
        open={dialog !== null}
        title={dialog?.kind === 'rename' ? t('apikeys.rename') : t('apikeys.create')}
        onCancel={() => setDialog(null)}
        onOk={() => void save.submit()}
        okText={dialog?.kind === 'rename' ? t('common.save') : t('apikeys.createOk')}
        cancelText={t('common.cancel')}
        confirmLoading={save.busy}
        destroyOnHidden
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" preserve={false} onFinish={(v) => void save.submit(v)}>
          <Form.Item
            name="name"
            label={t('apikeys.name')}
            extra={t('apikeys.nameHint')}
            rules={[{ required: true, whitespace: true, max: API_KEY_NAME_MAX }]}
          >
            <Input maxLength={API_KEY_NAME_MAX} autoFocus data-testid="apikey-name" />
          </Form.Item>
        </Form>
      </Modal>

      <Modal
        open={created !== null}
        title={t('apikeys.createdTitle', { name: created?.key.name ?? '' })}
        onCancel={() => setCreated(null)}
        closable={false}
        maskClosable={false}
        keyboard={false}
        footer={
          <Button type="primary" onClick={() => setCreated(null)} data-testid="apikey-secret-done">
            {t('apikeys.secretDone')}
          </Button>
        }
        destroyOnHidden
      >
        {created && (
          <SecretOnce secret={created.secret} onCopied={() => message.success(t('apikeys.copied'))} />
        )}
      </Modal>
    </Card>
  );
}

/** The secret, shown this once, with a copy button (and a fallback: select it by hand). */
function SecretOnce({ secret, onCopied }: { secret: string; onCopied: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = () => {
    const done = () => {
      setCopied(true);
      onCopied();
    };
    if (navigator.clipboard?.writeText)
      void navigator.clipboard.writeText(secret).then(done, () => undefined);
  };
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Alert type="warning" showIcon icon={<WarningOutlined />} title={t('apikeys.secretOnce')} />
      <Input.TextArea
        readOnly
        value={secret}
        autoSize
        onFocus={(e) => e.currentTarget.select()}
        className="wg-secret"
        data-testid="apikey-secret"
      />
      <Button
        block
        icon={<CopyOutlined />}
        type={copied ? 'default' : 'primary'}
        onClick={copy}
        data-testid="apikey-copy"
      >
        {copied ? t('apikeys.copied') : t('apikeys.copy')}
      </Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('apikeys.secretUse')}
      </Typography.Text>
    </Space>
  );
}
