import type { Role } from '@wangge/shared';
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { api, errorText, get } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
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
  const { message } = App.useApp();
  const [roles, setRoles] = useState<Role[] | null>(null);
  const [permissions, setPermissions] = useState<PermissionInfo[]>([]);
  const [editing, setEditing] = useState<Role | 'new' | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(() => {
    get<Role[]>('/api/roles')
      .then(setRoles)
      .catch((err) => message.error(errorText(err, lang)));
  }, [lang, message]);
  useEffect(load, [load]);
  useEffect(() => {
    get<PermissionInfo[]>('/api/permissions')
      .then(setPermissions)
      .catch(() => undefined);
  }, []);

  const label = (key: string) => {
    const p = permissions.find((x) => x.key === key);
    return p ? (lang === 'zh' ? p.name : p.nameEn) : key;
  };

  const save = async () => {
    const values = await form.validateFields();
    try {
      if (editing === 'new') await api('POST', '/api/roles', values);
      else if (editing)
        await api('PATCH', `/api/roles/${editing.key}`, {
          name: values.name,
          nameEn: values.nameEn,
          permissions: values.permissions,
        });
      message.success(t('common.saved'));
      setEditing(null);
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const remove = async (role: Role) => {
    try {
      await api('DELETE', `/api/roles/${role.key}`);
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  return (
    <>
      {can('role.write') && (
        <Button
          type="primary"
          style={{ marginBottom: 12 }}
          onClick={() => {
            form.resetFields();
            setEditing('new');
          }}
        >
          {t('roles.create')}
        </Button>
      )}
      <Table
        rowKey="key"
        size="small"
        loading={!roles}
        dataSource={roles ?? []}
        scroll={{ x: 'max-content' }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('roles.name'),
            key: 'name',
            render: (_, r) => (lang === 'zh' ? r.name : r.nameEn || r.name),
          },
          { title: t('roles.key'), dataIndex: 'key', key: 'key', responsive: ['md'] },
          {
            title: t('roles.permissions'),
            key: 'permissions',
            render: (_, r) => (
              <Space size={[2, 4]} wrap>
                {r.permissions.map((p) => (
                  <Tag key={p}>{label(p)}</Tag>
                ))}
              </Space>
            ),
          },
          { title: t('roles.users'), dataIndex: 'userCount', key: 'userCount' },
          {
            title: t('roles.builtin'),
            key: 'builtin',
            render: (_, r) => (r.builtin ? t('common.yes') : t('common.no')),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, r) =>
              can('role.write') && r.editable ? (
                <Space size={0}>
                  <Button
                    size="small"
                    type="link"
                    onClick={() => {
                      form.setFieldsValue({
                        key: r.key,
                        name: r.name,
                        nameEn: r.nameEn,
                        permissions: r.permissions,
                      });
                      setEditing(r);
                    }}
                  >
                    {t('common.edit')}
                  </Button>
                  {!r.builtin && (
                    <Popconfirm title={t('common.confirmDelete')} onConfirm={() => void remove(r)}>
                      <Button size="small" type="link" danger>
                        {t('common.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ) : null,
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('roles.create') : editing ? editing.name : ''}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        width={640}
      >
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
