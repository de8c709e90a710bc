import { gridKindLabel, type GridNode, type PageResult } from '@wangge/shared';
import { App, Card, Col, Descriptions, Empty, Input, List, Row, Tag, Tree, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import { useCallback, useEffect, useState } from 'react';
import { errorText, get, getAllPages, query } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';

interface Detail extends GridNode {
  ancestors: { id: number; name: string; kind: string }[];
}

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

export function GridsPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [tree, setTree] = useState<DataNode[]>([]);
  const [results, setResults] = useState<GridNode[] | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);

  useEffect(() => {
    get<PageResult<GridNode>>('/api/grids').then((r) => setTree(r.items.map((n) => toTreeNode(n, lang))));
  }, [lang]);

  const loadData = useCallback(
    async (node: DataNode) => {
      if (node.children) return;
      try {
        const children = await getAllPages<GridNode>(`/api/grids${query({ parentId: Number(node.key) })}`);
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

  const select = (id: number) =>
    get<Detail>(`/api/grids/${id}`)
      .then(setDetail)
      .catch((err) => message.error(errorText(err, lang)));

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
      <Col xs={24} md={12} lg={10}>
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
              renderItem={(n) => (
                <List.Item onClick={() => void select(n.id)} style={{ cursor: 'pointer' }}>
                  {n.name} <Typography.Text type="secondary">{n.code}</Typography.Text>
                </List.Item>
              )}
            />
          ) : (
            <Tree
              treeData={tree}
              loadData={loadData}
              onSelect={(keys) => keys[0] !== undefined && void select(Number(keys[0]))}
              data-testid="grid-tree"
            />
          )}
        </Card>
      </Col>
      <Col xs={24} md={12} lg={14}>
        {detail && (
          <Card size="small" title={detail.name} data-testid="grid-detail">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('grids.kind')}>
                <Tag>{gridKindLabel(detail.kind, lang)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t('grids.code')}>{detail.code ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('grids.path')}>
                {[...detail.ancestors.map((a) => a.name), detail.name].join(' / ')}
              </Descriptions.Item>
              <Descriptions.Item label={t('grids.children')}>{detail.childCount}</Descriptions.Item>
              {detail.lng !== null && detail.lat !== null && (
                <Descriptions.Item label={t('grids.center')}>
                  {detail.lng.toFixed(5)}, {detail.lat.toFixed(5)}
                </Descriptions.Item>
              )}
            </Descriptions>
          </Card>
        )}
      </Col>
    </Row>
  );
}
