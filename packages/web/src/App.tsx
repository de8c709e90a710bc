import type { Permission } from '@wangge/shared';
import { App as AntApp, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { useAuth } from './core/AuthContext.tsx';
import { useI18n } from './i18n/index.tsx';
import { AppLayout } from './core/AppLayout.tsx';
import { clearCaseCaches } from './modules/case/shared.tsx';
import { ApiKeysPage } from './modules/identity/ApiKeysPage.tsx';
import { AuditLogPage } from './modules/audit/AuditLogPage.tsx';
import { CaseDetailPage } from './modules/case/CaseDetailPage.tsx';
import { CaseListPage } from './modules/case/CaseListPage.tsx';
import { CaseReportPage } from './modules/case/CaseReportPage.tsx';
import { CaseSettingsPage } from './modules/case/settings/CaseSettingsPage.tsx';
import { ChangePasswordPage } from './modules/identity/ChangePasswordPage.tsx';
import { DeptInboxPage } from './modules/case/DeptInboxPage.tsx';
import { DispatchConsolePage } from './modules/case/DispatchConsolePage.tsx';
import { GridsPage } from './modules/grid/GridsPage.tsx';
import { DivisionsImportPage } from './modules/grid/DivisionsImportPage.tsx';
import { RosterImportPage } from './modules/org/RosterImportPage.tsx';
import { HomePage } from './modules/dashboard/HomePage.tsx';
import { InboxPage } from './modules/notify/InboxPage.tsx';
import { LoginLogPage } from './modules/audit/LoginLogPage.tsx';
import { LoginPage } from './modules/identity/LoginPage.tsx';
import { NotFoundPage } from './core/NotFoundPage.tsx';
import { NotifyTemplatesPage } from './modules/notify/NotifyTemplatesPage.tsx';
import { OutboxPage } from './modules/notify/OutboxPage.tsx';
import { OverduePage } from './modules/case/OverduePage.tsx';
import { PublicReportPage } from './modules/case/public/PublicReportPage.tsx';
import { PublicTrackPage } from './modules/case/public/PublicTrackPage.tsx';
import { RolesPage } from './modules/identity/RolesPage.tsx';
import { SecurityPage } from './modules/identity/SecurityPage.tsx';
import { UsersPage } from './modules/identity/UsersPage.tsx';

/** The citizens' pages: shown to anyone, logged in or not, without the staff layout. */
const PUBLIC_PATHS = ['/report', '/track'];

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
  const userId = me?.id;
  // Cached lists (categories, departments) belong to the user who loaded them.
  useEffect(() => clearCaseCaches(), [userId]);
  if (PUBLIC_PATHS.includes(location.pathname)) {
    return (
      <Routes>
        <Route path="/report" element={<PublicReportPage />} />
        <Route path="/track" element={<PublicTrackPage />} />
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
    <AppLayout>
      <Routes>
        <Route
          path="/login"
          element={<Navigate to={(location.state as { from?: string } | null)?.from ?? '/'} replace />}
        />
        <Route path="/" element={<HomePage />} />
        <Route path="/password" element={<ChangePasswordPage />} />
        <Route
          path="/grids"
          element={
            <Guard permissions={['grid.read']}>
              <GridsPage />
            </Guard>
          }
        />
        <Route
          path="/duties/roster"
          element={
            <Guard permissions={['duty.write']}>
              <RosterImportPage />
            </Guard>
          }
        />
        <Route
          path="/grids/import"
          element={
            <Guard permissions={['grid.write']}>
              <DivisionsImportPage />
            </Guard>
          }
        />
        <Route
          path="/cases"
          element={
            <Guard permissions={['case.read', 'case.handle']}>
              <CaseListPage />
            </Guard>
          }
        />
        <Route
          path="/cases/new"
          element={
            <Guard permissions={['case.report']}>
              <CaseReportPage />
            </Guard>
          }
        />
        <Route
          path="/cases/overdue"
          element={
            <Guard permissions={['case.read', 'case.handle']}>
              <OverduePage />
            </Guard>
          }
        />
        <Route
          path="/cases/:id"
          element={
            <Guard permissions={['case.read', 'case.handle', 'case.report']}>
              <CaseDetailPage />
            </Guard>
          }
        />
        <Route
          path="/dispatch"
          element={
            <Guard permissions={['case.dispatch', 'case.visit', 'case.archive']}>
              <DispatchConsolePage />
            </Guard>
          }
        />
        <Route
          path="/inbox/department"
          element={
            <Guard permissions={['case.handle']}>
              <DeptInboxPage />
            </Guard>
          }
        />
        <Route
          path="/case-settings"
          element={
            <Guard permissions={['case.config']}>
              <CaseSettingsPage />
            </Guard>
          }
        />
        <Route path="/inbox" element={<InboxPage />} />
        <Route
          path="/notify/mails"
          element={
            <Guard permissions={['notify.read']}>
              <OutboxPage key="email" channel="email" />
            </Guard>
          }
        />
        <Route
          path="/notify/sms"
          element={
            <Guard permissions={['notify.read']}>
              <OutboxPage key="sms" channel="sms" />
            </Guard>
          }
        />
        <Route
          path="/notify/templates"
          element={
            <Guard permissions={['case.config']}>
              <NotifyTemplatesPage />
            </Guard>
          }
        />
        <Route
          path="/admin/api-keys"
          element={
            <Guard permissions={['apikey.write']}>
              <ApiKeysPage />
            </Guard>
          }
        />
        <Route
          path="/admin/users"
          element={
            <Guard permissions={['user.read', 'user.grant']}>
              <UsersPage />
            </Guard>
          }
        />
        <Route
          path="/admin/roles"
          element={
            <Guard permissions={['role.read']}>
              <RolesPage />
            </Guard>
          }
        />
        <Route
          path="/admin/security"
          element={
            <Guard permissions={['security.policy']}>
              <SecurityPage />
            </Guard>
          }
        />
        <Route
          path="/audit/log"
          element={
            <Guard permissions={['audit.read']}>
              <AuditLogPage />
            </Guard>
          }
        />
        <Route
          path="/audit/logins"
          element={
            <Guard permissions={['loginlog.read']}>
              <LoginLogPage />
            </Guard>
          }
        />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </AppLayout>
  );
}

export function App() {
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      theme={{ token: { colorPrimary: '#1458a8', fontFamily: FONT, borderRadius: 6 } }}
    >
      <AntApp style={{ height: '100%' }}>
        <Routed />
      </AntApp>
    </ConfigProvider>
  );
}
