import { defineModule } from '../../core/module.ts';
import { dutyRoutes } from './duty.routes.ts';

/** People on duty on the grids (with handover and reports) and the sector departments. */
export const orgModule = defineModule({
  name: 'org',
  permissions: ['duty.read', 'duty.write', 'person.phone.reveal', 'department.write'],
  routes: async (app) => {
    await app.register(dutyRoutes);
  },
});
