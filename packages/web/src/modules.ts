import { buildMenu } from './core/menu.tsx';
import { auditModule } from './modules/audit/audit.module.tsx';
import { caseModule } from './modules/case/case.module.tsx';
import { dashboardModule } from './modules/dashboard/dashboard.module.tsx';
import { gridModule } from './modules/grid/grid.module.tsx';
import { identityModule } from './modules/identity/identity.module.tsx';
import { notifyModule } from './modules/notify/notify.module.tsx';
import { orgModule } from './modules/org/org.module.tsx';

/** Every web module, in menu order; adding a module touches this list only. */
export const MODULES = [
  dashboardModule,
  gridModule,
  orgModule,
  caseModule,
  notifyModule,
  identityModule,
  auditModule,
];

export const PAGES = MODULES.flatMap((m) => m.pages);
export const MENU = buildMenu(MODULES);
