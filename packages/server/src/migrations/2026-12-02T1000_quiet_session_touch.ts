import { sql, type Kysely } from 'kysely';

// A session in use is touched (its last_seen_at moved forward) every half minute. That only
// extends it, and whoever keeps the session checks with the database before refusing it as idle
// (auth.service.ts), so a touch needs no announcement: without one, every server would drop and
// read again each active session twice a minute. Whatever can refuse a session still announces
// itself: another user, token or expiry, activity moved back, and deletion.
const statements = [
  `drop trigger session_auth_changed on session`,
  `create trigger session_auth_changed after update on session
    for each row
    when (new.user_id is distinct from old.user_id
      or new.id_hash is distinct from old.id_hash
      or new.expires_at is distinct from old.expires_at
      or new.last_seen_at < old.last_seen_at)
    execute function wangge_auth_changed_row()`,
  `create trigger session_auth_deleted after delete on session
    for each row execute function wangge_auth_changed_row()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`drop trigger session_auth_deleted on session`).execute(db);
  await sql.raw(`drop trigger session_auth_changed on session`).execute(db);
  await sql
    .raw(
      `create trigger session_auth_changed after update or delete on session
        for each row execute function wangge_auth_changed_row()`,
    )
    .execute(db);
}
