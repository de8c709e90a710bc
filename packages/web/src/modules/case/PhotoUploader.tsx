import { PlusOutlined } from '@ant-design/icons';
import {
  CASE_PHOTO_MAX,
  CASE_PHOTO_MAX_BYTES,
  CASE_PHOTO_TYPES,
  type PhotoUploadResult,
} from '@wangge/shared';
import { App, Image, Upload, type UploadFile } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../../core/api.ts';
import { useI18n } from '../../i18n/index.tsx';

function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

/**
 * Up to nine photos, each uploaded on its own (one request at a time) as a base64 data URL; the
 * value is the list of upload tokens the server gave back. Thumbnails are shown from the local file.
 */
export function PhotoUploader({
  value,
  onChange,
  endpoint = '/api/case-photos',
  max = CASE_PHOTO_MAX,
  testId = 'photo-upload',
}: {
  value?: string[];
  onChange?: (tokens: string[]) => void;
  endpoint?: string;
  max?: number;
  testId?: string;
}) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile<PhotoUploadResult>[]>([]);
  const [preview, setPreview] = useState<string | null>(null);
  // Uploads run one after another.
  const queue = useRef<Promise<unknown>>(Promise.resolve());
  const onChangeRef = useRef(onChange);
  useEffect(() => {
    onChangeRef.current = onChange;
  }, [onChange]);

  // Cleared from outside (form reset): forget the files too.
  useEffect(() => {
    if (value && value.length === 0)
      setFiles((prev) => (prev.some((f) => f.status === 'uploading') ? prev : []));
  }, [value]);

  const publish = (list: UploadFile<PhotoUploadResult>[]) => {
    const tokens = list.flatMap((f) => (f.status === 'done' && f.response ? [f.response.token] : []));
    onChangeRef.current?.(tokens);
  };

  return (
    <>
      <Upload<PhotoUploadResult>
        listType="picture-card"
        accept={CASE_PHOTO_TYPES.join(',')}
        multiple
        maxCount={max}
        fileList={files}
        data-testid={testId}
        beforeUpload={(file, batch) => {
          if (!(CASE_PHOTO_TYPES as readonly string[]).includes(file.type)) {
            message.error(t('photo.badType', { name: file.name }));
            return Upload.LIST_IGNORE;
          }
          if (file.size > CASE_PHOTO_MAX_BYTES) {
            message.error(t('photo.tooBig', { name: file.name, mb: CASE_PHOTO_MAX_BYTES / 1024 / 1024 }));
            return Upload.LIST_IGNORE;
          }
          if (files.length + batch.indexOf(file) >= max) {
            message.error(t('photo.tooMany', { n: max }));
            return Upload.LIST_IGNORE;
          }
          return true;
        }}
        customRequest={({ file, onSuccess, onError }) => {
          queue.current = queue.current.then(async () => {
            try {
              const dataUrl = await readAsDataUrl(file as Blob);
              const result = await api<PhotoUploadResult>('POST', endpoint, { dataUrl });
              onSuccess?.(result);
            } catch (err) {
              message.error(errorText(err, lang));
              onError?.(err as Error);
            }
          });
        }}
        onChange={({ fileList }) => {
          // Failed uploads are dropped from the list; the error was shown.
          const kept = fileList
            .filter((f) => f.status !== 'error')
            .map((f) =>
              f.originFileObj && !f.thumbUrl && !f.url
                ? { ...f, thumbUrl: URL.createObjectURL(f.originFileObj) }
                : f,
            );
          setFiles(kept);
          publish(kept);
        }}
        onPreview={(f) => setPreview(f.thumbUrl ?? f.url ?? null)}
      >
        {files.length >= max ? null : (
          <div>
            <PlusOutlined />
            <div style={{ marginTop: 4, fontSize: 12 }}>{t('photo.add')}</div>
          </div>
        )}
      </Upload>
      <div style={{ color: 'rgba(0,0,0,0.45)', fontSize: 12, marginTop: -4 }}>
        {t('photo.hint', { n: max, mb: CASE_PHOTO_MAX_BYTES / 1024 / 1024 })}
      </div>
      {preview && (
        <Image
          style={{ display: 'none' }}
          src={preview}
          preview={{ open: true, src: preview, onOpenChange: (open) => !open && setPreview(null) }}
        />
      )}
    </>
  );
}
