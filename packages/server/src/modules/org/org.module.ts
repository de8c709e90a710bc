import { defineModule } from '../../core/module.ts';
import { orgAudit } from './org.audit.ts';
import { dutyGapsMeasure } from './duty.gaps.ts';
import { dutyRoutes } from './duty.routes.ts';
import { gridDepartmentRoutes } from './grid-department.ts';
import { printRoutes } from './print.routes.ts';
import { rosterRoutes } from './roster.routes.ts';

/**
 * People on duty on the grids (with handover and reports), the sector departments, and the
 * printed notice boards and responsibility charts naming them.
 */
export const orgModule = defineModule({
  name: 'org',
  audit: orgAudit,
  permissions: ['duty.read', 'duty.write', 'person.phone.reveal', 'department.write'],
  build: (ctx) => {
    ctx.gridMeasures.register('duty_gaps', dutyGapsMeasure);
    return {};
  },
  routes: async (app) => {
    await app.register(dutyRoutes);
    await app.register(printRoutes);
    await app.register(gridDepartmentRoutes);
    await app.register(rosterRoutes);
  },
});
