import type { Permission } from '@wangge/shared';
import {
  ApiOutlined,
  AuditOutlined,
  BellOutlined,
  ClockCircleOutlined,
  ClusterOutlined,
  ControlOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  FormOutlined,
  ImportOutlined,
  InboxOutlined,
  KeyOutlined,
  LoginOutlined,
  MailOutlined,
  MessageOutlined,
  ProfileOutlined,
  SafetyOutlined,
  SendOutlined,
  SettingOutlined,
  SnippetsOutlined,
  TeamOutlined,
  UnorderedListOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages.ts';

export interface MenuEntry {
  path: string;
  label: MessageKey;
  icon: ReactNode;
  /** Shown when the user holds any one of these. */
  permissions: Permission[];
  external?: boolean;
}

export interface MenuGroup {
  key: string;
  label: MessageKey;
  icon: ReactNode;
  children: MenuEntry[];
}

/** The whole menu; each user sees the entries their permissions allow, nothing else. */
export const MENU: (MenuEntry | MenuGroup)[] = [
  { path: '/', label: 'menu.home', icon: <DashboardOutlined />, permissions: ['dashboard.read'] },
  { path: '/grids', label: 'menu.grids', icon: <ClusterOutlined />, permissions: ['grid.read'] },
  {
    path: '/grids/import',
    label: 'grids.importDivisions',
    icon: <ImportOutlined />,
    permissions: ['grid.write'],
  },
  {
    key: 'cases',
    label: 'menu.cases',
    icon: <ProfileOutlined />,
    children: [
      {
        path: '/cases',
        label: 'menu.caseList',
        icon: <UnorderedListOutlined />,
        permissions: ['case.read', 'case.handle'],
      },
      { path: '/cases/new', label: 'menu.caseReport', icon: <FormOutlined />, permissions: ['case.report'] },
      {
        path: '/dispatch',
        label: 'menu.dispatch',
        icon: <SendOutlined />,
        permissions: ['case.dispatch', 'case.visit', 'case.archive'],
      },
      {
        path: '/inbox/department',
        label: 'menu.deptInbox',
        icon: <InboxOutlined />,
        permissions: ['case.handle'],
      },
      {
        path: '/cases/overdue',
        label: 'menu.overdue',
        icon: <ClockCircleOutlined />,
        permissions: ['case.read', 'case.handle'],
      },
      {
        path: '/case-settings',
        label: 'menu.caseSettings',
        icon: <ControlOutlined />,
        permissions: ['case.config'],
      },
    ],
  },
  {
    key: 'notify',
    label: 'menu.notify',
    icon: <BellOutlined />,
    children: [
      { path: '/notify/mails', label: 'menu.mails', icon: <MailOutlined />, permissions: ['notify.read'] },
      { path: '/notify/sms', label: 'menu.sms', icon: <MessageOutlined />, permissions: ['notify.read'] },
      {
        path: '/notify/templates',
        label: 'menu.templates',
        icon: <SnippetsOutlined />,
        permissions: ['case.config'],
      },
    ],
  },
  {
    key: 'admin',
    label: 'menu.admin',
    icon: <SettingOutlined />,
    children: [
      {
        path: '/admin/users',
        label: 'menu.users',
        icon: <UserOutlined />,
        permissions: ['user.read', 'user.grant'],
      },
      { path: '/admin/roles', label: 'menu.roles', icon: <TeamOutlined />, permissions: ['role.read'] },
      {
        path: '/admin/security',
        label: 'menu.security',
        icon: <SafetyOutlined />,
        permissions: ['security.policy'],
      },
      {
        path: '/admin/api-keys',
        label: 'menu.apiKeys',
        icon: <KeyOutlined />,
        permissions: ['apikey.write'],
      },
      {
        path: '/api/docs',
        label: 'menu.apiDocs',
        icon: <ApiOutlined />,
        permissions: ['config.write', 'role.write'],
        external: true,
      },
    ],
  },
  {
    key: 'audit',
    label: 'menu.audit',
    icon: <AuditOutlined />,
    children: [
      {
        path: '/audit/log',
        label: 'menu.auditLog',
        icon: <FileSearchOutlined />,
        permissions: ['audit.read'],
      },
      {
        path: '/audit/logins',
        label: 'menu.loginLog',
        icon: <LoginOutlined />,
        permissions: ['loginlog.read'],
      },
    ],
  },
];

/** The keys of the groups (open by default). */
export const MENU_GROUP_KEYS = MENU.flatMap((item) => ('children' in item ? [item.key] : []));

/** The menu entry a page belongs to: the longest entry path the address starts with. */
export function selectedMenuKey(pathname: string): string {
  const paths = MENU.flatMap((item) => ('children' in item ? item.children : [item]))
    .filter((e) => !e.external)
    .map((e) => e.path);
  if (paths.includes(pathname)) return pathname;
  const within = paths.filter((p) => p !== '/' && pathname.startsWith(`${p}/`));
  return within.sort((a, b) => b.length - a.length)[0] ?? pathname;
}

export function visibleMenu(can: (...p: Permission[]) => boolean): (MenuEntry | MenuGroup)[] {
  const out: (MenuEntry | MenuGroup)[] = [];
  for (const item of MENU) {
    if ('children' in item) {
      const children = item.children.filter((c) => can(...c.permissions));
      if (children.length) out.push({ ...item, children });
    } else if (can(...item.permissions)) {
      out.push(item);
    }
  }
  return out;
}
