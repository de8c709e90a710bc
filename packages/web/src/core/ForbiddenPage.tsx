import { Result } from 'antd';
import { useI18n } from '../i18n/index.tsx';

/** A page the signed-in user may not open (the route's permissions). */
export function ForbiddenPage() {
  const { t } = useI18n();
  return <Result status="403" title="403" subTitle={t('common.forbidden')} />;
}
