import { gridKindLabel, type GridMeasureKey, type GridNode, type PageResult } from '@wangge/shared';
import { Alert, App, Card, Col, Empty, Input, List, Row, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorText, query } from '../../core/api.ts';
import { fetchAllPages, fetchApi, useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { GridOverview } from './GridOverview.tsx';
import { measureOf } from './measure.ts';
import { useMeasureChoices } from './MeasureControls.tsx';
import { NodePanel } from './NodePanel.tsx';

/**
 * The grid tree: browse or search on the left, the selected grid on the right (below on a phone);
 * before a grid is chosen, the overview map of the user's subtrees. The map's colouring (`measure`)
 * stays in the address as one goes from grid to grid.
 */
export function GridsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const selected = params.get('id') ? Number(params.get('id')) : null;
  const choices = useMeasureChoices();
  const asked = measureOf(params.get('measure'));
  const measure = asked && choices.includes(asked) ? asked : null;
  const [results, setResults] = useState<GridNode[] | null>(null);

  const select = useCallback(
    (id: number) =>
      setParams((prev) => {
        const next = new URLSearchParams(prev);
        next.set('id', String(id));
        return next;
      }),
    [setParams],
  );
  const setMeasure = useCallback(
    (m: GridMeasureKey | null) =>
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (m) next.set('measure', m);
          else next.delete('measure');
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const roots = useApi<PageResult<GridNode>>('/api/grids');
  // The levels opened so far, by parent; cleared (and the tree remounted) when the tree's shape changes.
  const [levels, setLevels] = useState<ReadonlyMap<number, GridNode[]>>(new Map());
  const [treeVersion, setTreeVersion] = useState(0);

  const tree = useMemo(() => {
    const build = (nodes: GridNode[]): DataNode[] =>
      nodes.map((n) => {
        const children = levels.get(n.id);
        return {
          key: n.id,
          title: (
            <span>
              {n.name} <Typography.Text type="secondary">{gridKindLabel(n.kind, lang)}</Typography.Text>
            </span>
          ),
          isLeaf: n.childCount === 0,
          ...(children ? { children: build(children) } : {}),
        };
      });
    return build(roots.data?.items ?? []);
  }, [roots.data, levels, lang]);

  const loadData = useCallback(
    async (node: DataNode) => {
      if (node.children) return;
      const id = Number(node.key);
      try {
        const children = await fetchAllPages<GridNode>(`/api/grids${query({ parentId: id })}`);
        setLevels((prev) => new Map(prev).set(id, children));
      } catch (err) {
        message.error(errorText(err, lang));
      }
    },
    [lang, message],
  );

  const search = async (text: string) => {
    if (!text.trim()) return setResults(null);
    try {
      const page = await fetchApi<PageResult<GridNode>>(
        `/api/grids${query({ q: text.trim(), pageSize: 50 })}`,
      );
      setResults(page.items);
    } catch (err) {
      message.error(errorText(err, lang));
    }
  };

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={10} lg={8}>
        <Card size="small" title={t('menu.grids')}>
          <Input.Search
            placeholder={t('grids.searchPlaceholder')}
            allowClear
            onSearch={search}
            style={{ marginBottom: 12 }}
            data-testid="grid-search"
          />
          {roots.error && (
            <Alert type="error" showIcon title={errorText(roots.error, lang)} style={{ marginBottom: 12 }} />
          )}
          {results ? (
            <List
              size="small"
              dataSource={results}
              locale={{ emptyText: <Empty /> }}
              data-testid="grid-results"
              renderItem={(n) => (
                <List.Item onClick={() => select(n.id)} style={{ cursor: 'pointer' }}>
                  {n.name} <Typography.Text type="secondary">{n.code}</Typography.Text>
                </List.Item>
              )}
            />
          ) : (
            <Tree
              // Remounted when the tree is reloaded, so branches opened before load their children again.
              key={treeVersion}
              treeData={tree}
              loadData={loadData}
              selectedKeys={selected ? [selected] : []}
              onSelect={(keys) => keys[0] !== undefined && select(Number(keys[0]))}
              data-testid="grid-tree"
            />
          )}
        </Card>
      </Col>
      <Col xs={24} md={14} lg={16}>
        {selected ? (
          <NodePanel
            key={selected}
            id={selected}
            measure={measure}
            onMeasure={setMeasure}
            onSelect={select}
            // NodePanel has refreshed everything under /api/grids by now: open the levels afresh.
            onTreeChanged={() => {
              setLevels(new Map());
              setTreeVersion((v) => v + 1);
            }}
          />
        ) : roots.data?.items.length ? (
          <GridOverview roots={roots.data.items} measure={measure} onMeasure={setMeasure} onSelect={select} />
        ) : (
          !roots.isPending && <Empty description={t('grids.searchPlaceholder')} />
        )}
      </Col>
    </Row>
  );
}
