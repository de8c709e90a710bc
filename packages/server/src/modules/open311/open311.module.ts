import { defineModule } from '../../core/module.ts';
import { open311Audit } from './open311.audit.ts';
import { open311Routes } from './open311.routes.ts';

/** GeoReport v2 (Open311) for other systems, with API keys. */
export const open311Module = defineModule({
  name: 'open311',
  audit: open311Audit,
  permissions: ['apikey.write'],
  routes: open311Routes,
});
