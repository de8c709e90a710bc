import {
  ClockCircleOutlined,
  ControlOutlined,
  FormOutlined,
  InboxOutlined,
  SendOutlined,
  UnorderedListOutlined,
} from '@ant-design/icons';
import { defineWebModule } from '../../core/modules.ts';
import { CaseDetailPage } from './CaseDetailPage.tsx';
import { CaseListPage } from './CaseListPage.tsx';
import { CaseReportPage } from './CaseReportPage.tsx';
import { DeptInboxPage } from './DeptInboxPage.tsx';
import { DispatchConsolePage } from './DispatchConsolePage.tsx';
import { OverduePage } from './OverduePage.tsx';
import { PublicReportPage } from './public/PublicReportPage.tsx';
import { PublicTrackPage } from './public/PublicTrackPage.tsx';
import { CaseSettingsPage } from './settings/CaseSettingsPage.tsx';

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
