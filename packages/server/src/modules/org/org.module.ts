import { defineModule } from '../../core/module.ts';
import { dutyRoutes } from './duty.routes.ts';
import { printRoutes } from './print.routes.ts';
import { rosterRoutes } from './roster.routes.ts';

/**
 * People on duty on the grids (with handover and reports), the sector departments, and the
 * printed notice boards and responsibility charts naming them.
 */
export const orgModule = defineModule({
  name: 'org',
  permissions: ['duty.read', 'duty.write', 'person.phone.reveal', 'department.write'],
  routes: async (app) => {
    await app.register(dutyRoutes);
    await app.register(printRoutes);
    await app.register(rosterRoutes);
  },
});
