import type { Role } from '@wangge/shared';
import { Alert, Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useAction, useApi } from '../../core/query.tsx';
import { ResponsiveTable, type RColumn } from '../../core/ResponsiveTable.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

interface PermissionInfo {
  key: string;
  name: string;
  nameEn: string;
  duty: 'system' | 'security' | 'audit' | null;
}

const DUTIES: { duty: PermissionInfo['duty']; label: MessageKey }[] = [
  { duty: null, label: 'roles.duty.business' },
  { duty: 'system', label: 'roles.duty.system' },
  { duty: 'security', label: 'roles.duty.security' },
  { duty: 'audit', label: 'roles.duty.audit' },
];

export function RolesPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const roles = useApi<Role[]>('/api/roles');
  const permissions = useApi<PermissionInfo[]>('/api/permissions').data ?? [];
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [form] = Form.useForm();
  const save = useSubmit<Pick<Role, 'key' | 'name' | 'nameEn' | 'permissions'>>(form, {
    send: (values) =>
      editing === 'new'
        ? api('POST', '/api/roles', values)
        : api('PATCH', `/api/roles/${(editing as Role).key}`, {
            name: values.name,
            nameEn: values.nameEn,
            permissions: values.permissions,
          }),
    invalidates: ['/api/roles'],
    success: t('common.saved'),
    onDone: () => setEditing(null),
  });
  const remove = useAction((role: Role) => api('DELETE', `/api/roles/${role.key}`), {
    invalidates: ['/api/roles'],
  });

  const label = (key: string) => {
    const p = permissions.find((x) => x.key === key);
    return p ? (lang === 'zh' ? p.name : p.nameEn) : key;
  };
  const open = (role: Role | 'new') => {
    form.resetFields();
    if (role !== 'new')
      form.setFieldsValue({
        key: role.key,
        name: role.name,
        nameEn: role.nameEn,
        permissions: role.permissions,
      });
    save.clearError();
    setEditing(role);
  };

  const columns: RColumn<Role>[] = [
    {
      key: 'name',
      title: t('roles.name'),
      phone: 'head',
      render: (r) => (lang === 'zh' ? r.name : r.nameEn || r.name),
    },
    { key: 'key', title: t('roles.key'), responsive: ['md'], render: (r) => <code>{r.key}</code> },
    {
      key: 'permissions',
      title: t('roles.permissions'),
      render: (r) => (
        <Space size={[2, 4]} wrap>
          {r.permissions.map((p) => (
            <Tag key={p}>{label(p)}</Tag>
          ))}
        </Space>
      ),
    },
    { key: 'userCount', title: t('roles.users'), render: (r) => r.userCount },
    {
      key: 'builtin',
      title: t('roles.builtin'),
      render: (r) => (r.builtin ? t('common.yes') : t('common.no')),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (r) =>
        can('role.write') && r.editable ? (
          <Space size={0}>
            <Button size="small" type="link" onClick={() => open(r)}>
              {t('common.edit')}
            </Button>
            {!r.builtin && (
              <Popconfirm title={t('common.confirmDelete')} onConfirm={() => void remove.run(r)}>
                <Button size="small" type="link" danger>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        ) : null,
    },
  ];

  return (
    <>
      {can('role.write') && (
        <Button type="primary" style={{ marginBottom: 12 }} onClick={() => open('new')}>
          {t('roles.create')}
        </Button>
      )}
      {roles.error && <Alert type="error" showIcon title={errorText(roles.error, lang)} />}
      <ResponsiveTable<Role>
        rows={roles.data}
        loading={roles.isPending}
        rowKey={(r) => r.key}
        columns={columns}
        clientPageSize={50}
        testId="roles-table"
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('roles.create') : editing ? editing.name : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save.submit()}
        confirmLoading={save.busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={640}
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical">
          <Form.Item
            name="key"
            label={t('roles.key')}
            rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{1,39}$/ }]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item name="name" label={t('roles.name')} rules={[{ required: true }]}>
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('roles.nameEn')}>
            <Input maxLength={40} />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('users.exclusiveHint')}</Typography.Paragraph>
          <Form.Item name="permissions" label={t('roles.permissions')} initialValue={[]}>
            <Checkbox.Group style={{ width: '100%' }}>
              {DUTIES.map((d) => (
                <div key={String(d.duty)} style={{ marginBottom: 8, width: '100%' }}>
                  <Typography.Text strong>{t(d.label)}</Typography.Text>
                  <div
                    style={{
                      display: 'grid',
                      gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
                      gap: 4,
                    }}
                  >
                    {permissions
                      .filter((p) => p.duty === d.duty)
                      .map((p) => (
                        <Checkbox key={p.key} value={p.key}>
                          {lang === 'zh' ? p.name : p.nameEn}
                        </Checkbox>
                      ))}
                  </div>
                </div>
              ))}
            </Checkbox.Group>
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
