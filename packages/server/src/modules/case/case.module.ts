import path from 'node:path';
import { defineModule } from '../../core/module.ts';
import { caseAudit } from './case.audit.ts';
import { CaseConfigService } from './case-config.service.ts';
import { openCasesMeasure } from './case.measures.ts';
import { caseRoutes } from './case.routes.ts';
import { caseSupervisionRoutes } from './case.supervision.routes.ts';
import { caseStatsRoutes } from './case.stats.routes.ts';
import { Cases } from './cases.ts';
import { dispatchRoutes } from './dispatch.routes.ts';
import { publicCaseRoutes } from './public.routes.ts';
import { publicMapRoutes } from './public-map.routes.ts';

/**
 * Cases (事件): intake from the desk, the phone, the public page and Open311; the workflow of
 * dispatch, handling, return visit and archiving declared on the kernel's engine
 * (`case.workflow.ts`), its clocks (`case.reminders.ts` registers the clock kind) and notices
 * (`case.templates.ts`); the configuration of switches, categories, time limits and rules.
 */
export const caseModule = defineModule({
  name: 'case',
  audit: caseAudit,
  permissions: [
    'case.read',
    'case.report',
    'case.dispatch',
    'case.handle',
    'case.visit',
    'case.archive',
    'case.approve',
    'case.supervise',
    'case.export',
    'case.party.reveal',
    'case.config',
  ],
  build: (ctx) => {
    const caseConfig = new CaseConfigService(ctx.db);
    const cases = new Cases({
      db: ctx.db,
      personal: ctx.personal,
      clocks: ctx.clocks,
      notify: ctx.notify,
      locator: ctx.locator,
      config: caseConfig,
      timeZone: ctx.config.timeZone,
      photoDir: path.join(ctx.config.uploadDir, 'cases'),
      intakeConcurrency: ctx.engine === 'pglite' ? 1 : 2,
    });
    ctx.gridMeasures.register('open_cases', openCasesMeasure);
    return { caseConfig, cases };
  },
  routes: async (app) => {
    await app.register(caseRoutes(app.ctx.cases, app.ctx.caseConfig));
    await app.register(caseSupervisionRoutes(app.ctx.cases));
    await app.register(caseStatsRoutes(app.ctx.cases, app.ctx.caseConfig));
    await app.register(dispatchRoutes(app.ctx.caseConfig));
    await app.register(publicCaseRoutes(app.ctx.cases, app.ctx.caseConfig));
    await app.register(publicMapRoutes(app.ctx.caseConfig));
  },
});
