import { sql, type Kysely } from 'kysely';

/** People on duty get an ID number (personal data: ciphertext and keyed blind index), the roster's key. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table person add column id_number_enc text, add column id_number_hash text`.execute(db);
  await sql`create unique index person_id_number_idx on person (id_number_hash) where id_number_hash is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index person_id_number_idx`.execute(db);
  await sql`alter table person drop column id_number_enc, drop column id_number_hash`.execute(db);
}
