import { FileSearchOutlined, LoginOutlined } from '@ant-design/icons';
import { defineWebModule } from '../../core/modules.ts';
import { AuditLogPage } from './AuditLogPage.tsx';
import { LoginLogPage } from './LoginLogPage.tsx';

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
