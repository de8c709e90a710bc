import {
  REQUEST_KINDS,
  type CaseDetail,
  type CaseRequest,
  type DispatchPreview,
  type RequestKind,
} from '@wangge/shared';
import { Alert, App, Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { api } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import type { ActionLook } from '../../core/WorkflowActions.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { DispatchBrief } from './DispatchBrief.tsx';
import { PhotoUploader } from './PhotoUploader.tsx';
import { VisitBrief } from './VisitBrief.tsx';
import { useWorkdayMinutes } from './settings/calendarApi.ts';
import { named, useDepartments } from './shared.tsx';

export const CASE_ACTION_KINDS = [
  'dispatch',
  'accept',
  'reject',
  'feedback',
  'visit',
  'archive',
  'void',
  'request',
  'decide',
  'comment',
] as const;
export type CaseActionKind = (typeof CASE_ACTION_KINDS)[number];

/** What a dialog needs to know of the case (a list row or the detail). */
export interface CaseRef {
  id: number;
  number: string;
  title: string;
  categoryId: number;
  gridId: number;
  parked: boolean;
  deferred?: boolean;
  stage: string | null;
  requests?: CaseRequest[];
}

export const ACTION_LABELS: Record<CaseActionKind, MessageKey> = {
  dispatch: 'case.do.dispatch',
  accept: 'case.do.accept',
  reject: 'case.do.reject',
  feedback: 'case.do.feedback',
  visit: 'case.do.visit',
  archive: 'case.do.archive',
  void: 'case.do.void',
  request: 'case.do.request',
  decide: 'case.do.decide',
  comment: 'case.do.comment',
};

/** The case workflow's buttons: order, labels, which move it on and which turn it back. */
export const CASE_ACTION_LOOK: ActionLook<CaseActionKind> = {
  order: CASE_ACTION_KINDS,
  label: ACTION_LABELS,
  primary: ['dispatch', 'accept', 'feedback', 'visit', 'archive', 'decide'],
  danger: ['reject', 'void'],
};

const NUMBER_PATTERN = /^[A-Z]{2}\d{14}$/;

/** Every field any of the dialogs has. */
interface Values {
  departmentId?: number;
  note?: string;
  reason?: string;
  photos?: string[];
  satisfied?: boolean;
  method?: string;
  duplicateOf?: string;
  kind?: RequestKind;
  extraAmount?: number;
  extraUnit?: number;
  approve?: boolean;
}

/** Sends one action with what its dialog asked for. */
function send(kind: CaseActionKind, id: number, v: Values, pendingId?: number): Promise<CaseDetail> {
  const url = `/api/cases/${id}`;
  const photoTokens = v.photos?.length ? v.photos : undefined;
  const calls: Record<CaseActionKind, () => Promise<CaseDetail>> = {
    dispatch: () =>
      api('POST', `${url}/dispatch`, { departmentId: v.departmentId, note: v.note || undefined }),
    accept: () => api('POST', `${url}/accept`, { note: v.note || undefined }),
    reject: () => api('POST', `${url}/reject`, { reason: v.reason }),
    feedback: () => api('POST', `${url}/feedback`, { note: v.note, photoTokens }),
    visit: () =>
      api('POST', `${url}/visit`, { satisfied: v.satisfied, method: v.method, note: v.note, photoTokens }),
    archive: () => api('POST', `${url}/archive`, { note: v.note || undefined }),
    void: () =>
      api('POST', `${url}/void`, {
        reason: v.reason,
        duplicateOf: v.duplicateOf ? String(v.duplicateOf).trim().toUpperCase() : undefined,
      }),
    request: () =>
      api('POST', `${url}/requests`, {
        kind: v.kind,
        reason: v.reason,
        extraMinutes: v.kind === 'defer' ? Math.round((v.extraAmount ?? 0) * (v.extraUnit ?? 60)) : undefined,
      }),
    decide: () =>
      api('POST', `${url}/requests/${pendingId}/decide`, { approve: v.approve, note: v.note || undefined }),
    comment: () => api('POST', `${url}/comment`, { note: v.note }),
  };
  return calls[kind]();
}

/** The dialog of one case action; on success it hands back the case as the server now has it. */
export function ActionDialog({
  kind,
  target,
  onClose,
  onDone,
}: {
  kind: CaseActionKind | null;
  target: CaseRef | null;
  onClose: () => void;
  onDone: (detail: CaseDetail) => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  const departments = useDepartments();
  const workday = useWorkdayMinutes();
  const open = kind !== null && target !== null;
  // The case as reported (a list row has no description or photos) for the dialogs that decide on it,
  // and what a dispatch would do: the rules' suggestion (never a unit that sent it back) and deadline.
  const detail = useApi<CaseDetail>(
    open && (kind === 'dispatch' || kind === 'visit') ? `/api/cases/${target.id}` : null,
  ).data;
  const preview = useApi<DispatchPreview>(
    open && kind === 'dispatch' ? `/api/cases/${target.id}/dispatch-preview` : null,
  ).data;
  const shownDetail = detail && detail.id === target?.id ? detail : undefined;
  const shownPreview = preview && shownDetail ? preview : undefined;
  const sentBack = new Set(shownPreview?.returns.map((r) => r.departmentId) ?? []);
  const requestKind = Form.useWatch('kind', form) as RequestKind | undefined;
  const pending = target?.requests?.find((r) => r.state === 'pending');

  const { submit, busy, error, clearError } = useSubmit<Values, CaseDetail>(form, {
    send: (v) => send(kind!, target!.id, v, pending?.id),
    invalidates: ['/api/cases'],
    onDone: (detail) => {
      message.success(t('case.done', { action: t(ACTION_LABELS[kind!]) }));
      onDone(detail);
    },
    field: (name) => (name === 'photoTokens' ? 'photos' : (name.split('/')[0] ?? name)),
  });

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    clearError();
    if (kind === 'visit') form.setFieldsValue({ satisfied: true, method: 'phone' });
    if (kind === 'decide') form.setFieldsValue({ approve: true });
    if (kind === 'request') form.setFieldsValue({ kind: target.parked ? 'unpark' : 'park' });
    // Opening the dialog starts a fresh form; the hook's own functions are stable enough here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, kind, target, form]);

  // The suggested department, once the preview is in and after the form was reset for this case (the
  // user may still change it); a unit that sent the case back is never put there again.
  const best = preview?.suggestion?.departmentId;
  useEffect(() => {
    if (open && best && !form.getFieldValue('departmentId')) form.setFieldsValue({ departmentId: best });
  }, [open, target, best, form]);

  if (!kind || !target) return null;

  const noteRequired = (label: MessageKey) => (
    <Form.Item
      name="note"
      label={t(label)}
      rules={[{ required: true, min: 2, message: t('case.needText', { n: 2 }) }]}
    >
      <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-note" />
    </Form.Item>
  );
  const noteOptional = (
    <Form.Item name="note" label={t('case.note')}>
      <Input.TextArea rows={2} maxLength={1000} data-testid="action-note" />
    </Form.Item>
  );
  const reason = (
    <Form.Item
      name="reason"
      label={t('case.reason')}
      rules={[{ required: true, min: 2, message: t('case.needText', { n: 2 }) }]}
    >
      <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-reason" />
    </Form.Item>
  );
  const suggestion = shownPreview?.suggestion ?? null;
  // The rules' first choice, when it was skipped because it sent the case back.
  const skipped = shownPreview?.matches.find((m) => sentBack.has(m.departmentId));

  return (
    <Modal
      open={open}
      title={`${t(ACTION_LABELS[kind])} · ${target.number}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t(ACTION_LABELS[kind])}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
      width={kind === 'dispatch' || kind === 'visit' ? 640 : undefined}
      okButtonProps={{ 'data-testid': 'action-ok' }}
    >
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }}>
        {target.title}
      </Typography.Paragraph>
      {error && (
        <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="action-error" />
      )}
      <Form form={form} layout="vertical" preserve={false}>
        {kind === 'dispatch' && (
          <>
            <DispatchBrief detail={shownDetail} preview={shownPreview} />
            {shownPreview && (
              <Alert
                type={suggestion ? 'info' : 'warning'}
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="dispatch-suggestion"
                title={
                  suggestion
                    ? t('dispatch.suggestion', { department: suggestion.departmentName })
                    : skipped
                      ? t('dispatch.skippedNone')
                      : t('dispatch.noSuggestion')
                }
                description={
                  suggestion ? (
                    <Space wrap size={4}>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {[suggestion.categoryName, suggestion.gridName, suggestion.note]
                          .filter(Boolean)
                          .join(' · ')}
                      </Typography.Text>
                      {skipped && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {t('dispatch.skipped', { unit: skipped.departmentName })}
                        </Typography.Text>
                      )}
                      <Button
                        size="small"
                        type="link"
                        onClick={() => form.setFieldsValue({ departmentId: suggestion.departmentId })}
                      >
                        {t('dispatch.useSuggestion')}
                      </Button>
                    </Space>
                  ) : undefined
                }
              />
            )}
            <Form.Item name="departmentId" label={t('case.department')} rules={[{ required: true }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                options={departments.map((d) => ({
                  value: d.id,
                  label: sentBack.has(d.id) ? `${d.name}（${t('dispatch.sentBack')}）` : d.name,
                }))}
                data-testid="dispatch-department"
              />
            </Form.Item>
            {noteOptional}
          </>
        )}
        {(kind === 'accept' || kind === 'archive') && noteOptional}
        {kind === 'reject' && reason}
        {kind === 'feedback' && (
          <>
            {noteRequired('case.feedbackNote')}
            <Form.Item name="photos" label={t('case.photos')}>
              <PhotoUploader testId="feedback-photos" />
            </Form.Item>
          </>
        )}
        {kind === 'visit' && (
          <>
            <VisitBrief detail={shownDetail} />
            <Form.Item name="satisfied" label={t('visit.result')} rules={[{ required: true }]}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  { value: true, label: t('visit.satisfied') },
                  { value: false, label: t('visit.unsatisfied') },
                ]}
                data-testid="visit-satisfied"
              />
            </Form.Item>
            <Form.Item name="method" label={t('visit.method')}>
              <Select
                options={(['phone', 'visit', 'sms', 'other'] as const).map((m) => ({
                  value: m,
                  label: t(`visit.method.${m}`),
                }))}
              />
            </Form.Item>
            {noteRequired('visit.note')}
            <Form.Item name="photos" label={t('case.photos')}>
              <PhotoUploader testId="visit-photos" />
            </Form.Item>
          </>
        )}
        {kind === 'void' && (
          <>
            {reason}
            <Form.Item
              name="duplicateOf"
              label={t('case.duplicateOf')}
              extra={t('case.duplicateOfHint')}
              rules={[
                {
                  validator: (_, value?: string) =>
                    !value || NUMBER_PATTERN.test(value.trim().toUpperCase())
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('case.numberFormat'))),
                },
              ]}
            >
              <Input maxLength={16} placeholder="SJ20260101000001" />
            </Form.Item>
          </>
        )}
        {kind === 'request' && (
          <>
            <Form.Item name="kind" label={t('request.kind')} rules={[{ required: true }]}>
              <Radio.Group
                options={(target.parked ? (['unpark'] as const) : (['park', 'defer'] as const))
                  .filter((k) => k !== 'defer' || target.stage)
                  .map((k) => ({ value: k, label: named(REQUEST_KINDS, k, lang) }))}
              />
            </Form.Item>
            {requestKind === 'defer' && (
              <Form.Item label={t('request.extra')} required extra={t('request.extraHint')}>
                <Space.Compact>
                  <Form.Item name="extraAmount" noStyle rules={[{ required: true }]}>
                    <InputNumber min={1} max={9999} style={{ width: 120 }} />
                  </Form.Item>
                  <Form.Item name="extraUnit" noStyle initialValue={60}>
                    <Select
                      style={{ width: 110 }}
                      options={[
                        { value: 1, label: t('unit.minutes') },
                        { value: 60, label: t('unit.hours') },
                        { value: workday, label: t('unit.workdays') },
                      ]}
                    />
                  </Form.Item>
                </Space.Compact>
              </Form.Item>
            )}
            {reason}
          </>
        )}
        {kind === 'decide' && pending && (
          <>
            <Alert
              type="info"
              style={{ marginBottom: 12 }}
              title={`${named(REQUEST_KINDS, pending.kind, lang)} · ${pending.requestedBy}`}
              description={
                <>
                  {pending.reason}
                  {pending.extraMinutes ? ` (+${pending.extraMinutes} ${t('unit.minutes')})` : ''}
                </>
              }
            />
            <Form.Item name="approve" label={t('request.decision')} rules={[{ required: true }]}>
              <Radio.Group
                optionType="button"
                buttonStyle="solid"
                options={[
                  { value: true, label: t('request.approve') },
                  { value: false, label: t('request.deny') },
                ]}
              />
            </Form.Item>
            {noteOptional}
          </>
        )}
        {kind === 'comment' && (
          <Form.Item
            name="note"
            label={t('case.note')}
            rules={[{ required: true, message: t('case.needText', { n: 1 }) }]}
          >
            <Input.TextArea rows={3} maxLength={1000} showCount data-testid="action-note" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
