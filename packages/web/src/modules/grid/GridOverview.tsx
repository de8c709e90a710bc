import type { GridMeasureKey, GridNode } from '@wangge/shared';
import { Alert, Card, Empty, Grid, Space, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useMemo } from 'react';
import { errorText, query } from '../../core/api.ts';
import { fetchApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { Geometry } from './geo.ts';
import type { MapPart } from './GridMap.tsx';
import { MeasureSwitch, useMeasureValues } from './MeasureControls.tsx';
// MapLibre is large: loaded only when a map is shown.
const GridMap = lazy(() => import('./GridMap.tsx').then((m) => ({ default: m.GridMap })));

interface Shapes {
  features: { properties: { id: number; name: string; parentId: number | null }; geometry: Geometry }[];
}

/** Trees shown at once on the overview (a user holds one or a few subtrees). */
const MAX_ROOTS = 20;

/**
 * The landing map of the grid page: the subtrees the user holds, outlined, with their first level
 * named and coloured by the chosen measure; a click opens a grid. A subtree without outlined
 * children (a base grid in scope) is shown as one grid.
 */
export function GridOverview({
  roots,
  measure,
  onMeasure,
  onSelect,
}: {
  roots: GridNode[];
  measure: GridMeasureKey | null;
  onMeasure: (measure: GridMeasureKey | null) => void;
  onSelect: (id: number) => void;
}) {
  const { t, lang } = useI18n();
  // The county is wider than tall: on a phone a lower map wastes less of the screen.
  const height = (Grid.useBreakpoint().sm ?? true) ? 420 : 320;
  const shown = useMemo(() => roots.slice(0, MAX_ROOTS), [roots]);
  const shapes = useQuery({
    queryKey: ['api', 'grids', 'overview', shown.map((r) => r.id).join(',')],
    queryFn: () =>
      Promise.all(shown.map((r) => fetchApi<Shapes>(`/api/grids/${r.id}/geojson${query({ levels: 1 })}`))),
  });

  const { outlines, parts, parents } = useMemo(() => {
    const outlines: Geometry[] = [];
    const parts: MapPart[] = [];
    const parents: (number | null)[] = [];
    let rootsAsParts = false;
    shown.forEach((root, i) => {
      const features = shapes.data?.[i]?.features ?? [];
      const own = features.find((f) => f.properties.id === root.id);
      const children = features.filter((f) => f.properties.parentId === root.id);
      if (children.length) {
        if (own) outlines.push(own.geometry);
        parts.push(...children.map((f) => ({ ...f.properties, geometry: f.geometry })));
        parents.push(root.id);
      } else if (own) {
        parts.push({ id: root.id, name: root.name, geometry: own.geometry });
        rootsAsParts = true;
      }
    });
    if (rootsAsParts) parents.push(null);
    return { outlines, parts, parents };
  }, [shown, shapes.data]);

  const measured = useMeasureValues(measure, parents);

  return (
    <Card size="small" title={t('grids.overviewMap')} data-testid="grid-overview">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
          <Typography.Text type="secondary">{t('grids.overviewHint')}</Typography.Text>
          <MeasureSwitch value={measure} onChange={onMeasure} />
        </Space>
        {shapes.error && <Alert type="error" showIcon title={errorText(shapes.error, lang)} />}
        {measured.error && <Alert type="error" showIcon title={errorText(measured.error, lang)} />}
        {shapes.isPending ? (
          <div style={{ height }} />
        ) : parts.length ? (
          <Suspense fallback={<div style={{ height }} />}>
            <GridMap
              outlines={outlines}
              parts={parts}
              values={measured.values}
              {...(measure ? { legendTitle: t(`grids.legend.${measure}`) } : {})}
              onSelect={onSelect}
              height={height}
              testId="grid-overview-map"
            />
          </Suspense>
        ) : (
          !shapes.error && <Empty description={t('grids.noShapes')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        )}
      </Space>
    </Card>
  );
}
