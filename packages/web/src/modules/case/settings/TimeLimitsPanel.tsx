import { PlusOutlined } from '@ant-design/icons';
import {
  CASE_STAGE_KEYS,
  CASE_STAGES,
  URGENCIES,
  type CaseStage,
  type TimeLimit,
  type Urgency,
} from '@wangge/shared';
import {
  Alert,
  Button,
  Form,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  TreeSelect,
  Typography,
} from 'antd';
import { useMemo, useState } from 'react';
import { api, errorText } from '../../../core/api.ts';
import { useAction, useApi } from '../../../core/query.tsx';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { categoryName, categoryTree, named, spanText, useCategories, workingText } from '../shared.tsx';
import { useWorkdayMinutes } from './calendarApi.ts';

const URGENCY_KEYS = Object.keys(URGENCIES) as Urgency[];
const LIMITS = '/api/case-limits';

interface Values {
  amount: number;
  unit: number;
  natural: boolean;
}

interface Cell {
  categoryId: number | null;
  urgency: Urgency;
  stage: CaseStage;
  limit: TimeLimit | undefined;
}

/** 时限: working minutes per category (or the default) × urgency × stage, as a matrix. */
export function TimeLimitsPanel() {
  const { t, lang } = useI18n();
  const categories = useCategories();
  const dayMinutes = useWorkdayMinutes();
  const limitsQuery = useApi<TimeLimit[]>(LIMITS);
  const limits = limitsQuery.data;
  const [extraRows, setExtraRows] = useState<number[]>([]);
  const [adding, setAdding] = useState<number | null>(null);
  const [edit, setEdit] = useState<Cell | null>(null);
  const [form] = Form.useForm<Values>();
  const unit = Form.useWatch('unit', form);
  const natural = Form.useWatch('natural', form);
  const amount = Form.useWatch('amount', form);

  const { submit, busy, error, clearError } = useSubmit<Values>(form, {
    send: (v) =>
      api('PUT', LIMITS, {
        categoryId: edit!.categoryId,
        urgency: edit!.urgency,
        stage: edit!.stage,
        minutes: Math.round(v.amount * v.unit),
        natural: v.natural,
      }),
    invalidates: [LIMITS],
    success: t('common.saved'),
    onDone: () => setEdit(null),
  });
  const remove = useAction((id: number) => api('DELETE', `${LIMITS}/${id}`), {
    invalidates: [LIMITS],
    onDone: () => setEdit(null),
  });

  const rows = useMemo(() => {
    const ids = new Set<number>(extraRows);
    for (const l of limits ?? []) if (l.categoryId !== null) ids.add(l.categoryId);
    return [
      { key: 'default', categoryId: null as number | null },
      ...[...ids].map((id) => ({ key: String(id), categoryId: id as number | null })),
    ];
  }, [limits, extraRows]);

  const find = (categoryId: number | null, urgency: Urgency, stage: CaseStage) =>
    limits?.find((l) => l.categoryId === categoryId && l.urgency === urgency && l.stage === stage);

  const show = (l: TimeLimit) =>
    l.natural ? `${spanText(l.minutes, t)}（${t('limits.natural')}）` : workingText(l.minutes, dayMinutes, t);

  const open = (cell: Cell) => {
    const m = cell.limit?.minutes ?? 240;
    const natural = cell.limit?.natural ?? false;
    const day = natural ? 1440 : dayMinutes;
    const unit = m % day === 0 ? day : m % 60 === 0 ? 60 : 1;
    form.setFieldsValue({ amount: m / unit, unit, natural });
    clearError();
    setEdit(cell);
  };

  const categoryLabel = (id: number | null) => {
    if (id === null) return t('limits.default');
    const c = categories.find((x) => x.id === id);
    return c ? categoryName(c, lang) : `#${id}`;
  };

  const dayUnit = natural ? 1440 : dayMinutes;
  const preview = (amount ?? 0) * (unit ?? 1);

  return (
    <>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={t('limits.hint', { hours: Math.round((dayMinutes / 60) * 10) / 10 })}
      />
      {limitsQuery.error && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 12 }}
          title={errorText(limitsQuery.error, lang)}
        />
      )}
      <Space wrap style={{ marginBottom: 12 }}>
        <TreeSelect
          style={{ width: 240 }}
          placeholder={t('limits.pickCategory')}
          value={adding ?? undefined}
          onChange={(v) => setAdding(v ?? null)}
          treeData={categoryTree(categories, lang)}
          allowClear
        />
        <Button
          icon={<PlusOutlined />}
          disabled={adding === null}
          onClick={() => {
            if (adding !== null) setExtraRows((r) => [...r, adding]);
            setAdding(null);
          }}
        >
          {t('limits.addCategory')}
        </Button>
      </Space>
      <Table
        size="small"
        rowKey="key"
        loading={!limits && !limitsQuery.error}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 'max-content' }}
        data-testid="limits-table"
        columns={[
          {
            title: t('case.category'),
            key: 'category',
            fixed: 'left',
            render: (_, r) =>
              r.categoryId === null ? (
                <Tag color="blue">{categoryLabel(null)}</Tag>
              ) : (
                categoryLabel(r.categoryId)
              ),
          },
          ...URGENCY_KEYS.map((urgency) => ({
            title: named(URGENCIES, urgency, lang),
            key: urgency,
            children: CASE_STAGE_KEYS.map((stage) => ({
              title: named(CASE_STAGES, stage, lang),
              key: `${urgency}-${stage}`,
              render: (_: unknown, r: { categoryId: number | null }) => {
                const limit = find(r.categoryId, urgency, stage);
                return (
                  <a onClick={() => open({ categoryId: r.categoryId, urgency, stage, limit })}>
                    {limit ? (
                      <span style={{ whiteSpace: 'nowrap' }}>{show(limit)}</span>
                    ) : (
                      <Typography.Text type="secondary">{t('limits.inherited')}</Typography.Text>
                    )}
                  </a>
                );
              },
            })),
          })),
        ]}
      />
      <Modal
        open={edit !== null}
        title={
          edit
            ? `${categoryLabel(edit.categoryId)} · ${named(URGENCIES, edit.urgency, lang)} · ${named(CASE_STAGES, edit.stage, lang)}`
            : ''
        }
        onCancel={() => setEdit(null)}
        onOk={() => void submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        destroyOnHidden
        footer={(origin) => (
          <Space>
            {edit?.limit && edit.categoryId !== null && (
              <Popconfirm
                title={t('limits.removeConfirm')}
                onConfirm={() => edit.limit && remove.run(edit.limit.id)}
              >
                <Button danger>{t('limits.remove')}</Button>
              </Popconfirm>
            )}
            {origin}
          </Space>
        )}
      >
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          <Form.Item label={t('limits.limit')} required>
            <Space.Compact>
              <Form.Item name="amount" noStyle rules={[{ required: true }]}>
                <InputNumber min={0.1} max={100000} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="unit" noStyle>
                <Select
                  style={{ width: 120 }}
                  options={[
                    { value: 1, label: t('unit.minutes') },
                    { value: 60, label: t('unit.hours') },
                    { value: dayUnit, label: natural ? t('unit.days') : t('unit.workdays') },
                  ]}
                />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
          <Form.Item
            name="natural"
            label={t('limits.natural')}
            valuePropName="checked"
            extra={t('limits.naturalHint')}
          >
            <Switch
              onChange={(on) => {
                // Keep "days" meaning the right kind of day.
                const u = form.getFieldValue('unit');
                if (u === (on ? dayMinutes : 1440)) form.setFieldsValue({ unit: on ? 1440 : dayMinutes });
              }}
            />
          </Form.Item>
          {preview > 0 && (
            <Typography.Text type="secondary">
              = {Math.round(preview)} {t('unit.minutes')}
              {natural ? '' : ` = ${workingText(Math.round(preview), dayMinutes, t)}`}
            </Typography.Text>
          )}
        </Form>
      </Modal>
    </>
  );
}
