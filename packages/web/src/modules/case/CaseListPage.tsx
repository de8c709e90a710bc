import { DownloadOutlined } from '@ant-design/icons';
import { CASE_CHANNELS, CASE_STATE_KEYS, CASE_STATES, URGENCIES } from '@wangge/shared';
import { Button, DatePicker, Input, Select, Tag, TreeSelect } from 'antd';
import dayjs from 'dayjs';
import { query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { ListPage, useListState } from '../../core/ListPage.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { GridPicker } from '../grid/GridPicker.tsx';
import { useCaseRows } from './CaseTable.tsx';
import { categoryTree, named, useCategories, useDepartments } from './shared.tsx';

const FILTERS = [
  'state',
  'categoryId',
  'gridId',
  'overdue',
  'urgency',
  'channel',
  'from',
  'to',
  'q',
  'sort',
  // Set by the links of the work dashboard; shown as tags to take off.
  'mine',
  'dueSoon',
  'late',
  'satisfied',
  'departmentId',
  'supervised',
] as const;

/** 事件列表: every case in scope, filtered; the filters live in the address so Back keeps them. */
export function CaseListPage() {
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const categories = useCategories();
  const list = useListState(FILTERS);
  const { filters, set } = list;
  const departments = useDepartments();
  const tags = [
    filters.mine === 'true' && { key: 'mine', label: t('case.filter.mine') },
    filters.dueSoon === 'true' && { key: 'dueSoon', label: t('case.filter.dueSoon') },
    filters.late && {
      key: 'late',
      label: t(filters.late === 'accept' ? 'case.filter.late.accept' : 'case.filter.late.feedback'),
    },
    filters.satisfied && {
      key: 'satisfied',
      label: t(filters.satisfied === 'true' ? 'case.filter.satisfied.true' : 'case.filter.satisfied.false'),
    },
    filters.departmentId && {
      key: 'departmentId',
      label: t('case.filter.department', {
        name:
          departments.find((d) => String(d.id) === filters.departmentId)?.name ?? `#${filters.departmentId}`,
      }),
    },
  ].filter((x): x is { key: (typeof FILTERS)[number]; label: string } => Boolean(x));
  const rows = useCaseRows();

  const exportUrl = `/api/cases/export${query(filters)}`;
  const states = filters.state ? filters.state.split(',') : [];

  return (
    <ListPage
      url="/api/cases"
      state={list}
      testId="case-table"
      {...rows}
      toolbar={
        can('case.export') && (
          <Button icon={<DownloadOutlined />} href={exportUrl} data-testid="case-export">
            {t('case.export')}
          </Button>
        )
      }
      filters={
        <>
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
            placeholder={t('case.channel')}
            value={filters.channel}
            onChange={(v) => set({ channel: v })}
            options={Object.keys(CASE_CHANNELS).map((c) => ({
              value: c,
              label: named(CASE_CHANNELS, c, lang),
            }))}
            data-testid="filter-channel"
          />
          <Select
            allowClear
            placeholder={t('sup.supervised')}
            value={filters.supervised}
            onChange={(v) => set({ supervised: v })}
            options={[
              { value: 'true', label: t('sup.filter.supervised') },
              { value: 'false', label: t('sup.filter.notSupervised') },
            ]}
            data-testid="filter-supervised"
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
            key={filters.q ?? ''}
            allowClear
            placeholder={t('case.searchPlaceholder')}
            defaultValue={filters.q}
            onSearch={(q) => set({ q: q.trim() })}
            data-testid="filter-q"
          />
          {tags.length > 0 && (
            <div data-testid="filter-tags">
              {tags.map((tag) => (
                <Tag key={tag.key} closable color="blue" onClose={() => set({ [tag.key]: null })}>
                  {tag.label}
                </Tag>
              ))}
            </div>
          )}
        </>
      }
    />
  );
}
