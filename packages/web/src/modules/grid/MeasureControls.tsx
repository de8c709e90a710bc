import type { GridMeasureItem, GridMeasureKey } from '@wangge/shared';
import { useQuery } from '@tanstack/react-query';
import { Segmented } from 'antd';
import { query } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { apiKey, fetchAllPages } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { MEASURE_PERMISSION } from './measure.ts';

/** The measures the signed-in user may colour the map by. */
export function useMeasureChoices(): GridMeasureKey[] {
  const { can } = useAuth();
  return (Object.keys(MEASURE_PERMISSION) as GridMeasureKey[]).filter((m) => can(MEASURE_PERMISSION[m]));
}

/** Plain, or coloured by one of the measures the user may read. */
export function MeasureSwitch({
  value,
  onChange,
}: {
  value: GridMeasureKey | null;
  onChange: (measure: GridMeasureKey | null) => void;
}) {
  const { t } = useI18n();
  const choices = useMeasureChoices();
  if (choices.length === 0) return null;
  return (
    <Segmented<string>
      size="small"
      value={value ?? 'none'}
      onChange={(v) => onChange(v === 'none' ? null : (v as GridMeasureKey))}
      options={[
        { value: 'none', label: t('grids.measure.none') },
        ...choices.map((m) => ({ value: m, label: t(`grids.measure.${m}`) })),
      ]}
      data-testid="measure-switch"
    />
  );
}

/**
 * The measure's value for the children of each of `parents` (`null`: the roots of the user's
 * scope), all pages, merged into one map; `null` while there is no measure or it loads.
 */
export function useMeasureValues(
  measure: GridMeasureKey | null,
  parents: (number | null)[],
): { values: ReadonlyMap<number, number> | null; error: Error | null } {
  const urls = measure
    ? parents.map((p) => `/api/grids/measures${query({ measure, ...(p ? { parentId: p } : {}) })}`)
    : [];
  const result = useQuery({
    queryKey: ['api', 'grids', 'measures', ...urls.map((u) => apiKey(u).at(-1)!)],
    queryFn: async () => {
      const pages = await Promise.all(urls.map((u) => fetchAllPages<GridMeasureItem>(u)));
      return new Map(pages.flat().map((i) => [i.id, i.value]));
    },
    enabled: urls.length > 0,
  });
  return { values: measure ? (result.data ?? null) : null, error: result.error };
}
