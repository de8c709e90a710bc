import { sql, type Kysely } from 'kysely';

// Servers keep some rows in memory between requests (db/kept.ts). Whatever changes them announces
// itself when its transaction commits, whoever writes it (this server, another instance, a
// script, psql), and every server listens and forgets what it kept:
// - `wangge_auth`: login sessions with their user's roles and scopes. The payload is the user's
//   id, or '*' when any user may be concerned (a role's definition, a grid's place or name, a
//   table emptied).
// - `wangge_contacts`: the names, phones and e-mail addresses notifications go to. The payload
//   is 'u:<app_user id>' or 'p:<person id>', or '*' (a table emptied).
// Writes that skip triggers (session_replication_role = replica, disabled triggers) go unheard:
// what was kept is then read again only after its maximum age.
const statements = [
  // app_user rows name their user by \`id\`, the others by \`user_id\`; both old and new, should a
  // row ever move to another user. Notifications are de-duplicated within a transaction.
  `create function wangge_auth_changed_row() returns trigger language plpgsql as $$
  declare
    r jsonb;
  begin
    if tg_op <> 'INSERT' then
      r := to_jsonb(old);
      perform pg_notify('wangge_auth', coalesce(r->>'user_id', r->>'id'));
    end if;
    if tg_op <> 'DELETE' then
      r := to_jsonb(new);
      perform pg_notify('wangge_auth', coalesce(r->>'user_id', r->>'id'));
    end if;
    return null;
  end
  $$`,
  `create function wangge_auth_changed_all() returns trigger language plpgsql as $$
  begin
    perform pg_notify('wangge_auth', '*');
    return null;
  end
  $$`,
  `create function wangge_contact_changed() returns trigger language plpgsql as $$
  begin
    perform pg_notify('wangge_contacts',
      (case when tg_table_name = 'app_user' then 'u:' else 'p:' end) || (to_jsonb(old)->>'id'));
    return null;
  end
  $$`,
  `create function wangge_contacts_changed_all() returns trigger language plpgsql as $$
  begin
    perform pg_notify('wangge_contacts', '*');
    return null;
  end
  $$`,
  `create trigger app_user_contacts_truncated after truncate on app_user
    for each statement execute function wangge_contacts_changed_all()`,
  `create trigger person_contacts_truncated after truncate on person
    for each statement execute function wangge_contacts_changed_all()`,
  `create trigger app_user_contact_changed after update or delete on app_user
    for each row execute function wangge_contact_changed()`,
  `create trigger person_contact_changed after update or delete on person
    for each row execute function wangge_contact_changed()`,
  `create trigger app_user_auth_changed after update or delete on app_user
    for each row execute function wangge_auth_changed_row()`,
  `create trigger session_auth_changed after update or delete on session
    for each row execute function wangge_auth_changed_row()`,
  `create trigger user_role_auth_changed after insert or update or delete on user_role
    for each row execute function wangge_auth_changed_row()`,
  `create trigger user_scope_auth_changed after insert or update or delete on user_scope
    for each row execute function wangge_auth_changed_row()`,
  ...['app_user', 'session', 'user_role', 'user_scope'].map(
    (table) => `create trigger ${table}_auth_truncated after truncate on ${table}
      for each statement execute function wangge_auth_changed_all()`,
  ),
  `create trigger role_auth_changed after update or delete or truncate on role
    for each statement execute function wangge_auth_changed_all()`,
  `create trigger grid_node_auth_changed after update or delete or truncate on grid_node
    for each statement execute function wangge_auth_changed_all()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [trigger, table] of [
    ['app_user_contacts_truncated', 'app_user'],
    ['person_contacts_truncated', 'person'],
    ['app_user_auth_truncated', 'app_user'],
    ['session_auth_truncated', 'session'],
    ['user_role_auth_truncated', 'user_role'],
    ['user_scope_auth_truncated', 'user_scope'],
    ['app_user_contact_changed', 'app_user'],
    ['person_contact_changed', 'person'],
    ['app_user_auth_changed', 'app_user'],
    ['session_auth_changed', 'session'],
    ['user_role_auth_changed', 'user_role'],
    ['user_scope_auth_changed', 'user_scope'],
    ['role_auth_changed', 'role'],
    ['grid_node_auth_changed', 'grid_node'],
  ] as const) {
    await sql.raw(`drop trigger ${trigger} on ${table}`).execute(db);
  }
  await sql.raw(`drop function wangge_auth_changed_row()`).execute(db);
  await sql.raw(`drop function wangge_auth_changed_all()`).execute(db);
  await sql.raw(`drop function wangge_contact_changed()`).execute(db);
  await sql.raw(`drop function wangge_contacts_changed_all()`).execute(db);
}
