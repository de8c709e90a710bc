import { DUTY_ROLES, type Duty, type PageResult, type Person } from '@wangge/shared';
import { App, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, errorText, get, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useI18n } from '../../i18n/index.tsx';

type Dialog = { kind: 'assign' } | { kind: 'end'; duty: Duty } | { kind: 'handover'; duty: Duty } | null;

/** People on duty at one grid: assign, end, hand over; history stays on the server. */
export function DutyEditor({ nodeId, roles }: { nodeId: number; roles: string[] }) {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [duties, setDuties] = useState<Duty[] | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [people, setPeople] = useState<Person[]>([]);
  // A person created in this dialog whose assignment then failed: reused on retry, not duplicated.
  const [createdPerson, setCreatedPerson] = useState<{ name: string; id: number } | null>(null);
  const [form] = Form.useForm();
  const writable = can('duty.write');

  const load = useCallback(() => {
    get<PageResult<Duty>>(`/api/duties${query({ nodeId, pageSize: 200 })}`)
      .then((r) => setDuties(r.items))
      .catch((err) => message.error(errorText(err, lang)));
  }, [nodeId, lang, message]);
  useEffect(load, [load]);

  const searchPeople = (q: string) =>
    get<PageResult<Person>>(`/api/people${query({ q, pageSize: 20 })}`)
      .then((r) => setPeople(r.items))
      .catch(() => undefined);

  const open = (d: Dialog) => {
    form.resetFields();
    setCreatedPerson(null);
    setDialog(d);
    void searchPeople('');
  };

  const submit = async () => {
    const v = await form.validateFields();
    const date = (value: dayjs.Dayjs | undefined) => (value ? value.format('YYYY-MM-DD') : undefined);
    try {
      if (dialog?.kind === 'assign') {
        let personId = v.personId as number | undefined;
        if (!personId && !v.newName) {
          form.setFields([{ name: 'personId', errors: [t('duty.person')] }]);
          return;
        }
        if (!personId && createdPerson && createdPerson.name === v.newName) personId = createdPerson.id;
        if (!personId) {
          const created = await api<Person>('POST', '/api/people', {
            name: v.newName,
            ...(v.newPhone ? { phone: v.newPhone } : {}),
          });
          setCreatedPerson({ name: created.name, id: created.id });
          personId = created.id;
        }
        await api('POST', '/api/duties', { personId, nodeId, role: v.role, validFrom: date(v.date) });
      } else if (dialog?.kind === 'end') {
        await api('POST', `/api/duties/${dialog.duty.id}/end`, { validTo: date(v.date) });
      } else if (dialog?.kind === 'handover') {
        await api('POST', `/api/duties/${dialog.duty.id}/handover`, {
          toPersonId: v.personId,
          date: date(v.date),
        });
      }
      message.success(t('common.saved'));
      setDialog(null);
      load();
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields) {
        form.setFields(
          Object.entries(err.fields).map(([name, msg]) => ({
            name: name === 'phone' ? 'newPhone' : name,
            errors: [msg],
          })),
        );
      }
    }
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
      <Table
        rowKey="id"
        size="small"
        loading={!duties}
        dataSource={duties ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('duty.none') }}
        data-testid="duty-table"
        columns={[
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
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
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
                  onSearch={(q) => void searchPeople(q)}
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
                onSearch={(q) => void searchPeople(q)}
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
