import { DownloadOutlined } from '@ant-design/icons';
import {
  CASE_STATE_KEYS,
  CASE_STATES,
  LIMITS,
  URGENCIES,
  type CaseSummary,
  type PageResult,
} from '@wangge/shared';
import { App, Button, Card, DatePicker, Input, Select, Space, TreeSelect } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { errorText, get, query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { CaseTable } from './CaseTable.tsx';
import { GridPicker } from '../grid/GridPicker.tsx';
import { categoryTree, named, useCategories } from './shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

const FILTERS = ['state', 'categoryId', 'gridId', 'overdue', 'urgency', 'from', 'to', 'q', 'sort'] as const;

/** 事件列表: every case in scope, filtered; the filters live in the address so Back keeps them. */
export function CaseListPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const [data, setData] = useState<PageResult<CaseSummary> | null>(null);
  const [text, setText] = useState(params.get('q') ?? '');

  const page = Number(params.get('page') ?? 1);
  const pageSize = Number(params.get('pageSize') ?? LIMITS.pageSizeDefault);
  const filters = useMemo(
    () => Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? undefined])),
    [params],
  );
  const search = query({ ...filters, page, pageSize });

  useEffect(() => {
    let live = true;
    setData(null);
    get<PageResult<CaseSummary>>(`/api/cases${search}`)
      .then((r) => live && setData(r))
      .catch((err) => {
        message.error(errorText(err, lang));
        if (live) setData({ items: [], total: 0, page: 1, pageSize });
      });
    return () => {
      live = false;
    };
  }, [search, lang, message, pageSize]);

  const set = (patch: Record<string, string | number | null | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };

  const exportUrl = `/api/cases/export${query(filters)}`;
  const states = filters.state ? filters.state.split(',') : [];

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Card size="small" data-testid="case-filters">
        <div className="wg-filters">
          <Select
            mode="multiple"
            allowClear
            maxTagCount="responsive"
            placeholder={t('case.state')}
            value={states}
            onChange={(v: string[]) => set({ state: v.join(',') })}
            options={CASE_STATE_KEYS.map((s) => ({ value: s, label: named(CASE_STATES, s, lang) }))}
            data-testid="filter-state"
          />
          <TreeSelect
            allowClear
            placeholder={t('case.category')}
            value={filters.categoryId ? Number(filters.categoryId) : undefined}
            onChange={(v) => set({ categoryId: v })}
            treeData={categoryTree(categories, lang, false)}
            showSearch={{ treeNodeFilterProp: 'title' }}
          />
          <GridPicker
            placeholder={t('case.gridSubtree')}
            value={filters.gridId ? Number(filters.gridId) : null}
            onChange={(v) => set({ gridId: v })}
          />
          <Select
            allowClear
            placeholder={t('case.overdue')}
            value={filters.overdue}
            onChange={(v) => set({ overdue: v })}
            options={[
              { value: 'any', label: t('overdue.any') },
              { value: 'accept', label: t('overdue.accept') },
              { value: 'feedback', label: t('overdue.feedback') },
              { value: 'visit', label: t('overdue.visit') },
            ]}
            data-testid="filter-overdue"
          />
          <Select
            allowClear
            placeholder={t('case.urgency')}
            value={filters.urgency}
            onChange={(v) => set({ urgency: v })}
            options={Object.keys(URGENCIES).map((u) => ({ value: u, label: named(URGENCIES, u, lang) }))}
          />
          <DatePicker.RangePicker
            value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
            onChange={(r) =>
              set({ from: r?.[0]?.format('YYYY-MM-DD') ?? null, to: r?.[1]?.format('YYYY-MM-DD') ?? null })
            }
            allowEmpty={[true, true]}
          />
          <Select
            placeholder={t('case.sort')}
            allowClear
            value={filters.sort}
            onChange={(v) => set({ sort: v })}
            options={[
              { value: 'reported', label: t('case.sort.reported') },
              { value: 'due', label: t('case.sort.due') },
              { value: 'updated', label: t('case.sort.updated') },
            ]}
          />
          <Input.Search
            allowClear
            placeholder={t('case.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onSearch={(q) => set({ q: q.trim() })}
            data-testid="filter-q"
          />
        </div>
        <Space wrap style={{ marginTop: 8 }}>
          <Button
            onClick={() => {
              setText('');
              setParams(new URLSearchParams(), { replace: true });
            }}
          >
            {t('common.reset')}
          </Button>
          {can('case.export') && (
            <Button icon={<DownloadOutlined />} href={exportUrl} data-testid="case-export">
              {t('case.export')}
            </Button>
          )}
        </Space>
      </Card>
      <CaseTable
        data={data}
        page={page}
        pageSize={pageSize}
        onPage={(p, s) => set({ page: p, pageSize: s })}
      />
    </Space>
  );
}
