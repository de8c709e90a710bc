import { defineModule } from '../../core/module.ts';
import { gridRoutes } from './grid.routes.ts';
import { LocatorService } from './locator.service.ts';

/** The grid tree: schemes, codes, national divisions, outlines, point-to-grid. */
export const gridModule = defineModule({
  name: 'grid',
  permissions: ['grid.read', 'grid.write'],
  build: (ctx) => ({ locator: new LocatorService(ctx.db) }),
  routes: async (app) => {
    await app.register(gridRoutes);
  },
});
