import { LIMITS, type GridNode, type PageResult, type Role, type UserSummary } from '@wangge/shared';
import {
  Alert,
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
import { useState } from 'react';
import { api, errorText, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useListState } from '../../core/ListPage.tsx';
import { fetchAllPages, useAction, useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';

const USERS = '/api/users';
const ROLES = '/api/roles';
const FILTERS = ['q', 'status'] as const;

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; user: UserSummary }
  | { kind: 'reset'; user: UserSummary }
  | { kind: 'roles'; user: UserSummary }
  | { kind: 'scopes'; user: UserSummary }
  | null;

/** The fields of every dialog (each shows some of them). */
interface UserForm {
  username?: string;
  displayName?: string;
  phone?: string;
  password?: string;
  roles?: string[];
  gridIds?: number[];
}

interface ScopeOption {
  id: number;
  pId: number | null;
  value: number;
  title: string;
  isLeaf: boolean;
}

/** What one dialog sends. */
function sendDialog(dialog: NonNullable<Dialog>, values: UserForm): Promise<unknown> {
  if (dialog.kind === 'create') return api('POST', USERS, values);
  const at = `${USERS}/${dialog.user.id}`;
  switch (dialog.kind) {
    case 'edit': {
      const body: Record<string, unknown> = { displayName: values.displayName };
      // Untouched: unchanged; emptied: cleared.
      if (values.phone !== undefined) body.phone = values.phone === '' ? null : values.phone;
      return api('PATCH', at, body);
    }
    case 'reset':
      return api('POST', `${at}/reset-password`, values);
    case 'roles':
      return api('PUT', `${at}/roles`, { roles: values.roles ?? [] });
    case 'scopes':
      return api('PUT', `${at}/scopes`, { gridIds: values.gridIds ?? [] });
  }
}

export function UsersPage() {
  const { can, me } = useAuth();
  const { t, lang } = useI18n();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const users = useApi<PageResult<UserSummary>>(
    `${USERS}${query({ ...filters, page: list.page, pageSize: list.pageSize })}`,
    { keepPrevious: true },
  );
  const roles = useApi<Role[]>(can('user.grant') ? ROLES : null).data ?? [];
  const [dialog, setDialog] = useState<Dialog>(null);
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const [form] = Form.useForm<UserForm>();

  const saved = { invalidates: [USERS], success: t('common.saved') };
  const save = useSubmit<UserForm>(form, {
    send: (values) => (dialog ? sendDialog(dialog, values) : Promise.resolve()),
    // Granting roles changes the roles' user counts.
    invalidates: dialog?.kind === 'roles' ? [USERS, ROLES] : [USERS],
    success: saved.success,
    onDone: () => setDialog(null),
  });
  const toggle = useAction(
    (u: UserSummary) =>
      api('PATCH', `${USERS}/${u.id}`, { status: u.status === 'active' ? 'disabled' : 'active' }),
    saved,
  );
  const unlock = useAction((u: UserSummary) => api('POST', `${USERS}/${u.id}/unlock`), saved);
  const reveal = useAction(
    async (u: UserSummary) => ({
      id: u.id,
      phone: (await api<{ phone: string | null }>('POST', `${USERS}/${u.id}/reveal-phone`)).phone,
    }),
    { onDone: ({ id, phone }) => phone && setRevealed((prev) => ({ ...prev, [id]: phone })) },
  );

  const open = (d: Dialog) => {
    form.resetFields();
    save.clearError();
    if (d?.kind === 'edit') form.setFieldsValue({ displayName: d.user.displayName });
    if (d?.kind === 'roles') form.setFieldsValue({ roles: d.user.roles.map((r) => r.key) });
    if (d?.kind === 'scopes') form.setFieldsValue({ gridIds: d.user.scopes.map((s) => s.id) });
    setDialog(d);
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
              <Button size="small" type="link" onClick={() => void reveal.run(u)}>
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
              <Button size="small" type="link" onClick={() => void toggle.run(u)}>
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
              <Button size="small" type="link" onClick={() => void unlock.run(u)}>
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
          key={filters.q ?? ''}
          placeholder={t('users.searchPlaceholder')}
          allowClear
          defaultValue={filters.q}
          onSearch={(q) => set({ q })}
          style={{ width: 260 }}
        />
        <Select
          style={{ width: 120 }}
          value={filters.status ?? ''}
          onChange={(status) => set({ status })}
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
      {users.error && (
        <Alert type="error" showIcon title={errorText(users.error, lang)} style={{ marginBottom: 12 }} />
      )}
      <Table
        rowKey="id"
        size="small"
        scroll={{ x: 'max-content' }}
        columns={columns}
        dataSource={users.data?.items}
        loading={users.isPending}
        pagination={{
          current: list.page,
          pageSize: list.pageSize,
          total: users.data?.total,
          showSizeChanger: true,
          showTotal: (n) => t('common.total', { n }),
          onChange: (page, pageSize) => set({ page, pageSize }),
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
        onOk={() => void save.submit()}
        confirmLoading={save.busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 16 }} />}
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

/** `prev` with `nodes` added; a node already there (a selected one) moves under its parent. */
function merge(prev: ScopeOption[], nodes: GridNode[]): ScopeOption[] {
  const loaded = new Map(nodes.map((n) => [n.id, n]));
  const kept = prev.map((o) => {
    const n = loaded.get(o.id);
    return n ? { ...o, pId: n.parentId, isLeaf: n.childCount === 0 } : o;
  });
  const seen = new Set(prev.map((o) => o.id));
  return [
    ...kept,
    ...nodes
      .filter((n) => !seen.has(n.id))
      .map((n) => ({ id: n.id, pId: n.parentId, value: n.id, title: n.name, isLeaf: n.childCount === 0 })),
  ];
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
  const roots = useApi<PageResult<GridNode>>('/api/grids').data;
  // The levels opened so far, in the order they were opened.
  const [levels, setLevels] = useState<GridNode[][]>([]);
  // Selected nodes are shown from the start; once their parent is expanded they move under it.
  const options = [...(roots ? [roots.items.map((n) => ({ ...n, parentId: null }))] : []), ...levels].reduce(
    merge,
    initial,
  );
  return (
    <TreeSelect
      treeDataSimpleMode
      multiple
      style={{ width: '100%' }}
      value={value}
      onChange={onChange}
      treeData={options}
      loadData={async (node) => {
        const level = await fetchAllPages<GridNode>(`/api/grids${query({ parentId: Number(node.value) })}`);
        setLevels((prev) => [...prev, level]);
      }}
      data-testid="scope-picker"
    />
  );
}
