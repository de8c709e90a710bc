import type { Permission } from '@wangge/shared';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { Suspense, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './core/AuthContext.tsx';
import { lazyPage } from './core/lazyPage.ts';
import { QueryProvider } from './core/query.tsx';
import { useI18n } from './i18n/index.tsx';
import { MENU, PAGES } from './modules.ts';

// Every page and the staff layout load when first shown (see lazyPage): the login and the
// citizens' pages download neither the staff pages nor the layout.
const AppLayout = lazyPage(() => import('./core/AppLayout.tsx'), 'AppLayout');
const LoginPage = lazyPage(() => import('./modules/identity/LoginPage.tsx'), 'LoginPage');
// Result's illustrations are large: the 403 and 404 pages load when shown.
const ForbiddenPage = lazyPage(() => import('./core/ForbiddenPage.tsx'), 'ForbiddenPage');
const NotFoundPage = lazyPage(() => import('./core/NotFoundPage.tsx'), 'NotFoundPage');
const ChangePasswordPage = lazyPage(
  () => import('./modules/identity/ChangePasswordPage.tsx'),
  'ChangePasswordPage',
);

/** The citizens' pages: shown to anyone, logged in or not, without the staff layout. */
const PUBLIC_PAGES = PAGES.filter((p) => p.public && p.element);
const STAFF_PAGES = PAGES.filter((p) => !p.public && p.element);

const FONT =
  "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'WenQuanYi Micro Hei', sans-serif";

function Guard({ permissions, children }: { permissions: Permission[]; children: ReactNode }) {
  const { can } = useAuth();
  if (!can(...permissions)) return <ForbiddenPage />;
  return <>{children}</>;
}

function Loading() {
  return (
    <div style={{ display: 'flex', height: '100%', alignItems: 'center', justifyContent: 'center' }}>
      <Spin size="large" />
    </div>
  );
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
  if (me === undefined) return <Loading />;
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
      <Suspense fallback={<Loading />}>
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
      </Suspense>
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
          <Suspense fallback={<Loading />}>
            <Routed />
          </Suspense>
        </QueryProvider>
      </AntApp>
    </ConfigProvider>
  );
}
