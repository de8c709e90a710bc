import { defineModule } from '../../core/module.ts';
import { gridAudit } from './grid.audit.ts';
import { GridMeasures } from './grid.measures.ts';
import { gridRoutes } from './grid.routes.ts';
import { LocatorService } from './locator.service.ts';
import { placeRoutes } from './places.ts';
import { gridMeasureRoutes } from './measures.routes.ts';

/**
 * The grid tree: schemes, codes, national divisions, outlines, point-to-grid, and the figures
 * (measures) other modules register for colouring the map.
 */
export const gridModule = defineModule({
  name: 'grid',
  audit: gridAudit,
  permissions: ['grid.read', 'grid.write'],
  build: (ctx) => ({ locator: new LocatorService(ctx.db), gridMeasures: new GridMeasures() }),
  routes: async (app) => {
    await app.register(gridRoutes);
    await app.register(placeRoutes);
    await app.register(gridMeasureRoutes);
  },
});
