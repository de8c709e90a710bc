import { fetchAllPages } from '../../core/query.tsx';
import { gridKindLabel, type GridNode, type PageResult } from '@wangge/shared';
import { App, Card, Col, Empty, Input, List, Row, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorText, get, query } from '../../core/api.ts';
import { NodePanel } from './NodePanel.tsx';
import { useI18n } from '../../i18n/index.tsx';

function toTreeNode(n: GridNode, lang: 'zh' | 'en'): DataNode {
  return {
    key: n.id,
    title: (
      <span>
        {n.name} <Typography.Text type="secondary">{gridKindLabel(n.kind, lang)}</Typography.Text>
      </span>
    ),
    isLeaf: n.childCount === 0,
  };
}

function insertChildren(nodes: DataNode[], key: React.Key, children: DataNode[]): DataNode[] {
  return nodes.map((n) =>
    n.key === key
      ? { ...n, children }
      : n.children
        ? { ...n, children: insertChildren(n.children, key, children) }
        : n,
  );
}

/** The grid tree: browse or search on the left, the selected grid on the right (below on a phone). */
export function GridsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const selected = params.get('id') ? Number(params.get('id')) : null;
  const [tree, setTree] = useState<DataNode[]>([]);
  const [results, setResults] = useState<GridNode[] | null>(null);

  const select = useCallback((id: number) => setParams({ id: String(id) }), [setParams]);

  // Bumped when the tree's shape changes, to reload it from the top.
  const [treeVersion, setTreeVersion] = useState(0);
  useEffect(() => {
    get<PageResult<GridNode>>('/api/grids')
      .then((r) => setTree(r.items.map((n) => toTreeNode(n, lang))))
      .catch((err) => message.error(errorText(err, lang)));
  }, [lang, message, treeVersion]);

  const loadData = useCallback(
    async (node: DataNode) => {
      if (node.children) return;
      try {
        const children = await fetchAllPages<GridNode>(`/api/grids${query({ parentId: Number(node.key) })}`);
        setTree((prev) =>
          insertChildren(
            prev,
            node.key,
            children.map((n) => toTreeNode(n, lang)),
          ),
        );
      } catch (err) {
        message.error(errorText(err, lang));
      }
    },
    [lang, message],
  );

  const search = async (text: string) => {
    if (!text.trim()) return setResults(null);
    try {
      const page = await get<PageResult<GridNode>>(`/api/grids${query({ q: text.trim(), pageSize: 50 })}`);
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
            onSelect={select}
            onTreeChanged={() => setTreeVersion((v) => v + 1)}
          />
        ) : (
          <Empty description={t('grids.searchPlaceholder')} />
        )}
      </Col>
    </Row>
  );
}
