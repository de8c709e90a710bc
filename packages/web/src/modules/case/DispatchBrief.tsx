import { CASE_CHANNELS, REPORTER_KINDS, type CaseDetail, type DispatchPreview } from '@wangge/shared';
import { Alert, Descriptions, Grid, Image, Space, Spin, Typography } from 'antd';
import dayjs from 'dayjs';
import { useI18n } from '../../i18n/index.tsx';
import { fmtTime, named, spanText, workingText } from './shared.tsx';
import { useWorkdayMinutes } from './settings/calendarApi.ts';

/** Thumbnails of some of a case's photos, opening the viewer. */
export function PhotoStrip({ photos, testId }: { photos: CaseDetail['photos']; testId: string }) {
  if (!photos.length) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={6} data-testid={testId}>
        {photos.map((p) => (
          <Image
            key={p.id}
            src={p.url}
            width={64}
            height={64}
            style={{ objectFit: 'cover', borderRadius: 4 }}
          />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/**
 * What the dispatcher decides on: the case as reported (description, place, photos, source), why
 * it came back if it did, and when acceptance will be due once dispatched.
 */
export function DispatchBrief({
  detail,
  preview,
}: {
  detail: CaseDetail | undefined;
  preview: DispatchPreview | undefined;
}) {
  const { t, lang } = useI18n();
  const workday = useWorkdayMinutes();
  const screens = Grid.useBreakpoint();
  if (!detail)
    return (
      <div style={{ padding: 12, textAlign: 'center' }}>
        <Spin size="small" /> <Typography.Text type="secondary">{t('dispatch.loading')}</Typography.Text>
      </div>
    );
  const [last, ...earlier] = preview?.returns ?? [];
  const reportPhotos = detail.photos.filter((p) => p.kind === 'report');
  const place = [detail.gridPath.map((g) => g.name).join(' › ') || detail.gridName, detail.address]
    .filter(Boolean)
    .join(' · ');
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%', marginBottom: 12 }}>
      {last && (
        <Alert
          type="error"
          showIcon
          data-testid="dispatch-returned"
          title={t('dispatch.returnedAlert', {
            unit: last.departmentName ?? last.by,
            at: fmtTime(last.at),
          })}
          description={
            <>
              <div data-testid="dispatch-returned-reason" style={{ whiteSpace: 'pre-wrap' }}>
                {t('dispatch.returnedReason', { reason: last.reason ?? '—' })}
              </div>
              {earlier.length > 0 && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('dispatch.returnedEarlier', {
                    n: earlier.length,
                    units: earlier.map((r) => r.departmentName ?? r.by).join('、'),
                  })}
                </Typography.Text>
              )}
            </>
          }
        />
      )}
      <Descriptions
        size="small"
        column={1}
        bordered
        // Labels above the values on a phone: side by side they leave the values no room.
        layout={screens.sm ? 'horizontal' : 'vertical'}
        title={<span style={{ fontSize: 14 }}>{t('dispatch.brief')}</span>}
        data-testid="dispatch-brief"
        styles={{ label: screens.sm ? { width: 120 } : {} }}
      >
        <Descriptions.Item label={t('case.description')}>
          <Typography.Paragraph
            style={{ margin: 0, whiteSpace: 'pre-wrap' }}
            ellipsis={{ rows: 4, expandable: true, symbol: '▾' }}
            data-testid="dispatch-description"
          >
            {detail.description}
          </Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('dispatch.place')}>
          <span data-testid="dispatch-place">{place}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('dispatch.source')}>
          <span data-testid="dispatch-source">
            {named(CASE_CHANNELS, detail.channel, lang)} · {named(REPORTER_KINDS, detail.reporterKind, lang)}
            {detail.reporterName ? ` · ${detail.reporterName}` : ''} · {fmtTime(detail.reportedAt)}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label={t('case.photos')}>
          {reportPhotos.length ? (
            <PhotoStrip photos={reportPhotos} testId="dispatch-photos" />
          ) : (
            <Typography.Text type="secondary">{t('dispatch.noPhotos')}</Typography.Text>
          )}
        </Descriptions.Item>
        {preview && (
          <Descriptions.Item label={t('dispatch.deadline')}>
            <span data-testid="dispatch-deadline">
              {t('dispatch.deadlineText', {
                due: dayjs(preview.acceptDueAt).format('YYYY-MM-DD ddd HH:mm'),
                span: preview.acceptLimit.natural
                  ? t('dispatch.deadlineNatural', { span: spanText(preview.acceptLimit.minutes, t) })
                  : t('dispatch.deadlineWorking', {
                      span: workingText(preview.acceptLimit.minutes, workday, t),
                    }),
              })}
            </span>
          </Descriptions.Item>
        )}
      </Descriptions>
    </Space>
  );
}
