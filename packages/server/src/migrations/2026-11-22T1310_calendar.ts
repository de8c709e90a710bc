import { sql, type Kysely } from 'kysely';

// The working-time calendar (工作日历) for case time limits: days off and make-up working days.
// Days without a row follow the week (Monday–Friday work). Work hours live in setting
// 'calendar.hours'; the years already shipped into this table in setting 'calendar.shipped'.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table calendar_day (
    day date primary key,
    kind text not null check (kind in ('holiday', 'workday')),
    name text not null,
    updated_at timestamptz not null default now(),
    updated_by integer references app_user(id)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists calendar_day`.execute(db);
}
