import { ledgerRoutes } from '../../core/ledger/ledger.routes.ts';
import { rosterImport } from './roster.ts';

/** The roster (网格员花名册): template, dry run, error file and import of people on duty. */
export const rosterRoutes = ledgerRoutes({
  base: '/api/duties/roster',
  kind: 'duty.roster',
  tags: ['duty'],
  title: '网格员花名册',
  permission: 'duty.write',
  spec: (principal, app) => rosterImport(principal, app.ctx.personal, app.ctx.config.timeZone),
});
