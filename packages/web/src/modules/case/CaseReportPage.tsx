import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import {
  CASE_NATURES,
  CASE_STATES,
  HANDLING_TYPES,
  URGENCIES,
  type CaseDetail,
  type CreateCaseBody,
} from '@wangge/shared';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Form,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  TreeSelect,
  Typography,
} from 'antd';
import { useEffect, useMemo } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, query } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import { useAuth } from '../../core/AuthContext.tsx';
import { GridPicker } from '../grid/GridPicker.tsx';
import { deskLevels, deskPlaces } from './loaders.ts';
import { LocationPicker, type PickedPoint } from './LocationPicker.tsx';
import { PhotoUploader } from './PhotoUploader.tsx';
import { categoryTree, fmtTime, named, useCategories } from './shared.tsx';
import { useI18n } from '../../i18n/index.tsx';

interface Duplicate {
  id: number;
  number: string;
  title: string;
  state: string;
  reportedAt: string;
  distanceM: number;
}

interface Values {
  categoryId: number;
  nature: CreateCaseBody['nature'];
  handlingType: CreateCaseBody['handlingType'];
  urgency: 'normal' | 'urgent';
  title?: string;
  description: string;
  parties?: { role: 'A' | 'B'; name: string; phone?: string }[];
  channel: 'desk' | 'hotline' | 'wechat' | 'mobile';
  reporterName?: string;
  reporterPhone?: string;
  address?: string;
  location?: PickedPoint | null;
  gridId?: number | null;
  photos?: string[];
  onSpot?: boolean;
  onSpotNote?: string;
}

/** The form's values as the API's body. */
function toBody(v: Values): CreateCaseBody {
  return {
    categoryId: v.categoryId,
    nature: v.nature,
    handlingType: v.handlingType,
    urgency: v.urgency,
    title: v.title?.trim() || undefined,
    description: v.description.trim(),
    parties: (v.parties ?? [])
      .filter((p) => p?.name?.trim())
      .map((p) => ({ role: p.role, name: p.name.trim(), phone: p.phone?.trim() || null })),
    address: v.address?.trim() || null,
    location: v.location ? { lng: v.location.lng, lat: v.location.lat } : null,
    gridId: v.gridId ?? null,
    photoTokens: v.photos?.length ? v.photos : undefined,
    channel: v.channel,
    reporter:
      v.channel === 'hotline' || v.channel === 'wechat'
        ? { name: v.reporterName?.trim() || null, phone: v.reporterPhone?.trim() || null }
        : undefined,
    onSpot: v.handlingType === 'routine' && v.onSpot ? { note: (v.onSpotNote ?? '').trim() } : null,
  };
}

/** 上报事件: the desk's report form, with the place picked on the grid map or from the grid tree. */
export function CaseReportPage() {
  const { me } = useAuth();
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const categories = useCategories();
  const categoryId = Form.useWatch('categoryId', form);
  const location = Form.useWatch('location', form);
  const handlingType = Form.useWatch('handlingType', form);
  const onSpot = Form.useWatch('onSpot', form);
  const channel = Form.useWatch('channel', form);

  const load = useMemo(() => (me ? deskLevels(me, t('map.myScope')) : null), [me, t]);

  // A point picked on the map decides the grid (the server refuses a grid that does not hold it).
  useEffect(() => {
    if (location) form.setFieldValue('gridId', location.gridId ?? null);
  }, [location, form]);

  // Emergencies are always urgent (the server enforces it): show it so.
  useEffect(() => {
    if (handlingType === 'emergency') form.setFieldValue('urgency', 'urgent');
  }, [handlingType, form]);

  const duplicates =
    useApi<Duplicate[]>(
      categoryId && location
        ? `/api/cases/duplicates${query({ categoryId, lng: location.lng, lat: location.lat })}`
        : null,
    ).data ?? [];

  const { submit, busy, error } = useSubmit<Values, CaseDetail>(form, {
    send: (v) => api<CaseDetail>('POST', '/api/cases', toBody(v)),
    invalidates: ['/api/cases'],
    onDone: (created) => {
      message.success(t('report.done', { number: created.number }));
      navigate(`/cases/${created.id}`);
    },
    field: (name) => {
      const [head, index, sub] = name.split('/');
      return head === 'parties' && index !== undefined && sub
        ? ['parties', Number(index), sub]
        : head === 'photoTokens'
          ? ['photos']
          : head === 'reporter'
            ? [sub === 'phone' ? 'reporterPhone' : 'reporterName']
            : [head!];
    },
  });

  const onFinish = (v: Values) => {
    if (!v.location && !v.gridId) {
      form.setFields([{ name: 'location', errors: [t('report.needPlace')] }]);
      return;
    }
    void submit(v);
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      onFinish={onFinish}
      initialValues={{
        nature: 'civil',
        handlingType: 'coordination',
        urgency: 'normal',
        channel: 'desk',
        parties: [],
      }}
      data-testid="case-report-form"
      scrollToFirstError
    >
      {/* Desk: the case on the left, place and photos on the right; phones: place, photos, then the rest. */}
      <div className="wg-report-layout">
        <div className="wg-report-case">
          <Card size="small" title={t('menu.caseReport')}>
            <Form.Item name="categoryId" label={t('case.category')} rules={[{ required: true }]}>
              <TreeSelect
                treeData={categoryTree(categories, lang)}
                treeDefaultExpandAll={false}
                showSearch={{ treeNodeFilterProp: 'title' }}
                placeholder={t('report.pickCategory')}
                data-testid="report-category"
              />
            </Form.Item>
            <Row gutter={8}>
              <Col xs={24} sm={12}>
                <Form.Item name="nature" label={t('case.nature')} rules={[{ required: true }]}>
                  <Select
                    options={Object.keys(CASE_NATURES).map((k) => ({
                      value: k,
                      label: named(CASE_NATURES, k, lang),
                    }))}
                  />
                </Form.Item>
              </Col>
              <Col xs={24} sm={12}>
                <Form.Item name="handlingType" label={t('case.handlingType')} rules={[{ required: true }]}>
                  <Select
                    options={Object.keys(HANDLING_TYPES).map((k) => ({
                      value: k,
                      label: named(HANDLING_TYPES, k, lang),
                    }))}
                    data-testid="report-handling"
                  />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item
              name="urgency"
              label={t('case.urgency')}
              extra={handlingType === 'emergency' ? t('report.emergencyUrgent') : undefined}
            >
              <Radio.Group
                optionType="button"
                disabled={handlingType === 'emergency'}
                options={Object.keys(URGENCIES).map((k) => ({ value: k, label: named(URGENCIES, k, lang) }))}
              />
            </Form.Item>
            <Form.Item name="title" label={t('case.title')} extra={t('report.titleHint')}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.Item
              name="description"
              label={t('case.description')}
              rules={[{ required: true, min: 2, whitespace: true, message: t('case.needText', { n: 2 }) }]}
            >
              <Input.TextArea rows={4} maxLength={2000} showCount data-testid="report-description" />
            </Form.Item>
            <Form.List name="parties">
              {(fields, { add, remove }) => (
                <Form.Item label={t('case.parties')} style={{ marginBottom: 8 }}>
                  {fields.map((field) => (
                    <Space.Compact key={field.key} style={{ width: '100%', marginBottom: 8 }}>
                      <Form.Item name={[field.name, 'role']} noStyle initialValue="A">
                        <Select
                          style={{ width: 84 }}
                          options={[
                            { value: 'A', label: t('case.partyA') },
                            { value: 'B', label: t('case.partyB') },
                          ]}
                        />
                      </Form.Item>
                      <Form.Item
                        name={[field.name, 'name']}
                        noStyle
                        rules={[{ required: true, whitespace: true, message: t('case.partyName') }]}
                      >
                        <Input placeholder={t('case.partyName')} maxLength={40} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'phone']} noStyle>
                        <Input placeholder={t('case.phone')} maxLength={20} inputMode="tel" />
                      </Form.Item>
                      <Button
                        icon={<DeleteOutlined />}
                        onClick={() => remove(field.name)}
                        aria-label="remove"
                      />
                    </Space.Compact>
                  ))}
                  {fields.length < 10 && (
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => add({ role: fields.length === 0 ? 'A' : 'B' })}
                      block
                    >
                      {t('case.addParty')}
                    </Button>
                  )}
                </Form.Item>
              )}
            </Form.List>
            <Row gutter={8}>
              <Col xs={24} sm={8}>
                <Form.Item name="channel" label={t('case.channel')}>
                  <Select
                    options={(['desk', 'hotline', 'wechat', 'mobile'] as const).map((c) => ({
                      value: c,
                      label: t(`channel.${c}`),
                    }))}
                  />
                </Form.Item>
              </Col>
              {(channel === 'hotline' || channel === 'wechat') && (
                <>
                  <Col xs={12} sm={8}>
                    <Form.Item name="reporterName" label={t('case.reporterName')}>
                      <Input maxLength={40} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} sm={8}>
                    <Form.Item name="reporterPhone" label={t('case.reporterPhone')}>
                      <Input maxLength={20} inputMode="tel" />
                    </Form.Item>
                  </Col>
                </>
              )}
            </Row>
          </Card>
        </div>
        <div className="wg-report-place">
          <Card size="small" title={t('report.place')}>
            <Form.Item name="location" style={{ marginBottom: 8 }} extra={t('report.placeHint')}>
              {load && <LocationPicker load={load} search={deskPlaces} rootKey={me?.id} geolocate />}
            </Form.Item>
            <Form.Item name="gridId" label={t('report.orGrid')}>
              <GridPicker placeholder={t('report.gridPlaceholder')} style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="address" label={t('case.address')}>
              <Input maxLength={200} data-testid="report-address" />
            </Form.Item>
            {duplicates.length > 0 && (
              <Alert
                type="warning"
                showIcon
                data-testid="duplicates"
                title={t('report.duplicates', { n: duplicates.length })}
                description={
                  <Space orientation="vertical" size={2}>
                    {duplicates.slice(0, 5).map((d) => (
                      <span key={d.id}>
                        <Link to={`/cases/${d.id}`} target="_blank">
                          {d.number}
                        </Link>{' '}
                        {d.title}（{named(CASE_STATES, d.state, lang)}，
                        {t('report.metres', { n: Math.round(d.distanceM) })}，{fmtTime(d.reportedAt)}）
                      </span>
                    ))}
                  </Space>
                }
                style={{ marginBottom: 12 }}
              />
            )}
          </Card>
        </div>
        <div className="wg-report-photos">
          <Card size="small" title={t('case.photos')}>
            <Form.Item name="photos" style={{ marginBottom: 0 }}>
              <PhotoUploader />
            </Form.Item>
          </Card>
          {handlingType === 'routine' && (
            <Card size="small" style={{ marginTop: 12 }}>
              <Form.Item
                name="onSpot"
                valuePropName="checked"
                label={t('report.onSpot')}
                extra={t('report.onSpotHint')}
              >
                <Switch data-testid="report-onspot" />
              </Form.Item>
              {onSpot && (
                <Form.Item
                  name="onSpotNote"
                  label={t('report.onSpotNote')}
                  rules={[{ required: true, min: 2, message: t('case.needText', { n: 2 }) }]}
                >
                  <Input.TextArea rows={3} maxLength={1000} />
                </Form.Item>
              )}
            </Card>
          )}
        </div>
      </div>
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginTop: 12 }} data-testid="report-error" />
      )}
      <div className="wg-form-footer">
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('report.footerHint')}
        </Typography.Text>
        <Button type="primary" htmlType="submit" loading={busy} data-testid="report-submit">
          {onSpot && handlingType === 'routine' ? t('report.submitOnSpot') : t('report.submit')}
        </Button>
      </div>
    </Form>
  );
}
