import { Typography } from 'antd';
import { LedgerImportWizard } from '../../core/LedgerImportWizard.tsx';
import { useI18n } from '../../i18n/index.tsx';

/** The roster (网格员花名册) every township keeps, imported as people on duty. */
export function RosterImportPage() {
  const { t } = useI18n();
  return (
    <div style={{ maxWidth: 960 }}>
      <Typography.Paragraph type="secondary">{t('roster.hint')}</Typography.Paragraph>
      <LedgerImportWizard base="/api/duties/roster" title={t('roster.title')} />
    </div>
  );
}
