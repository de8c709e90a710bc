import type { GridHistory } from '@wangge/shared';
import { Alert, Empty, Space, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { errorText } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';

type Event = GridHistory['events'][number];
type Facts = Record<string, unknown> | null;

const KINDS = ['create', 'rename', 'move', 'recode', 'split', 'merge', 'close', 'geometry', 'import'];

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/** What changed, in words: "甲村 → 甲社区", a code, the coordinate system of an outline. */
function useChangeText(): (e: Event) => string | null {
  const { t } = useI18n();
  return (e) => {
    const before = (e.before ?? null) as Facts;
    const after = (e.after ?? null) as Facts;
    switch (e.kind) {
      case 'create':
        if (before?.splitFrom) return t('grids.event.splitFrom');
        if (before?.mergedFrom) return t('grids.event.mergedFrom');
        return [text(after?.name), text(after?.code)].filter(Boolean).join(' · ') || null;
      case 'rename':
        return `${text(before?.name) ?? '—'} → ${text(after?.name) ?? '—'}`;
      case 'recode':
        return `${text(before?.code) ?? '—'} → ${text(after?.code) ?? '—'}`;
      case 'geometry':
        return text(after?.source) ? t('grids.event.polygonSource', { crs: text(after?.source)! }) : null;
      case 'close':
      case 'split':
      case 'merge':
        return [text(before?.name), text(before?.code)].filter(Boolean).join(' · ') || null;
      default:
        return null;
    }
  };
}

/**
 * A grid's history: its recorded changes, newest first, and the grids it came from or went into
 * (split, merge), each a link; says so plainly when nothing was recorded.
 */
export function NodeHistory({ id, onSelect }: { id: number; onSelect: (id: number) => void }) {
  const { t, lang } = useI18n();
  const history = useApi<GridHistory>(`/api/grids/${id}/history`);
  const change = useChangeText();
  if (history.error) return <Alert type="error" showIcon title={errorText(history.error, lang)} />;
  const h = history.data;
  if (!h) return null;
  const lineage = h.predecessors.length > 0 || h.successors.length > 0;
  if (h.events.length === 0 && !lineage)
    return (
      <Empty
        description={t('grids.noHistory')}
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        data-testid="grid-history-empty"
      />
    );
  const kindLabel = (kind: string) => (KINDS.includes(kind) ? t(`grids.event.${kind}` as MessageKey) : kind);
  return (
    <div data-testid="grid-history">
      {lineage && (
        <Space wrap style={{ marginBottom: 12 }}>
          {h.predecessors.map((p) => (
            <Tag key={`p${p.id}`} color="purple" onClick={() => onSelect(p.id)} style={{ cursor: 'pointer' }}>
              ← {p.name}（{kindLabel(p.kind)} {p.effectiveDate}）
            </Tag>
          ))}
          {h.successors.map((s) => (
            <Tag
              key={`s${s.id}`}
              color="geekblue"
              onClick={() => onSelect(s.id)}
              style={{ cursor: 'pointer' }}
            >
              → {s.name}（{kindLabel(s.kind)} {s.effectiveDate}）
            </Tag>
          ))}
        </Space>
      )}
      <Timeline
        items={[...h.events].reverse().map((e) => {
          const what = change(e);
          return {
            key: e.id,
            color: e.kind === 'close' ? 'red' : 'blue',
            children: (
              <div data-testid="grid-history-entry">
                <Typography.Text strong>{e.effectiveDate}</Typography.Text> <Tag>{kindLabel(e.kind)}</Tag>
                {what && <Typography.Text>{what}</Typography.Text>}
                {e.note && <div>{e.note}</div>}
                <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                  {t('grids.event.recorded', { at: dayjs(e.at).format('YYYY-MM-DD HH:mm') })}
                </Typography.Text>
              </div>
            ),
          };
        })}
      />
    </div>
  );
}
