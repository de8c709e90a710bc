import { CALENDAR_DAY_KIND_NAMES, type CalendarDay, type CalendarDayKind } from '@wangge/shared';
import { Alert, DatePicker, Form, Input, Modal, Radio } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../../core/api.ts';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { named } from '../shared.tsx';

export const isWeekend = (d: Dayjs) => d.day() === 0 || d.day() === 6;

interface Values {
  date: Dayjs;
  kind: CalendarDayKind;
  name: string;
}

/** Adds or changes one day off or make-up working day. */
export function DayEditor({
  day,
  date,
  existing,
  onClose,
  onSaved,
}: {
  day: CalendarDay | null;
  date: Dayjs | null;
  existing: Map<string, CalendarDay>;
  onClose: () => void;
  onSaved: (d: CalendarDay) => void;
}) {
  const { t, lang } = useI18n();
  const [form] = Form.useForm<Values>();
  const picked = Form.useWatch('date', form);
  const kind = Form.useWatch('kind', form);
  const clash = !day && picked ? existing.get(picked.format('YYYY-MM-DD')) : undefined;
  const { submit, busy, error } = useSubmit<Values, CalendarDay>(form, {
    send: (v) =>
      api<CalendarDay>('PUT', `/api/calendar/days/${v.date.format('YYYY-MM-DD')}`, {
        kind: v.kind,
        name: v.name.trim(),
      }),
    invalidates: ['/api/calendar'],
    success: t('common.saved'),
    onDone: onSaved,
  });

  const initialDate = day ? dayjs(day.date) : date;
  const defaultKind: CalendarDayKind = initialDate && isWeekend(initialDate) ? 'workday' : 'holiday';
  return (
    <Modal
      open
      title={day ? t('calendar.edit', { date: day.date }) : t('calendar.add')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          date: initialDate ?? undefined,
          kind: day?.kind ?? defaultKind,
          name: day?.name ?? '',
        }}
      >
        <Form.Item
          name="date"
          label={t('calendar.date')}
          rules={[{ required: true }]}
          extra={
            picked
              ? t(isWeekend(picked) ? 'calendar.weekendDefault' : 'calendar.weekdayDefault', {
                  day: picked.format('dddd'),
                })
              : undefined
          }
        >
          <DatePicker disabled={!!day} style={{ width: '100%' }} allowClear={false} data-testid="day-date" />
        </Form.Item>
        {clash && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('calendar.overwrite', {
              kind: named(CALENDAR_DAY_KIND_NAMES, clash.kind, lang),
              name: clash.name,
            })}
          />
        )}
        <Form.Item name="kind" label={t('calendar.kind')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={(['holiday', 'workday'] as const).map((k) => ({
              value: k,
              label: named(CALENDAR_DAY_KIND_NAMES, k, lang),
            }))}
          />
        </Form.Item>
        {picked && kind === 'workday' && !isWeekend(picked) && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('calendar.workdayOnWeekday')} />
        )}
        <Form.Item
          name="name"
          label={t('calendar.name')}
          rules={[{ required: true, whitespace: true, max: 40 }]}
        >
          <Input maxLength={40} placeholder={t('calendar.namePlaceholder')} data-testid="day-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
