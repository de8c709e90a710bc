import { SHIPPED_HOLIDAYS, type CalendarDay, type CalendarDayKind, type CalendarYear } from '@wangge/shared';
import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../audit/audit.service.ts';
import type { DB, Executor } from '../db/types.ts';
import { AppError } from '../http/errors.ts';
import { DEFAULT_WORK_HOURS, WorkCalendar, workHoursProblems, type WorkHours } from './work-calendar.ts';

const HOURS_KEY = 'calendar.hours';
const SHIPPED_KEY = 'calendar.shipped';
/** Counts the calendar's changes; bumped in the transaction of each one. */
const GENERATION_KEY = 'calendar.generation';
const CACHE_MS = 5000;

/** Called after every calendar change has committed (re-times the running clocks). */
export type CalendarChangeHook = () => void;

/**
 * The working-time calendar (工作日历): days off and make-up working days in `calendar_day`,
 * work hours in setting `calendar.hours`, the shipped national holidays copied in once per year.
 * `get()` is on the intake path, so the built calendar is cached for a few seconds and dropped on
 * every change made through this instance.
 */
export class CalendarService {
  private cached: { value: WorkCalendar; at: number } | null = null;
  private readonly hooks: CalendarChangeHook[] = [];

  constructor(
    private readonly db: Kysely<DB>,
    readonly timeZone: string,
  ) {}

  onChange(hook: CalendarChangeHook): void {
    this.hooks.push(hook);
  }

  /** How many times the calendar has changed (0: never). */
  async generation(db: Executor = this.db): Promise<number> {
    const row = await db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', GENERATION_KEY)
      .executeTakeFirst();
    return typeof row?.value === 'number' ? row.value : 0;
  }

  private async bumpGeneration(trx: Executor): Promise<void> {
    await sql`insert into setting (key, value) values (${GENERATION_KEY}, '1'::jsonb)
      on conflict (key) do update set value = to_jsonb(setting.value::text::bigint + 1), updated_at = now()`.execute(
      trx,
    );
  }

  invalidate(): void {
    this.cached = null;
  }

  /** Pass the transaction when calling inside one (PGlite has a single connection). */
  async get(db: Executor = this.db): Promise<WorkCalendar> {
    if (this.cached && Date.now() - this.cached.at < CACHE_MS) return this.cached.value;
    const value = await this.load(db);
    this.cached = { value, at: Date.now() };
    return value;
  }

  private async load(db: Executor): Promise<WorkCalendar> {
    const [rows, hours] = await Promise.all([
      db.selectFrom('calendar_day').select(['day', 'kind']).execute(),
      this.hours(db),
    ]);
    const days = new Map<string, CalendarDayKind>();
    for (const r of rows) days.set(ymd(r.day), r.kind);
    return new WorkCalendar({ timeZone: this.timeZone, days, hours });
  }

  async hours(db: Executor = this.db): Promise<WorkHours[]> {
    const row = await db
      .selectFrom('setting')
      .select('value')
      .where('key', '=', HOURS_KEY)
      .executeTakeFirst();
    const stored = row?.value as WorkHours[] | undefined;
    if (Array.isArray(stored) && stored.length && Object.keys(workHoursProblems(stored)).length === 0) {
      return stored.map((h) => ({ start: h.start, end: h.end }));
    }
    return DEFAULT_WORK_HOURS.map((h) => ({ ...h }));
  }

  /**
   * Copies every shipped year not copied before into the table. Runs at start; a year is copied
   * once, so days an administrator changed or removed stay as they left them.
   */
  async ensureShipped(db: Kysely<DB> = this.db): Promise<number[]> {
    return db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('wangge.calendar.shipped'))`.execute(trx);
      const row = await trx
        .selectFrom('setting')
        .select('value')
        .where('key', '=', SHIPPED_KEY)
        .executeTakeFirst();
      const done = new Set<number>(Array.isArray(row?.value) ? (row.value as number[]) : []);
      const added: number[] = [];
      for (const [yearText, days] of Object.entries(SHIPPED_HOLIDAYS)) {
        const year = Number(yearText);
        if (done.has(year)) continue;
        if (days.length) {
          await trx
            .insertInto('calendar_day')
            .values(days.map((d) => ({ day: d.date, kind: d.kind, name: d.name, updated_by: null })))
            .onConflict((oc) => oc.column('day').doNothing())
            .execute();
        }
        done.add(year);
        added.push(year);
      }
      // A new year's days may move deadlines that run into it: they are re-timed (the server
      // re-times at start whenever the calendar has changed since the last re-timing).
      if (added.some((year) => SHIPPED_HOLIDAYS[year]?.length)) await this.bumpGeneration(trx);
      if (added.length) {
        const value = JSON.stringify([...done].sort());
        await trx
          .insertInto('setting')
          .values({ key: SHIPPED_KEY, value, updated_by: null })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: new Date() }))
          .execute();
        this.cached = null;
      }
      return added;
    });
  }

  async year(year: number, db: Executor = this.db): Promise<Omit<CalendarYear, 'retime'>> {
    const [rows, hours] = await Promise.all([
      db
        .selectFrom('calendar_day')
        .select(['day', 'kind', 'name'])
        .where('day', '>=', `${year}-01-01`)
        .where('day', '<=', `${year}-12-31`)
        .orderBy('day')
        .execute(),
      this.hours(db),
    ]);
    return {
      year,
      hours,
      days: rows.map((r): CalendarDay => ({ date: ymd(r.day), kind: r.kind, name: r.name })),
    };
  }

  async setHours(actor: Actor, hours: WorkHours[]): Promise<WorkHours[]> {
    const problems = workHoursProblems(hours);
    if (Object.keys(problems).length) throw new AppError('VALIDATION_FAILED', undefined, problems);
    return this.change(async (trx) => {
      const before = await this.hours(trx);
      const value = JSON.stringify(hours.map((h) => ({ start: h.start, end: h.end })));
      await trx
        .insertInto('setting')
        .values({ key: HOURS_KEY, value, updated_by: actor.id })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({ value, updated_at: new Date(), updated_by: actor.id }),
        )
        .execute();
      await appendAudit(trx, actor, {
        action: 'calendar.hours.set',
        targetType: 'setting',
        targetId: HOURS_KEY,
        before,
        after: hours,
      });
      return hours;
    });
  }

  async setDay(actor: Actor, date: string, kind: CalendarDayKind, name: string): Promise<CalendarDay> {
    const trimmed = name.trim();
    if (!trimmed)
      throw new AppError('VALIDATION_FAILED', undefined, { name: '请填写名称，如 春节、国庆节调休上班' });
    return this.change(async (trx) => {
      const before = await trx
        .selectFrom('calendar_day')
        .select(['kind', 'name'])
        .where('day', '=', date)
        .executeTakeFirst();
      await trx
        .insertInto('calendar_day')
        .values({ day: date, kind, name: trimmed, updated_by: actor.id })
        .onConflict((oc) =>
          oc.column('day').doUpdateSet({ kind, name: trimmed, updated_at: new Date(), updated_by: actor.id }),
        )
        .execute();
      await appendAudit(trx, actor, {
        action: 'calendar.day.set',
        targetType: 'calendar_day',
        targetId: date,
        before: before ?? null,
        after: { kind, name: trimmed },
      });
      return { date, kind, name: trimmed };
    });
  }

  async deleteDay(actor: Actor, date: string): Promise<void> {
    await this.change(async (trx) => {
      const before = await trx
        .selectFrom('calendar_day')
        .select(['kind', 'name'])
        .where('day', '=', date)
        .executeTakeFirst();
      if (!before) throw new AppError('NOT_FOUND', `${date} 没有放假或调休安排`);
      await trx.deleteFrom('calendar_day').where('day', '=', date).execute();
      await appendAudit(trx, actor, {
        action: 'calendar.day.delete',
        targetType: 'calendar_day',
        targetId: date,
        before,
        after: null,
      });
    });
  }

  /**
   * One change: the write and the generation's bump in one transaction; after it commits, the
   * hooks (the running clocks are re-timed in the background: a job, resumed after a restart).
   */
  private async change<T>(write: (trx: Executor) => Promise<T>): Promise<T> {
    const result = await this.db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(hashtext('wangge.calendar'))`.execute(trx);
      const out = await write(trx);
      await this.bumpGeneration(trx);
      return out;
    });
    this.cached = null;
    for (const hook of this.hooks) hook();
    return result;
  }
}

/** 'YYYY-MM-DD' of a date column (the type parser returns strings). */
function ymd(value: string): string {
  return value.slice(0, 10);
}
