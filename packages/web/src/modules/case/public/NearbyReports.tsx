import { CheckCircleFilled, EnvironmentOutlined, LikeOutlined, TeamOutlined } from '@ant-design/icons';
import { PUBLIC_CASE_STATES, type PublicFollowReceipt, type PublicNearbyCase } from '@wangge/shared';
import { Alert, Button, Card, List, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { api, query } from '../../../core/api.ts';
import { useAction, useApi } from '../../../core/query.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { fmtTime, named } from '../shared.tsx';
import { saveReceipt } from './PublicShell.tsx';

/**
 * 附近已有人反映: open reports of the chosen category near the chosen point, before the citizen
 * submits; "我也遇到了" follows one of them instead (a +1 on it, a read-only code to track it).
 */
export function NearbyReports({
  categoryId,
  point,
}: {
  categoryId: number | undefined;
  point: { lng: number; lat: number } | null | undefined;
}) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [followed, setFollowed] = useState<PublicFollowReceipt | null>(null);
  const nearby = useApi<PublicNearbyCase[]>(
    categoryId && point
      ? `/api/public/cases/nearby${query({
          categoryId,
          lng: point.lng.toFixed(6),
          lat: point.lat.toFixed(6),
        })}`
      : null,
    { staleTime: 30_000 },
  );
  const follow = useAction(
    (c: PublicNearbyCase) =>
      api<PublicFollowReceipt>('POST', `/api/public/cases/${encodeURIComponent(c.number)}/follow`, {}),
    {
      onDone: (r) => {
        saveReceipt({ number: r.number, code: r.accessCode, at: new Date().toISOString() });
        setFollowed(r);
      },
    },
  );
  const items = nearby.data ?? [];

  if (followed)
    return (
      <Card size="small" className="wg-public-card" data-testid="follow-receipt">
        <Space align="start">
          <CheckCircleFilled style={{ fontSize: 24, color: '#389e0d' }} />
          <div>
            <Typography.Text strong>{t('citizen.followedTitle')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: '4px 0 8px' }}>
              {t('citizen.followedHint')}
            </Typography.Paragraph>
          </div>
        </Space>
        <div className="wg-receipt">
          <div>
            <Typography.Text type="secondary">{t('case.number')}</Typography.Text>
            <Typography.Text className="wg-receipt-value" copyable={{ text: followed.number }}>
              {followed.number}
            </Typography.Text>
          </div>
          <div>
            <Typography.Text type="secondary">{t('public.code')}</Typography.Text>
            <Typography.Text
              className="wg-receipt-value wg-receipt-code"
              copyable={{ text: followed.accessCode }}
              data-testid="follow-code"
            >
              {followed.accessCode}
            </Typography.Text>
          </div>
        </div>
        <Button
          block
          type="primary"
          style={{ marginTop: 12 }}
          onClick={() =>
            navigate(`/track?number=${encodeURIComponent(followed.number)}`, {
              state: { code: followed.accessCode },
            })
          }
          data-testid="follow-track"
        >
          {t('public.trackIt')}
        </Button>
      </Card>
    );
  if (!items.length) return null;
  return (
    <Card
      size="small"
      className="wg-public-card wg-nearby"
      title={
        <span>
          <EnvironmentOutlined /> {t('citizen.nearbyTitle')}
        </span>
      }
      data-testid="nearby"
    >
      <Alert type="info" showIcon title={t('citizen.nearbyHint')} style={{ marginBottom: 8 }} />
      <List
        size="small"
        dataSource={items}
        renderItem={(c) => (
          <List.Item data-testid="nearby-item" style={{ display: 'block', paddingInline: 0 }}>
            <div className="wg-nearby-head">
              <Typography.Text strong>{lang === 'zh' ? c.category : c.categoryEn}</Typography.Text>
              <Tag color="blue" style={{ marginInlineEnd: 0 }}>
                {named(PUBLIC_CASE_STATES, c.state, lang)}
              </Tag>
            </div>
            <Typography.Paragraph style={{ margin: '4px 0', overflowWrap: 'anywhere' }}>
              {c.summary}
            </Typography.Paragraph>
            <div className="wg-nearby-foot">
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {[t('citizen.distance', { m: c.distanceM }), fmtTime(c.reportedAt), c.number].join(' · ')}
                {c.followers > 0 && (
                  <>
                    {' · '}
                    <TeamOutlined /> {t('citizen.followersShort', { n: c.followers })}
                  </>
                )}
              </Typography.Text>
              <Button
                size="small"
                icon={<LikeOutlined />}
                loading={follow.busy}
                onClick={() => void follow.run(c)}
                data-testid="nearby-follow"
              >
                {t('citizen.metoo')}
              </Button>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}
