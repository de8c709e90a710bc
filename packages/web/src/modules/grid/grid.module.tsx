import { ClusterOutlined, ImportOutlined } from '@ant-design/icons';
import { defineWebModule } from '../../core/modules.ts';
import { DivisionsImportPage } from './DivisionsImportPage.tsx';
import { GridsPage } from './GridsPage.tsx';

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
