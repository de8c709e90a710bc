import type { Department, GridDepartment } from '@wangge/shared';
import { Select, Space, Typography } from 'antd';
import { api } from '../../core/api.ts';
import { useAction, useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** A grid's supervising department (主管部门, printed on its notice board): its own, or the one above. */
export function GridDepartmentField({ nodeId, editable }: { nodeId: number; editable: boolean }) {
  const { t } = useI18n();
  const url = `/api/grids/${nodeId}/department`;
  const current = useApi<GridDepartment>(url).data;
  const departments = useApi<Department[]>(editable ? '/api/departments' : null, { staleTime: 300_000 }).data;
  const save = useAction((departmentId: number | null) => api<GridDepartment>('PUT', url, { departmentId }), {
    invalidates: [url],
    success: t('common.saved'),
  });
  if (!current) return null;
  const inherited =
    current.effective && current.effective.fromNodeId !== nodeId
      ? t('duty.departmentInherited', { name: current.effective.fromNodeName })
      : null;
  return (
    <Space wrap style={{ marginBottom: 8 }} data-testid="grid-department">
      <Typography.Text type="secondary">{t('duty.department')}</Typography.Text>
      {editable ? (
        <Select
          size="small"
          style={{ minWidth: 200 }}
          allowClear
          showSearch
          optionFilterProp="label"
          loading={save.busy}
          value={current.own?.id ?? null}
          placeholder={current.effective ? current.effective.name : t('duty.departmentNone')}
          options={(departments ?? []).map((d) => ({ value: d.id, label: d.name }))}
          onChange={(v: number | undefined) => void save.run(v ?? null)}
          data-testid="grid-department-select"
        />
      ) : (
        <Typography.Text>{current.effective?.name ?? t('duty.departmentNone')}</Typography.Text>
      )}
      {inherited && <Typography.Text type="secondary">{inherited}</Typography.Text>}
    </Space>
  );
}
