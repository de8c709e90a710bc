import { ClusterOutlined, ImportOutlined } from '@ant-design/icons';
import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const DivisionsImportPage = lazyPage(() => import('./DivisionsImportPage.tsx'), 'DivisionsImportPage');
const GridsPage = lazyPage(() => import('./GridsPage.tsx'), 'GridsPage');

export const gridModule = defineWebModule({
  name: 'grid',
  pages: [
    {
      path: '/grids',
      element: <GridsPage />,
      permissions: ['grid.read'],
      menu: { label: 'menu.grids', icon: <ClusterOutlined /> },
    },
    {
      path: '/grids/import',
      element: <DivisionsImportPage />,
      permissions: ['grid.write'],
      menu: { label: 'grids.importDivisions', icon: <ImportOutlined /> },
    },
  ],
});
