import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  CALENDAR_DAY_KIND_NAMES,
  type CalendarDay,
  type CalendarDayKind,
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
  Popconfirm,
  Progress,
  Row,
  Segmented,
  Space,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { api, errorText, query } from '../../../core/api.ts';
import { useAction, useApi } from '../../../core/query.tsx';
import { ResponsiveTable, type RColumn } from '../../../core/ResponsiveTable.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { named } from '../shared.tsx';
import { DayEditor, isWeekend } from './CalendarDayEditor.tsx';
import { HoursEditor } from './CalendarHoursEditor.tsx';
import { DeadlinePreview } from './DeadlinePreview.tsx';

const KIND_COLORS: Record<CalendarDayKind, string> = { holiday: 'red', workday: 'blue' };

/** 工作日历: days off and make-up working days of a year, the work hours, and a deadline preview. */
export function CalendarPanel() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [year, setYear] = useState(() => dayjs().year());
  const [kind, setKind] = useState<'all' | CalendarDayKind>('all');
  const [editing, setEditing] = useState<{ day: CalendarDay | null; date: Dayjs | null } | null>(null);
  const [month, setMonth] = useState<Dayjs>(() => dayjs());

  // After a change the running deadlines are recomputed in the background: follow its progress.
  const calendar = useApi<CalendarYear>(`/api/calendar${query({ year })}`, {
    refetchInterval: (q) => (q.state.data?.retime.running ? 1000 : false),
  });
  const data = calendar.data;
  const failed = calendar.error;

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

  const remove = useAction(
    async (d: CalendarDay) => {
      await api('DELETE', `/api/calendar/days/${d.date}`);
      return d;
    },
    {
      invalidates: ['/api/calendar'],
      onDone: (d) => message.success(t('calendar.removed', { date: d.date })),
    },
  );

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
          <Popconfirm title={t('calendar.removeConfirm', { date: d.date })} onConfirm={() => remove.run(d)}>
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
            {failed && <Alert type="error" showIcon title={errorText(failed, lang)} />}
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
              rows={data ? shown : failed ? [] : undefined}
              loading={!data && !failed}
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
          <HoursEditor hours={data?.hours ?? null} />
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
          }}
        />
      )}
    </Row>
  );
}
