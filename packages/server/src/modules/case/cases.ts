import {
  CASE_PHOTO_MAX,
  CASE_PHOTO_MAX_BYTES,
  type CaseDetail,
  type CaseState,
  type UnitOfficer,
} from '@wangge/shared';
import type { Kysely } from 'kysely';
import type { Principal } from '../../core/access/principal.ts';
import type { Actor } from '../../core/audit/audit.service.ts';
import type { Clocks } from '../../core/clock/clocks.ts';
import type { DB } from '../../core/db/types.ts';
import { Attachments } from '../../core/files/attachments.ts';
import type { NotifyService } from '../../core/notify/notify.service.ts';
import type { PersonalData } from '../../core/pii/personal.ts';
import { Workflow, type BaseInput } from '../../core/workflow/workflow.ts';
import type { LocatorService } from '../grid/locator.service.ts';
import type { CaseConfigService } from './case-config.service.ts';
import { CaseIntake } from './case.intake.ts';
import { CaseLedger } from './case.ledger.ts';
import type { CaseContext } from './case.machine.ts';
import { CasePeople } from './case.people.ts';
import { CasePublic } from './case.public.ts';
import { caseClockKind } from './case.reminders.ts';
import { CASE_TEMPLATES } from './case.templates.ts';
import { CaseReader } from './case.read.ts';
import { caseWorkflow, type CaseRecord } from './case.workflow.ts';

export interface CaseDeps {
  db: Kysely<DB>;
  personal: PersonalData;
  /** The kernel's clocks: the case module registers its kind with them. */
  clocks: Clocks;
  notify: NotifyService;
  locator: LocatorService;
  config: CaseConfigService;
  timeZone: string;
  photoDir: string;
  /** Intake batches written at the same time (see CaseIntake). */
  intakeConcurrency?: number;
}

/**
 * The case module's parts, built once: intake from every door, the workflow declared on the
 * kernel's engine, reading with visibility, the clocks, the ledger, the citizen's view, and the
 * people who hear of cases.
 */
export class Cases {
  readonly people: CasePeople;
  readonly photos: Attachments;
  readonly workflow: Workflow<CaseState, CaseRecord, CaseContext>;
  readonly read: CaseReader;
  readonly intake: CaseIntake;
  readonly ledger: CaseLedger;
  readonly public: CasePublic;

  private readonly db: Kysely<DB>;

  constructor(deps: CaseDeps) {
    const { db, personal, config, timeZone } = deps;
    this.db = db;
    this.people = new CasePeople({ config, notify: deps.notify, timeZone });
    // What the case module brings to the kernel: its clock kind and its notices.
    deps.clocks.register(caseClockKind({ config, people: this.people, notify: deps.notify, timeZone }));
    deps.notify.register(CASE_TEMPLATES);
    this.photos = new Attachments(db, deps.photoDir, {
      maxBytes: CASE_PHOTO_MAX_BYTES,
      maxCount: CASE_PHOTO_MAX,
    });
    this.workflow = new Workflow(
      db,
      caseWorkflow({ config, people: this.people, clocks: deps.clocks, personal }),
      { attachments: this.photos, clocks: deps.clocks },
    );
    this.read = new CaseReader({
      db,
      personal,
      config,
      people: this.people,
      workflow: this.workflow,
      attachments: this.photos,
      timeZone,
    });
    this.intake = new CaseIntake({
      db,
      personal,
      notify: deps.notify,
      locator: deps.locator,
      config,
      people: this.people,
      clocks: deps.clocks,
      read: this.read,
      attachments: this.photos,
      timeZone,
      intakeConcurrency: deps.intakeConcurrency,
    });
    this.ledger = new CaseLedger({ db, read: this.read, timeZone });
    this.public = new CasePublic({
      db,
      personal,
      config,
      workflow: this.workflow,
      attachments: this.photos,
    });
  }

  /** How the intake queue has grouped reports into transactions. */
  get intakeStats(): Readonly<{ batches: number; reports: number; largest: number }> {
    return this.intake.stats;
  }

  /** The staff of the case's handling unit, to the staff of that unit (交办 candidates). */
  officers(principal: Principal, caseId: number): Promise<UnitOfficer[]> {
    return this.people.unitOfficers(this.db, principal.userId, caseId);
  }

  /**
   * Runs one action of the case workflow and answers with the case as the actor now sees it
   * (even where the action took it out of their view: a department rejecting it).
   */
  async act<I extends BaseInput>(
    principal: Principal,
    actor: Actor,
    caseId: number,
    action: string,
    input: I,
  ): Promise<CaseDetail> {
    await this.workflow.run(principal, actor, caseId, action, input);
    return this.read.get(principal, caseId, { justActed: true });
  }
}
