import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { TIME_OF_DAY_PATTERN, type CalendarWorkHours } from '@wangge/shared';
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { api } from '../../../core/api.ts';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { spanText } from '../shared.tsx';
import { dayMinutes } from './calendarApi.ts';

const TIME_RE = new RegExp(TIME_OF_DAY_PATTERN);

/** The working periods of every working day, e.g. 08:30–12:00 and 13:30–17:30. */
export function HoursEditor({ hours }: { hours: CalendarWorkHours[] | null }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ hours: CalendarWorkHours[] }>();
  const watched = Form.useWatch('hours', form);
  const { submit, busy, error } = useSubmit<{ hours: CalendarWorkHours[] }>(form, {
    send: (v) =>
      api('PUT', '/api/calendar/hours', {
        hours: v.hours.map((h) => ({ start: h.start.trim(), end: h.end.trim() })),
      }),
    invalidates: ['/api/calendar'],
    success: t('common.saved'),
    // 'hours/1/end' is the end of the second period.
    field: (name) => {
      const [head = name, index, field] = name.split('/');
      return index !== undefined && field ? [head, Number(index), field] : [head];
    },
  });

  useEffect(() => {
    if (hours) form.setFieldsValue({ hours: hours.map((h) => ({ ...h })) });
  }, [hours, form]);

  const valid = (watched ?? []).filter((h) => h && TIME_RE.test(h.start ?? '') && TIME_RE.test(h.end ?? ''));
  const total = valid.length ? dayMinutes(valid) : 0;

  const timeRules = [
    { required: true, message: t('calendar.timeFormat') },
    { pattern: TIME_RE, message: t('calendar.timeFormat') },
  ];
  return (
    <Card size="small" title={t('calendar.hours')}>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} onFinish={(v) => void submit(v)} disabled={!hours} data-testid="hours-form">
        <Form.List name="hours">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="start" size={4} style={{ display: 'flex' }}>
                  <Typography.Text type="secondary" style={{ lineHeight: '32px', width: 20 }}>
                    {i + 1}
                  </Typography.Text>
                  <Form.Item name={[field.name, 'start']} rules={timeRules} style={{ marginBottom: 8 }}>
                    <Input placeholder="08:30" maxLength={5} inputMode="numeric" style={{ width: 80 }} />
                  </Form.Item>
                  <span style={{ lineHeight: '32px' }}>–</span>
                  <Form.Item name={[field.name, 'end']} rules={timeRules} style={{ marginBottom: 8 }}>
                    <Input placeholder="17:30" maxLength={5} inputMode="numeric" style={{ width: 80 }} />
                  </Form.Item>
                  <Button
                    icon={<DeleteOutlined />}
                    disabled={fields.length <= 1}
                    onClick={() => remove(field.name)}
                    aria-label={t('common.delete')}
                  />
                </Space>
              ))}
              {fields.length < 8 && (
                <Button
                  type="dashed"
                  block
                  icon={<PlusOutlined />}
                  onClick={() => add({ start: '', end: '' })}
                  style={{ marginBottom: 8 }}
                >
                  {t('calendar.addPeriod')}
                </Button>
              )}
            </>
          )}
        </Form.List>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Typography.Text type="secondary" data-testid="hours-total">
            {total ? t('calendar.hoursTotal', { span: spanText(total, t) }) : ''}
          </Typography.Text>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="hours-save">
            {t('common.save')}
          </Button>
        </Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
          {t('calendar.hoursHint')}
        </Typography.Paragraph>
      </Form>
    </Card>
  );
}
