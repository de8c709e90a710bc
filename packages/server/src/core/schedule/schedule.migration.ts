import { sql, type Kysely } from 'kysely';

/** Once-per-period claims: a row per (key, period) that has been done. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table schedule_claim (
    key text not null,
    period text not null,
    claimed_at timestamptz not null default now(),
    claimed_by text,
    primary key (key, period)
  )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table schedule_claim`.execute(db);
}
