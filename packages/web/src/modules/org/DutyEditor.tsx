import { DUTY_ROLES, type Duty, type PageResult, type Person } from '@wangge/shared';
import { Alert, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, errorText, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useI18n } from '../../i18n/index.tsx';
import { GridDepartmentField } from './GridDepartmentField.tsx';
import { PersonPhoto } from './PersonPhoto.tsx';

type Dialog = { kind: 'assign' } | { kind: 'end'; duty: Duty } | { kind: 'handover'; duty: Duty } | null;

interface Values {
  role?: string;
  personId?: number;
  newName?: string;
  newPhone?: string;
  date?: dayjs.Dayjs;
}

const day = (value: dayjs.Dayjs | undefined) => (value ? value.format('YYYY-MM-DD') : undefined);

/** People on duty at one grid: assign, end, hand over; history stays on the server. */
export function DutyEditor({ nodeId, roles }: { nodeId: number; roles: string[] }) {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const duties = useApi<PageResult<Duty>>(`/api/duties${query({ nodeId, pageSize: 200 })}`);
  const [dialog, setDialog] = useState<Dialog>(null);
  // What the person pickers search for; they search only while a dialog is open.
  const [personQuery, setPersonQuery] = useState('');
  const people =
    useApi<PageResult<Person>>(dialog ? `/api/people${query({ q: personQuery, pageSize: 20 })}` : null, {
      keepPrevious: true,
    }).data?.items ?? [];
  // A person created in this dialog whose assignment then failed: reused on retry, not duplicated.
  const [createdPerson, setCreatedPerson] = useState<{ name: string; id: number } | null>(null);
  const [form] = Form.useForm<Values>();
  const writable = can('duty.write');

  const save = useSubmit<Values>(form, {
    send: async (v) => {
      if (dialog?.kind === 'assign') {
        let personId = v.personId;
        if (!personId && createdPerson && createdPerson.name === v.newName) personId = createdPerson.id;
        if (!personId) {
          const created = await api<Person>('POST', '/api/people', {
            name: v.newName,
            ...(v.newPhone ? { phone: v.newPhone } : {}),
          });
          setCreatedPerson({ name: created.name, id: created.id });
          personId = created.id;
        }
        await api('POST', '/api/duties', { personId, nodeId, role: v.role, validFrom: day(v.date) });
      } else if (dialog?.kind === 'end') {
        await api('POST', `/api/duties/${dialog.duty.id}/end`, { validTo: day(v.date) });
      } else if (dialog?.kind === 'handover') {
        await api('POST', `/api/duties/${dialog.duty.id}/handover`, {
          toPersonId: v.personId,
          date: day(v.date),
        });
      }
    },
    invalidates: ['/api/duties', '/api/people'],
    success: t('common.saved'),
    onDone: () => setDialog(null),
    field: (name) => (name === 'phone' ? 'newPhone' : name),
  });

  const open = (d: Dialog) => {
    form.resetFields();
    save.clearError();
    setCreatedPerson(null);
    setPersonQuery('');
    setDialog(d);
  };

  const submit = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    if (dialog?.kind === 'assign' && !v.personId && !v.newName) {
      form.setFields([{ name: 'personId', errors: [t('duty.person')] }]);
      return;
    }
    await save.submit(v);
  };

  const roleOptions = (roles.length ? roles : Object.keys(DUTY_ROLES)).map((r) => ({
    value: r,
    label: (DUTY_ROLES as Record<string, { zh: string; en: string }>)[r]?.[lang] ?? r,
  }));
  const personOptions = people.map((p) => ({
    value: p.id,
    label: `${p.name}${p.phoneMasked ? ` ${p.phoneMasked}` : ''}`,
  }));

  return (
    <>
      {writable && (
        <Space style={{ marginBottom: 8 }} wrap>
          <Button
            type="primary"
            size="small"
            onClick={() => open({ kind: 'assign' })}
            data-testid="duty-assign"
          >
            {t('duty.assign')}
          </Button>
          {/* Many people at once: the roster every township keeps. */}
          <Link to="/duties/roster" data-testid="duty-roster">
            <Button size="small">{t('menu.roster')}</Button>
          </Link>
        </Space>
      )}
      <GridDepartmentField nodeId={nodeId} editable={writable} />
      {duties.error && (
        <Alert type="error" showIcon title={errorText(duties.error, lang)} style={{ marginBottom: 8 }} />
      )}
      <Table
        rowKey="id"
        size="small"
        loading={duties.isPending}
        dataSource={duties.data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('duty.none') }}
        data-testid="duty-table"
        columns={[
          {
            title: t('duty.photo'),
            key: 'photo',
            render: (_, d) => (
              <PersonPhoto
                personId={d.personId}
                name={d.personName}
                hasPhoto={d.personHasPhoto}
                editable={writable}
              />
            ),
          },
          { title: t('duty.role'), dataIndex: 'roleName', key: 'role' },
          { title: t('duty.person'), dataIndex: 'personName', key: 'person' },
          { title: t('duty.phone'), key: 'phone', render: (_, d) => d.phoneMasked ?? '—' },
          { title: t('duty.from'), dataIndex: 'validFrom', key: 'from' },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, d: Duty) => (
                    <Space size={0}>
                      <Button
                        size="small"
                        type="link"
                        onClick={() => open({ kind: 'handover', duty: d })}
                        data-testid={`handover-${d.id}`}
                      >
                        {t('duty.handover')}
                      </Button>
                      <Button size="small" type="link" danger onClick={() => open({ kind: 'end', duty: d })}>
                        {t('duty.end')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={dialog !== null}
        title={
          dialog?.kind === 'assign'
            ? t('duty.assign')
            : dialog?.kind === 'handover'
              ? `${t('duty.handover')}：${dialog.duty.roleName} ${dialog.duty.personName}`
              : dialog
                ? `${t('duty.end')}：${dialog.duty.personName}`
                : ''
        }
        onCancel={() => setDialog(null)}
        onOk={() => void submit()}
        confirmLoading={save.busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          {dialog?.kind === 'assign' && (
            <>
              <Form.Item name="role" label={t('duty.role')} rules={[{ required: true }]}>
                <Select options={roleOptions} data-testid="duty-role" />
              </Form.Item>
              <Form.Item name="personId" label={t('duty.person')}>
                <Select
                  showSearch
                  allowClear
                  filterOption={false}
                  onSearch={setPersonQuery}
                  options={personOptions}
                  data-testid="duty-person"
                />
              </Form.Item>
              <Typography.Text type="secondary">{t('duty.newPerson')}</Typography.Text>
              <Space style={{ display: 'flex', marginTop: 4 }} wrap>
                <Form.Item name="newName" style={{ marginBottom: 8 }}>
                  <Input placeholder={t('duty.name')} maxLength={40} data-testid="duty-new-name" />
                </Form.Item>
                <Form.Item name="newPhone" style={{ marginBottom: 8 }}>
                  <Input placeholder={t('duty.phone')} maxLength={20} data-testid="duty-new-phone" />
                </Form.Item>
              </Space>
            </>
          )}
          {dialog?.kind === 'handover' && (
            <Form.Item name="personId" label={t('duty.successor')} rules={[{ required: true }]}>
              <Select
                showSearch
                filterOption={false}
                onSearch={setPersonQuery}
                options={personOptions}
                data-testid="duty-successor"
              />
            </Form.Item>
          )}
          {dialog && (
            <Form.Item name="date" label={t('duty.date')}>
              <DatePicker />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
