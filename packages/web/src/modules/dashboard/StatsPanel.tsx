import {
  CASE_CHANNELS,
  STATS_PERIODS,
  STATS_TREND_DAYS,
  type CaseStats,
  type StatsPeriod,
} from '@wangge/shared';
import { Card, Col, Empty, Row, Segmented, Skeleton, Statistic, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { query } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { ChartOption } from './Chart.tsx';

// ECharts comes with the first chart, never with the login page or the other pages.
const Chart = lazy(() => import('./Chart.tsx').then((m) => ({ default: m.Chart })));

type Filter = Record<string, string | number>;
const casesUrl = (filter: Filter) => `/cases${query(filter)}`;
const percent = (rate: number | null) => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);

/** One figure: a number (or rate) that opens the cases behind it. */
function Figure({
  testId,
  title,
  value,
  to,
  hint,
  danger,
}: {
  testId: string;
  title: string;
  value: string | number;
  to: Filter | null;
  hint?: string;
  danger?: boolean;
}) {
  const body = (
    <>
      <Statistic
        title={title}
        value={value}
        styles={{ content: danger ? { color: '#cf1322' } : {} }}
        data-testid={`${testId}-value`}
      />
      {hint && <span className="wg-figure-hint">{hint}</span>}
    </>
  );
  return (
    <Card size="small" style={{ height: '100%' }}>
      {to ? (
        <Link to={casesUrl(to)} data-testid={testId} className="wg-figure">
          {body}
        </Link>
      ) : (
        <div data-testid={testId}>{body}</div>
      )}
    </Card>
  );
}

/** A ranking: horizontal bars, most first, each bar opening its cases. */
function rankingOption(rows: { label: string; count: number }[]): ChartOption {
  const ordered = [...rows].reverse(); // ECharts draws the first category at the bottom.
  return {
    grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: {
      type: 'category',
      data: ordered.map((r) => r.label),
      axisLabel: { width: 110, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: ordered.map((r) => r.count),
        label: { show: true, position: 'right' },
        itemStyle: { color: '#1458a8' },
        cursor: 'pointer',
      },
    ],
  };
}

function ChartCard({
  title,
  rows,
  testId,
  option,
  height,
}: {
  title: string;
  rows: { label: string; count: number; to: Filter | null }[];
  testId: string;
  /** Default: a ranking of `rows`. */
  option?: ChartOption;
  height?: number;
}) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const opt = useMemo(() => option ?? rankingOption(rows), [option, rows]);
  const h = height ?? Math.max(160, rows.length * 30 + 24);
  // Rankings are drawn reversed: map the bar back to its row.
  const pick = (i: number) => {
    const row = option ? rows[i] : rows[rows.length - 1 - i];
    if (row?.to) navigate(casesUrl(row.to));
  };
  return (
    <Card size="small" title={title} style={{ height: '100%' }}>
      {rows.length === 0 || rows.every((r) => r.count === 0) ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('stats.none')} />
      ) : (
        <Suspense fallback={<Skeleton active />}>
          <Chart option={opt} height={h} onPick={pick} testId={testId} />
        </Suspense>
      )}
    </Card>
  );
}

/** 事件统计: the figures of the viewer's scope for today, this week or this month. */
export function StatsPanel() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const period = (params.get('period') ?? 'month') as StatsPeriod;
  const { data: s } = useApi<CaseStats>(`/api/cases/stats${query({ period })}`, {
    staleTime: 0,
    keepPrevious: true,
  });
  const range = s ? { from: s.from, to: s.to } : null;

  const rows = useMemo(() => {
    if (!s) return null;
    const r = { from: s.from, to: s.to };
    return {
      trend: s.trend.map((d) => ({
        label: d.date.slice(5),
        count: d.count,
        to: { from: d.date, to: d.date },
      })),
      channel: s.byChannel.map((c) => ({
        label: lang === 'zh' ? CASE_CHANNELS[c.channel].zh : CASE_CHANNELS[c.channel].en,
        count: c.count,
        to: { ...r, channel: c.channel },
      })),
      category: s.byCategory.map((c) => ({
        label: lang === 'zh' ? c.name : c.nameEn || c.name,
        count: c.count,
        to: { ...r, categoryId: c.id },
      })),
      area: s.byArea.map((a) => ({
        label: a.id === null ? t('stats.areaSelf') : a.name,
        count: a.count,
        to: a.id === null ? null : { ...r, gridId: a.id },
      })),
      dept: s.departmentOverdue.map((d) => ({
        label: d.name,
        count: d.count,
        to: { departmentId: d.id, overdue: 'any', sort: 'due' },
      })),
    };
  }, [s, lang, t]);

  const trendOption = useMemo<ChartOption | undefined>(
    () =>
      rows
        ? {
            grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: rows.trend.map((d) => d.label), boundaryGap: false },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              {
                type: 'line',
                data: rows.trend.map((d) => d.count),
                smooth: true,
                symbolSize: 7,
                areaStyle: { opacity: 0.12 },
                itemStyle: { color: '#1458a8' },
                cursor: 'pointer',
              },
            ],
          }
        : undefined,
    [rows],
  );
  const channelOption = useMemo<ChartOption | undefined>(
    () =>
      rows
        ? {
            grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            xAxis: {
              type: 'category',
              data: rows.channel.map((c) => c.label),
              axisLabel: { interval: 0, rotate: rows.channel.length > 3 ? 30 : 0 },
            },
            yAxis: { type: 'value', minInterval: 1 },
            series: [
              {
                type: 'bar',
                data: rows.channel.map((c) => c.count),
                label: { show: true, position: 'top' },
                itemStyle: { color: '#2f9e44' },
                barMaxWidth: 36,
                cursor: 'pointer',
              },
            ],
          }
        : undefined,
    [rows],
  );

  return (
    <Card title={t('stats.title')} size="small" data-testid="stats">
      <div className="wg-stats-head">
        <Segmented<StatsPeriod>
          size="small"
          value={period}
          onChange={(v) => {
            const next = new URLSearchParams(params);
            next.set('period', v);
            setParams(next, { replace: true });
          }}
          options={(Object.keys(STATS_PERIODS) as StatsPeriod[]).map((p) => ({
            value: p,
            label: <span data-testid={`period-${p}`}>{STATS_PERIODS[p][lang]}</span>,
          }))}
        />
        {range && (
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('stats.hint', range)}
          </Typography.Text>
        )}
      </div>
      {!s || !rows || !range ? (
        <Skeleton active />
      ) : (
        <>
          <Row gutter={[12, 12]} style={{ marginBottom: 12 }}>
            <Col xs={12} md={8} xl={4}>
              <Figure testId="stat-total" title={t('stats.total')} value={s.total} to={range} />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure
                testId="stat-acceptance"
                title={t('stats.acceptance')}
                value={percent(s.acceptance.rate)}
                to={{ ...range, late: 'accept' }}
                hint={t('stats.lateOf', { late: s.acceptance.late, done: s.acceptance.done })}
              />
            </Col>
            <Col xs={12} md={8} xl={5}>
              <Figure
                testId="stat-closure"
                title={t('stats.closure')}
                value={percent(s.closure.rate)}
                to={{ ...range, late: 'feedback' }}
                hint={t('stats.lateOf', { late: s.closure.late, done: s.closure.done })}
              />
            </Col>
            <Col xs={12} md={12} xl={5}>
              <Figure
                testId="stat-satisfaction"
                title={t('stats.satisfaction')}
                value={percent(s.satisfaction.rate)}
                to={{ ...range, satisfied: 'false' }}
                hint={`${t('stats.satisfiedOf', {
                  satisfied: s.satisfaction.satisfied,
                  visited: s.satisfaction.visited,
                })}${
                  s.citizenRating.rated
                    ? ` · ${t('stats.citizenRating', {
                        rate: percent(s.citizenRating.rate),
                        rated: s.citizenRating.rated,
                      })}`
                    : ''
                }`}
              />
            </Col>
            <Col xs={24} md={12} xl={5}>
              <Figure
                testId="stat-overdue"
                title={t('stats.overdue')}
                value={s.overdue.total}
                to={{ overdue: 'any', sort: 'due' }}
                hint={t('stats.overdueStages', s.overdue)}
                danger={s.overdue.total > 0}
              />
            </Col>
          </Row>
          <Row gutter={[12, 12]}>
            <Col xs={24}>
              <ChartCard
                title={t('stats.trend', { n: STATS_TREND_DAYS })}
                rows={rows.trend}
                option={trendOption}
                height={220}
                testId="chart-trend"
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard title={t('stats.byArea')} rows={rows.area} testId="chart-area" />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard title={t('stats.byCategory')} rows={rows.category} testId="chart-category" />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard
                title={t('stats.byChannel')}
                rows={rows.channel}
                option={channelOption}
                height={240}
                testId="chart-channel"
              />
            </Col>
            <Col xs={24} lg={12}>
              <ChartCard title={t('stats.deptOverdue')} rows={rows.dept} testId="chart-dept" />
            </Col>
          </Row>
        </>
      )}
    </Card>
  );
}
