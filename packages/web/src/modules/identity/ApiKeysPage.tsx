import { CopyOutlined, PlusOutlined, ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { API_KEY_NAME_MAX, LIMITS, type ApiKey, type ApiKeyCreated, type PageResult } from '@wangge/shared';
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
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, errorText, get, query } from '../../core/api.ts';
import { fmtTime } from '../case/shared.tsx';
import { ResponsiveTable, type RColumn } from '../../core/ResponsiveTable.tsx';
import { useI18n } from '../../i18n/index.tsx';

type Show = 'active' | 'revoked' | 'all';

/** 开放接口密钥: keys of the open API (Open311 and others); the secret is shown once, at creation. */
export function ApiKeysPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [show, setShow] = useState<Show>('active');
  const [page, setPage] = useState({ page: 1, pageSize: LIMITS.pageSizeDefault as number });
  const [data, setData] = useState<PageResult<ApiKey> | null>(null);
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'rename'; key: ApiKey } | null>(null);
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ name: string }>();

  const load = useCallback(() => {
    const active = show === 'all' ? undefined : show === 'active' ? 'true' : 'false';
    get<PageResult<ApiKey>>(`/api/api-keys${query({ active, ...page })}`)
      .then(setData)
      .catch((err) => {
        message.error(errorText(err, lang));
        setData({ items: [], total: 0, page: 1, pageSize: page.pageSize });
      });
  }, [show, page, lang, message]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);

  const open = (d: NonNullable<typeof dialog>) => {
    form.resetFields();
    if (d.kind === 'rename') form.setFieldsValue({ name: d.key.name });
    setDialog(d);
  };

  const submit = async () => {
    if (!dialog) return;
    const { name } = await form.validateFields();
    setBusy(true);
    try {
      if (dialog.kind === 'create') {
        setCreated(await api<ApiKeyCreated>('POST', '/api/api-keys', { name: name.trim() }));
      } else {
        await api<ApiKey>('PUT', `/api/api-keys/${dialog.key.id}`, { name: name.trim() });
        message.success(t('common.saved'));
      }
      setDialog(null);
      load();
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields?.name)
        form.setFields([{ name: 'name', errors: [err.fields.name] }]);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    try {
      await api<ApiKey>('POST', `/api/api-keys/${key.id}/revoke`);
      message.success(t('apikeys.revoked', { name: key.name }));
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
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
              onConfirm={() => void revoke(k)}
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
      extra={<Button size="small" icon={<ReloadOutlined />} onClick={load} aria-label="reload" />}
    >
      <Alert type="info" showIcon title={t('apikeys.hint')} style={{ marginBottom: 12 }} />
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 12 }}>
        <Segmented<Show>
          value={show}
          onChange={(v) => {
            setShow(v);
            setPage((p) => ({ ...p, page: 1 }));
          }}
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
      </Space>
      <ResponsiveTable<ApiKey>
        rows={data?.items}
        loading={!data}
        rowKey={(k) => k.id}
        columns={columns}
        rowClassName={(k) => (k.active ? '' : 'wg-row-inactive')}
        testId="apikeys-table"
        paging={{
          page: page.page,
          pageSize: page.pageSize,
          total: data?.total ?? 0,
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
      />

      <Modal
        open={dialog !== null}
        title={dialog?.kind === 'rename' ? t('apikeys.rename') : t('apikeys.create')}
        onCancel={() => setDialog(null)}
        onOk={() => void submit()}
        okText={dialog?.kind === 'rename' ? t('common.save') : t('apikeys.createOk')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={() => void submit()}>
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
