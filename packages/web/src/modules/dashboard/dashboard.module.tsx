import { DashboardOutlined } from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const HomePage = lazyPage(() => import('./HomePage.tsx'), 'HomePage');

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
