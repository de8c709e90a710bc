import {
  ClockCircleOutlined,
  ControlOutlined,
  FormOutlined,
  InboxOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const CaseDetailPage = lazyPage(() => import('./CaseDetailPage.tsx'), 'CaseDetailPage');
const CaseListPage = lazyPage(() => import('./CaseListPage.tsx'), 'CaseListPage');
const CaseReportPage = lazyPage(() => import('./CaseReportPage.tsx'), 'CaseReportPage');
const DeptInboxPage = lazyPage(() => import('./DeptInboxPage.tsx'), 'DeptInboxPage');
const DispatchConsolePage = lazyPage(() => import('./DispatchConsolePage.tsx'), 'DispatchConsolePage');
const OverduePage = lazyPage(() => import('./OverduePage.tsx'), 'OverduePage');
const PublicReportPage = lazyPage(() => import('./public/PublicReportPage.tsx'), 'PublicReportPage');
const PublicTrackPage = lazyPage(() => import('./public/PublicTrackPage.tsx'), 'PublicTrackPage');
const CaseSettingsPage = lazyPage(() => import('./settings/CaseSettingsPage.tsx'), 'CaseSettingsPage');

export const caseModule = defineWebModule({
  name: 'case',
  pages: [
    {
      path: '/cases',
      element: <CaseListPage />,
      permissions: ['case.read', 'case.handle'],
      menu: { label: 'menu.caseList', icon: <UnorderedListOutlined />, group: 'cases' },
    },
    {
      path: '/cases/new',
      element: <CaseReportPage />,
      permissions: ['case.report'],
      menu: { label: 'menu.caseReport', icon: <FormOutlined />, group: 'cases' },
    },
    {
      path: '/dispatch',
      element: <DispatchConsolePage />,
      permissions: ['case.dispatch', 'case.visit', 'case.archive'],
      menu: { label: 'menu.dispatch', icon: <SendOutlined />, group: 'cases' },
    },
    {
      path: '/inbox/department',
      element: <DeptInboxPage />,
      permissions: ['case.handle'],
      menu: { label: 'menu.deptInbox', icon: <InboxOutlined />, group: 'cases' },
    },
    {
      path: '/cases/overdue',
      element: <OverduePage />,
      permissions: ['case.read', 'case.handle'],
      menu: { label: 'menu.overdue', icon: <ClockCircleOutlined />, group: 'cases' },
    },
    {
      path: '/case-settings',
      element: <CaseSettingsPage />,
      permissions: ['case.config'],
      menu: { label: 'menu.caseSettings', icon: <ControlOutlined />, group: 'cases' },
    },
    {
      path: '/cases/:id',
      element: <CaseDetailPage />,
      permissions: ['case.read', 'case.handle', 'case.report'],
    },
    { path: '/report', element: <PublicReportPage />, public: true },
    { path: '/track', element: <PublicTrackPage />, public: true },
  ],
});
