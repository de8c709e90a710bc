import { gridKindLabel } from '@wangge/shared';
import { Alert, Card, Col, Descriptions, Row, Statistic, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useAuth } from '../../core/AuthContext.tsx';
import { useApi } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { StatsPanel } from './StatsPanel.tsx';
import { TodoPanel } from './TodoPanel.tsx';

interface Dashboard {
  gridCounts: { kind: string; count: number }[];
  userCount: number | null;
}

export function HomePage() {
  const { me, can } = useAuth();
  const { t, lang } = useI18n();
  // Counted afresh on every visit (what was cached is shown meanwhile).
  const data = useApi<Dashboard>(can('dashboard.read') ? '/api/dashboard' : null, { staleTime: 0 }).data;

  if (!me) return null;
  // To-dos for whoever works cases; the figures for those who oversee a territory.
  const works = can('case.read') || can('case.handle');
  const oversees = can('case.read') && (can('case.export') || can('case.dispatch'));
  return (
    <>
      <Typography.Title level={4} data-testid="welcome">
        {t('home.welcome', { name: me.displayName })}
      </Typography.Title>
      {me.isDemo && (
        <Alert
          type="info"
          showIcon
          message={t('home.demoAccount')}
          description={t('login.demoHint')}
          style={{ marginBottom: 16 }}
        />
      )}
      {works && <TodoPanel />}
      {oversees && <StatsPanel />}
      <Card style={{ marginBottom: 16, marginTop: oversees ? 16 : 0 }}>
        <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
          <Descriptions.Item label={t('home.roles')}>
            {me.roles.map((r) => (
              <Tag color="blue" key={r.key}>
                {lang === 'zh' ? r.name : r.nameEn || r.name}
              </Tag>
            ))}
          </Descriptions.Item>
          <Descriptions.Item label={t('home.scope')}>
            {me.scopes.length
              ? me.scopes.map((s) => (
                  <Tag key={s.id}>
                    {s.name} {s.code ? `(${s.code})` : ''}
                  </Tag>
                ))
              : t('home.noScope')}
          </Descriptions.Item>
          {me.passwordExpiresAt && (
            <Descriptions.Item label={t('home.passwordExpires')}>
              {dayjs(me.passwordExpiresAt).format('YYYY-MM-DD')}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      {data && data.gridCounts.length > 0 && (
        <Card title={t('home.gridCounts')} size="small">
          <Row gutter={[16, 16]}>
            {data.gridCounts.map((c) => (
              <Col xs={12} sm={8} md={6} key={c.kind}>
                <Statistic title={gridKindLabel(c.kind, lang)} value={c.count} />
              </Col>
            ))}
            {data.userCount !== null && (
              <Col xs={12} sm={8} md={6}>
                <Statistic title={t('home.users')} value={data.userCount} />
              </Col>
            )}
          </Row>
        </Card>
      )}
    </>
  );
}
