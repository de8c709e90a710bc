import type { Permission } from '@wangge/shared';
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './core/AuthContext.tsx';
import { AppLayout } from './core/AppLayout.tsx';
import { NotFoundPage } from './core/NotFoundPage.tsx';
import { QueryProvider } from './core/query.tsx';
import { useI18n } from './i18n/index.tsx';
import { MENU, PAGES } from './modules.ts';
import { ChangePasswordPage } from './modules/identity/ChangePasswordPage.tsx';
import { LoginPage } from './modules/identity/LoginPage.tsx';

/** The citizens' pages: shown to anyone, logged in or not, without the staff layout. */
const PUBLIC_PAGES = PAGES.filter((p) => p.public && p.element);
const STAFF_PAGES = PAGES.filter((p) => !p.public && p.element);

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif";

function Guard({ permissions, children }: { permissions: Permission[]; children: ReactNode }) {
  const { can } = useAuth();
  const { t } = useI18n();
  if (!can(...permissions)) return <Result status="403" title="403" subTitle={t('common.forbidden')} />;
  return <>{children}</>;
}

function Routed() {
  const { me } = useAuth();
  const location = useLocation();
  if (PUBLIC_PAGES.some((p) => p.path === location.pathname)) {
    return (
      <Routes>
        {PUBLIC_PAGES.map((p) => (
          <Route key={p.path} path={p.path} element={p.element} />
        ))}
      </Routes>
    );
  }
  if (me === undefined) {
    return (
      <div style={{ display: 'flex', height: '100%', alignItems: 'center', justifyContent: 'center' }}>
        <Spin size="large" />
      </div>
    );
  }
  if (me === null) {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }
  if (me.mustChangePassword) return <ChangePasswordPage forced />;
  return (
    <AppLayout menu={MENU}>
      <Routes>
        <Route
          path="/login"
          element={<Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />}
        />
        {STAFF_PAGES.map((p) => (
          <Route
            key={p.path}
            path={p.path}
            element={p.permissions ? <Guard permissions={p.permissions}>{p.element}</Guard> : p.element}
          />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </AppLayout>
  );
}

export function App() {
  const { lang } = useI18n();
  const { me } = useAuth();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1458a8', fontFamily: FONT, borderRadius: 6 } }}
    >
      <AntApp style={{ height: '100%' }}>
        <QueryProvider userId={me === undefined ? undefined : (me?.id ?? null)}>
          <Routed />
        </QueryProvider>
      </AntApp>
    </ConfigProvider>
  );
}
