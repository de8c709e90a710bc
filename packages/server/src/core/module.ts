import type { Permission } from '@wangge/shared';
import type { AuditVocabulary } from './audit/audit.vocabulary.ts';
import type { App, AppContext } from './http/context.ts';

/** A background loop a module runs: started when the server is ready, stopped when it closes. */
export interface Loop {
  start(): void;
  stop(): Promise<void> | void;
}

/**
 * What a module declares about itself, in one place (`modules/<name>/<name>.module.ts`). The
 * composition root (`app.ts`) goes through the list of modules: builds each one's services onto
 * the context (in list order, so a module may use the services of those before it), installs its
 * hooks, registers its routes, and runs its loops. Its tables are in its `*.table.ts` files (added
 * to the `DB` interface), its migrations in the history (`migrations/`); what it brings to the
 * kernel — a workflow, clock kinds, notification templates — its services register when built.
 */
export interface ModuleDef {
  name: string;
  /** The permissions the module owns (their names and duties are in `@wangge/shared`). */
  permissions: readonly Permission[];
  /**
   * What the module writes into the audit log, named for people: a label (zh, en) for every
   * action it writes and the kinds of target it owns, with how to name one and link its page.
   */
  audit?: AuditVocabulary;
  /** Builds the module's services; what it returns is added to the context. */
  build?(ctx: AppContext): Partial<AppContext>;
  /** Request hooks, installed before any module's routes (authentication). */
  hooks?(app: App): void;
  /** Registers the module's routes (the context is complete by then). */
  routes?(app: App): Promise<void>;
  /** Loops every server runs (whatever `workers` says). */
  loops?(ctx: AppContext, log: (msg: string, err?: unknown) => void): Loop[];
  /** Loops only servers with workers on run (several may run them side by side). */
  workers?(ctx: AppContext, log: (msg: string, err?: unknown) => void): Loop[];
  /** Work at ready (after the loops started), e.g. finishing what a restart cut short. */
  ready?(ctx: AppContext, log: (msg: string, err?: unknown) => void): Promise<void>;
  /** Work at close (listeners to drop). */
  close?(ctx: AppContext): Promise<void> | void;
}

/** Declares a module (typed; the list in `app.ts` holds them). */
export function defineModule(def: ModuleDef): ModuleDef {
  return def;
}
