import type { GridNode, PageResult } from '@wangge/shared';
import { TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import { query } from '../../core/api.ts';
import { fetchAllPages, fetchApi, useApi } from '../../core/query.tsx';

interface Option {
  id: number;
  pId: number | null;
  value: number;
  title: string;
  isLeaf: boolean;
}

const toOption = (n: GridNode, parent: number | null): Option => ({
  id: n.id,
  pId: parent,
  value: n.id,
  title: n.name,
  isLeaf: n.childCount === 0,
});

/** The options once each, a later one completing an earlier one of the same grid. */
function merge(list: Option[]): Option[] {
  const seen = new Map<number, Option>();
  for (const o of list) seen.set(o.id, { ...seen.get(o.id), ...o });
  return [...seen.values()];
}

/** One grid of the user's scope, from a lazily loaded tree, or found by name. */
export function GridPicker({
  value,
  onChange,
  placeholder,
  style,
  allowClear = true,
  testId = 'grid-picker',
}: {
  value?: number | null;
  onChange?: (id: number | null) => void;
  placeholder?: string;
  style?: React.CSSProperties;
  allowClear?: boolean;
  testId?: string;
}) {
  const roots = useApi<PageResult<GridNode>>('/api/grids').data;
  // Branches opened so far.
  const [opened, setOpened] = useState<Option[]>([]);
  const [found, setFound] = useState<Option[] | null>(null);

  const known = useMemo(
    () => merge([...(roots?.items ?? []).map((n) => toOption(n, null)), ...opened]),
    [roots, opened],
  );
  // A value set from outside (a filter in the address) gets its name.
  const missing = value && !known.some((o) => o.id === value) ? value : null;
  const named = useApi<GridNode>(missing ? `/api/grids/${missing}` : null).data;
  const options = named && named.id === missing ? merge([...known, toOption(named, null)]) : known;

  return (
    <TreeSelect
      treeDataSimpleMode
      allowClear={allowClear}
      placeholder={placeholder}
      style={style}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v === undefined || v === null ? null : Number(v))}
      treeData={found ?? options}
      showSearch={{
        filterTreeNode: false,
        onSearch: (text) => {
          if (!text.trim()) return setFound(null);
          fetchApi<PageResult<GridNode>>(`/api/grids${query({ q: text.trim(), pageSize: 30 })}`)
            .then((r) => setFound(r.items.map((n) => ({ ...toOption(n, null), isLeaf: true }))))
            .catch(() => undefined);
        },
      }}
      onOpenChange={(open) => {
        if (!open) setFound(null);
      }}
      loadData={async (node) => {
        const id = Number(node.value);
        const kids = await fetchAllPages<GridNode>(`/api/grids${query({ parentId: id })}`);
        setOpened((prev) => [...prev, ...kids.map((n) => toOption(n, id))]);
      }}
      popupMatchSelectWidth={false}
      data-testid={testId}
    />
  );
}
