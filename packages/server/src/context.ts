import type { Config } from './config.ts';
import type { AuthService, SessionInfo } from './modules/identity/auth.service.ts';
import type { PasswordHasher } from './modules/identity/password-hasher.ts';
import type { SettingsService } from './modules/identity/settings.service.ts';
import type { LocatorService } from './modules/grid/locator.service.ts';
import type { GridMeasures } from './modules/grid/grid.measures.ts';
import type { CaseConfigService } from './modules/case/case-config.service.ts';
import type { Cases } from './modules/case/cases.ts';

export { actorOf, principalOf, type App, type AppContext } from './core/http/context.ts';

declare module './core/http/context.ts' {
  interface AppContext {
    config: Config;
    hasher: PasswordHasher;
    settings: SettingsService;
    auth: AuthService;
    /** Point-to-grid lookup, shared by every module that locates reports. */
    locator: LocatorService;
    /** The figures the grid map colours by, registered by the modules owning their records. */
    gridMeasures: GridMeasures;
    /** Case switches, categories, time limits and dispatch rules. */
    caseConfig: CaseConfigService;
    /** The case workflow (intake from every door, transitions, reading). */
    cases: Cases;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    session: SessionInfo | null;
  }
}
