import type { Kysely } from 'kysely';
import type { Principal } from '../access/principal.ts';
import { pathInScope } from '../access/scope.ts';
import { appendAudit, type Actor } from '../audit/audit.service.ts';
import type { DB, Executor } from '../db/types.ts';
import type { ClockLimit, ClockRow, Clocks } from '../clock/clocks.ts';
import type { Attachments } from '../files/attachments.ts';
import { AppError } from '../http/errors.ts';
import type { NotifyRecipient } from '../notify/notify.service.ts';
import { writeEntry, type EntryActor, type EntryInput } from './timeline.ts';

/**
 * Workflows as data: the states of a subject, the actions that move it between them (who may take
 * each, what must hold, the clock it starts or stops, the notices it sends), and one engine that
 * runs any action of any workflow the same way, in one transaction:
 *
 *   row lock → legal → permission and relation (scope, own department …) → guards → input checks
 *   → write → clock → timeline entry → attachments → notifications → audit
 *
 * Two people acting on one record at once: the second waits for the first's lock, then finds the
 * record in its new state and gets the workflow's conflict. The actions a user may take on a
 * record (`allowed`) come from the same declaration.
 */

/** Open states run the loop; closed ones end it (closing time written, clocks stopped). */
export type StateType = 'open' | 'closed';

export interface StateSpec<S extends string, R, C> {
  type: StateType;
  /** The clock stage that runs while the subject is in this state. */
  clock?: string;
  /** Who hears when the subject enters the state (by any action). */
  notify?: readonly Notice<S, R, C, BaseInput>[];
}

/** What the records of a workflow offer the engine. */
export interface Subject<S extends string> {
  id: number;
  state: S;
}

/** A named relation between a principal and a record, with the error when it does not hold. */
export interface Relation<R, C> {
  holds(principal: Principal, record: R, ctx: C): boolean;
  error(): AppError;
}

/** One way to be allowed an action: a permission (if any) and a relation that must hold. */
export interface Grant {
  permission?: string;
  relation: string;
}

/** The running clock as guards see it (a page knows these two columns of it). */
export type RunningClock = Pick<ClockRow, 'stage' | 'parked_at'>;

/** A condition on the record, context and running clock alone: checked at run and for `allowed`. */
export interface Guard<R, C> {
  holds(record: R, ctx: C, principal: Principal, clock: RunningClock | null): boolean;
  error(record: R): AppError;
}

/** Everything the steps of one run see. */
export interface Step<S extends string, R, C, I> {
  trx: Executor;
  principal: Principal;
  actor: Actor;
  record: R;
  /** The record as written (the record before, merged with the update). */
  updated: R;
  from: S;
  to: S;
  input: I;
  ctx: C;
  now: Date;
  /** The subject's running clock after the clock step (before it: as locked). */
  clock: ClockRow | null;
  /** What `apply` hands on to the later steps (a request's id …). */
  data: { [key: string]: unknown };
}

export interface Notice<S extends string, R, C, I> {
  template: string;
  to(step: Step<S, R, C, I>): Promise<NotifyRecipient[]> | NotifyRecipient[];
  /** Values for the template beyond the record's own (may read the database: a unit's name …). */
  extra?(
    step: Step<S, R, C, I>,
  ): Promise<{ [key: string]: string | number | null }> | { [key: string]: string | number | null };
}

/** The clock change a transition brings, from the states' clock stages. */
export type ClockEffect =
  { kind: 'start'; stage: string } | { kind: 'restart'; stage: string } | { kind: 'stop'; stage: string };

/** The input every action accepts: a note for the timeline and uploaded attachments. */
export interface BaseInput {
  note?: string | null | undefined;
  attachments?: readonly string[] | undefined;
}

export interface ActionSpec<S extends string, R, C, I extends BaseInput = BaseInput> {
  /** Chinese name, for messages ("不能分派"). */
  label: string;
  /** States the action is taken from (every state when absent). */
  from?: readonly S[];
  /** A further condition of legality on the record and context (a switch). */
  when?(record: R, ctx: C): boolean;
  /** The state it leads to (stays when absent). */
  to?: S | ((record: R, ctx: C, input: I) => S);
  /** Any one of these allows the action. */
  by: readonly Grant[];
  /** The error when several grants exist and none holds (the single grant's own error otherwise). */
  denied?(): AppError;
  guards?: readonly Guard<R, C>[];
  /** Checks of the input (run after the guards; may read the database). */
  validate?(step: Step<S, R, C, I>): Promise<void> | void;
  /** Side writes before the record's update (a request row …); may fill `step.data`. */
  apply?(step: Step<S, R, C, I>): Promise<void> | void;
  /** Columns of the record the action sets besides its state. */
  set?(step: Step<S, R, C, I>): Promise<Partial<R>> | Partial<R>;
  /** `restart`: the stage runs again from now even when it does not change (a second round). */
  clock?: 'restart';
  /** The timeline entry (action key as its action unless given). */
  entry?(step: Step<S, R, C, I>): Partial<EntryInput>;
  /** Entries written after the action's own (an automatic step it led to). */
  also?(step: Step<S, R, C, I>): EntryInput[];
  /** The kind label its attachments get (the action key unless given). */
  attachments?: string;
  notify?: readonly Notice<S, R, C, I>[];
  audit?(step: Step<S, R, C, I>): { action?: string; before?: unknown; after?: unknown };
}

export interface WorkflowSpec<S extends string, R extends Subject<S>, C> {
  /** The subject kind: timeline, attachments, clocks and audit are keyed by it. */
  kind: string;
  states: { [K in S]: StateSpec<S, R, C> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action has its own input
  actions: { [key: string]: ActionSpec<S, R, C, any> };
  relations: { [name: string]: Relation<R, C> };
  /** The error when an action is not legal in the record's state. */
  illegal(record: R, action: ActionSpec<S, R, C>): AppError;
  /** The per-principal context the actions read (switches, the principal's departments …). */
  context(db: Executor, principal: Principal): Promise<C>;
  /** Reads and locks the record (throws when it does not exist). */
  lock(trx: Executor, id: number): Promise<R>;
  /** Writes the update of a transition; `closing` when it enters a closed state. */
  write(step: Step<S, R, C, BaseInput>, update: Partial<R>, closing: boolean): Promise<void>;
  /** The time limit of a stage the record enters (states with a `clock`). */
  clockLimit?(step: Step<S, R, C, BaseInput>, stage: string): Promise<ClockLimit>;
  /** Sends one notice about the record (the workflow fills the template's values). */
  send(
    trx: Executor,
    template: string,
    record: R,
    to: NotifyRecipient[],
    extra: { [key: string]: string | number | null },
    clock: ClockRow | null,
  ): Promise<void>;
  /** The grid path a record's scope is checked on. */
  scopePath(record: R): string;
  /** The unit a timeline entry concerns by default (the handling department). */
  unit?(step: Step<S, R, C, BaseInput>): number | null;
}

/** The relation every workflow has: the record lies in the principal's scope. */
export const SCOPE = 'scope';

export class Workflow<S extends string, R extends Subject<S>, C> {
  constructor(
    private readonly db: Kysely<DB>,
    readonly spec: WorkflowSpec<S, R, C>,
    private readonly parts: { attachments?: Attachments; clocks?: Clocks } = {},
  ) {}

  get kind(): string {
    return this.spec.kind;
  }

  /** Runs `action` on record `id` as `principal`; returns the record as written. */
  async run<I extends BaseInput>(
    principal: Principal,
    actor: Actor,
    id: number,
    action: string,
    input: I,
  ): Promise<R> {
    const spec = this.spec;
    const act = spec.actions[action];
    if (!act) throw new Error(`unknown action ${spec.kind}.${action}`);
    return this.db.transaction().execute(async (trx) => {
      const record = await spec.lock(trx, id);
      const [ctx, clock] = await Promise.all([
        spec.context(trx, principal),
        this.parts.clocks ? this.parts.clocks.running(trx, { kind: spec.kind, id }) : Promise.resolve(null),
      ]);
      if (!this.legal(act, record, ctx)) throw spec.illegal(record, act);
      this.authorise(act, principal, record, ctx);
      for (const g of act.guards ?? []) if (!g.holds(record, ctx, principal, clock)) throw g.error(record);
      const from = record.state;
      const step: Step<S, R, C, I> = {
        trx,
        principal,
        actor,
        record,
        updated: record,
        from,
        to: from,
        input,
        ctx,
        now: new Date(),
        clock,
        data: {},
      };
      step.to =
        act.to === undefined ? from : typeof act.to === 'function' ? act.to(record, ctx, input) : act.to;
      await act.validate?.(step);
      await act.apply?.(step);
      let update = { ...(await act.set?.(step)) } as Partial<R>;
      const moved = step.to !== from;
      if (moved) update = { ...update, state: step.to } as Partial<R>;
      step.updated = { ...record, ...update };
      if (Object.keys(update).length)
        await spec.write(step, update, moved && spec.states[step.to].type === 'closed');
      const effect = this.clockEffect(from, step.to, act.clock === 'restart');
      if (effect) step.clock = await this.runClock(step, effect);

      const who = shown(principal, actor);
      const entry = act.entry?.(step) ?? {};
      const entryId = await writeEntry(trx, spec.kind, id, who, {
        action,
        from: act.to === undefined ? null : from,
        to: act.to === undefined ? null : step.to,
        unitId: act.to === undefined ? null : (spec.unit?.(step) ?? null),
        note: input.note ?? null,
        ...entry,
      });
      if (input.attachments?.length) {
        if (!this.parts.attachments) throw new Error(`${spec.kind} takes no attachments`);
        await this.parts.attachments.claim(trx, input.attachments, {
          kind: spec.kind,
          id,
          entryId,
          label: act.attachments ?? action,
        });
      }
      for (const e of act.also?.(step) ?? []) await writeEntry(trx, spec.kind, id, who, e);

      const notices = [...(moved ? (spec.states[step.to].notify ?? []) : []), ...(act.notify ?? [])];
      for (const n of notices) {
        const to = await n.to(step);
        if (to.length)
          await spec.send(trx, n.template, step.updated, to, (await n.extra?.(step)) ?? {}, step.clock);
      }
      const audit = act.audit?.(step) ?? {};
      await appendAudit(trx, actor, {
        action: audit.action ?? `${spec.kind}.${action}`,
        targetType: spec.kind,
        targetId: id,
        ...(audit.before === undefined ? {} : { before: audit.before }),
        ...(audit.after === undefined ? {} : { after: audit.after }),
      });
      return step.updated;
    });
  }

  /** The actions `principal` may take on `record` (with its running clock) now, in declaration order. */
  allowed(principal: Principal, record: R, ctx: C, clock: RunningClock | null = null): string[] {
    return Object.entries(this.spec.actions)
      .filter(
        ([, act]) =>
          this.legal(act, record, ctx) &&
          this.grant(act, principal, record, ctx) !== null &&
          (act.guards ?? []).every((g) => g.holds(record, ctx, principal, clock)),
      )
      .map(([key]) => key);
  }

  /** The permissions any grant of `action` names (what a route admits before the engine decides). */
  permissionsOf(action: string): string[] {
    const act = this.spec.actions[action];
    if (!act) throw new Error(`unknown action ${this.spec.kind}.${action}`);
    return [...new Set(act.by.flatMap((g) => (g.permission ? [g.permission] : [])))];
  }

  /** Whether `action` is legal in the record's state (permissions aside). */
  legal(act: ActionSpec<S, R, C>, record: R, ctx: C): boolean {
    return (!act.from || act.from.includes(record.state)) && (act.when?.(record, ctx) ?? true);
  }

  /** The clock change of moving `from` → `to`, from the states' stages. */
  clockEffect(from: S, to: S, restart: boolean): ClockEffect | null {
    const before = this.spec.states[from].clock;
    const after = this.spec.states[to].clock;
    if (after && restart) return { kind: 'restart', stage: after };
    if (after === before) return null;
    if (after) return { kind: 'start', stage: after };
    return { kind: 'stop', stage: before! };
  }

  /** Starts, restarts or stops the subject's clock; returns the running clock after it. */
  private async runClock(step: Step<S, R, C, BaseInput>, effect: ClockEffect): Promise<ClockRow | null> {
    const clocks = this.parts.clocks;
    if (!clocks || !this.spec.clockLimit) throw new Error(`${this.spec.kind} declares clocks but has none`);
    const subject = { kind: this.spec.kind, id: step.record.id };
    if (effect.kind === 'stop') {
      await clocks.stop(step.trx, subject, step.now);
      return null;
    }
    const limit = await this.spec.clockLimit(step, effect.stage);
    return clocks.start(step.trx, subject, effect.stage, limit, step.now);
  }

  private grant(act: ActionSpec<S, R, C>, principal: Principal, record: R, ctx: C): Grant | null {
    return act.by.find((g) => this.holds(g, principal, record, ctx)) ?? null;
  }

  private holds(g: Grant, principal: Principal, record: R, ctx: C): boolean {
    if (g.permission && !principal.permissions.has(g.permission as never)) return false;
    return this.relation(g.relation).holds(principal, record, ctx);
  }

  private authorise(act: ActionSpec<S, R, C>, principal: Principal, record: R, ctx: C): void {
    if (this.grant(act, principal, record, ctx)) return;
    const only = act.by.length === 1 ? act.by[0]! : null;
    if (!only) throw act.denied?.() ?? new AppError('FORBIDDEN');
    if (only.permission && !principal.permissions.has(only.permission as never))
      throw new AppError('FORBIDDEN');
    throw this.relation(only.relation).error();
  }

  private relation(name: string): Relation<R, C> {
    if (name === SCOPE && !this.spec.relations[SCOPE]) {
      return {
        holds: (p, r) => pathInScope(this.spec.scopePath(r), p.scopePaths),
        error: () => new AppError('OUT_OF_SCOPE'),
      };
    }
    const r = this.spec.relations[name];
    if (!r) throw new Error(`unknown relation ${this.spec.kind}.${name}`);
    return r;
  }
}

/** Timelines name staff by their display name (the audit log keeps the account name). */
export function shown(principal: Principal | null, actor: Actor): EntryActor {
  return principal && actor.id === principal.userId
    ? { id: actor.id, name: principal.displayName }
    : { id: actor.id, name: actor.name };
}
