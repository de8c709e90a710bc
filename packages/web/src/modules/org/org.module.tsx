import { defineWebModule } from '../../core/modules.ts';
import { RosterImportPage } from './RosterImportPage.tsx';

export const orgModule = defineWebModule({
  name: 'org',
  // Opened from a grid's people on duty, not from the menu.
  pages: [{ path: '/duties/roster', element: <RosterImportPage />, permissions: ['duty.write'] }],
});
