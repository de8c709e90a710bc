import { sql, type Kysely } from 'kysely';

/**
 * Stage clocks and reminder claims move from the case row into the kernel's `clock` and
 * `clock_reminder` tables, keyed by (subject kind, id, stage, round). Each running case clock
 * becomes a running clock row with the same start, limit, deadline and next reminder; each
 * claimed reminder stays claimed for its round, so nothing is sent again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `create table clock (
      subject_kind text not null,
      subject_id bigint not null,
      stage text not null,
      round integer not null,
      started_at timestamptz not null,
      limit_minutes integer not null,
      natural_time boolean not null,
      due_at timestamptz not null,
      next_alert_at timestamptz,
      next_alert text,
      parked_at timestamptz,
      stopped_at timestamptz,
      primary key (subject_kind, subject_id, stage, round)
    )`,
    // A subject's running clock is found through the primary key's prefix; at most one runs at a
    // time because every start stops the running one under the subject's row lock.
    `create index clock_alert_idx on clock (next_alert_at) where stopped_at is null and next_alert_at is not null`,
    `create index clock_due_idx on clock (subject_kind, stage, due_at) where stopped_at is null`,
    `create table clock_reminder (
      subject_kind text not null,
      subject_id bigint not null,
      round integer not null,
      threshold text not null,
      sent_at timestamptz not null default now(),
      primary key (subject_kind, subject_id, round, threshold)
    )`,
    `insert into clock (subject_kind, subject_id, stage, round, started_at, limit_minutes, natural_time, due_at,
                        next_alert_at, next_alert, parked_at)
       select 'case', id, stage, stage_seq, stage_started_at, limit_minutes, limit_natural, due_at,
              next_alert_at, next_alert, parked_at
         from cases
        where stage is not null and stage_started_at is not null and limit_minutes is not null
          and due_at is not null`,
    `insert into clock_reminder (subject_kind, subject_id, round, threshold, sent_at)
       select 'case', case_id, stage_seq, threshold, sent_at from case_reminder`,
    `drop table case_reminder`,
    `drop index cases_due_idx`,
    `drop index cases_alert_idx`,
    `alter table cases drop column parked_at, drop column stage, drop column stage_seq,
       drop column stage_started_at, drop column limit_minutes, drop column limit_natural,
       drop column due_at, drop column next_alert_at, drop column next_alert`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `alter table cases add column parked_at timestamptz, add column stage text,
       add column stage_seq integer not null default 0, add column stage_started_at timestamptz,
       add column limit_minutes integer, add column limit_natural boolean not null default false,
       add column due_at timestamptz, add column next_alert_at timestamptz, add column next_alert text`,
    `update cases c set parked_at = k.parked_at, stage = k.stage, stage_started_at = k.started_at,
        limit_minutes = k.limit_minutes, limit_natural = k.natural_time, due_at = k.due_at,
        next_alert_at = k.next_alert_at, next_alert = k.next_alert
       from clock k
      where k.subject_kind = 'case' and k.subject_id = c.id and k.stopped_at is null`,
    `update cases c set stage_seq = greatest(
        coalesce((select max(round) from clock k where k.subject_kind = 'case' and k.subject_id = c.id), 0),
        coalesce((select max(round) from clock_reminder r where r.subject_kind = 'case' and r.subject_id = c.id), 0))`,
    `create index cases_due_idx on cases (stage, due_at) where stage is not null`,
    `create index cases_alert_idx on cases (next_alert_at) where next_alert_at is not null`,
    `create table case_reminder (
      case_id bigint not null references cases(id),
      stage_seq integer not null,
      threshold text not null,
      sent_at timestamptz not null default now(),
      primary key (case_id, stage_seq, threshold)
    )`,
    `insert into case_reminder (case_id, stage_seq, threshold, sent_at)
       select subject_id, round, threshold, sent_at from clock_reminder where subject_kind = 'case'`,
    `drop table clock_reminder`,
    `drop table clock`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
