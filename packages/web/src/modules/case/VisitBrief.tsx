import { EyeOutlined, PhoneOutlined } from '@ant-design/icons';
import type { CaseDetail } from '@wangge/shared';
import { Button, Card, Input, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../core/api.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { useAction } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { PhotoStrip } from './DispatchBrief.tsx';
import { actorLabel, fmtTime } from './shared.tsx';

/** The steps whose note is the handling result a return visit checks. */
const FEEDBACK_ACTIONS = ['feedback', 'on_spot'];

/**
 * What the return visit is about: the handling unit's latest feedback (text and photos) and the
 * reporter to call, the phone masked until revealed with a reason (audited by the server).
 */
export function VisitBrief({ detail }: { detail: CaseDetail | undefined }) {
  const { t } = useI18n();
  const { can } = useAuth();
  const [phone, setPhone] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const reveal = useAction(
    () =>
      api<{ reporterPhone: string | null }>('POST', `/api/cases/${detail!.id}/reveal`, {
        reason: reason.trim() || t('visit.revealReasonDefault'),
      }),
    { onDone: (r) => setPhone(r.reporterPhone) },
  );
  if (!detail)
    return (
      <div style={{ padding: 12, textAlign: 'center' }}>
        <Spin size="small" />
      </div>
    );
  const feedback = [...detail.timeline].reverse().find((e) => FEEDBACK_ACTIONS.includes(e.action));
  const photos = feedback ? detail.photos.filter((p) => feedback.photoIds.includes(p.id)) : [];
  const shown = phone ?? detail.reporterPhoneMasked;
  return (
    <Space orientation="vertical" size={8} style={{ width: '100%', marginBottom: 12 }}>
      <Card size="small" title={t('visit.feedback')} data-testid="visit-feedback">
        {feedback ? (
          <Space orientation="vertical" size={4} style={{ width: '100%' }}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('visit.feedbackBy', {
                unit: feedback.departmentName ?? detail.departmentName ?? '—',
                who: actorLabel(feedback.actorName, t),
                at: fmtTime(feedback.at),
              })}
            </Typography.Text>
            <Typography.Paragraph
              style={{ margin: 0, whiteSpace: 'pre-wrap' }}
              ellipsis={{ rows: 5, expandable: true, symbol: '▾' }}
              data-testid="visit-feedback-note"
            >
              {feedback.note}
            </Typography.Paragraph>
            <PhotoStrip photos={photos} testId="visit-feedback-photos" />
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('visit.noFeedback')}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={t('visit.reporter')} data-testid="visit-reporter">
        <Space orientation="vertical" size={6} style={{ width: '100%' }}>
          <Space wrap size={[8, 4]}>
            <span>{detail.reporterName ?? '—'}</span>
            {shown ? (
              phone ? (
                <a href={`tel:${phone}`} data-testid="visit-phone">
                  <PhoneOutlined /> {phone}
                </a>
              ) : (
                <span data-testid="visit-phone">{shown}</span>
              )
            ) : (
              <Typography.Text type="secondary">{t('visit.noPhone')}</Typography.Text>
            )}
            {phone && (
              <Button
                size="small"
                type="primary"
                icon={<PhoneOutlined />}
                href={`tel:${phone}`}
                data-testid="visit-call"
              >
                {t('visit.call')}
              </Button>
            )}
          </Space>
          {detail.reporterPhoneMasked && !phone && can('case.party.reveal') && (
            <Space.Compact style={{ width: '100%' }}>
              <Input
                size="small"
                maxLength={200}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={`${t('visit.revealReason')}：${t('visit.revealReasonDefault')}`}
                data-testid="visit-reveal-reason"
              />
              <Button
                size="small"
                icon={<EyeOutlined />}
                loading={reveal.busy}
                onClick={() => void reveal.run()}
                data-testid="visit-reveal"
              >
                {t('visit.reveal')}
              </Button>
            </Space.Compact>
          )}
          {detail.reporterPhoneMasked && !phone && can('case.party.reveal') && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('visit.revealHint')}
            </Typography.Text>
          )}
        </Space>
      </Card>
    </Space>
  );
}
