import { defineModule } from '../../core/module.ts';
import { open311Routes } from './open311.routes.ts';

/** GeoReport v2 (Open311) for other systems, with API keys. */
export const open311Module = defineModule({
  name: 'open311',
  permissions: ['apikey.write'],
  routes: open311Routes,
});
