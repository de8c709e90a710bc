import { FileSearchOutlined, FormOutlined, GlobalOutlined } from '@ant-design/icons';
import { Button, Segmented } from 'antd';
import type { ReactNode } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { useI18n } from '../../../i18n/index.tsx';

/** The citizens' pages: no login, no menu; a phone-width column with the two things they can do. */
export function PublicShell({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  return (
    <div className="wg-public">
      <header className="wg-public-header">
        <div className="wg-public-bar">
          <span className="wg-brand">
            <img src="/favicon.svg" width={22} height={22} alt="" />
            <span>{t('public.brand')}</span>
          </span>
          <Button
            type="text"
            size="small"
            icon={<GlobalOutlined />}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            style={{ color: '#fff' }}
            data-testid="lang-switch"
          >
            {t('header.language')}
          </Button>
        </div>
        <Segmented
          block
          value={pathname === '/track' ? '/track' : '/report'}
          onChange={(v) => navigate(v)}
          options={[
            { value: '/report', label: t('public.tabReport'), icon: <FormOutlined /> },
            { value: '/track', label: t('public.tabTrack'), icon: <FileSearchOutlined /> },
          ]}
          data-testid="public-nav"
        />
      </header>
      <main className="wg-public-main">{children}</main>
      <footer className="wg-public-footer">{t('public.footer')}</footer>
    </div>
  );
}

/** Receipts kept on this device, newest first, so a citizen can look a report up again. */
export interface SavedReceipt {
  number: string;
  code: string;
  at: string;
  category?: string;
}

const RECEIPTS_KEY = 'wangge.receipts';
const RECEIPTS_MAX = 10;

export function savedReceipts(): SavedReceipt[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(RECEIPTS_KEY) ?? '[]') as unknown;
    return Array.isArray(parsed)
      ? parsed.filter(
          (r): r is SavedReceipt =>
            !!r && typeof r === 'object' && typeof r.number === 'string' && typeof r.code === 'string',
        )
      : [];
  } catch {
    return [];
  }
}

export function saveReceipt(r: SavedReceipt): void {
  const rest = savedReceipts().filter((x) => x.number !== r.number);
  localStorage.setItem(RECEIPTS_KEY, JSON.stringify([r, ...rest].slice(0, RECEIPTS_MAX)));
}

export function forgetReceipt(number: string): void {
  localStorage.setItem(RECEIPTS_KEY, JSON.stringify(savedReceipts().filter((x) => x.number !== number)));
}
