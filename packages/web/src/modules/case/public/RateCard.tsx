import {
  CASE_RATINGS,
  CITIZEN_LIMITS,
  type CaseRating,
  type PublicCaseStatus,
  type PublicRateBody,
  type PublicReopenBody,
} from '@wangge/shared';
import { Alert, App, Button, Checkbox, Form, Input, Radio, Typography } from 'antd';
import { useState } from 'react';
import { api } from '../../../core/api.ts';
import { useSubmit } from '../../../core/useSubmit.ts';
import { useI18n } from '../../../i18n/index.tsx';
import { fmtTime, named } from '../shared.tsx';

interface Values {
  rating?: CaseRating;
  comment?: string;
  reopen?: boolean;
  reason?: string;
}

/**
 * The citizen's word on a closed case: 满意 / 基本满意 / 不满意, and — with 不满意, or later within
 * the configured days — the request to handle it again, with a reason.
 */
export function RateCard({
  status,
  code,
  onChanged,
}: {
  status: PublicCaseStatus;
  code: string;
  onChanged: (next: PublicCaseStatus) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const rating = Form.useWatch('rating', form);
  const reopen = Form.useWatch('reopen', form);
  const [asking, setAsking] = useState(false);
  const base = `/api/public/cases/${encodeURIComponent(status.number)}`;
  // Reopening goes with 不满意 (offered at once) or, once rated, on its own.
  const reopening =
    status.canReopen && (status.canRate ? rating === 'unsatisfied' && reopen !== false : asking);

  const { submit, busy, error } = useSubmit<Values, PublicCaseStatus>(form, {
    send: (v) =>
      reopening
        ? api<PublicCaseStatus>('POST', `${base}/reopen`, {
            code,
            reason: (v.reason ?? '').trim(),
          } satisfies PublicReopenBody)
        : api<PublicCaseStatus>('POST', `${base}/rating`, {
            code,
            rating: v.rating!,
            comment: v.comment?.trim() || null,
          } satisfies PublicRateBody),
    onDone: (next) => {
      message.success(reopening ? t('citizen.reopened') : t('citizen.thanks'));
      form.resetFields();
      setAsking(false);
      onChanged(next);
    },
  });

  if (!status.canRate && !status.canReopen && !status.rating) return null;
  const reasonField = (
    <Form.Item
      name="reason"
      label={t('citizen.reason')}
      rules={[
        {
          required: true,
          whitespace: true,
          message: t('citizen.needReason', { n: CITIZEN_LIMITS.reasonMin }),
        },
        { min: CITIZEN_LIMITS.reasonMin, message: t('citizen.needReason', { n: CITIZEN_LIMITS.reasonMin }) },
      ]}
    >
      <Input.TextArea rows={3} maxLength={CITIZEN_LIMITS.reasonMax} showCount data-testid="reopen-reason" />
    </Form.Item>
  );
  return (
    <div className="wg-rate" data-testid="rate-card">
      {status.rating && (
        <Typography.Paragraph style={{ marginBottom: 8 }} data-testid="rated">
          {t('citizen.rated', { rating: named(CASE_RATINGS, status.rating.rating, lang) })}
        </Typography.Paragraph>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ reopen: true }}
        onFinish={(v) => void submit(v)}
      >
        {status.canRate && (
          <>
            <Typography.Title level={5} style={{ marginTop: 0 }}>
              {t('citizen.rateTitle')}
            </Typography.Title>
            <Form.Item name="rating" rules={[{ required: true, message: t('citizen.needRating') }]}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                className="wg-rate-options"
                data-testid="rate-options"
                options={(Object.keys(CASE_RATINGS) as CaseRating[]).map((r) => ({
                  value: r,
                  label: named(CASE_RATINGS, r, lang),
                }))}
              />
            </Form.Item>
            {rating === 'unsatisfied' && status.canReopen && (
              <Form.Item name="reopen" valuePropName="checked" style={{ marginBottom: 8 }}>
                <Checkbox data-testid="reopen-check">{t('citizen.reopenToo')}</Checkbox>
              </Form.Item>
            )}
            {reopening ? (
              reasonField
            ) : (
              <Form.Item name="comment" label={t('citizen.comment')}>
                <Input.TextArea rows={2} maxLength={CITIZEN_LIMITS.reasonMax} data-testid="rate-comment" />
              </Form.Item>
            )}
          </>
        )}
        {!status.canRate && status.canReopen && !asking && (
          <Button block onClick={() => setAsking(true)} data-testid="reopen-open">
            {t('citizen.notSolved')}
          </Button>
        )}
        {!status.canRate && asking && reasonField}
        {(status.canRate || asking) && (
          <Button
            type="primary"
            htmlType="submit"
            block
            loading={busy}
            danger={reopening}
            data-testid="rate-submit"
          >
            {reopening ? t('citizen.sendReopen') : t('citizen.send')}
          </Button>
        )}
        {status.canReopen && status.reopenUntil && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
            {t('citizen.reopenUntil', { date: fmtTime(status.reopenUntil) })}
          </Typography.Paragraph>
        )}
      </Form>
    </div>
  );
}
