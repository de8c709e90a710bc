import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  CALENDAR_DAY_KIND_NAMES,
  TIME_OF_DAY_PATTERN,
  type CalendarDay,
  type CalendarDayKind,
  type CalendarDeadline,
  type CalendarWorkHours,
  type CalendarYear,
} from '@wangge/shared';
import {
  Alert,
  App,
  Button,
  Calendar,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Progress,
  Radio,
  Row,
  Segmented,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, ApiError, errorText, get, query } from '../../../core/api.ts';
import { ResponsiveTable, type RColumn } from '../../../core/ResponsiveTable.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { named, spanText, workingText } from '../shared.tsx';
import { dayMinutes } from './calendarApi.ts';

const KIND_COLORS: Record<CalendarDayKind, string> = { holiday: 'red', workday: 'blue' };
const TIME_RE = new RegExp(TIME_OF_DAY_PATTERN);
const isWeekend = (d: Dayjs) => d.day() === 0 || d.day() === 6;

/** 工作日历: days off and make-up working days of a year, the work hours, and a deadline preview. */
export function CalendarPanel() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [year, setYear] = useState(() => dayjs().year());
  const [data, setData] = useState<CalendarYear | null>(null);
  const [kind, setKind] = useState<'all' | CalendarDayKind>('all');
  const [editing, setEditing] = useState<{ day: CalendarDay | null; date: Dayjs | null } | null>(null);
  const [month, setMonth] = useState<Dayjs>(() => dayjs());

  const load = useCallback(() => {
    get<CalendarYear>(`/api/calendar${query({ year })}`)
      .then(setData)
      .catch((err) => {
        message.error(errorText(err, lang));
        setData({ year, hours: [], days: [], retime: { running: false, done: 0, total: null } });
      });
  }, [year, lang, message]);
  useEffect(() => {
    setData(null);
    load();
  }, [load]);
  // After a change the running deadlines are recomputed in the background: follow its progress.
  const retiming = data?.retime.running ?? false;
  useEffect(() => {
    if (!retiming) return;
    const timer = setInterval(load, 1000);
    return () => clearInterval(timer);
  }, [retiming, load]);

  const byDate = useMemo(() => new Map((data?.days ?? []).map((d) => [d.date, d])), [data]);
  const shown = useMemo(
    () => (data?.days ?? []).filter((d) => kind === 'all' || d.kind === kind),
    [data, kind],
  );
  const counts = useMemo(() => {
    const n = { holiday: 0, workday: 0 };
    for (const d of data?.days ?? []) n[d.kind]++;
    return n;
  }, [data]);

  const pickYear = (y: number) => {
    setYear(y);
    setMonth((m) => (m.year() === y ? m : dayjs(`${y}-01-01`)));
  };

  const remove = async (d: CalendarDay) => {
    try {
      await api('DELETE', `/api/calendar/days/${d.date}`);
      message.success(t('calendar.removed', { date: d.date }));
      load();
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  const openDate = (date: Dayjs) => {
    const existing = byDate.get(date.format('YYYY-MM-DD'));
    setEditing({ day: existing ?? null, date });
  };

  const weekday = (date: string) => dayjs(date).format('ddd');

  const columns: RColumn<CalendarDay>[] = [
    {
      key: 'date',
      title: t('calendar.date'),
      phone: 'head',
      render: (d) => (
        <span style={{ whiteSpace: 'nowrap' }}>
          {d.date}{' '}
          <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
            {weekday(d.date)}
          </Typography.Text>
        </span>
      ),
    },
    {
      key: 'kind',
      title: t('calendar.kind'),
      phone: 'head',
      render: (d) => <Tag color={KIND_COLORS[d.kind]}>{named(CALENDAR_DAY_KIND_NAMES, d.kind, lang)}</Tag>,
    },
    { key: 'name', title: t('calendar.name'), render: (d) => d.name },
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (d) => (
        <Space size={4}>
          <Button
            size="small"
            onClick={() => setEditing({ day: d, date: dayjs(d.date) })}
            data-testid="day-edit"
          >
            {t('common.edit')}
          </Button>
          <Popconfirm title={t('calendar.removeConfirm', { date: d.date })} onConfirm={() => void remove(d)}>
            <Button size="small" danger icon={<DeleteOutlined />} data-testid="day-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} xl={15}>
        <Card
          size="small"
          title={t('calendar.days')}
          extra={
            <DatePicker
              picker="year"
              allowClear={false}
              value={dayjs(`${year}-01-01`)}
              onChange={(d) => d && pickYear(d.year())}
              disabledDate={(d) => d.year() < 2000 || d.year() > 2100}
              style={{ width: 110 }}
              data-testid="calendar-year"
            />
          }
        >
          <Space orientation="vertical" size={12} style={{ width: '100%' }}>
            <Alert type="info" showIcon title={t('calendar.hint')} />
            {data?.retime.running && (
              <Alert
                type="warning"
                showIcon
                data-testid="calendar-retime"
                title={
                  data.retime.total
                    ? t('calendar.retiming', { done: data.retime.done, total: data.retime.total })
                    : t('calendar.retimingSoon')
                }
                description={
                  data.retime.total ? (
                    <Progress
                      percent={Math.floor((data.retime.done / data.retime.total) * 100)}
                      size="small"
                    />
                  ) : undefined
                }
              />
            )}
            <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
              <Segmented<'all' | CalendarDayKind>
                value={kind}
                onChange={setKind}
                options={[
                  { value: 'all', label: t('calendar.all', { n: counts.holiday + counts.workday }) },
                  {
                    value: 'holiday',
                    label: `${named(CALENDAR_DAY_KIND_NAMES, 'holiday', lang)} ${counts.holiday}`,
                  },
                  {
                    value: 'workday',
                    label: `${named(CALENDAR_DAY_KIND_NAMES, 'workday', lang)} ${counts.workday}`,
                  },
                ]}
              />
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => setEditing({ day: null, date: null })}
                data-testid="day-create"
              >
                {t('calendar.add')}
              </Button>
            </Space>
            <ResponsiveTable<CalendarDay>
              rows={data ? shown : undefined}
              loading={!data}
              rowKey={(d) => d.date}
              columns={columns}
              testId="calendar-days"
              clientPageSize={15}
            />
          </Space>
        </Card>
      </Col>
      <Col xs={24} xl={9}>
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Card size="small" title={t('calendar.month')}>
            <Calendar
              fullscreen={false}
              value={month}
              validRange={[dayjs('2000-01-01'), dayjs('2100-12-31')]}
              onPanelChange={(d) => {
                setMonth(d);
                if (d.year() !== year) setYear(d.year());
              }}
              onSelect={(d, info) => {
                setMonth(d);
                if (d.year() !== year) setYear(d.year());
                else if (info.source === 'date') openDate(d);
              }}
              fullCellRender={(d, info) => {
                if (info.type !== 'date') return info.originNode;
                const entry = byDate.get(d.format('YYYY-MM-DD'));
                const off = entry ? entry.kind === 'holiday' : isWeekend(d);
                const outside = d.month() !== month.month();
                return (
                  <div
                    className={[
                      'wg-cal-cell',
                      off ? 'wg-cal-off' : '',
                      entry ? `wg-cal-${entry.kind}` : '',
                      outside ? 'wg-cal-outside' : '',
                    ].join(' ')}
                    title={entry?.name}
                  >
                    {d.date()}
                  </div>
                );
              }}
            />
            <Space size={12} wrap style={{ fontSize: 12 }}>
              <span>
                <span className="wg-cal-swatch wg-cal-holiday" />{' '}
                {named(CALENDAR_DAY_KIND_NAMES, 'holiday', lang)}
              </span>
              <span>
                <span className="wg-cal-swatch wg-cal-workday" />{' '}
                {named(CALENDAR_DAY_KIND_NAMES, 'workday', lang)}
              </span>
              <Typography.Text type="secondary">{t('calendar.tapToEdit')}</Typography.Text>
            </Space>
          </Card>
          <HoursEditor hours={data?.hours ?? null} onSaved={load} />
          <DeadlinePreview hours={data?.hours ?? []} />
        </Space>
      </Col>
      {editing && (
        <DayEditor
          day={editing.day}
          date={editing.date}
          existing={byDate}
          onClose={() => setEditing(null)}
          onSaved={(saved) => {
            setEditing(null);
            if (Number(saved.date.slice(0, 4)) !== year) pickYear(Number(saved.date.slice(0, 4)));
            else load();
          }}
        />
      )}
    </Row>
  );
}

function DayEditor({
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
  const { message } = App.useApp();
  const [form] = Form.useForm<{ date: Dayjs; kind: CalendarDayKind; name: string }>();
  const [busy, setBusy] = useState(false);
  const picked = Form.useWatch('date', form);
  const kind = Form.useWatch('kind', form);
  const clash = !day && picked ? existing.get(picked.format('YYYY-MM-DD')) : undefined;

  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const saved = await api<CalendarDay>('PUT', `/api/calendar/days/${v.date.format('YYYY-MM-DD')}`, {
        kind: v.kind,
        name: v.name.trim(),
      });
      message.success(t('common.saved'));
      onSaved(saved);
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields)
        form.setFields(
          Object.entries(err.fields).map(([name, msg]) => ({ name: name as never, errors: [msg] })),
        );
    } finally {
      setBusy(false);
    }
  };

  const initialDate = day ? dayjs(day.date) : date;
  const defaultKind: CalendarDayKind = initialDate && isWeekend(initialDate) ? 'workday' : 'holiday';
  return (
    <Modal
      open
      title={day ? t('calendar.edit', { date: day.date }) : t('calendar.add')}
      onCancel={onClose}
      onOk={() => void save()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
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

/** The working periods of every working day, e.g. 08:30–12:00 and 13:30–17:30. */
function HoursEditor({ hours, onSaved }: { hours: CalendarWorkHours[] | null; onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ hours: CalendarWorkHours[] }>();
  const [busy, setBusy] = useState(false);
  const watched = Form.useWatch('hours', form);

  useEffect(() => {
    if (hours) form.setFieldsValue({ hours: hours.map((h) => ({ ...h })) });
  }, [hours, form]);

  const valid = (watched ?? []).filter((h) => h && TIME_RE.test(h.start ?? '') && TIME_RE.test(h.end ?? ''));
  const total = valid.length ? dayMinutes(valid) : 0;

  const save = async (v: { hours: CalendarWorkHours[] }) => {
    setBusy(true);
    try {
      await api('PUT', '/api/calendar/hours', {
        hours: v.hours.map((h) => ({ start: h.start.trim(), end: h.end.trim() })),
      });
      message.success(t('common.saved'));
      onSaved();
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields)
        form.setFields(
          Object.entries(err.fields).map(([name, msg]) => {
            const [head, index, field] = name.split('/');
            return {
              name: (index !== undefined && field ? [head, Number(index), field] : [head]) as never,
              errors: [msg],
            };
          }),
        );
    } finally {
      setBusy(false);
    }
  };

  const timeRules = [
    { required: true, message: t('calendar.timeFormat') },
    { pattern: TIME_RE, message: t('calendar.timeFormat') },
  ];
  return (
    <Card size="small" title={t('calendar.hours')}>
      <Form form={form} onFinish={(v) => void save(v)} disabled={!hours} data-testid="hours-form">
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

/** "If a clock starts then, when is it due?" by the saved calendar. */
function DeadlinePreview({ hours }: { hours: CalendarWorkHours[] }) {
  const { t, lang } = useI18n();
  const perDay = dayMinutes(hours);
  const [form] = Form.useForm<{ from: Dayjs; amount: number; unit: number; natural: boolean }>();
  const [result, setResult] = useState<CalendarDeadline | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const natural = Form.useWatch('natural', form);
  const run = async (v: { from: Dayjs; amount: number; unit: number; natural: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      // A "day" is a working day of the calendar's hours, or 24 hours in calendar time.
      const unit = v.unit === -1 ? (v.natural ? 1440 : perDay) : v.unit;
      setResult(
        await get<CalendarDeadline>(
          `/api/calendar/deadline${query({
            from: v.from.toISOString(),
            minutes: Math.round(v.amount * unit),
            natural: v.natural ? 'true' : 'false',
          })}`,
        ),
      );
    } catch (err) {
      setResult(null);
      setError(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('calendar.preview')} data-testid="deadline-preview">
      <Form
        form={form}
        layout="vertical"
        initialValues={{ from: dayjs(), amount: 1, unit: -1, natural: false }}
        onFinish={(v) => void run(v)}
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
          <Button htmlType="submit" loading={busy} data-testid="preview-run">
            {t('calendar.previewRun')}
          </Button>
        </Space>
      </Form>
      {error && <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} />}
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
