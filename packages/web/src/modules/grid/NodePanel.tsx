import { DownOutlined } from '@ant-design/icons';
import { gridKindLabel, type GridMeasureKey, type GridNode, type PageResult } from '@wangge/shared';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Dropdown,
  Empty,
  List,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  type MenuProps,
} from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { errorText, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useApi, useInvalidate } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { DutyEditor } from '../org/DutyEditor.tsx';
import type { Geometry } from './geo.ts';
import { GeoJsonWizard } from './GeoJsonWizard.tsx';
import { MeasureSwitch, useMeasureValues } from './MeasureControls.tsx';
import { NodeActions } from './NodeActions.tsx';
import { NodeHistory } from './NodeHistory.tsx';
// MapLibre is large: loaded only when a grid's map is shown.
const GridMap = lazy(() => import('./GridMap.tsx').then((m) => ({ default: m.GridMap })));

interface Detail extends GridNode {
  ancestors: { id: number; name: string; kind: string }[];
  geometry: Geometry | null;
}

interface SchemeRow {
  key: string;
  name: string;
  definition: { levels: { name: string; kinds: string[]; duties: string[] }[] };
}

interface Shapes {
  features: { properties: { id: number; name: string; parentId: number | null }; geometry: Geometry }[];
}

/** One grid: outline, children, people on duty, history, and its printable outputs. */
export function NodePanel({
  id,
  measure,
  onMeasure,
  onSelect,
  onTreeChanged,
}: {
  id: number;
  /** What the map colours the children by (none: plain). */
  measure: GridMeasureKey | null;
  onMeasure: (measure: GridMeasureKey | null) => void;
  onSelect: (id: number) => void;
  /** Called when the tree's shape changed (a child added, a grid closed), after the grids were refreshed. */
  onTreeChanged?: () => void;
}) {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const invalidate = useInvalidate();
  const [childPage, setChildPage] = useState({ page: 1, pageSize: 10 });
  const [historyWanted, setHistoryWanted] = useState(false);
  const [gapsWanted, setGapsWanted] = useState(false);
  const [wizard, setWizard] = useState(false);

  const detailQuery = useApi<Detail>(`/api/grids/${id}`);
  const shapesQuery = useApi<Shapes>(`/api/grids/${id}/geojson${query({ levels: 1 })}`);
  const children = useApi<PageResult<GridNode>>(`/api/grids${query({ parentId: id, ...childPage })}`, {
    keepPrevious: true,
  }).data;
  const schemes = useApi<SchemeRow[]>('/api/schemes').data;
  const gapsQuery = useApi<PageResult<{ id: number; name: string; path: string[] }>>(
    gapsWanted ? `/api/duties/gaps${query({ nodeId: id, pageSize: 50 })}` : null,
  );
  const gaps = gapsQuery.data ?? null;
  const detail = detailQuery.data ?? null;
  const childShapes = useMemo(
    () =>
      (shapesQuery.data?.features ?? [])
        .filter((f) => f.properties.id !== id && f.geometry)
        .map((f) => ({ id: f.properties.id, name: f.properties.name, geometry: f.geometry })),
    [shapesQuery.data, id],
  );
  const outlines = useMemo(
    () => (detailQuery.data?.geometry ? [detailQuery.data.geometry] : []),
    [detailQuery.data],
  );
  const measured = useMeasureValues(childShapes.length ? measure : null, [id]);

  /** After a change of this grid: everything under /api/grids (this panel, the tree) and the gaps are stale. */
  const refresh = () => invalidate('/api/grids', '/api/duties/gaps');
  const treeChanged = (created?: number) => {
    if (created) onSelect(created);
    void refresh().then(() => onTreeChanged?.());
  };

  const level = useMemo(() => {
    const scheme = schemes?.find((s) => s.key === detail?.scheme);
    return scheme && detail?.level !== null && detail?.level !== undefined
      ? {
          scheme,
          def: scheme.definition.levels[detail.level],
          next: scheme.definition.levels[detail.level + 1],
        }
      : null;
  }, [schemes, detail]);

  const failure = detailQuery.error ?? shapesQuery.error;
  if (!detail || !shapesQuery.data)
    return failure ? <Alert type="error" showIcon title={errorText(failure, lang)} /> : null;

  const printItems: MenuProps['items'] = [
    {
      key: 'notice',
      label: (
        <a href={`/api/grids/${id}/notice.pdf`} target="_blank" rel="noreferrer">
          {t('grids.notice')}
        </a>
      ),
    },
    ...(can('duty.read')
      ? [
          {
            key: 'chart',
            label: (
              <a href={`/api/grids/${id}/chart.pdf`} target="_blank" rel="noreferrer">
                {t('grids.chart')}
              </a>
            ),
          },
        ]
      : []),
    { key: 'geojson', label: <a href={`/api/grids/${id}/geojson`}>{t('grids.exportGeojson')}</a> },
  ];

  const tabs = [
    {
      key: 'overview',
      label: t('grids.overview'),
      children: (
        <Space direction="vertical" style={{ width: '100%' }}>
          {childShapes.length > 0 && <MeasureSwitch value={measure} onChange={onMeasure} />}
          {measured.error && <Alert type="error" showIcon title={errorText(measured.error, lang)} />}
          {detail.geometry || childShapes.length ? (
            <Suspense fallback={<div style={{ height: 320 }} />}>
              <GridMap
                outlines={outlines}
                parts={childShapes}
                values={measured.values}
                {...(measure ? { legendTitle: t(`grids.legend.${measure}`) } : {})}
                onSelect={onSelect}
              />
            </Suspense>
          ) : (
            <Empty description={t('grids.noPolygon')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
          )}
          <Descriptions column={{ xs: 1, sm: 2 }} size="small">
            <Descriptions.Item label={t('grids.kind')}>{gridKindLabel(detail.kind, lang)}</Descriptions.Item>
            <Descriptions.Item label={t('grids.code')}>{detail.code ?? '—'}</Descriptions.Item>
            {level && <Descriptions.Item label={t('grids.scheme')}>{level.scheme.name}</Descriptions.Item>}
            {level?.def && <Descriptions.Item label={t('grids.level')}>{level.def.name}</Descriptions.Item>}
            <Descriptions.Item label={t('grids.validFrom')}>{detail.validFrom}</Descriptions.Item>
            <Descriptions.Item label={t('grids.children')}>{detail.childCount}</Descriptions.Item>
          </Descriptions>
          {children && children.total > 0 && (
            <Table
              size="small"
              rowKey="id"
              dataSource={children.items}
              pagination={{
                current: childPage.page,
                pageSize: childPage.pageSize,
                total: children.total,
                hideOnSinglePage: true,
                onChange: (page, pageSize) => setChildPage({ page, pageSize }),
              }}
              onRow={(r) => ({ onClick: () => onSelect(r.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('grids.name'), dataIndex: 'name', key: 'name' },
                { title: t('grids.code'), dataIndex: 'code', key: 'code' },
                { title: t('grids.children'), dataIndex: 'childCount', key: 'childCount' },
              ]}
            />
          )}
          {can('duty.read') && (
            <>
              <Button
                size="small"
                onClick={() => (gapsWanted ? void gapsQuery.refetch() : setGapsWanted(true))}
                data-testid="gaps-button"
              >
                {t('grids.gaps')}
              </Button>
              {gapsQuery.error && <Alert type="error" showIcon title={errorText(gapsQuery.error, lang)} />}
              {gaps && (
                <List
                  size="small"
                  header={`${t('grids.gaps')}：${gaps.total}`}
                  dataSource={gaps.items}
                  locale={{ emptyText: t('grids.noGaps') }}
                  renderItem={(g) => (
                    <List.Item onClick={() => onSelect(g.id)} style={{ cursor: 'pointer' }}>
                      {g.path.slice(1).join(' › ')}
                    </List.Item>
                  )}
                  data-testid="gaps-list"
                />
              )}
            </>
          )}
        </Space>
      ),
    },
    ...(can('duty.read')
      ? [
          {
            key: 'duties',
            label: t('grids.duties'),
            children: <DutyEditor nodeId={id} roles={level?.def?.duties ?? []} />,
          },
        ]
      : []),
    {
      key: 'history',
      label: t('grids.history'),
      children: historyWanted ? <NodeHistory id={id} onSelect={onSelect} /> : null,
    },
  ];

  return (
    <Card
      size="small"
      data-testid="grid-detail"
      title={
        <Space wrap>
          <span>{detail.name}</span>
          <Tag>{gridKindLabel(detail.kind, lang)}</Tag>
          {detail.validTo && <Tag color="red">{detail.validTo}</Tag>}
        </Space>
      }
      extra={
        <Space>
          {can('grid.write') && (
            <Button size="small" onClick={() => setWizard(true)} data-testid="geo-import">
              {t('grids.importGeojson')}
            </Button>
          )}
          <Dropdown menu={{ items: printItems }}>
            <Button size="small">
              {t('grids.print')} <DownOutlined />
            </Button>
          </Dropdown>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
        {[...detail.ancestors.map((a) => a.name), detail.name].join(' › ')}
      </Typography.Paragraph>
      {can('grid.write') && !detail.validTo && (
        <div style={{ marginBottom: 8 }}>
          <NodeActions
            node={detail}
            isRoot={detail.parentId === null}
            childKinds={level ? (level.next?.kinds ?? []) : []}
            onChanged={treeChanged}
            onClosed={treeChanged}
          />
        </div>
      )}
      <Tabs items={tabs} onChange={(key) => key === 'history' && setHistoryWanted(true)} />
      <GeoJsonWizard
        nodeId={id}
        open={wizard}
        onClose={() => setWizard(false)}
        onDone={() => void refresh()}
      />
    </Card>
  );
}
