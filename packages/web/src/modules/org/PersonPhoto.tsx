import { CameraOutlined } from '@ant-design/icons';
import type { Person } from '@wangge/shared';
import { App, Avatar, Button, Upload } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useInvalidate } from '../../core/query.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** What the server takes: it checks again, by content. */
export const PERSON_PHOTO_TYPES = ['image/jpeg', 'image/png'];
export const PERSON_PHOTO_MAX_BYTES = 2 * 1024 * 1024;

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/**
 * A person's photo (printed on the grid's notice board) as a small portrait, with a button to
 * upload or replace it when the viewer may edit duties.
 */
export function PersonPhoto({
  personId,
  name,
  hasPhoto,
  editable,
}: {
  personId: number;
  name: string;
  hasPhoto: boolean;
  editable: boolean;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [busy, setBusy] = useState(false);
  // A new address after an upload: the browser keeps the old photo for a few minutes otherwise.
  const [version, setVersion] = useState(0);

  const send = async (file: File) => {
    if (!PERSON_PHOTO_TYPES.includes(file.type)) {
      message.error(t('duty.photoType'));
      return;
    }
    if (file.size > PERSON_PHOTO_MAX_BYTES) {
      message.error(t('duty.photoSize'));
      return;
    }
    setBusy(true);
    try {
      await api<Person>('PUT', `/api/people/${personId}/photo`, { dataUrl: await readAsDataUrl(file) });
      setVersion(Date.now());
      await invalidate('/api/duties', '/api/people');
      message.success(t('duty.photoSaved'));
    } catch (err) {
      message.error(errorText(err, lang));
    } finally {
      setBusy(false);
    }
  };

  const avatar = (
    <Avatar
      shape="square"
      size={40}
      src={hasPhoto ? `/api/people/${personId}/photo${version ? `?v=${version}` : ''}` : undefined}
      alt={name}
      data-testid={`person-photo-${personId}`}
    >
      {[...name][0]}
    </Avatar>
  );
  if (!editable) return avatar;
  return (
    <span style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}>
      {avatar}
      <Upload
        accept={PERSON_PHOTO_TYPES.join(',')}
        showUploadList={false}
        beforeUpload={(file) => {
          void send(file);
          return false;
        }}
      >
        <Button
          size="small"
          type="text"
          icon={<CameraOutlined />}
          loading={busy}
          aria-label={hasPhoto ? t('duty.photoChange') : t('duty.photoUpload')}
          title={hasPhoto ? t('duty.photoChange') : t('duty.photoUpload')}
          data-testid={`person-photo-upload-${personId}`}
        />
      </Upload>
    </span>
  );
}
