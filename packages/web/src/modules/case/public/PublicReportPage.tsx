import { AimOutlined, CheckCircleFilled, CloseOutlined, CopyOutlined } from '@ant-design/icons';
import {
  CASE_PHOTO_MAX,
  PUBLIC_CASE_STATES,
  normalizeMobile,
  type PublicCaseBody,
  type PublicCaseReceipt,
} from '@wangge/shared';
import { Alert, App, Button, Card, Form, Input, Space, Spin, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorText } from '../../../core/api.ts';
import { useApi } from '../../../core/query.tsx';
import { useSubmit } from '../../../core/useSubmit.ts';
import { publicLevel, publicPlaces } from '../loaders.ts';
import { LocationPicker, type MapLevel, type PickedPoint } from '../LocationPicker.tsx';
import { PhotoUploader } from '../PhotoUploader.tsx';
import { categoryName, named } from '../shared.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { NearbyReports } from './NearbyReports.tsx';
import { PublicShell, saveReceipt } from './PublicShell.tsx';

interface PublicCategory {
  id: number;
  parentId: number | null;
  name: string;
  nameEn: string;
}

interface Values {
  categoryId: number;
  description: string;
  location?: PickedPoint | null;
  address?: string;
  photos?: string[];
  contactName?: string;
  contactPhone?: string;
}

/** The form's values as the API's body. */
function toBody(v: Values): PublicCaseBody {
  const contact = { name: v.contactName?.trim() || null, phone: v.contactPhone?.trim() || null };
  return {
    categoryId: v.categoryId,
    description: v.description.trim(),
    address: v.address?.trim() || null,
    location: v.location ? { lng: v.location.lng, lat: v.location.lat, crs: 'wgs84' } : null,
    photoTokens: v.photos?.length ? v.photos : undefined,
    contact: contact.name || contact.phone ? contact : undefined,
  };
}

/** A server field name as the form's field. */
function formField(name: string): string {
  const [head, sub] = name.split('/');
  if (head === 'photoTokens') return 'photos';
  if (head === 'contact' || head === 'reporter') return sub === 'phone' ? 'contactPhone' : 'contactName';
  return head === 'location' ? 'address' : head!;
}

/** `?grid=12` (the QR code on a grid's notice board): the grid, or null. */
function presetGrid(value: string | null): number | null {
  const id = Number(value);
  return value && Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** A base grid opened as the map's start: itself as its one part, so a tap inside picks it. */
const asStart = (level: MapLevel): MapLevel =>
  level.parts.length === 0 && level.focus ? { ...level, parts: [{ ...level.focus, leaf: true }] } : level;

/** 群众上报: a citizen reports a problem from a phone, without an account, and gets a number and code. */
export function PublicReportPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const categoryQuery = useApi<PublicCategory[]>('/api/public/case-categories', { staleTime: 300_000 });
  const categories = categoryQuery.data ?? (categoryQuery.error ? [] : null);
  const [receipt, setReceipt] = useState<PublicCaseReceipt | null>(null);
  const location = Form.useWatch('location', form);
  const categoryId = Form.useWatch('categoryId', form);

  useEffect(() => {
    document.title = `${t('public.reportTitle')} · ${t('appShort')}`;
  }, [t]);

  // The map of grid outlines, when the server offers one; otherwise position and address only.
  // Opened from a notice board's QR code, it starts at that grid (the whole territory if unknown).
  const [searchParams] = useSearchParams();
  const preset = presetGrid(searchParams.get('grid'));
  const top = useMemo(
    () => (preset ? publicLevel(preset).then(asStart, () => publicLevel(null)) : publicLevel(null)),
    [preset],
  );
  const [mapState, setMapState] = useState<'probing' | 'ok' | 'none'>('probing');
  useEffect(() => {
    top.then(
      (level) => setMapState(level.parts.length || level.focus ? 'ok' : 'none'),
      () => setMapState('none'),
    );
  }, [top]);
  const load = useCallback((id: number | null) => (id === null ? top : publicLevel(id)), [top]);

  const { submit, busy, error } = useSubmit<Values, PublicCaseReceipt>(form, {
    send: (v) => api<PublicCaseReceipt>('POST', '/api/public/cases', toBody(v)),
    field: formField,
    onDone: (r, v) => {
      const category = categories?.find((c) => c.id === v.categoryId);
      saveReceipt({
        number: r.number,
        code: r.accessCode,
        at: new Date().toISOString(),
        category: category?.name,
      });
      setReceipt(r);
      window.scrollTo({ top: 0 });
    },
  });
  const shownError = error ?? (categoryQuery.error ? errorText(categoryQuery.error, lang) : null);

  if (receipt)
    return (
      <PublicShell>
        <Receipt
          receipt={receipt}
          onTrack={() =>
            navigate(`/track?number=${encodeURIComponent(receipt.number)}`, {
              state: { code: receipt.accessCode },
            })
          }
          onAnother={() => {
            form.resetFields();
            setReceipt(null);
          }}
          onCopied={() => message.success(t('public.copied'))}
        />
      </PublicShell>
    );

  return (
    <PublicShell>
      <Alert type="warning" showIcon title={t('public.emergency')} style={{ marginBottom: 12 }} />
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        requiredMark={false}
        scrollToFirstError
        data-testid="public-report-form"
      >
        <Card size="small" title={t('public.step.what')} className="wg-public-card">
          <Form.Item name="categoryId" rules={[{ required: true, message: t('public.needCategory') }]}>
            {categories === null ? <Spin /> : <CategoryPicker categories={categories} />}
          </Form.Item>
          <Form.Item
            name="description"
            label={t('public.description')}
            rules={[
              { required: true, whitespace: true, message: t('case.needText', { n: 5 }) },
              { min: 5, message: t('case.needText', { n: 5 }) },
            ]}
          >
            <Input.TextArea
              rows={4}
              maxLength={1000}
              showCount
              placeholder={t('public.descriptionPlaceholder')}
              data-testid="public-description"
            />
          </Form.Item>
          <Form.Item
            name="photos"
            label={t('public.photos', { n: CASE_PHOTO_MAX })}
            style={{ marginBottom: 0 }}
          >
            <PhotoUploader endpoint="/api/public/case-photos" testId="public-photos" />
          </Form.Item>
        </Card>

        <Card size="small" title={t('public.step.where')} className="wg-public-card">
          {mapState === 'probing' ? (
            <Spin />
          ) : mapState === 'ok' ? (
            <Form.Item name="location" style={{ marginBottom: 8 }}>
              <LocationPicker
                load={load}
                search={publicPlaces}
                rootKey={preset ?? 0}
                height={260}
                geolocate
              />
            </Form.Item>
          ) : (
            <Form.Item name="location" style={{ marginBottom: 8 }}>
              <GeolocateField />
            </Form.Item>
          )}
          <Form.Item
            name="address"
            label={t('public.address')}
            dependencies={['location']}
            rules={[
              {
                validator: (_, value?: string) =>
                  value?.trim() || form.getFieldValue('location')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('public.needPlace'))),
              },
            ]}
            extra={location ? t('public.addressOptional') : t('public.addressHint')}
          >
            <Input
              maxLength={200}
              placeholder={t('public.addressPlaceholder')}
              data-testid="public-address"
            />
          </Form.Item>
        </Card>

        {/* 附近已有人反映: follow an open report of the same kind here instead of filing another. */}
        <NearbyReports categoryId={categoryId} point={location} />

        <Card size="small" title={t('public.step.who')} className="wg-public-card">
          <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
            {t('public.contactHint')}
          </Typography.Paragraph>
          <Form.Item name="contactName" label={t('public.contactName')}>
            <Input maxLength={40} autoComplete="name" />
          </Form.Item>
          <Form.Item
            name="contactPhone"
            label={t('public.contactPhone')}
            rules={[
              {
                validator: (_, value?: string) =>
                  !value?.trim() || normalizeMobile(value)
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('public.phoneFormat'))),
              },
            ]}
            style={{ marginBottom: 0 }}
          >
            <Input maxLength={20} inputMode="tel" autoComplete="tel" data-testid="public-phone" />
          </Form.Item>
        </Card>

        {shownError && (
          <Alert
            type="error"
            showIcon
            title={shownError}
            style={{ marginBottom: 12 }}
            data-testid="public-error"
          />
        )}
        <Button
          type="primary"
          htmlType="submit"
          block
          size="large"
          loading={busy}
          data-testid="public-submit"
        >
          {t('public.submit')}
        </Button>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, textAlign: 'center' }}>
          {t('public.privacy')}
        </Typography.Paragraph>
      </Form>
    </PublicShell>
  );
}

/** Big buttons for the top categories, then chips for the finer ones below the chosen one. */
function CategoryPicker({
  categories,
  value,
  onChange,
}: {
  categories: PublicCategory[];
  value?: number;
  onChange?: (id: number) => void;
}) {
  const { t, lang } = useI18n();
  const ids = new Set(categories.map((c) => c.id));
  // A category whose parent is not offered (switched off) is shown at the top.
  const parentOf = (c: PublicCategory) => (c.parentId !== null && ids.has(c.parentId) ? c.parentId : null);
  const childrenOf = (id: number | null) => categories.filter((c) => parentOf(c) === id);
  const chain: PublicCategory[] = [];
  for (let cur = categories.find((c) => c.id === value); cur && chain.length < 10;) {
    chain.unshift(cur);
    const p = parentOf(cur);
    cur = p === null ? undefined : categories.find((c) => c.id === p);
  }
  const chosen = new Set(chain.map((c) => c.id));
  const levels = [null, ...chain.map((c) => c.id)]
    .map((id) => ({ id, options: childrenOf(id) }))
    .filter((l) => l.options.length > 0);

  if (categories.length === 0) return <Alert type="warning" showIcon title={t('public.noCategories')} />;
  return (
    <div data-testid="public-category">
      {levels.map((level, i) => (
        <div key={level.id ?? 'top'} style={{ marginTop: i ? 10 : 0 }}>
          {i > 0 && (
            <Typography.Text type="secondary" style={{ display: 'block', fontSize: 13, marginBottom: 6 }}>
              {t('public.pickFiner')}
            </Typography.Text>
          )}
          <div className={i === 0 ? 'wg-tiles' : 'wg-chips'}>
            {level.options.map((c) => (
              <Button
                key={c.id}
                type={chosen.has(c.id) ? 'primary' : 'default'}
                size={i === 0 ? 'large' : 'middle'}
                onClick={() => onChange?.(c.id)}
                autoInsertSpace={false}
                data-testid="category-option"
              >
                {categoryName(c, lang)}
              </Button>
            ))}
          </div>
        </div>
      ))}
    </div>
  );
}

/** Without a map: the browser's position (WGS84), shown and clearable. */
function GeolocateField({
  value,
  onChange,
}: {
  value?: PickedPoint | null;
  onChange?: (p: PickedPoint | null) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [locating, setLocating] = useState(false);
  const locate = () => {
    if (!navigator.geolocation) {
      message.error(t('map.noGeolocation'));
      return;
    }
    setLocating(true);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setLocating(false);
        onChange?.({ lng: pos.coords.longitude, lat: pos.coords.latitude, path: [], gridId: null });
      },
      () => {
        setLocating(false);
        message.error(t('public.geolocationFailed'));
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };
  return value ? (
    <Space wrap data-testid="public-position">
      <CheckCircleFilled style={{ color: '#389e0d' }} />
      <span>
        {t('public.positionSet')}（{value.lng.toFixed(5)}, {value.lat.toFixed(5)}）
      </span>
      <Button size="small" type="text" icon={<CloseOutlined />} onClick={() => onChange?.(null)}>
        {t('public.positionClear')}
      </Button>
    </Space>
  ) : (
    <Button
      block
      size="large"
      icon={<AimOutlined />}
      loading={locating}
      onClick={locate}
      data-testid="geolocate"
    >
      {t('public.useMyPosition')}
    </Button>
  );
}

function Receipt({
  receipt,
  onTrack,
  onAnother,
  onCopied,
}: {
  receipt: PublicCaseReceipt;
  onTrack: () => void;
  onAnother: () => void;
  onCopied: () => void;
}) {
  const { t, lang } = useI18n();
  const copyBoth = () => {
    const text = `${t('case.number')}：${receipt.number}\n${t('public.code')}：${receipt.accessCode}`;
    void navigator.clipboard?.writeText(text).then(onCopied, () => undefined);
  };
  return (
    <Card className="wg-public-card" data-testid="public-receipt">
      <div style={{ textAlign: 'center', marginBottom: 16 }}>
        <CheckCircleFilled style={{ fontSize: 48, color: '#389e0d' }} />
        <Typography.Title level={4} style={{ margin: '8px 0 4px' }}>
          {t('public.receivedTitle')}
        </Typography.Title>
        <Typography.Text type="secondary">
          {t('public.receivedState', { state: named(PUBLIC_CASE_STATES, receipt.state, lang) })}
        </Typography.Text>
      </div>
      <div className="wg-receipt">
        <div>
          <Typography.Text type="secondary">{t('case.number')}</Typography.Text>
          <Typography.Text
            className="wg-receipt-value"
            copyable={{ text: receipt.number }}
            data-testid="receipt-number"
          >
            {receipt.number}
          </Typography.Text>
        </div>
        <div>
          <Typography.Text type="secondary">{t('public.code')}</Typography.Text>
          <Typography.Text
            className="wg-receipt-value wg-receipt-code"
            copyable={{ text: receipt.accessCode }}
            data-testid="receipt-code"
          >
            {receipt.accessCode}
          </Typography.Text>
        </div>
      </div>
      <Alert type="info" showIcon title={t('public.keepCode')} style={{ margin: '12px 0' }} />
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Button block icon={<CopyOutlined />} onClick={copyBoth}>
          {t('public.copyBoth')}
        </Button>
        <Button block type="primary" onClick={onTrack} data-testid="receipt-track">
          {t('public.trackIt')}
        </Button>
        <Button block type="link" onClick={onAnother}>
          {t('public.another')}
        </Button>
      </Space>
    </Card>
  );
}
