import { fetchAllPages } from '../../core/query.tsx';
import { LIMITS, type GridNode, type PageResult, type Role, type UserSummary } from '@wangge/shared';
import {
  App,
  Button,
  Checkbox,
  Form,
  Input,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, errorText, get, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useI18n } from '../../i18n/index.tsx';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: UserSummary }
  | { kind: 'reset'; user: UserSummary }
  | { kind: 'roles'; user: UserSummary }
  | { kind: 'scopes'; user: UserSummary }
  | null;

interface ScopeOption {
  id: number;
  pId: number | null;
  value: number;
  title: string;
  isLeaf: boolean;
}

export function UsersPage() {
  const { can, me } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<PageResult<UserSummary> | null>(null);
  const [params, setParams] = useState({
    page: 1,
    pageSize: LIMITS.pageSizeDefault as number,
    q: '',
    status: '',
  });
  const [dialog, setDialog] = useState<Dialog>(null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const [form] = Form.useForm();

  const load = useCallback(() => {
    get<PageResult<UserSummary>>(`/api/users${query(params)}`)
      .then(setData)
      .catch((err) => message.error(errorText(err, lang)));
  }, [params, lang, message]);
  useEffect(load, [load]);
  useEffect(() => {
    if (can('user.grant'))
      get<Role[]>('/api/roles')
        .then(setRoles)
        .catch(() => undefined);
  }, [can]);

  const run = async (fn: () => Promise<unknown>, done?: string) => {
    try {
      await fn();
      if (done) message.success(done);
      setDialog(null);
      load();
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields) {
        form.setFields(
          Object.entries(err.fields).map(([name, msg]) => ({ name: name.split('/')[0], errors: [msg] })),
        );
      }
    }
  };

  const reveal = async (user: UserSummary) => {
    try {
      const r = await api<{ phone: string | null }>('POST', `/api/users/${user.id}/reveal-phone`);
      if (r.phone) setRevealed((prev) => ({ ...prev, [user.id]: r.phone! }));
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const open = (d: Dialog) => {
    form.resetFields();
    if (d?.kind === 'edit') form.setFieldsValue({ displayName: d.user.displayName });
    if (d?.kind === 'roles') form.setFieldsValue({ roles: d.user.roles.map((r) => r.key) });
    if (d?.kind === 'scopes') form.setFieldsValue({ gridIds: d.user.scopes.map((s) => s.id) });
    setDialog(d);
  };

  const submit = async () => {
    const values = await form.validateFields();
    if (!dialog) return;
    if (dialog.kind === 'create') return run(() => api('POST', '/api/users', values), t('common.saved'));
    const id = dialog.user.id;
    if (dialog.kind === 'edit') {
      const body: Record<string, unknown> = { displayName: values.displayName };
      // Untouched: unchanged; emptied: cleared.
      if (values.phone !== undefined) body.phone = values.phone === '' ? null : values.phone;
      return run(() => api('PATCH', `/api/users/${id}`, body), t('common.saved'));
    }
    if (dialog.kind === 'reset')
      return run(() => api('POST', `/api/users/${id}/reset-password`, values), t('common.saved'));
    if (dialog.kind === 'roles')
      return run(
        () => api('PUT', `/api/users/${id}/roles`, { roles: values.roles ?? [] }),
        t('common.saved'),
      );
    if (dialog.kind === 'scopes')
      return run(
        () => api('PUT', `/api/users/${id}/scopes`, { gridIds: values.gridIds ?? [] }),
        t('common.saved'),
      );
  };

  const columns = [
    { title: t('users.username'), dataIndex: 'username', key: 'username' },
    { title: t('users.displayName'), dataIndex: 'displayName', key: 'displayName' },
    {
      title: t('users.phone'),
      key: 'phone',
      render: (_: unknown, u: UserSummary) =>
        u.phoneMasked ? (
          <Space size={4}>
            <span>{revealed[u.id] ?? u.phoneMasked}</span>
            {can('user.phone.reveal') && !revealed[u.id] && (
              <Button size="small" type="link" onClick={() => void reveal(u)}>
                {t('users.reveal')}
              </Button>
            )}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: t('users.roles'),
      key: 'roles',
      render: (_: unknown, u: UserSummary) =>
        u.roles.map((r) => <Tag key={r.key}>{lang === 'zh' ? r.name : r.nameEn || r.name}</Tag>),
    },
    {
      title: t('users.scopes'),
      key: 'scopes',
      responsive: ['md' as const],
      render: (_: unknown, u: UserSummary) => u.scopes.map((s) => <Tag key={s.id}>{s.name}</Tag>),
    },
    {
      title: t('users.status'),
      key: 'status',
      render: (_: unknown, u: UserSummary) => (
        <Space size={2} wrap>
          <Tag color={u.status === 'active' ? 'green' : 'default'}>
            {t(u.status === 'active' ? 'users.active' : 'users.disabled')}
          </Tag>
          {u.locked && <Tag color="red">{t('users.locked')}</Tag>}
          {u.mustChangePassword && <Tag color="orange">{t('users.mustChange')}</Tag>}
        </Space>
      ),
    },
    {
      title: t('users.lastLogin'),
      key: 'lastLogin',
      responsive: ['lg' as const],
      render: (_: unknown, u: UserSummary) =>
        u.lastLoginAt ? dayjs(u.lastLoginAt).format('YYYY-MM-DD HH:mm') : '—',
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, u: UserSummary) => {
        const self = u.id === me?.id;
        return (
          <Space size={0} wrap>
            {can('user.write') && (
              <Button size="small" type="link" onClick={() => open({ kind: 'edit', user: u })}>
                {t('common.edit')}
              </Button>
            )}
            {can('user.write') && !self && (
              <Button
                size="small"
                type="link"
                onClick={() =>
                  void run(
                    () =>
                      api('PATCH', `/api/users/${u.id}`, {
                        status: u.status === 'active' ? 'disabled' : 'active',
                      }),
                    t('common.saved'),
                  )
                }
              >
                {t(u.status === 'active' ? 'users.disable' : 'users.enable')}
              </Button>
            )}
            {can('user.reset_password') && !self && (
              <Button size="small" type="link" onClick={() => open({ kind: 'reset', user: u })}>
                {t('users.resetPassword')}
              </Button>
            )}
            {can('user.grant') && !self && (
              <Button
                size="small"
                type="link"
                onClick={() => open({ kind: 'roles', user: u })}
                data-testid={`roles-${u.username}`}
              >
                {t('users.grantRoles')}
              </Button>
            )}
            {can('user.grant') && !self && (
              <Button size="small" type="link" onClick={() => open({ kind: 'scopes', user: u })}>
                {t('users.grantScopes')}
              </Button>
            )}
            {can('user.unlock') && u.locked && (
              <Button
                size="small"
                type="link"
                onClick={() => void run(() => api('POST', `/api/users/${u.id}/unlock`), t('common.saved'))}
              >
                {t('users.unlock')}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search
          placeholder={t('users.searchPlaceholder')}
          allowClear
          onSearch={(q) => setParams((p) => ({ ...p, q, page: 1 }))}
          style={{ width: 260 }}
        />
        <Select
          style={{ width: 120 }}
          value={params.status}
          onChange={(status) => setParams((p) => ({ ...p, status, page: 1 }))}
          options={[
            { value: '', label: t('users.status') },
            { value: 'active', label: t('users.active') },
            { value: 'disabled', label: t('users.disabled') },
          ]}
        />
        {can('user.write') && (
          <Button type="primary" onClick={() => open({ kind: 'create' })}>
            {t('users.create')}
          </Button>
        )}
      </Space>
      <Table
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        columns={columns}
        dataSource={data?.items}
        loading={!data}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: data?.total,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => setParams((p) => ({ ...p, page, pageSize })),
        }}
        data-testid="users-table"
      />
      <Modal
        open={dialog !== null}
        title={
          dialog?.kind === 'create'
            ? t('users.create')
            : dialog
              ? `${dialog.user.displayName}（${dialog.user.username}）`
              : ''
        }
        onCancel={() => setDialog(null)}
        onOk={() => void submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog?.kind === 'create' && (
            <>
              <Form.Item
                name="username"
                label={t('users.username')}
                rules={[{ required: true }, { pattern: /^[A-Za-z0-9_.-]{3,32}$/ }]}
              >
                <Input maxLength={LIMITS.usernameMax} />
              </Form.Item>
              <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true }]}>
                <Input maxLength={LIMITS.displayNameMax} />
              </Form.Item>
              <Form.Item name="phone" label={t('users.phone')}>
                <Input maxLength={20} />
              </Form.Item>
              <Form.Item
                name="password"
                label={t('users.initialPassword')}
                extra={t('users.initialPasswordHint')}
                rules={[{ required: true }]}
              >
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </>
          )}
          {dialog?.kind === 'edit' && (
            <>
              <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true }]}>
                <Input maxLength={LIMITS.displayNameMax} />
              </Form.Item>
              <Form.Item name="phone" label={t('users.phone')} extra={dialog.user.phoneMasked ?? undefined}>
                <Input maxLength={20} />
              </Form.Item>
            </>
          )}
          {dialog?.kind === 'reset' && (
            <Form.Item
              name="password"
              label={t('users.initialPassword')}
              extra={t('users.initialPasswordHint')}
              rules={[{ required: true }]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
          {dialog?.kind === 'roles' && (
            <>
              <Typography.Paragraph type="secondary">{t('users.exclusiveHint')}</Typography.Paragraph>
              <Form.Item name="roles">
                <Checkbox.Group
                  style={{
                    display: 'grid',
                    gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))',
                    gap: 8,
                  }}
                  options={roles.map((r) => ({
                    value: r.key,
                    label: lang === 'zh' ? r.name : r.nameEn || r.name,
                  }))}
                />
              </Form.Item>
            </>
          )}
          {dialog?.kind === 'scopes' && (
            <Form.Item name="gridIds" label={t('users.scopes')}>
              <ScopePicker
                initial={dialog.user.scopes.map((s) => ({
                  id: s.id,
                  pId: null,
                  value: s.id,
                  title: s.name,
                  isLeaf: false,
                }))}
              />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}

/** A lazily loaded tree of the grids the administrator may hand out. */
function ScopePicker({
  initial,
  value,
  onChange,
}: {
  initial: ScopeOption[];
  value?: number[];
  onChange?: (v: number[]) => void;
}) {
  const [options, setOptions] = useState<ScopeOption[]>(initial);
  // Selected nodes are shown from the start; once their parent is expanded they move under it.
  const add = (nodes: GridNode[]) =>
    setOptions((prev) => {
      const loaded = new Map(nodes.map((n) => [n.id, n]));
      const kept = prev.map((o) =>
        loaded.has(o.id)
          ? { ...o, pId: loaded.get(o.id)!.parentId, isLeaf: loaded.get(o.id)!.childCount === 0 }
          : o,
      );
      const seen = new Set(prev.map((o) => o.id));
      return [
        ...kept,
        ...nodes
          .filter((n) => !seen.has(n.id))
          .map((n) => ({
            id: n.id,
            pId: n.parentId,
            value: n.id,
            title: n.name,
            isLeaf: n.childCount === 0,
          })),
      ];
    });
  useEffect(() => {
    get<PageResult<GridNode>>('/api/grids').then((r) => add(r.items.map((n) => ({ ...n, parentId: null }))));
  }, []);
  return (
    <TreeSelect
      treeDataSimpleMode
      multiple
      style={{ width: '100%' }}
      value={value}
      onChange={onChange}
      treeData={options}
      loadData={async (node) => {
        add(await fetchAllPages<GridNode>(`/api/grids${query({ parentId: Number(node.value) })}`));
      }}
      data-testid="scope-picker"
    />
  );
}
