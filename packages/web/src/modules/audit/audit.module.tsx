import { FileSearchOutlined, LoginOutlined } from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const AuditLogPage = lazyPage(() => import('./AuditLogPage.tsx'), 'AuditLogPage');
const LoginLogPage = lazyPage(() => import('./LoginLogPage.tsx'), 'LoginLogPage');

export const auditModule = defineWebModule({
  name: 'audit',
  pages: [
    {
      path: '/audit/log',
      element: <AuditLogPage />,
      permissions: ['audit.read'],
      menu: { label: 'menu.auditLog', icon: <FileSearchOutlined />, group: 'audit' },
    },
    {
      path: '/audit/logins',
      element: <LoginLogPage />,
      permissions: ['loginlog.read'],
      menu: { label: 'menu.loginLog', icon: <LoginOutlined />, group: 'audit' },
    },
  ],
});
