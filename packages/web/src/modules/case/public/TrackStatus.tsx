import { CheckCircleFilled, ClockCircleOutlined, TeamOutlined } from '@ant-design/icons';
import {
  CASE_RATINGS,
  FOLLOWER_CASE_STEPS,
  PUBLIC_CASE_STATES,
  PUBLIC_CASE_STEPS,
  type PublicCaseStatus,
  type PublicPhoto,
  type PublicStep,
} from '@wangge/shared';
import { Alert, Card, Descriptions, Divider, Empty, Image, Tag, Timeline, Typography } from 'antd';
import { useI18n } from '../../../i18n/index.tsx';
import { fmtTime, named, STATE_COLORS } from '../shared.tsx';
import { RateCard } from './RateCard.tsx';

/** A step in the citizen's words, in the UI language (the unit filled in). */
function stepName(s: PublicStep, lang: 'zh' | 'en', fallbackUnit: string, follower: boolean): string {
  const words =
    (follower ? (FOLLOWER_CASE_STEPS as Record<string, { zh: string; en: string }>)[s.step] : undefined) ??
    (PUBLIC_CASE_STEPS as Record<string, { zh: string; en: string }>)[s.step];
  return words ? words[lang].replace('{unit}', s.unit ?? fallbackUnit) : s.stepName;
}

function Photos({ photos, testId }: { photos: PublicPhoto[]; testId: string }) {
  if (!photos.length) return null;
  return (
    <div className="wg-track-photos" data-testid={testId}>
      <Image.PreviewGroup>
        {photos.map((p) => (
          <Image
            key={p.id}
            src={p.url}
            width={72}
            height={72}
            style={{ objectFit: 'cover', borderRadius: 6 }}
          />
        ))}
      </Image.PreviewGroup>
    </div>
  );
}

/**
 * The result of a look-up: the state in citizens' words, the unit in charge, the report, each
 * handling round with what was done (text and photos), and the rating and reopening.
 */
export function TrackStatus({
  status,
  code,
  onChanged,
}: {
  status: PublicCaseStatus;
  code: string;
  onChanged: (next: PublicCaseStatus) => void;
}) {
  const { t, lang } = useI18n();
  const rounds = status.rounds.filter((r, i) => r.steps.length > 0 || i === status.rounds.length - 1);
  const several = rounds.length > 1;
  const unitWord = t('citizen.unit');
  return (
    <Card
      size="small"
      className="wg-public-card"
      data-testid="track-result"
      title={<span style={{ whiteSpace: 'normal' }}>{status.number}</span>}
      extra={
        <Tag
          color={STATE_COLORS[status.state] ?? 'default'}
          data-testid="track-state"
          style={{ marginInlineEnd: 0 }}
        >
          {named(PUBLIC_CASE_STATES, status.state, lang)}
        </Tag>
      }
    >
      <Descriptions
        column={1}
        size="small"
        items={[
          {
            key: 'unit',
            label: unitWord,
            children: (
              <span data-testid="track-unit">
                {status.unit ?? <Typography.Text type="secondary">{t('citizen.unitNone')}</Typography.Text>}
              </span>
            ),
          },
          {
            key: 'category',
            label: t('case.category'),
            children: lang === 'zh' ? status.category : status.categoryEn,
          },
          ...(status.address ? [{ key: 'address', label: t('case.address'), children: status.address }] : []),
          { key: 'reported', label: t('public.reportedAt'), children: fmtTime(status.reportedAt) },
          { key: 'updated', label: t('public.updatedAt'), children: fmtTime(status.updatedAt) },
        ]}
      />
      {status.followers > 0 && (
        <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }} data-testid="track-followers">
          <TeamOutlined /> {t('citizen.followers', { n: status.followers })}
        </Typography.Paragraph>
      )}

      <Divider titlePlacement="start" plain style={{ margin: '12px 0 8px' }}>
        {status.viewer === 'reporter' ? t('citizen.yourReport') : t('citizen.report')}
      </Divider>
      <Typography.Paragraph
        style={{ whiteSpace: 'pre-wrap', marginBottom: 8 }}
        ellipsis={{ rows: 4, expandable: true }}
        data-testid="track-description"
      >
        {status.description}
      </Typography.Paragraph>
      <Photos photos={status.photos} testId="track-report-photos" />
      {status.viewer === 'follower' && (
        <Alert type="info" showIcon title={t('citizen.followerNote')} style={{ marginTop: 8 }} />
      )}

      <Divider titlePlacement="start" plain style={{ margin: '16px 0 8px' }}>
        {t('public.progress')}
      </Divider>
      <div data-testid="track-timeline">
        {rounds.every((r) => r.steps.length === 0) && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
        {rounds.map((round, ri) => {
          const last = ri === rounds.length - 1;
          return (
            <section key={round.round} data-testid="track-round" className="wg-track-round">
              {several && (
                <Typography.Text strong className="wg-track-round-title">
                  {t('citizen.round', { n: round.round })}
                </Typography.Text>
              )}
              {round.steps.length === 0 ? (
                <Typography.Paragraph type="secondary" style={{ margin: '4px 0 12px' }}>
                  <ClockCircleOutlined /> {named(PUBLIC_CASE_STATES, status.state, lang)}
                </Typography.Paragraph>
              ) : (
                <Timeline
                  style={{ marginTop: several ? 8 : 0 }}
                  items={round.steps.map((s, i) => ({
                    color:
                      last && i === round.steps.length - 1
                        ? status.closed
                          ? 'green'
                          : 'blue'
                        : s.step === 'visit_unsatisfied' || s.step === 'reopen'
                          ? 'red'
                          : 'gray',
                    content: (
                      <div data-testid="track-step" data-step={s.step}>
                        <Typography.Text strong>
                          {stepName(s, lang, unitWord, status.viewer === 'follower')}
                        </Typography.Text>{' '}
                        <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'nowrap' }}>
                          {fmtTime(s.at)}
                        </Typography.Text>
                        {s.rating && (
                          <div>
                            <Tag color={s.rating === 'unsatisfied' ? 'red' : 'green'}>
                              {named(CASE_RATINGS, s.rating, lang)}
                            </Tag>
                          </div>
                        )}
                        {s.text && (
                          <div
                            className={
                              s.step === 'feedback' || s.step === 'on_spot' ? 'wg-track-done' : undefined
                            }
                            data-testid={
                              s.step === 'feedback' || s.step === 'on_spot' ? 'track-feedback' : undefined
                            }
                          >
                            {(s.step === 'feedback' || s.step === 'on_spot') && (
                              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>
                                <CheckCircleFilled style={{ color: '#389e0d' }} /> {t('citizen.done')}
                              </Typography.Text>
                            )}
                            <div style={{ whiteSpace: 'pre-wrap' }}>{s.text}</div>
                          </div>
                        )}
                        <Photos photos={s.photos} testId="track-feedback-photos" />
                      </div>
                    ),
                  }))}
                />
              )}
            </section>
          );
        })}
      </div>
      {status.viewer === 'reporter' && <RateCard status={status} code={code} onChanged={onChanged} />}
    </Card>
  );
}
