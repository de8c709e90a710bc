import { lazyPage } from '../../core/lazyPage.ts';
import { defineWebModule } from '../../core/modules.ts';

const RosterImportPage = lazyPage(() => import('./RosterImportPage.tsx'), 'RosterImportPage');

export const orgModule = defineWebModule({
  name: 'org',
  // Opened from a grid's people on duty, not from the menu.
  pages: [{ path: '/duties/roster', element: <RosterImportPage />, permissions: ['duty.write'] }],
});
