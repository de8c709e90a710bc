import type { Permission } from '@wangge/shared';
import {
  ApiOutlined,
  AuditOutlined,
  ClusterOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  ImportOutlined,
  LoginOutlined,
  SafetyOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { MessageKey } from './i18n/messages.ts';

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
