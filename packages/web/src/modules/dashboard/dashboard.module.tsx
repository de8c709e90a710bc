import { DashboardOutlined } from '@ant-design/icons';
import { defineWebModule } from '../../core/modules.ts';
import { HomePage } from './HomePage.tsx';

export const dashboardModule = defineWebModule({
  name: 'dashboard',
  pages: [
    {
      path: '/',
      element: <HomePage />,
      menu: { label: 'menu.home', icon: <DashboardOutlined />, permissions: ['dashboard.read'] },
    },
  ],
});
