import type { CaseDetail, UnitOfficer } from '@wangge/shared';
import { Alert, App, Form, Input, Modal, Select, Typography } from 'antd';
import { useEffect } from 'react';
import { api } from '../../core/api.ts';
import { useApi } from '../../core/query.tsx';
import { useSubmit } from '../../core/useSubmit.ts';
import type { ActionLook } from '../../core/WorkflowActions.tsx';
import { useI18n } from '../../i18n/index.tsx';
import type { MessageKey } from '../../i18n/messages.ts';
import { PhotoUploader } from './PhotoUploader.tsx';
import { useDepartments } from './shared.tsx';

export const SUPERVISION_KINDS = [
  'handOver',
  'assistFeedback',
  'devolve',
  'urge',
  'supervise',
  'assist',
  'reassign',
  'recall',
] as const;
export type SupervisionKind = (typeof SUPERVISION_KINDS)[number];

const LABELS: Record<SupervisionKind, MessageKey> = {
  urge: 'sup.do.urge',
  reassign: 'sup.do.reassign',
  recall: 'sup.do.recall',
  devolve: 'sup.do.devolve',
  assist: 'sup.do.assist',
  assistFeedback: 'sup.do.assistFeedback',
  supervise: 'sup.do.supervise',
  handOver: 'sup.do.handOver',
};

/** The supervision buttons of a case: who chases it, where it goes, who helps. */
export const SUPERVISION_LOOK: ActionLook<SupervisionKind> = {
  order: SUPERVISION_KINDS,
  label: LABELS,
  primary: ['assistFeedback'],
  danger: ['recall'],
};

interface Values {
  note?: string;
  reason?: string;
  departmentId?: number;
  departmentIds?: number[];
  personId?: number;
  photos?: string[];
}

const PATHS: Record<SupervisionKind, string> = {
  urge: 'urge',
  reassign: 'reassign',
  recall: 'recall',
  devolve: 'devolve',
  assist: 'assist',
  assistFeedback: 'assist-feedback',
  supervise: 'supervise',
  handOver: 'hand-over',
};

function body(kind: SupervisionKind, v: Values): object {
  switch (kind) {
    case 'reassign':
      return { departmentId: v.departmentId, reason: v.reason };
    case 'recall':
    case 'devolve':
      return { reason: v.reason };
    case 'assist':
      return { departmentIds: v.departmentIds, note: v.note || undefined };
    case 'assistFeedback':
      return {
        note: v.note,
        photoTokens: v.photos?.length ? v.photos : undefined,
        departmentId: v.departmentId,
      };
    case 'handOver':
      return { personId: v.personId, note: v.note || undefined };
    default:
      return { note: v.note || undefined };
  }
}

/** The dialog of one supervision action on the case page. */
export function SupervisionDialog({
  kind,
  detail,
  onClose,
}: {
  kind: SupervisionKind | null;
  detail: CaseDetail;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const departments = useDepartments();
  const officers = useApi<UnitOfficer[]>(
    kind === 'handOver' ? `/api/cases/${detail.id}/officers` : null,
  ).data;
  const open = kind !== null;
  const { submit, busy, error, clearError } = useSubmit<Values, CaseDetail>(form, {
    send: (v) => api('POST', `/api/cases/${detail.id}/${PATHS[kind!]}`, body(kind!, v)),
    invalidates: ['/api/cases'],
    onDone: () => {
      message.success(t('case.done', { action: t(LABELS[kind!]) }));
      onClose();
    },
    field: (name) => (name === 'photoTokens' ? 'photos' : (name.split('/')[0] ?? name)),
  });
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    clearError();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, kind, form]);
  if (!kind) return null;

  const text = (name: 'note' | 'reason', label: MessageKey, required: boolean) => (
    <Form.Item
      name={name}
      label={t(label)}
      rules={required ? [{ required: true, min: 2, message: t('case.needText', { n: 2 }) }] : []}
    >
      <Input.TextArea rows={3} maxLength={1000} showCount data-testid={`sup-${name}`} />
    </Form.Item>
  );
  // A township's or community's unit takes only cases in its territory; the server checks it too.
  const gridIds = new Set(detail.gridPath.map((g) => g.id));
  const units = (exclude: number[]) => {
    const usable = departments.filter(
      (d) => !exclude.includes(d.id) && (d.gridId === null || gridIds.has(d.gridId)),
    );
    const option = (d: (typeof departments)[number]) => ({ value: d.id, label: d.name });
    return [
      { label: t('sup.county'), options: usable.filter((d) => d.gridId === null).map(option) },
      { label: t('sup.local'), options: usable.filter((d) => d.gridId !== null).map(option) },
    ].filter((g) => g.options.length);
  };
  const lead = detail.departmentId === null ? [] : [detail.departmentId];
  const assisting = detail.assists.map((a) => a.departmentId);
  const openAssists = detail.assists.filter((a) => a.state === 'open');

  return (
    <Modal
      open={open}
      title={`${t(LABELS[kind])} · ${detail.number}`}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t(LABELS[kind])}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ danger: kind === 'recall', ...{ 'data-testid': 'sup-ok' } }}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" data-testid="sup-form">
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        {kind === 'urge' && text('note', 'sup.urgeNote', false)}
        {kind === 'reassign' && (
          <>
            <Form.Item name="departmentId" label={t('sup.reassignTo')} rules={[{ required: true }]}>
              <Select
                showSearch
                optionFilterProp="label"
                options={units(lead)}
                data-testid="sup-department"
              />
            </Form.Item>
            {text('reason', 'sup.reason', true)}
          </>
        )}
        {kind === 'recall' && (
          <>
            <Typography.Paragraph type="secondary">{t('sup.recallHint')}</Typography.Paragraph>
            {text('reason', 'sup.reason', true)}
          </>
        )}
        {kind === 'devolve' && (
          <>
            <Typography.Paragraph type="secondary">{t('sup.devolveHint')}</Typography.Paragraph>
            {text('reason', 'sup.reason', true)}
          </>
        )}
        {kind === 'assist' && (
          <>
            <Form.Item name="departmentIds" label={t('sup.assistUnits')} rules={[{ required: true }]}>
              <Select
                mode="multiple"
                showSearch
                optionFilterProp="label"
                options={units([...lead, ...assisting])}
                data-testid="sup-departments"
              />
            </Form.Item>
            {text('note', 'sup.assistNote', false)}
          </>
        )}
        {kind === 'assistFeedback' && (
          <>
            {openAssists.length > 1 && (
              <Form.Item name="departmentId" label={t('sup.assistUnit')} rules={[{ required: true }]}>
                <Select
                  options={openAssists.map((a) => ({ value: a.departmentId, label: a.departmentName }))}
                />
              </Form.Item>
            )}
            {text('note', 'sup.assistFeedback', true)}
            <Form.Item name="photos" label={t('case.photos')}>
              <PhotoUploader />
            </Form.Item>
          </>
        )}
        {kind === 'supervise' && (
          <>
            <Typography.Paragraph type="secondary">{t('sup.superviseHint')}</Typography.Paragraph>
            {text('note', 'sup.superviseNote', true)}
          </>
        )}
        {kind === 'handOver' && (
          <>
            <Form.Item name="personId" label={t('sup.officer')} rules={[{ required: true }]}>
              <Select
                loading={!officers}
                options={(officers ?? [])
                  .filter((o) => o.personId !== detail.assignee?.personId)
                  .map((o) => ({ value: o.personId, label: o.name }))}
                data-testid="sup-officer"
              />
            </Form.Item>
            {text('note', 'sup.handOverNote', false)}
          </>
        )}
      </Form>
    </Modal>
  );
}
