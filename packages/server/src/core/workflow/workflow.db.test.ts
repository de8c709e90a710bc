import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../../test/engines.ts';
import { migrateToLatest } from '../../migrations/index.ts';
import type { Principal } from '../access/principal.ts';
import type { Actor } from '../audit/audit.service.ts';
import type { Database } from '../db/database.ts';
import type { Executor } from '../db/types.ts';
import { Attachments } from '../files/attachments.ts';
import { AppError } from '../http/errors.ts';
import { CalendarService } from '../calendar/calendar.service.ts';
import { Clocks, type DueReminder } from '../clock/clocks.ts';
import { ClockSweeper } from '../clock/sweep.ts';
import { SCOPE, Workflow, type WorkflowSpec } from './workflow.ts';

/** A small workflow of the tests' own: a fault is taken, fixed, and verified by someone else. */
type S = 'reported' | 'fixing' | 'fixed' | 'closed';
interface Ticket {
  id: number;
  state: S;
  path: string;
  fixer_id: number | null;
  closed: boolean;
}

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe.each(testEngines())('workflow engine on $name', (engine) => {
  let database: Database;
  let workflow: Workflow<S, Ticket, { strict: boolean }>;
  let clocks: Clocks;
  const reminded: DueReminder[] = [];
  const sent: { template: string; id: number; to: number[] }[] = [];
  const users: Record<'alice' | 'bob' | 'carol' | 'dave', { principal: Principal; actor: Actor }> =
    {} as never;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf-'));

  const spec: WorkflowSpec<S, Ticket, { strict: boolean }> = {
    kind: 'test_ticket',
    states: {
      reported: { type: 'open' },
      fixing: { type: 'open', clock: 'fix' },
      fixed: {
        type: 'open',
        clock: 'verify',
        notify: [{ template: 'ticket.fixed', to: () => [{ userId: users.carol.principal.userId }] }],
      },
      closed: { type: 'closed' },
    },
    actions: {
      take: {
        label: '接单',
        from: ['reported'],
        to: 'fixing',
        by: [{ permission: 'ticket.work', relation: SCOPE }],
        set: (step) => ({ fixer_id: step.principal.userId }),
      },
      fix: {
        label: '整改',
        from: ['fixing'],
        to: 'fixed',
        by: [{ relation: 'fixer' }],
        attachments: 'evidence',
        validate: (step) => {
          if (!step.input.note)
            throw new AppError('VALIDATION_FAILED', undefined, { note: '请填写整改情况' });
        },
      },
      redo: {
        label: '重新整改',
        from: ['fixing'],
        to: 'fixing',
        clock: 'restart',
        by: [{ relation: 'fixer' }],
      },
      pass: {
        label: '验收',
        from: ['fixed'],
        to: 'closed',
        by: [{ permission: 'ticket.verify', relation: SCOPE }],
        guards: [
          {
            holds: (t, _ctx, p) => t.fixer_id !== p.userId,
            error: () => new AppError('FORBIDDEN', '验收人不能是整改人'),
          },
        ],
        audit: (step) => ({ before: { state: step.from }, after: { state: step.to } }),
      },
      fail: {
        label: '退回',
        from: ['fixed'],
        to: 'fixing',
        when: (_t, ctx) => ctx.strict,
        by: [{ permission: 'ticket.verify', relation: SCOPE }],
        guards: [
          {
            holds: (t, _ctx, p) => t.fixer_id !== p.userId,
            error: () => new AppError('FORBIDDEN', '验收人不能是整改人'),
          },
        ],
        notify: [{ template: 'ticket.failed', to: (step) => [{ userId: step.record.fixer_id! }] }],
      },
      note: { label: '备注', by: [{ relation: SCOPE }] },
    },
    relations: {
      fixer: {
        holds: (p, t) => t.fixer_id === p.userId,
        error: () => new AppError('FORBIDDEN', '只有整改人可以操作'),
      },
    },
    illegal: (t, act) => new AppError('CONFLICT', `当前状态为${t.state}，不能${act.label}`),
    context: async () => ({ strict: true }),
    lock: async (trx: Executor, id: number) => {
      const { rows } = await sql<Ticket>`select * from test_ticket where id = ${id} for update`.execute(trx);
      if (!rows[0]) throw new AppError('NOT_FOUND');
      return { ...rows[0], id: Number(rows[0].id) };
    },
    write: async (step, update, closing) => {
      await sql`update test_ticket set state = ${update.state ?? step.record.state},
          fixer_id = ${update.fixer_id === undefined ? step.record.fixer_id : update.fixer_id},
          closed = ${closing} where id = ${step.record.id}`.execute(step.trx);
    },
    clockLimit: async (_step, stage) => ({ minutes: stage === 'fix' ? 60 : 30, natural: true }),
    send: async (_trx, template, t, to) => {
      sent.push({ template, id: t.id, to: to.map((r) => ('userId' in r ? r.userId! : 0)) });
    },
    scopePath: (t) => t.path,
  };

  const ticket = async (p = '/1/2/') => {
    const { rows } = await sql<{ id: number }>`insert into test_ticket (state, path)
      values ('reported', ${p}) returning id`.execute(database.db);
    return Number(rows[0]!.id);
  };
  const entries = async (id: number) =>
    (
      await database.db
        .selectFrom('timeline_entry')
        .select(['id', 'action', 'from_state', 'to_state', 'actor_name', 'note'])
        .where('subject_kind', '=', 'test_ticket')
        .where('subject_id', '=', id)
        .orderBy('id')
        .execute()
    ).map(({ id: _, ...e }) => e);
  const error = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: unknown) => (e instanceof AppError ? { code: e.code, message: e.message } : e),
    );

  beforeAll(async () => {
    database = await engine.open();
    await migrateToLatest(database.db);
    await sql`create table test_ticket (id serial primary key, state text not null, path text not null,
      fixer_id integer, closed boolean not null default false)`.execute(database.db);
    const make = async (name: keyof typeof users, permissions: string[], scope: string) => {
      const row = await database.db
        .insertInto('app_user')
        .values({ username: name, display_name: `${name}（显示名）`, password_hash: 'x' })
        .returning('id')
        .executeTakeFirstOrThrow();
      users[name] = {
        principal: {
          userId: row.id,
          username: name,
          displayName: `${name}（显示名）`,
          isDemo: false,
          roles: [],
          permissions: new Set(permissions) as Principal['permissions'],
          scopes: [],
          scopePaths: [scope],
        },
        actor: { id: row.id, name, ip: null, userAgent: null },
      };
    };
    await make('alice', ['ticket.work', 'ticket.verify'], '/1/');
    await make('bob', ['ticket.work'], '/1/');
    await make('carol', ['ticket.verify'], '/1/');
    await make('dave', ['ticket.verify'], '/1/');
    clocks = new Clocks(database.db, new CalendarService(database.db, 'Asia/Shanghai'));
    clocks.register({
      kind: 'test_ticket',
      alerts: async () => ({ warnFraction: 0.5, escalateFraction: 2 }),
      remind: async (_trx, due) => void reminded.push(...due),
    });
    workflow = new Workflow(database.db, spec, {
      attachments: new Attachments(database.db, dir, { maxBytes: 1e6, maxCount: 3 }),
      clocks,
    });
  });
  afterAll(async () => {
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = (who: keyof typeof users, id: number, action: string, input: object = {}) =>
    workflow.run(users[who].principal, users[who].actor, id, action, input);

  it('runs legal transitions and refuses illegal ones with the workflow conflict', async () => {
    const id = await ticket();
    const taken = await run('bob', id, 'take');
    expect(taken).toMatchObject({ state: 'fixing', fixer_id: users.bob.principal.userId });
    expect(await error(run('alice', id, 'take'))).toEqual({
      code: 'CONFLICT',
      message: '当前状态为fixing，不能接单',
    });
    expect(await error(run('carol', id, 'pass'))).toMatchObject({ code: 'CONFLICT' });
    expect(await entries(id)).toEqual([
      { action: 'take', from_state: 'reported', to_state: 'fixing', actor_name: 'bob（显示名）', note: null },
    ]);
  });

  it('checks the permission, then the relation: scope, or a relation of the workflow', async () => {
    const id = await ticket();
    expect(await error(run('carol', id, 'take'))).toMatchObject({ code: 'FORBIDDEN' });
    const outside = await ticket('/9/');
    expect(await error(run('bob', outside, 'take'))).toMatchObject({ code: 'OUT_OF_SCOPE' });
    await run('bob', id, 'take');
    expect(await error(run('alice', id, 'fix', { note: '已修好' }))).toEqual({
      code: 'FORBIDDEN',
      message: '只有整改人可以操作',
    });
    // Nothing of a refused action was written.
    expect((await entries(id)).map((e) => e.action)).toEqual(['take']);
    expect((await entries(outside)).length).toBe(0);
  });

  it('applies guards at run and in the allowed actions; checks input; writes nothing on failure', async () => {
    const id = await ticket();
    await run('alice', id, 'take');
    expect(await error(run('alice', id, 'fix'))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await entries(id)).map((e) => e.action)).toEqual(['take']);
    const fixed = await run('alice', id, 'fix', { note: '已修好' });
    const ctx = { strict: true };
    // The fixer may not verify her own work; another verifier may; a worker without the permission may not.
    expect(workflow.allowed(users.alice.principal, fixed, ctx)).toEqual(['note']);
    expect(workflow.allowed(users.carol.principal, fixed, ctx)).toEqual(['pass', 'fail', 'note']);
    expect(workflow.allowed(users.bob.principal, fixed, ctx)).toEqual(['note']);
    // A switch in the context takes an action away.
    expect(workflow.allowed(users.carol.principal, fixed, { strict: false })).toEqual(['pass', 'note']);
    expect(await error(run('alice', id, 'pass'))).toEqual({
      code: 'FORBIDDEN',
      message: '验收人不能是整改人',
    });
    const closed = await run('carol', id, 'pass');
    expect(closed).toMatchObject({ state: 'closed' });
    const row = await sql<{ closed: boolean }>`select closed from test_ticket where id = ${id}`.execute(
      database.db,
    );
    expect(row.rows[0]!.closed).toBe(true);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('target_type', '=', 'test_ticket')
      .where('target_id', '=', String(id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['test_ticket.take', 'test_ticket.fix', 'test_ticket.pass']);
    expect(audit[2]).toMatchObject({ before: { state: 'fixed' }, after: { state: 'closed' } });
  });

  it('starts, restarts and stops the clock of the states it moves through', async () => {
    const id = await ticket();
    await run('bob', id, 'take');
    const first = await clocks.running(database.db, { kind: 'test_ticket', id });
    expect(first).toMatchObject({ stage: 'fix', round: 1, limit_minutes: 60, natural_time: true });
    expect(first!.due_at.getTime() - first!.started_at.getTime()).toBe(60 * 60_000);
    await run('bob', id, 'redo');
    await run('bob', id, 'fix', { note: '好了' });
    await run('carol', id, 'fail');
    await run('bob', id, 'fix', { note: '真好了' });
    await run('carol', id, 'pass');
    await run('carol', id, 'note', { note: '已归档' });
    // Every round kept, each stopped by the next; none running once closed.
    const rounds = await database.db
      .selectFrom('clock')
      .select(['stage', 'round', 'stopped_at'])
      .where('subject_kind', '=', 'test_ticket')
      .where('subject_id', '=', id)
      .orderBy('round')
      .execute();
    expect(rounds.map((r) => `${r.round}:${r.stage}:${r.stopped_at ? 'stopped' : 'running'}`)).toEqual([
      '1:fix:stopped',
      '2:fix:stopped',
      '3:verify:stopped',
      '4:fix:stopped',
      '5:verify:stopped',
    ]);
    expect(await clocks.running(database.db, { kind: 'test_ticket', id })).toBeNull();
    expect((await entries(id)).map((e) => [e.action, e.from_state, e.to_state])).toEqual([
      ['take', 'reported', 'fixing'],
      ['redo', 'fixing', 'fixing'],
      ['fix', 'fixing', 'fixed'],
      ['fail', 'fixed', 'fixing'],
      ['fix', 'fixing', 'fixed'],
      ['pass', 'fixed', 'closed'],
      ['note', null, null],
    ]);
  });

  it('sends the notices of the state entered and of the action', async () => {
    const id = await ticket();
    sent.length = 0;
    await run('bob', id, 'take');
    await run('bob', id, 'fix', { note: '好了' });
    await run('carol', id, 'fail');
    expect(sent).toEqual([
      { template: 'ticket.fixed', id, to: [users.carol.principal.userId] },
      { template: 'ticket.failed', id, to: [users.bob.principal.userId] },
    ]);
  });

  it('claims attachments for the entry, all or none', async () => {
    const id = await ticket();
    await run('bob', id, 'take');
    const a = await workflow.run(users.bob.principal, users.bob.actor, id, 'redo', {});
    expect(a.state).toBe('fixing');
    const attachments = new Attachments(database.db, dir, { maxBytes: 1e6, maxCount: 3 });
    const one = await attachments.upload(users.bob.principal.userId, PNG);
    expect(
      await error(run('bob', id, 'fix', { note: '好了', attachments: [one.token, 'nope'] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await entries(id)).map((e) => e.action)).toEqual(['take', 'redo']);
    await run('bob', id, 'fix', { note: '好了', attachments: [one.token] });
    const rows = await database.db
      .selectFrom('attachment as a')
      .innerJoin('timeline_entry as e', 'e.id', 'a.entry_id')
      .select(['a.subject_kind', 'a.subject_id', 'a.kind', 'e.action'])
      .where('a.token', '=', one.token)
      .execute();
    expect(rows).toEqual([{ subject_kind: 'test_ticket', subject_id: id, kind: 'evidence', action: 'fix' }]);
  });

  it('gives two people acting at once one success and one conflict', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await ticket();
      await run('bob', id, 'take');
      await run('bob', id, 'fix', { note: '好了' });
      const results = await Promise.allSettled([run('carol', id, 'pass'), run('dave', id, 'fail')]);
      const ok = results.filter((r) => r.status === 'fulfilled');
      const failed = results.filter((r) => r.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect((failed[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'CONFLICT' });
      const acted = (await entries(id)).map((e) => e.action);
      expect(acted.slice(0, 2)).toEqual(['take', 'fix']);
      expect(acted).toHaveLength(3);
    }
  });

  it('sends each reminder once, across a restart and with two servers sweeping at once', async () => {
    const id = await ticket();
    await run('bob', id, 'take');
    const clock = (await clocks.running(database.db, { kind: 'test_ticket', id }))!;
    const at = (minutes: number) => new Date(clock.started_at.getTime() + minutes * 60_000);
    const mine = () => reminded.filter((r) => r.subjectId === id).map((r) => `${r.round}:${r.threshold}`);
    const sweeper = new ClockSweeper(database.db, { clocks });
    await sweeper.runOnce(at(20));
    expect(mine()).toEqual([]);
    await sweeper.runOnce(at(31));
    await sweeper.runOnce(at(32));
    expect(mine()).toEqual(['1:warn']);
    // A new process: nothing is sent again.
    const restarted = new ClockSweeper(database.db, { clocks });
    await restarted.runOnce(at(33));
    expect(mine()).toEqual(['1:warn']);
    // Two servers (their own connections where the engine allows) at the same moment.
    const other = engine.openAgain ? await engine.openAgain(database) : null;
    try {
      const second = new ClockSweeper(other?.db ?? database.db, { clocks });
      await Promise.all([sweeper.runOnce(at(61)), second.runOnce(at(61))]);
      expect(mine()).toEqual(['1:warn', '1:overdue']);
      // After a pause past several thresholds only the most severe is sent.
      await run('bob', id, 'redo');
      const again = (await clocks.running(database.db, { kind: 'test_ticket', id }))!;
      const later = new Date(again.started_at.getTime() + 200 * 60_000);
      await Promise.all([sweeper.runOnce(later), second.runOnce(later)]);
      expect(mine()).toEqual(['1:warn', '1:overdue', '2:escalate']);
    } finally {
      await other?.close();
    }
  });

  it('parks a clock (no reminders), resumes it with the time parked added, and extends it', async () => {
    const id = await ticket();
    await run('bob', id, 'take');
    const subject = { kind: 'test_ticket', id };
    const start = (await clocks.running(database.db, subject))!;
    const t0 = start.started_at.getTime();
    await database.db.transaction().execute((trx) => clocks.park(trx, subject, new Date(t0 + 10 * 60_000)));
    const parked = (await clocks.running(database.db, subject))!;
    expect(parked).toMatchObject({ round: 1, next_alert_at: null });
    expect(parked.parked_at).not.toBeNull();
    const resumed = await database.db
      .transaction()
      .execute((trx) => clocks.extend(trx, subject, { resume: true }, new Date(t0 + 40 * 60_000)));
    // 30 natural minutes parked: the limit grows by them, in a new round with the same start.
    expect(resumed).toMatchObject({ round: 2, limit_minutes: 90, parked_at: null, next_alert: 'warn' });
    expect(resumed!.started_at.getTime()).toBe(t0);
    expect(resumed!.due_at.getTime()).toBe(t0 + 90 * 60_000);
    const extended = await database.db
      .transaction()
      .execute((trx) => clocks.extend(trx, subject, { addMinutes: 30 }, new Date(t0 + 41 * 60_000)));
    expect(extended).toMatchObject({ round: 3, limit_minutes: 120 });
    const history = await database.db
      .selectFrom('clock')
      .select(['round', 'stopped_at'])
      .where('subject_kind', '=', 'test_ticket')
      .where('subject_id', '=', id)
      .orderBy('round')
      .execute();
    expect(history.map((h) => h.stopped_at === null)).toEqual([false, false, true]);
  });
});
