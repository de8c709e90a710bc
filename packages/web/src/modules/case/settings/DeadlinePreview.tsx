import type { CalendarDeadline, CalendarWorkHours } from '@wangge/shared';
import { Alert, Button, Card, DatePicker, Form, InputNumber, Select, Space, Switch, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { errorText, query } from '../../../core/api.ts';
import { useApi } from '../../../core/query.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { spanText, workingText } from '../shared.tsx';
import { dayMinutes } from './calendarApi.ts';

interface Values {
  from: Dayjs;
  amount: number;
  unit: number;
  natural: boolean;
}

/** "If a clock starts then, when is it due?" by the saved calendar. */
export function DeadlinePreview({ hours }: { hours: CalendarWorkHours[] }) {
  const { t, lang } = useI18n();
  const perDay = dayMinutes(hours);
  const [form] = Form.useForm<Values>();
  const natural = Form.useWatch('natural', form);
  // The question asked (null until the first run); the answer comes through the cache.
  const [asked, setAsked] = useState<string | null>(null);
  const answer = useApi<CalendarDeadline>(asked, { keepPrevious: true });
  const result = answer.error ? null : answer.data;

  const run = (v: Values) => {
    // A "day" is a working day of the calendar's hours, or 24 hours in calendar time.
    const unit = v.unit === -1 ? (v.natural ? 1440 : perDay) : v.unit;
    const url = `/api/calendar/deadline${query({
      from: v.from.toISOString(),
      minutes: Math.round(v.amount * unit),
      natural: v.natural ? 'true' : 'false',
    })}`;
    // The same question again asks the server again (as the button always did).
    if (url === asked) void answer.refetch();
    else setAsked(url);
  };

  return (
    <Card size="small" title={t('calendar.preview')} data-testid="deadline-preview">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ from: dayjs(), amount: 1, unit: -1, natural: false }}
        onFinish={run}
      >
        <Form.Item name="from" label={t('calendar.previewFrom')} rules={[{ required: true }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label={t('limits.limit')} required>
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="amount" noStyle rules={[{ required: true }]}>
              <InputNumber min={0} max={100000} style={{ width: '50%' }} data-testid="preview-amount" />
            </Form.Item>
            <Form.Item name="unit" noStyle>
              <Select
                style={{ width: '50%' }}
                options={[
                  { value: 1, label: t('unit.minutes') },
                  { value: 60, label: t('unit.hours') },
                  { value: -1, label: natural ? t('unit.days') : t('unit.workdays') },
                ]}
              />
            </Form.Item>
          </Space.Compact>
        </Form.Item>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Space size={6}>
            <Form.Item name="natural" valuePropName="checked" noStyle>
              <Switch size="small" />
            </Form.Item>
            <Typography.Text>{t('limits.natural')}</Typography.Text>
          </Space>
          <Button htmlType="submit" loading={answer.isFetching} data-testid="preview-run">
            {t('calendar.previewRun')}
          </Button>
        </Space>
      </Form>
      {answer.error && (
        <Alert type="error" showIcon title={errorText(answer.error, lang)} style={{ marginTop: 12 }} />
      )}
      {result && (
        <Alert
          type="success"
          style={{ marginTop: 12 }}
          data-testid="preview-result"
          title={t('calendar.previewDue', { due: dayjs(result.due).format('YYYY-MM-DD HH:mm dddd') })}
          description={
            result.natural
              ? t('calendar.previewNatural', { span: spanText(result.minutes, t) })
              : t('calendar.previewWorking', { span: workingText(result.minutes, perDay, t) })
          }
        />
      )}
    </Card>
  );
}
