import type { CaseDetail, CaseSummary } from '@wangge/shared';
import { Alert, Space, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/index.tsx';
import { fmtTime } from './shared.tsx';

/** What the case page shows of its supervision: 督办, urges, the officer, the assisting units. */
export function SupervisionPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useI18n();
  const { supervision, assists, assignee } = detail;
  if (!supervision && !assists.length && !assignee && !detail.urgeCount) return null;
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }} data-testid="supervision-panel">
      {supervision && (
        <Alert
          type="error"
          showIcon
          data-testid="supervision-alert"
          title={t('sup.supervisedBy', {
            by: supervision.by,
            at: fmtTime(supervision.at),
            note: supervision.note,
          })}
        />
      )}
      <Space wrap size={[12, 4]}>
        {detail.urgeCount > 0 && (
          <Typography.Text type="warning" data-testid="urge-count">
            {t('sup.urgeCount', { n: detail.urgeCount, at: fmtTime(detail.urgedAt) })}
          </Typography.Text>
        )}
        {assignee && (
          <Typography.Text data-testid="assignee">
            {t('sup.assignee')}：{assignee.name}
          </Typography.Text>
        )}
      </Space>
      {assists.length > 0 && (
        <Space wrap size={[6, 4]} data-testid="assists">
          <Typography.Text type="secondary">{t('sup.assists')}：</Typography.Text>
          {assists.map((a) => (
            <Tag
              key={a.departmentId}
              color={a.state === 'done' ? 'green' : 'orange'}
              title={a.note ?? undefined}
            >
              {a.departmentName} · {t(a.state === 'done' ? 'sup.assistDone' : 'sup.assistOpen')}
            </Tag>
          ))}
        </Space>
      )}
    </Space>
  );
}

/** A list row's marks: under supervision (督办), urged (催办 ×n). */
export function SupervisionTags({ c }: { c: CaseSummary }) {
  const { t } = useI18n();
  return (
    <>
      {c.supervised && (
        <Tag color="red" data-testid="supervised-tag">
          {t('sup.supervised')}
        </Tag>
      )}
      {c.urgeCount > 0 && (
        <Tag color="orange">
          {t('sup.do.urge')}×{c.urgeCount}
        </Tag>
      )}
    </>
  );
}
