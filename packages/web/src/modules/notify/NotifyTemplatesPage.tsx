import { UndoOutlined } from '@ant-design/icons';
import type { NotifyChannel, NotifyTemplate, NotifyTemplateBody, NotifyTemplateSaved } from '@wangge/shared';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Drawer,
  Form,
  Grid,
  Input,
  Popconfirm,
  Space,
  Tag,
  Typography,
} from 'antd';
import { useRef, useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useAction, useApi } from '../../core/query.tsx';
import { ResponsiveTable, type RColumn } from '../../core/ResponsiveTable.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { fmtTime } from '../case/shared.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

const CHANNELS: { value: NotifyChannel; label: MessageKey; color: string }[] = [
  { value: 'email', label: 'templates.channel.email', color: 'blue' },
  { value: 'sms', label: 'templates.channel.sms', color: 'green' },
  { value: 'inapp', label: 'templates.channel.inapp', color: 'purple' },
];

type TextField = Exclude<keyof NotifyTemplateBody, 'channels'>;
const FIELDS: { name: TextField; channel: NotifyChannel; label: MessageKey; rows: number; max: number }[] = [
  { name: 'emailSubject', channel: 'email', label: 'templates.emailSubject', rows: 1, max: 200 },
  { name: 'emailBody', channel: 'email', label: 'templates.emailBody', rows: 8, max: 5000 },
  { name: 'smsText', channel: 'sms', label: 'templates.smsText', rows: 3, max: 500 },
  { name: 'inappTitle', channel: 'inapp', label: 'templates.inappTitle', rows: 1, max: 200 },
  { name: 'inappBody', channel: 'inapp', label: 'templates.inappBody', rows: 3, max: 2000 },
];

const TEMPLATES = '/api/notify/templates';
const templateUrl = (key: string) => `${TEMPLATES}/${encodeURIComponent(key)}`;

/** Characters of one SMS in Chinese (longer texts are sent as several). */
const SMS_SEGMENT = 70;

/** 通知模板: the texts of the e-mails, SMS and in-app messages the case workflow sends. */
export function NotifyTemplatesPage() {
  const { t, lang } = useI18n();
  const templates = useApi<NotifyTemplate[]>(TEMPLATES);
  // The one being edited, by key: after a save it is shown as the server now has it.
  const [editingKey, setEditingKey] = useState<string | null>(null);
  const editing = templates.data?.find((tpl) => tpl.key === editingKey) ?? null;

  const columns: RColumn<NotifyTemplate>[] = [
    {
      key: 'name',
      title: t('templates.name'),
      phone: 'head',
      render: (tpl) => (
        <Space size={4} wrap>
          <span>{tpl.name}</span>
          {tpl.customised && <Tag color="gold">{t('templates.customised')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'key',
      title: t('templates.key'),
      responsive: ['lg'],
      render: (tpl) => <code>{tpl.key}</code>,
    },
    {
      key: 'channels',
      title: t('templates.channels'),
      render: (tpl) =>
        tpl.channels.length ? (
          CHANNELS.filter((c) => tpl.channels.includes(c.value)).map((c) => (
            <Tag key={c.value} color={c.color}>
              {t(c.label)}
            </Tag>
          ))
        ) : (
          <Typography.Text type="secondary">{t('templates.noChannel')}</Typography.Text>
        ),
    },
    { key: 'updatedAt', title: t('templates.updatedAt'), render: (tpl) => fmtTime(tpl.updatedAt) },
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (tpl) => (
        <Button size="small" onClick={() => setEditingKey(tpl.key)} data-testid="template-edit">
          {t('common.edit')}
        </Button>
      ),
    },
  ];

  return (
    <Card size="small" title={t('menu.templates')} data-testid="templates">
      <Alert type="info" showIcon title={t('templates.hint')} style={{ marginBottom: 12 }} />
      {templates.error && (
        <Alert type="error" showIcon title={errorText(templates.error, lang)} style={{ marginBottom: 12 }} />
      )}
      <ResponsiveTable<NotifyTemplate>
        rows={templates.data}
        loading={templates.isPending}
        rowKey={(tpl) => tpl.key}
        columns={columns}
        testId="templates-table"
      />
      {editing && <TemplateEditor key={editing.key} template={editing} onClose={() => setEditingKey(null)} />}
    </Card>
  );
}

function TemplateEditor({ template, onClose }: { template: NotifyTemplate; onClose: () => void }) {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const [form] = Form.useForm<NotifyTemplateBody>();
  const [warnings, setWarnings] = useState<string[]>([]);
  const channels = Form.useWatch('channels', form) ?? template.channels;
  const sms = Form.useWatch('smsText', form) ?? '';
  // Variables go into the field last typed in.
  const focused = useRef<TextField>('emailBody');

  const valuesOf = (tpl: NotifyTemplate): NotifyTemplateBody => ({
    channels: tpl.channels,
    emailSubject: tpl.emailSubject,
    emailBody: tpl.emailBody,
    smsText: tpl.smsText,
    inappTitle: tpl.inappTitle,
    inappBody: tpl.inappBody,
  });

  const insert = (name: string) => {
    const field = focused.current;
    const current = (form.getFieldValue(field) as string | undefined) ?? '';
    form.setFieldValue(field, `${current}{{${name}}}`);
  };

  const save = useSubmit(form, {
    send: (v) => api<NotifyTemplateSaved>('PUT', templateUrl(template.key), v),
    invalidates: [TEMPLATES],
    success: t('common.saved'),
    onDone: (r) => setWarnings(r.warnings),
  });
  const reset = useAction(() => api<NotifyTemplate>('DELETE', templateUrl(template.key)), {
    invalidates: [TEMPLATES],
    success: t('templates.resetDone'),
    onDone: (tpl) => {
      form.setFieldsValue(valuesOf(tpl));
      setWarnings([]);
    },
  });
  const busy = save.busy || reset.busy;

  return (
    <Drawer
      open
      onClose={onClose}
      width={screens.md ? 640 : '100%'}
      title={template.name}
      data-testid="template-drawer"
      extra={
        template.customised ? (
          <Popconfirm title={t('templates.resetConfirm')} onConfirm={() => void reset.run()}>
            <Button size="small" icon={<UndoOutlined />} disabled={busy} data-testid="template-reset">
              {t('templates.reset')}
            </Button>
          </Popconfirm>
        ) : null
      }
    >
      <Form<NotifyTemplateBody>
        form={form}
        layout="vertical"
        initialValues={valuesOf(template)}
        onFinish={(v) => void save.submit(v)}
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 16 }} />}
        <Form.Item name="channels" label={t('templates.channels')} extra={t('templates.channelsHint')}>
          <Checkbox.Group options={CHANNELS.map((c) => ({ value: c.value, label: t(c.label) }))} />
        </Form.Item>
        <div style={{ marginBottom: 12 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('templates.vars')}
          </Typography.Text>
          <div className="wg-chips" style={{ marginTop: 4 }}>
            {template.vars.map((v) => (
              <Tag key={v} onClick={() => insert(v)} style={{ cursor: 'pointer' }} data-testid="template-var">
                {`{{${v}}}`}
              </Tag>
            ))}
          </div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('templates.syntax')}
          </Typography.Text>
        </div>
        {FIELDS.map((f) => {
          const on = channels.includes(f.channel);
          return (
            <Form.Item
              key={f.name}
              name={f.name}
              label={t(f.label)}
              rules={
                on ? [{ required: true, whitespace: true, message: t('templates.required') }] : undefined
              }
              extra={
                f.name === 'smsText' && sms
                  ? t('templates.smsLength', { n: sms.length, parts: Math.ceil(sms.length / SMS_SEGMENT) })
                  : !on
                    ? t('templates.channelOff')
                    : undefined
              }
            >
              {f.rows === 1 ? (
                <Input maxLength={f.max} onFocus={() => (focused.current = f.name)} />
              ) : (
                <Input.TextArea
                  rows={f.rows}
                  maxLength={f.max}
                  showCount
                  onFocus={() => (focused.current = f.name)}
                  data-testid={`template-${f.name}`}
                />
              )}
            </Form.Item>
          );
        })}
        {warnings.length > 0 && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('templates.warnings')}
            description={warnings.join('；')}
            data-testid="template-warnings"
          />
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="template-save">
            {t('common.save')}
          </Button>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Drawer>
  );
}
