import { ApiOutlined, KeyOutlined, SafetyOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const ApiKeysPage = lazyPage(() => import('./ApiKeysPage.tsx'), 'ApiKeysPage');
const ChangePasswordPage = lazyPage(() => import('./ChangePasswordPage.tsx'), 'ChangePasswordPage');
const RolesPage = lazyPage(() => import('./RolesPage.tsx'), 'RolesPage');
const SecurityPage = lazyPage(() => import('./SecurityPage.tsx'), 'SecurityPage');
const UsersPage = lazyPage(() => import('./UsersPage.tsx'), 'UsersPage');

export const identityModule = defineWebModule({
  name: 'identity',
  pages: [
    // From the user menu in the header.
    { path: '/password', element: <ChangePasswordPage /> },
    {
      path: '/admin/users',
      element: <UsersPage />,
      permissions: ['user.read', 'user.grant'],
      menu: { label: 'menu.users', icon: <UserOutlined />, group: 'admin' },
    },
    {
      path: '/admin/roles',
      element: <RolesPage />,
      permissions: ['role.read'],
      menu: { label: 'menu.roles', icon: <TeamOutlined />, group: 'admin' },
    },
    {
      path: '/admin/security',
      element: <SecurityPage />,
      permissions: ['security.policy'],
      menu: { label: 'menu.security', icon: <SafetyOutlined />, group: 'admin' },
    },
    {
      path: '/admin/api-keys',
      element: <ApiKeysPage />,
      permissions: ['apikey.write'],
      menu: { label: 'menu.apiKeys', icon: <KeyOutlined />, group: 'admin' },
    },
    {
      path: '/api/docs',
      permissions: ['config.write', 'role.write'],
      menu: { label: 'menu.apiDocs', icon: <ApiOutlined />, group: 'admin', external: true },
    },
  ],
});
