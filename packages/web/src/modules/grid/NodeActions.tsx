import { gridKindLabel, GRID_KINDS, type GridNode } from '@wangge/shared';
import { App, Button, Checkbox, DatePicker, Form, Input, Modal, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { api, ApiError, errorText } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';

type Dialog = 'child' | 'rename' | 'close' | null;

/**
 * Tree maintenance on one grid: add a child, rename, close. Every change has an effective date.
 * Closing asks first, naming the grid and its children; a tree's root is not closed.
 */
export function NodeActions({
  node,
  isRoot,
  childKinds,
  onChanged,
  onClosed,
}: {
  node: GridNode;
  /** The tree's root: everything hangs on it, so it cannot be closed. */
  isRoot: boolean;
  /** Kinds the scheme allows one level down; empty when the node follows no scheme. */
  childKinds: string[];
  onChanged: (createdId?: number) => void;
  onClosed: () => void;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();

  const open = (d: Dialog) => {
    form.resetFields();
    if (d === 'rename') form.setFieldsValue({ name: node.name });
    setDialog(d);
  };

  const submit = async () => {
    const v = await form.validateFields();
    const effectiveDate = (v.effectiveDate as Dayjs | undefined)?.format('YYYY-MM-DD');
    try {
      if (dialog === 'child') {
        const created = await api<GridNode>('POST', '/api/grids', {
          parentId: node.id,
          kind: v.kind,
          name: v.name,
          ...(v.code ? { code: v.code } : {}),
          ...(effectiveDate ? { effectiveDate } : {}),
        });
        onChanged(created.id);
      } else if (dialog === 'rename') {
        await api('PATCH', `/api/grids/${node.id}`, {
          name: v.name,
          ...(effectiveDate ? { effectiveDate } : {}),
        });
        onChanged();
      } else if (dialog === 'close') {
        await api('POST', `/api/grids/${node.id}/close`, {
          cascade: Boolean(v.cascade),
          ...(effectiveDate ? { effectiveDate } : {}),
        });
        onClosed();
      }
      message.success(t('common.saved'));
      setDialog(null);
    } catch (err) {
      message.error(errorText(err, lang));
      if (err instanceof ApiError && err.fields) {
        form.setFields(Object.entries(err.fields).map(([name, msg]) => ({ name, errors: [msg] })));
      }
    }
  };

  const kinds = (childKinds.length ? childKinds : Object.keys(GRID_KINDS)).map((k) => ({
    value: k,
    label: gridKindLabel(k, lang),
  }));
  return (
    <>
      <Space size={4} wrap>
        <Button size="small" onClick={() => open('child')} data-testid="grid-add-child">
          {t('grids.addChild')}
        </Button>
        <Button size="small" onClick={() => open('rename')} data-testid="grid-rename">
          {t('grids.rename')}
        </Button>
        {!isRoot && (
          <Button size="small" danger onClick={() => open('close')} data-testid="grid-close">
            {t('grids.close')}
          </Button>
        )}
      </Space>
      <Modal
        open={dialog !== null}
        title={
          dialog === 'child'
            ? t('grids.addChild')
            : dialog === 'rename'
              ? t('grids.rename')
              : t('grids.closeTitle', { name: node.name })
        }
        onCancel={() => setDialog(null)}
        onOk={() => void submit()}
        okText={dialog === 'close' ? t('grids.closeOk') : t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: dialog === 'close' }}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false}>
          {dialog === 'child' && (
            <>
              <Form.Item
                name="kind"
                label={t('grids.kind')}
                rules={[{ required: true }]}
                initialValue={kinds[0]?.value}
              >
                <Select options={kinds} />
              </Form.Item>
              <Form.Item name="name" label={t('grids.name')} rules={[{ required: true }]}>
                <Input maxLength={60} data-testid="grid-child-name" />
              </Form.Item>
              <Form.Item name="code" label={t('grids.code')} extra={t('grids.codeAuto')}>
                <Input maxLength={40} />
              </Form.Item>
            </>
          )}
          {dialog === 'rename' && (
            <Form.Item name="name" label={t('grids.name')} rules={[{ required: true }]}>
              <Input maxLength={60} />
            </Form.Item>
          )}
          {dialog === 'close' && (
            <>
              <p data-testid="grid-close-confirm">{t('grids.closeConfirm')}</p>
              {node.childCount > 0 && (
                <Form.Item name="cascade" valuePropName="checked">
                  <Checkbox>{t('grids.cascadeN', { n: node.childCount })}</Checkbox>
                </Form.Item>
              )}
            </>
          )}
          <Form.Item name="effectiveDate" label={t('grids.effectiveDate')}>
            <DatePicker />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
