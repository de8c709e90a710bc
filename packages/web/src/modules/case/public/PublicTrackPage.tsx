import { DeleteOutlined, SearchOutlined } from '@ant-design/icons';
import type { PublicCaseStatus } from '@wangge/shared';
import { Alert, Button, Card, Form, Input, List, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useLocation, useSearchParams } from 'react-router-dom';
import { ApiError, errorText, query } from '../../../core/api.ts';
import { useApi } from '../../../core/query.tsx';
import { fmtTime } from '../shared.tsx';
import { useI18n } from '../../../i18n/index.tsx';
import { forgetReceipt, PublicShell, savedReceipts, type SavedReceipt } from './PublicShell.tsx';
import { TrackStatus } from './TrackStatus.tsx';

const NUMBER = /^[A-Z]{2}\d{14}$/;
const CODE = /^[0-9A-Z]{6}$/;

interface Values {
  number: string;
  code: string;
}

const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, '').toUpperCase();

/**
 * 查询进度: a report by number and access code (the reporter's, or a follower's read-only one): what
 * was done round by round, and the rating and reopening once it is closed.
 */
export function PublicTrackPage() {
  const { t, lang } = useI18n();
  const [params, setParams] = useSearchParams();
  const location = useLocation();
  const [form] = Form.useForm<Values>();
  const [asked, setAsked] = useState<Values | null>(null);
  const answer = useApi<PublicCaseStatus>(
    asked ? `/api/public/cases/${encodeURIComponent(asked.number)}${query({ code: asked.code })}` : null,
    { staleTime: 0 },
  );
  const status = answer.isError ? null : (answer.data ?? null);
  const busy = answer.isFetching;
  const error = answer.error
    ? answer.error instanceof ApiError && answer.error.status === 404
      ? t('public.notFound')
      : errorText(answer.error, lang)
    : null;
  const [saved, setSaved] = useState<SavedReceipt[]>(() => savedReceipts());

  useEffect(() => {
    document.title = `${t('public.trackTitle')} · ${t('appShort')}`;
  }, [t]);

  const look = (number: string, code: string) => {
    if (asked?.number === number && asked.code === code) void answer.refetch();
    else setAsked({ number, code });
  };

  // From the receipt: the number in the address, the code in the navigation state; both known,
  // it is looked up at once. A code in the address (a pasted link) is used, then taken out of it.
  const linkNumber = clean(params.get('number'));
  const linkCode = clean(params.get('code') ?? (location.state as { code?: string } | null)?.code);
  useEffect(() => {
    if (NUMBER.test(linkNumber) && CODE.test(linkCode)) {
      form.setFieldsValue({ number: linkNumber, code: linkCode });
      look(linkNumber, linkCode);
      if (params.has('code')) setParams({ number: linkNumber }, { replace: true });
    } else if (linkNumber) form.setFieldsValue({ number: linkNumber });
    // Only the address decides.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [linkNumber, linkCode]);

  const submit = (v: Values) => {
    const number = clean(v.number);
    const code = clean(v.code);
    // The code stays out of the address bar (and so out of the history of a shared phone).
    setParams({ number }, { replace: true });
    look(number, code);
  };

  const pick = (r: SavedReceipt) => {
    form.setFieldsValue({ number: r.number, code: r.code });
    setParams({ number: r.number }, { replace: true });
    look(r.number, r.code);
  };

  return (
    <PublicShell>
      <Card size="small" className="wg-public-card" title={t('public.trackTitle')}>
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          requiredMark={false}
          data-testid="track-form"
        >
          <Form.Item
            name="number"
            label={t('case.number')}
            normalize={clean}
            rules={[
              { required: true, message: t('public.needNumber') },
              { pattern: NUMBER, message: t('case.numberFormat') },
            ]}
          >
            <Input
              maxLength={16}
              placeholder="SJ20260101000001"
              autoCapitalize="characters"
              autoComplete="off"
              data-testid="track-number"
            />
          </Form.Item>
          <Form.Item
            name="code"
            label={t('public.code')}
            normalize={clean}
            rules={[
              { required: true, message: t('public.needCode') },
              { pattern: CODE, message: t('public.codeFormat') },
            ]}
          >
            <Input
              maxLength={6}
              placeholder="A1B2C3"
              autoCapitalize="characters"
              autoComplete="off"
              data-testid="track-code"
            />
          </Form.Item>
          <Button
            type="primary"
            htmlType="submit"
            block
            size="large"
            icon={<SearchOutlined />}
            loading={busy}
            data-testid="track-submit"
          >
            {t('public.lookUp')}
          </Button>
        </Form>
      </Card>

      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="track-error" />
      )}
      {status && asked && (
        <TrackStatus status={status} code={asked.code} onChanged={() => void answer.refetch()} />
      )}

      {saved.length > 0 && (
        <Card size="small" className="wg-public-card" title={t('public.savedTitle')}>
          <List
            size="small"
            dataSource={saved}
            pagination={saved.length > 5 ? { pageSize: 5, size: 'small', align: 'center' } : false}
            renderItem={(r) => (
              <List.Item
                actions={[
                  <Button
                    key="forget"
                    type="text"
                    size="small"
                    icon={<DeleteOutlined />}
                    aria-label={t('public.forget')}
                    onClick={() => {
                      forgetReceipt(r.number);
                      setSaved(savedReceipts());
                    }}
                  />,
                ]}
              >
                <a onClick={() => pick(r)} data-testid="saved-receipt" style={{ minWidth: 0 }}>
                  <div style={{ fontWeight: 600 }}>{r.number}</div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[r.category, fmtTime(r.at)].filter(Boolean).join(' · ')}
                  </Typography.Text>
                </a>
              </List.Item>
            )}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('public.savedHint')}
          </Typography.Text>
        </Card>
      )}
    </PublicShell>
  );
}
