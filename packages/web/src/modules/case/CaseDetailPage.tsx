import { ArrowLeftOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  CASE_CHANNELS,
  CASE_NATURES,
  CASE_STAGES,
  HANDLING_TYPES,
  REPORTER_KINDS,
  REQUEST_KINDS,
  type CaseDetail,
} from '@wangge/shared';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Image,
  Result,
  Row,
  Space,
  Spin,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { api, ApiError, errorText } from '../../core/api.ts';
import { useAction, useApi } from '../../core/query.tsx';
import { useAuth } from '../../core/AuthContext.tsx';
import { WorkflowActions } from '../../core/WorkflowActions.tsx';
import { ActionDialog, CASE_ACTION_LOOK, type CaseActionKind } from './ActionDialog.tsx';
import { SUPERVISION_LOOK, SupervisionDialog, type SupervisionKind } from './SupervisionDialog.tsx';
import { SupervisionPanel } from './SupervisionPanel.tsx';
import type { Geometry, Outline } from '../grid/geo.ts';
import { actionName, actorLabel, Countdown, fmtTime, named, StateTag, UrgencyTag } from './shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

const CaseMap = lazy(() => import('./CaseMap.tsx'));

interface Revealed {
  reporterPhone: string | null;
  parties: { role: string; name: string; phone: string | null }[];
}

export function CaseDetailPage() {
  const { id } = useParams();
  const caseId = Number(id);
  const { can } = useAuth();
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const [dialog, setDialog] = useState<CaseActionKind | null>(null);
  const [supervising, setSupervising] = useState<SupervisionKind | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const query = useApi<CaseDetail>(`/api/cases/${caseId}`);
  const detail = query.data ?? null;
  const failure = query.error;

  const gridId = detail?.gridId;
  const grid = useApi<{ id: number; name: string; geometry: Geometry | null }>(
    gridId && can('grid.read') ? `/api/grids/${gridId}` : null,
  ).data;
  const gridOutline: Outline | null =
    grid?.geometry && grid.id === gridId ? { id: grid.id, name: grid.name, geometry: grid.geometry } : null;
  const reveal = useAction(() => api<Revealed>('POST', `/api/cases/${caseId}/reveal`), {
    onDone: setRevealed,
  });

  const point = useMemo(
    () =>
      detail && detail.lng !== null && detail.lat !== null ? { lng: detail.lng, lat: detail.lat } : null,
    [detail],
  );
  const photoUrl = useMemo(() => new Map(detail?.photos.map((p) => [p.id, p.url]) ?? []), [detail]);

  if (failure && !detail) {
    const status = failure instanceof ApiError ? failure.status : 0;
    return (
      <Result
        status={status === 403 ? '403' : status === 404 ? '404' : 'warning'}
        title={errorText(failure, lang)}
        extra={<Button onClick={() => navigate(-1)}>{t('common.back')}</Button>}
      />
    );
  }
  if (!detail)
    return (
      <div style={{ textAlign: 'center', padding: 48 }}>
        <Spin />
      </div>
    );

  const pending = detail.requests.find((r) => r.state === 'pending');
  const reportPhotos = detail.photos.filter((p) => p.kind === 'report');

  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="case-detail">
      <Card size="small">
        <Space orientation="vertical" size={6} style={{ width: '100%' }}>
          <Space wrap size={[8, 4]} style={{ justifyContent: 'space-between', width: '100%' }}>
            <Space wrap size={[6, 4]}>
              <Button type="text" size="small" icon={<ArrowLeftOutlined />} onClick={() => navigate(-1)} />
              <Typography.Title level={5} style={{ margin: 0 }} data-testid="case-number" copyable>
                {detail.number}
              </Typography.Title>
              <StateTag state={detail.state} />
              <UrgencyTag urgency={detail.urgency} />
              {detail.overdue && (
                <Tag color="red" data-testid="overdue-tag">
                  {t('case.overdue')}
                </Tag>
              )}
              {detail.parked && <Tag>{t('case.parked')}</Tag>}
              {detail.deferred && <Tag color="gold">{t('case.deferred')}</Tag>}
              {detail.onSpot && <Tag color="green">{t('case.onSpotShort')}</Tag>}
              {detail.reworkCount > 0 && <Tag color="volcano">{t('case.round', { n: detail.round })}</Tag>}
            </Space>
            <Button
              size="small"
              icon={<ReloadOutlined />}
              onClick={() => void query.refetch()}
              aria-label="reload"
            />
          </Space>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {detail.title}
          </Typography.Text>
          {detail.stage && (
            <Space wrap size={[8, 4]}>
              <Typography.Text type="secondary">
                {t('case.stageClock', { stage: named(CASE_STAGES, detail.stage, lang) })}
              </Typography.Text>
              <Typography.Text>
                {t('case.dueAt')} {fmtTime(detail.dueAt)}
              </Typography.Text>
              <Countdown dueAt={detail.dueAt} parked={detail.parked} />
            </Space>
          )}
          {pending && (
            <Alert
              type="warning"
              showIcon
              title={t('request.pending', {
                kind: named(REQUEST_KINDS, pending.kind, lang),
                who: pending.requestedBy,
              })}
              description={pending.reason}
            />
          )}
          <WorkflowActions
            allowed={detail.allowedActions}
            look={CASE_ACTION_LOOK}
            onAction={setDialog}
            testId="case-actions"
          />
          <WorkflowActions
            allowed={detail.allowedActions}
            look={SUPERVISION_LOOK}
            onAction={setSupervising}
            testId="case-supervision-actions"
          />
          <SupervisionPanel detail={detail} />
        </Space>
      </Card>

      <Row gutter={[12, 12]}>
        <Col xs={24} lg={14}>
          <Card size="small" title={t('case.details')}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t('case.category')}>{detail.categoryName}</Descriptions.Item>
              <Descriptions.Item label={t('case.nature')}>
                {named(CASE_NATURES, detail.nature, lang)}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.handlingType')}>
                {named(HANDLING_TYPES, detail.handlingType, lang)}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.department')}>
                {detail.departmentName ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.grid')} span={2}>
                {detail.gridPath.map((g) => g.name).join(' › ') || detail.gridName}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.address')} span={2}>
                {detail.address ?? '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.reportedAt')}>{fmtTime(detail.reportedAt)}</Descriptions.Item>
              <Descriptions.Item label={t('case.channel')}>
                {named(CASE_CHANNELS, detail.channel, lang)} ·{' '}
                {named(REPORTER_KINDS, detail.reporterKind, lang)}
              </Descriptions.Item>
              <Descriptions.Item label={t('case.reporter')} span={2}>
                <Space size={4} wrap>
                  <span>{detail.reporterName ?? '—'}</span>
                  {detail.reporterPhoneMasked && (
                    <span data-testid="reporter-phone">
                      {revealed?.reporterPhone ?? detail.reporterPhoneMasked}
                    </span>
                  )}
                </Space>
              </Descriptions.Item>
              {detail.parties.length > 0 && (
                <Descriptions.Item label={t('case.parties')} span={2}>
                  <Space orientation="vertical" size={0}>
                    {detail.parties.map((p, i) => (
                      <span key={i} data-testid="party">
                        {p.role === 'A' ? t('case.partyA') : t('case.partyB')}：{p.name}{' '}
                        {revealed?.parties[i]?.phone ?? p.phoneMasked ?? ''}
                      </span>
                    ))}
                  </Space>
                </Descriptions.Item>
              )}
              {detail.duplicateOf && (
                <Descriptions.Item label={t('case.duplicateOf')}>{detail.duplicateOf}</Descriptions.Item>
              )}
              {detail.visitSatisfied !== null && (
                <Descriptions.Item label={t('visit.result')}>
                  {detail.visitSatisfied ? t('visit.satisfied') : t('visit.unsatisfied')}
                </Descriptions.Item>
              )}
            </Descriptions>
            {can('case.party.reveal') &&
              !revealed &&
              (detail.reporterPhoneMasked || detail.parties.some((p) => p.phoneMasked)) && (
                <Button
                  size="small"
                  icon={<EyeOutlined />}
                  loading={reveal.busy}
                  onClick={() => void reveal.run()}
                  data-testid="reveal"
                >
                  {t('case.revealContacts')}
                </Button>
              )}
            <Typography.Paragraph
              style={{ marginTop: 12, whiteSpace: 'pre-wrap' }}
              data-testid="case-description"
            >
              {detail.description}
            </Typography.Paragraph>
            {reportPhotos.length > 0 && (
              <Image.PreviewGroup>
                <Space wrap size={8}>
                  {reportPhotos.map((p) => (
                    <Image
                      key={p.id}
                      src={p.url}
                      width={88}
                      height={88}
                      style={{ objectFit: 'cover', borderRadius: 4 }}
                    />
                  ))}
                </Space>
              </Image.PreviewGroup>
            )}
          </Card>
          {detail.requests.length > 0 && (
            <Card size="small" title={t('request.title')} style={{ marginTop: 12 }}>
              {detail.requests.map((r) => (
                <div key={r.id} style={{ marginBottom: 8 }}>
                  <Space wrap size={4}>
                    <Tag>{named(REQUEST_KINDS, r.kind, lang)}</Tag>
                    <Tag color={r.state === 'approved' ? 'green' : r.state === 'denied' ? 'red' : 'gold'}>
                      {t(`request.state.${r.state}`)}
                    </Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.requestedBy} · {fmtTime(r.requestedAt)}
                    </Typography.Text>
                  </Space>
                  <div>
                    {r.reason}
                    {r.extraMinutes ? ` (+${r.extraMinutes} ${t('unit.minutes')})` : ''}
                  </div>
                  {r.decidedBy && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.decidedBy} · {fmtTime(r.decidedAt)} {r.decisionNote ?? ''}
                    </Typography.Text>
                  )}
                </div>
              ))}
            </Card>
          )}
        </Col>
        <Col xs={24} lg={10}>
          {point || gridOutline ? (
            <Card size="small" style={{ marginBottom: 12 }} styles={{ body: { padding: 8 } }}>
              <Suspense fallback={<div style={{ height: 220 }} />}>
                <CaseMap focus={gridOutline} parts={[]} point={point} height={220} testId="case-detail-map" />
              </Suspense>
            </Card>
          ) : null}
          <Card size="small" title={t('case.timeline')}>
            {detail.timeline.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                data-testid="case-timeline"
                items={detail.timeline.map((e) => ({
                  color:
                    e.action === 'reject' || e.action === 'void'
                      ? 'red'
                      : e.action === 'archive' || e.action === 'auto_archive' || e.action === 'on_spot'
                        ? 'green'
                        : e.action === 'escalate' || e.action === 'remind'
                          ? 'orange'
                          : 'blue',
                  children: (
                    <div data-testid="timeline-item">
                      <Space wrap size={[6, 0]}>
                        <Typography.Text strong>{actionName(e.action, e.actionName, lang)}</Typography.Text>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {fmtTime(e.at)}
                        </Typography.Text>
                      </Space>
                      <div style={{ fontSize: 13 }}>
                        {actorLabel(e.actorName, t)}
                        {e.departmentName ? ` · ${e.departmentName}` : ''}
                      </div>
                      {e.note && (
                        <div style={{ whiteSpace: 'pre-wrap', color: 'rgba(0,0,0,0.75)' }}>{e.note}</div>
                      )}
                      {e.photoIds.length > 0 && (
                        <Image.PreviewGroup>
                          <Space wrap size={4} style={{ marginTop: 4 }}>
                            {e.photoIds.map((pid) => (
                              <Image
                                key={pid}
                                src={photoUrl.get(pid) ?? `/api/cases/${caseId}/photos/${pid}`}
                                width={56}
                                height={56}
                                style={{ objectFit: 'cover', borderRadius: 4 }}
                              />
                            ))}
                          </Space>
                        </Image.PreviewGroup>
                      )}
                    </div>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>

      <ActionDialog
        kind={dialog}
        target={detail}
        onClose={() => setDialog(null)}
        onDone={() => setDialog(null)}
      />
      <SupervisionDialog kind={supervising} detail={detail} onClose={() => setSupervising(null)} />
    </Space>
  );
}
