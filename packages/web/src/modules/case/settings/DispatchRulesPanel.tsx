import { ExperimentOutlined, HistoryOutlined, PlusOutlined } from '@ant-design/icons';
import {
  LIMITS,
  type DispatchRule,
  type DispatchRuleBody,
  type DispatchRuleChange,
  type DryRunResult,
  type PageResult,
} from '@wangge/shared';
import {
  Alert,
  Button,
  Card,
  Col,
  Drawer,
  Empty,
  Form,
  Grid,
  Input,
  InputNumber,
  List,
  Modal,
  Popconfirm,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, errorText, query } from '../../../core/api.ts';
import { useAction, useApi } from '../../../core/query.tsx';
import { ResponsiveTable, usePaginationBase, type RColumn } from '../../../core/ResponsiveTable.tsx';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { GridPicker } from '../../grid/GridPicker.tsx';
import { categoryTree, fmtTime, useCategories, useDepartments } from '../shared.tsx';

interface RuleValues {
  categoryId?: number | null;
  gridId?: number | null;
  departmentId: number;
  priority: number;
  active: boolean;
  note?: string;
}

const RULES = '/api/dispatch-rules';

/** The fields of a rule a change can touch, in the order they are shown. */
const RULE_FIELDS = ['categoryName', 'gridName', 'departmentName', 'priority', 'active', 'note'] as const;

/** 分流规则: category (subtree) × grid (subtree) → department, with priorities, history and a dry run. */
export function DispatchRulesPanel() {
  const { t, lang } = useI18n();
  const categories = useCategories();
  const departments = useDepartments();
  const rulesQuery = useApi<DispatchRule[]>(RULES);
  const rules = rulesQuery.data;
  const [filter, setFilter] = useState<{ departmentId?: number; text: string }>({ text: '' });
  const [editing, setEditing] = useState<DispatchRule | 'new' | null>(null);
  const [history, setHistory] = useState<{ ruleId: number | null } | null>(null);
  const [form] = Form.useForm<RuleValues>();

  const shown = useMemo(() => {
    const text = filter.text.trim().toLowerCase();
    return (rules ?? []).filter(
      (r) =>
        (!filter.departmentId || r.departmentId === filter.departmentId) &&
        (!text ||
          [r.categoryName, r.gridName, r.departmentName, r.note].some((v) =>
            v?.toLowerCase().includes(text),
          )),
    );
  }, [rules, filter]);

  const save = useSubmit<RuleValues>(form, {
    send: (v) => {
      const body: DispatchRuleBody = {
        categoryId: v.categoryId ?? null,
        gridId: v.gridId ?? null,
        departmentId: v.departmentId,
        priority: v.priority,
        active: v.active,
        note: v.note?.trim() || null,
      };
      return editing && editing !== 'new'
        ? api('PUT', `${RULES}/${editing.id}`, body)
        : api('POST', RULES, body);
    },
    invalidates: [RULES],
    success: t('common.saved'),
    onDone: () => setEditing(null),
  });
  const { clearError } = save;

  const open = (rule: DispatchRule | 'new') => {
    form.resetFields();
    if (rule === 'new') form.setFieldsValue({ priority: 100, active: true });
    else
      form.setFieldsValue({
        categoryId: rule.categoryId,
        gridId: rule.gridId,
        departmentId: rule.departmentId,
        priority: rule.priority,
        active: rule.active,
        note: rule.note ?? '',
      });
    clearError();
    setEditing(rule);
  };

  const remove = useAction((rule: DispatchRule) => api('DELETE', `${RULES}/${rule.id}`), {
    invalidates: [RULES],
    success: t('rules.deleted'),
  });

  const columns: RColumn<DispatchRule>[] = [
    {
      key: 'priority',
      title: t('rules.priority'),
      phone: 'head',
      render: (r) => (
        <Space size={4}>
          <Tag color="blue">{t('rules.priorityShort', { n: r.priority })}</Tag>
          {!r.active && <Tag>{t('rules.inactive')}</Tag>}
        </Space>
      ),
    },
    {
      key: 'category',
      title: t('case.category'),
      render: (r) =>
        r.categoryName ?? <Typography.Text type="secondary">{t('rules.anyCategory')}</Typography.Text>,
    },
    {
      key: 'grid',
      title: t('rules.grid'),
      render: (r) => r.gridName ?? <Typography.Text type="secondary">{t('rules.anyGrid')}</Typography.Text>,
    },
    { key: 'department', title: t('rules.department'), render: (r) => <strong>{r.departmentName}</strong> },
    {
      key: 'note',
      title: t('case.note'),
      responsive: ['lg'],
      render: (r) => (
        <Typography.Text ellipsis style={{ maxWidth: 220 }} title={r.note ?? undefined}>
          {r.note ?? '—'}
        </Typography.Text>
      ),
    },
    {
      key: 'updatedAt',
      title: t('rules.updatedAt'),
      responsive: ['xl'],
      render: (r) => fmtTime(r.updatedAt),
    },
    {
      key: 'actions',
      title: t('common.actions'),
      phone: 'actions',
      render: (r) => (
        <Space size={4} wrap>
          <Button size="small" onClick={() => open(r)} data-testid="rule-edit">
            {t('common.edit')}
          </Button>
          <Button size="small" icon={<HistoryOutlined />} onClick={() => setHistory({ ruleId: r.id })}>
            {t('rules.history')}
          </Button>
          <Popconfirm title={t('rules.deleteConfirm')} onConfirm={() => remove.run(r)}>
            <Button size="small" danger data-testid="rule-delete">
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Alert type="info" showIcon title={t('rules.hint')} />
      {rulesQuery.error && <Alert type="error" showIcon title={errorText(rulesQuery.error, lang)} />}
      <div className="wg-filters">
        <Select
          allowClear
          placeholder={t('rules.department')}
          value={filter.departmentId}
          onChange={(v?: number) => setFilter((f) => ({ ...f, departmentId: v }))}
          options={departments.map((d) => ({ value: d.id, label: d.name }))}
          showSearch={{ optionFilterProp: 'label' }}
        />
        <Input.Search
          allowClear
          placeholder={t('rules.searchPlaceholder')}
          onSearch={(text) => setFilter((f) => ({ ...f, text }))}
        />
      </div>
      <Space wrap>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="rule-create">
          {t('rules.create')}
        </Button>
        <Button
          icon={<HistoryOutlined />}
          onClick={() => setHistory({ ruleId: null })}
          data-testid="rule-history"
        >
          {t('rules.historyAll')}
        </Button>
      </Space>
      <ResponsiveTable<DispatchRule>
        rows={rules ? shown : rulesQuery.error ? [] : undefined}
        loading={!rules && !rulesQuery.error}
        rowKey={(r) => r.id}
        columns={columns}
        rowClassName={(r) => (r.active ? '' : 'wg-row-inactive')}
        testId="rules-table"
      />
      <DryRun />

      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('rules.create') : t('rules.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => void save.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={save.busy}
        destroyOnHidden
      >
        {save.error && <Alert type="error" showIcon title={save.error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="categoryId" label={t('case.category')} extra={t('rules.categoryHint')}>
            <TreeSelect
              allowClear
              treeData={categoryTree(categories, lang, false)}
              showSearch={{ treeNodeFilterProp: 'title' }}
              placeholder={t('rules.anyCategory')}
              data-testid="rule-category"
            />
          </Form.Item>
          <Form.Item name="gridId" label={t('rules.grid')} extra={t('rules.gridHint')}>
            <GridPicker placeholder={t('rules.anyGrid')} style={{ width: '100%' }} testId="rule-grid" />
          </Form.Item>
          <Form.Item name="departmentId" label={t('rules.department')} rules={[{ required: true }]}>
            <Select
              showSearch={{ optionFilterProp: 'label' }}
              options={departments.map((d) => ({ value: d.id, label: d.name }))}
              data-testid="rule-department"
            />
          </Form.Item>
          <Row gutter={12}>
            <Col span={14}>
              <Form.Item
                name="priority"
                label={t('rules.priority')}
                extra={t('rules.priorityHint')}
                rules={[{ required: true }]}
              >
                <InputNumber min={0} max={9999} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="active" label={t('rules.active')} valuePropName="checked">
                <Switch />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="note" label={t('case.note')}>
            <Input.TextArea rows={2} maxLength={LIMITS.noteMax} showCount />
          </Form.Item>
        </Form>
      </Modal>

      {history && (
        <RuleHistory
          key={history.ruleId ?? 'all'}
          ruleId={history.ruleId}
          rules={rules ?? []}
          onClose={() => setHistory(null)}
        />
      )}
    </Space>
  );
}

interface DryRunValues {
  categoryId: number;
  gridId?: number | null;
  lng?: number;
  lat?: number;
}

/** "谁会收到？": the department a new case of this category, in this grid or at this point, would go to. */
function DryRun() {
  const { t, lang } = useI18n();
  const categories = useCategories();
  const [form] = Form.useForm<DryRunValues>();
  // The question asked (null until the first run); the answer comes through the cache.
  const [asked, setAsked] = useState<string | null>(null);
  const answer = useApi<DryRunResult>(asked, { keepPrevious: true });
  const result = answer.error ? null : (answer.data ?? null);

  const run = (v: DryRunValues) => {
    const point = v.gridId ? {} : { lng: v.lng ?? undefined, lat: v.lat ?? undefined };
    const url = `${RULES}/dry-run${query({ categoryId: v.categoryId, gridId: v.gridId ?? undefined, ...point })}`;
    // The same question again asks the server again (as the button always did).
    if (url === asked) void answer.refetch();
    else setAsked(url);
  };

  const winner = result?.matches[0];
  let verdict: { type: 'success' | 'warning' | 'info'; text: string } | null = null;
  if (result) {
    if (!winner) verdict = { type: 'warning', text: t('dryrun.noMatch') };
    else if (!result.autoDispatch)
      verdict = { type: 'info', text: t('dryrun.manual', { department: winner.departmentName }) };
    else verdict = { type: 'success', text: t('dryrun.auto', { department: result.departmentName ?? '' }) };
  }

  return (
    <Card
      size="small"
      title={
        <Space>
          <ExperimentOutlined />
          {t('dryrun.title')}
        </Space>
      }
      data-testid="dry-run"
    >
      <Form form={form} layout="vertical" onFinish={run}>
        <Row gutter={12}>
          <Col xs={24} md={8}>
            <Form.Item name="categoryId" label={t('case.category')} rules={[{ required: true }]}>
              <TreeSelect
                treeData={categoryTree(categories, lang)}
                showSearch={{ treeNodeFilterProp: 'title' }}
                placeholder={t('report.pickCategory')}
                data-testid="dryrun-category"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="gridId" label={t('rules.grid')}>
              <GridPicker
                placeholder={t('dryrun.gridPlaceholder')}
                style={{ width: '100%' }}
                testId="dryrun-grid"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item label={t('dryrun.point')} extra={t('dryrun.pointHint')}>
              <Space.Compact style={{ width: '100%' }}>
                <Form.Item name="lng" noStyle>
                  <InputNumber
                    min={-180}
                    max={180}
                    step={0.0001}
                    placeholder={t('dryrun.lng')}
                    style={{ width: '50%' }}
                  />
                </Form.Item>
                <Form.Item name="lat" noStyle>
                  <InputNumber
                    min={-90}
                    max={90}
                    step={0.0001}
                    placeholder={t('dryrun.lat')}
                    style={{ width: '50%' }}
                  />
                </Form.Item>
              </Space.Compact>
            </Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={answer.isFetching} data-testid="dryrun-run">
          {t('dryrun.run')}
        </Button>
      </Form>
      {answer.error && (
        <Alert type="error" showIcon title={errorText(answer.error, lang)} style={{ marginTop: 12 }} />
      )}
      {result && verdict && (
        <div style={{ marginTop: 12 }} data-testid="dryrun-result">
          <Alert
            type={verdict.type}
            showIcon
            title={verdict.text}
            description={
              result.gridName
                ? t('dryrun.grid', { grid: result.gridName })
                : result.gridId === null
                  ? t('dryrun.noGrid')
                  : undefined
            }
          />
          {result.matches.length > 0 && (
            <List
              size="small"
              style={{ marginTop: 8 }}
              header={
                <Typography.Text type="secondary">
                  {t('dryrun.matches', { n: result.matches.length })}
                </Typography.Text>
              }
              dataSource={result.matches}
              renderItem={(r, i) => (
                <List.Item>
                  <Space wrap size={4}>
                    {i === 0 ? <Tag color="green">{t('dryrun.winner')}</Tag> : <Tag>{i + 1}</Tag>}
                    <Tag color="blue">{t('rules.priorityShort', { n: r.priority })}</Tag>
                    <span>
                      {r.categoryName ?? t('rules.anyCategory')} × {r.gridName ?? t('rules.anyGrid')} →{' '}
                      <strong>{r.departmentName}</strong>
                    </span>
                  </Space>
                </List.Item>
              )}
            />
          )}
        </div>
      )}
    </Card>
  );
}

/** The change history of the rules (or one rule), newest first, paged by the server. */
function RuleHistory({
  ruleId,
  rules,
  onClose,
}: {
  ruleId: number | null;
  rules: DispatchRule[];
  onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const screens = Grid.useBreakpoint();
  const base = usePaginationBase();
  const [page, setPage] = useState({ page: 1, pageSize: 10 });
  const history = useApi<PageResult<DispatchRuleChange>>(
    `${RULES}/history${query({ ruleId: ruleId ?? undefined, ...page })}`,
  );
  const data = history.data;
  const error = history.error ? errorText(history.error, lang) : null;

  const fieldLabel: Record<(typeof RULE_FIELDS)[number], string> = {
    categoryName: t('case.category'),
    gridName: t('rules.grid'),
    departmentName: t('rules.department'),
    priority: t('rules.priority'),
    active: t('rules.active'),
    note: t('case.note'),
  };
  const show = (field: (typeof RULE_FIELDS)[number], value: unknown): string => {
    if (field === 'active') return value ? t('common.yes') : t('common.no');
    if (value === null || value === undefined || value === '')
      return field === 'categoryName'
        ? t('rules.anyCategory')
        : field === 'gridName'
          ? t('rules.anyGrid')
          : '—';
    return String(value);
  };
  const asRule = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : null);
  const ruleTitle = ruleId === null ? null : rules.find((r) => r.id === ruleId);

  return (
    <Drawer
      open
      onClose={onClose}
      width={screens.md ? 560 : '100%'}
      title={
        ruleTitle
          ? t('rules.historyOf', { department: ruleTitle.departmentName, n: ruleTitle.priority })
          : t('rules.historyAll')
      }
      data-testid="rule-history-drawer"
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <List<DispatchRuleChange>
        loading={!data && !error}
        dataSource={data?.items ?? []}
        locale={{
          emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('rules.noHistory')} />,
        }}
        pagination={
          data && data.total > page.pageSize
            ? {
                ...base,
                current: page.page,
                pageSize: page.pageSize,
                total: data.total,
                onChange: (p, s) => setPage({ page: p, pageSize: s }),
                align: 'center',
              }
            : false
        }
        renderItem={(c) => {
          const before = asRule(c.before);
          const after = asRule(c.after);
          const changed =
            c.action === 'update' && before && after
              ? RULE_FIELDS.filter(
                  (f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null),
                )
              : [];
          const whole = after ?? before;
          return (
            <List.Item key={c.id}>
              <div style={{ width: '100%' }}>
                <Space wrap size={4}>
                  <Tag color={c.action === 'create' ? 'green' : c.action === 'delete' ? 'red' : 'blue'}>
                    {t(`rules.action.${c.action}`)}
                  </Tag>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    #{c.ruleId} · {c.actorName} · {fmtTime(c.at)}
                  </Typography.Text>
                </Space>
                {c.action === 'update' ? (
                  changed.length ? (
                    changed.map((f) => (
                      <div key={f} style={{ fontSize: 13 }}>
                        {fieldLabel[f]}：<Typography.Text delete>{show(f, before?.[f])}</Typography.Text> →{' '}
                        <strong>{show(f, after?.[f])}</strong>
                      </div>
                    ))
                  ) : (
                    <div style={{ fontSize: 13 }}>{t('rules.noFieldChange')}</div>
                  )
                ) : whole ? (
                  <div style={{ fontSize: 13 }}>
                    {show('categoryName', whole.categoryName)} × {show('gridName', whole.gridName)} →{' '}
                    <strong>{show('departmentName', whole.departmentName)}</strong>（
                    {t('rules.priorityShort', { n: show('priority', whole.priority) })}）
                  </div>
                ) : null}
              </div>
            </List.Item>
          );
        }}
      />
    </Drawer>
  );
}
