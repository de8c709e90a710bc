import { PlusOutlined } from '@ant-design/icons';
import type { CaseCategory, CaseCategoryBody } from '@wangge/shared';
import {
  Alert,
  App,
  Button,
  Col,
  Form,
  Grid,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Row,
  Space,
  Switch,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, ApiError, errorText } from '../../../core/api.ts';
import { usePaginationBase } from '../../../core/ResponsiveTable.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { useInvalidate } from '../../../core/query.tsx';
import { categoryName, categoryTree, useCategories } from '../shared.tsx';

interface Node extends CaseCategory {
  children?: Node[];
}

interface Values {
  parentId?: number | null;
  code: string;
  name: string;
  nameEn?: string;
  sort?: number;
}

const CODE_PATTERN = /^[A-Z0-9_]{1,20}$/;

/** 事件分类: the category tree; new children, renames, moves, deactivation (never deletion). */
export function CategoriesPanel() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const screens = Grid.useBreakpoint();
  const base = usePaginationBase();
  const categories = useCategories();
  const invalidate = useInvalidate();
  const [showInactive, setShowInactive] = useState(false);
  const [editing, setEditing] = useState<{ category: CaseCategory | null; parentId: number | null } | null>(
    null,
  );
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  const tree = useMemo(() => {
    const list = showInactive ? categories : categories.filter((c) => c.active);
    const byParent = new Map<number | null, CaseCategory[]>();
    for (const c of list) byParent.set(c.parentId, [...(byParent.get(c.parentId) ?? []), c]);
    const build = (parent: number | null): Node[] =>
      (byParent.get(parent) ?? []).map((c) => {
        const children = build(c.id);
        return children.length ? { ...c, children } : { ...c };
      });
    return build(null);
  }, [categories, showInactive]);

  /** Active categories below this one (deactivating it deactivates them too). */
  const activeBelow = (id: number): CaseCategory[] => {
    const out: CaseCategory[] = [];
    const walk = (parent: number) => {
      for (const c of categories)
        if (c.parentId === parent) {
          if (c.active) out.push(c);
          walk(c.id);
        }
    };
    walk(id);
    return out;
  };

  const changed = () => void invalidate('/api/case-categories');

  const bodyOf = (c: CaseCategory, patch: Partial<CaseCategoryBody>): CaseCategoryBody => ({
    code: c.code,
    name: c.name,
    nameEn: c.nameEn,
    sort: c.sort,
    ...patch,
  });

  const open = (category: CaseCategory | null, parentId: number | null) => {
    form.resetFields();
    if (category)
      form.setFieldsValue({
        parentId: category.parentId,
        code: category.code,
        name: category.name,
        nameEn: category.nameEn,
        sort: category.sort,
      });
    else form.setFieldsValue({ parentId, sort: 0 });
    setEditing({ category, parentId });
  };

  const save = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    const body: CaseCategoryBody = {
      parentId: v.parentId ?? null,
      code: v.code.trim().toUpperCase(),
      name: v.name.trim(),
      nameEn: v.nameEn?.trim() ?? '',
      sort: v.sort ?? 0,
    };
    setBusy(true);
    try {
      if (editing.category) await api('PUT', `/api/case-categories/${editing.category.id}`, body);
      else await api('POST', '/api/case-categories', body);
      message.success(t('common.saved'));
      setEditing(null);
      changed();
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

  const setActive = async (c: CaseCategory, active: boolean) => {
    try {
      if (!active) {
        // Children first: a failure half-way leaves the parent (and so the tree) as it was.
        for (const child of activeBelow(c.id).reverse())
          await api('PUT', `/api/case-categories/${child.id}`, bodyOf(child, { active: false }));
      }
      await api('PUT', `/api/case-categories/${c.id}`, bodyOf(c, { active }));
      message.success(active ? t('categories.activated') : t('categories.deactivated'));
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      changed();
    }
  };

  // Moving under itself or a descendant is refused by the server; the picker does not offer it.
  const parentOptions = (self: number | null) => {
    const blocked = new Set<number>();
    if (self !== null) {
      blocked.add(self);
      const walk = (parent: number) => {
        for (const c of categories)
          if (c.parentId === parent) {
            blocked.add(c.id);
            walk(c.id);
          }
      };
      walk(self);
    }
    return categoryTree(
      categories.filter((c) => !blocked.has(c.id)),
      lang,
    );
  };

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('categories.hint')} />
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          onClick={() => open(null, null)}
          data-testid="category-create"
        >
          {t('categories.createTop')}
        </Button>
        <Space size={6}>
          <Switch
            size="small"
            checked={showInactive}
            onChange={setShowInactive}
            data-testid="category-show-inactive"
          />
          <Typography.Text>{t('categories.showInactive')}</Typography.Text>
        </Space>
      </Space>
      <Table<Node>
        // Remounted once the list is in, so that it opens fully expanded.
        key={categories.length ? 'loaded' : 'loading'}
        expandable={{ defaultExpandAllRows: true }}
        size="small"
        rowKey="id"
        dataSource={tree}
        loading={categories.length === 0}
        scroll={{ x: 'max-content' }}
        pagination={{ ...base, defaultPageSize: 20, hideOnSinglePage: true }}
        rowClassName={(c) => (c.active ? '' : 'wg-row-inactive')}
        data-testid="categories-table"
        columns={[
          {
            title: t('categories.name'),
            key: 'name',
            render: (_, c) => (
              <Space size={4} wrap>
                <span>{categoryName(c, lang)}</span>
                {!c.active && <Tag>{t('categories.inactive')}</Tag>}
                {!screens.md && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {c.code}
                  </Typography.Text>
                )}
              </Space>
            ),
          },
          ...(screens.md
            ? [
                {
                  title: lang === 'zh' ? t('categories.nameEn') : t('categories.nameZh'),
                  key: 'other',
                  render: (_: unknown, c: Node) => (lang === 'zh' ? c.nameEn || '—' : c.name),
                },
                {
                  title: t('categories.code'),
                  key: 'code',
                  render: (_: unknown, c: Node) => <code>{c.code}</code>,
                },
                { title: t('categories.sort'), key: 'sort', render: (_: unknown, c: Node) => c.sort },
              ]
            : []),
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, c) => (
              <Space size={4} wrap>
                {c.active && (
                  <Button
                    size="small"
                    type="link"
                    onClick={() => open(null, c.id)}
                    data-testid="category-add-child"
                  >
                    {t('categories.addChild')}
                  </Button>
                )}
                <Button
                  size="small"
                  type="link"
                  onClick={() => open(c, c.parentId)}
                  data-testid="category-edit"
                >
                  {t('common.edit')}
                </Button>
                {c.active ? (
                  <Popconfirm
                    title={t('categories.deactivateConfirm')}
                    description={
                      activeBelow(c.id).length
                        ? t('categories.deactivateChildren', { n: activeBelow(c.id).length })
                        : undefined
                    }
                    onConfirm={() => void setActive(c, false)}
                  >
                    <Button size="small" type="link" danger data-testid="category-deactivate">
                      {t('categories.deactivate')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Button size="small" type="link" onClick={() => void setActive(c, true)}>
                    {t('categories.activate')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />

      <Modal
        open={editing !== null}
        title={editing?.category ? t('categories.edit') : t('categories.create')}
        onCancel={() => setEditing(null)}
        onOk={() => void save()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="parentId" label={t('categories.parent')}>
            <TreeSelect
              allowClear
              treeData={parentOptions(editing?.category?.id ?? null)}
              placeholder={t('categories.topLevel')}
              showSearch={{ treeNodeFilterProp: 'title' }}
            />
          </Form.Item>
          <Row gutter={12}>
            <Col xs={24} sm={12}>
              <Form.Item
                name="name"
                label={t('categories.nameZh')}
                rules={[{ required: true, whitespace: true, max: 30 }]}
              >
                <Input maxLength={30} data-testid="category-name" />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Form.Item name="nameEn" label={t('categories.nameEn')} rules={[{ max: 60 }]}>
                <Input maxLength={60} />
              </Form.Item>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col xs={14}>
              <Form.Item
                name="code"
                label={t('categories.code')}
                normalize={(v?: string) => v?.toUpperCase()}
                rules={[{ required: true }, { pattern: CODE_PATTERN, message: t('categories.codeFormat') }]}
                extra={t('categories.codeHint')}
              >
                <Input maxLength={20} data-testid="category-code" />
              </Form.Item>
            </Col>
            <Col xs={10}>
              <Form.Item name="sort" label={t('categories.sort')}>
                <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Modal>
    </Space>
  );
}
