import { fetchAllPages } from '../../core/query.tsx';
import type { GridNode, PageResult } from '@wangge/shared';
import { TreeSelect } from 'antd';
import { useEffect, useState } from 'react';
import { get, query } from '../../core/api.ts';

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
  const [options, setOptions] = useState<Option[]>([]);
  const [found, setFound] = useState<Option[] | null>(null);

  const add = (list: Option[]) =>
    setOptions((prev) => {
      const seen = new Map(prev.map((o) => [o.id, o]));
      for (const o of list) seen.set(o.id, { ...seen.get(o.id), ...o });
      return [...seen.values()];
    });

  useEffect(() => {
    get<PageResult<GridNode>>('/api/grids')
      .then((r) => add(r.items.map((n) => toOption(n, null))))
      .catch(() => undefined);
  }, []);

  // A value set from outside (a filter in the address) gets its name.
  useEffect(() => {
    if (value && !options.some((o) => o.id === value))
      get<GridNode>(`/api/grids/${value}`)
        .then((n) => add([toOption(n, null)]))
        .catch(() => undefined);
  }, [value, options]);

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
          get<PageResult<GridNode>>(`/api/grids${query({ q: text.trim(), pageSize: 30 })}`)
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
        add(kids.map((n) => toOption(n, id)));
      }}
      popupMatchSelectWidth={false}
      data-testid={testId}
    />
  );
}
