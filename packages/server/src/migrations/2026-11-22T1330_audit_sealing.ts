import { sql, type Kysely } from 'kysely';

// Batched sealing of the audit hash chain. Appends no longer lock `audit_head`: an entry is
// inserted unsealed (no chain position, no hash) in the caller's transaction, and the sealer
// later gives committed entries their `seq`, `prev_hash` and `hash` in batches.
//
// `audit_log` gets an insertion id (the new primary key). Existing rows are all sealed and keep
// their `seq` and hashes untouched (the hash covers `seq`, never `id`); they get `id = seq`, so
// old and new entries share one insertion order, and the identity continues after the largest.
const statements = [
  // The backfill below is an UPDATE, which the append-only trigger refuses; the whole migration
  // runs in one transaction, so nobody else sees the trigger switched off.
  `alter table audit_log disable trigger audit_log_append_only`,
  `alter table audit_log add column id bigint`,
  `update audit_log set id = seq`,
  `alter table audit_log alter column id set not null`,
  `alter table audit_log alter column id add generated always as identity`,
  `select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce(max(id), 0) + 1, false) from audit_log`,
  `alter table audit_log drop constraint audit_log_pkey`,
  `alter table audit_log add constraint audit_log_pkey primary key (id)`,
  `alter table audit_log alter column seq drop not null`,
  `alter table audit_log alter column prev_hash drop not null`,
  `alter table audit_log alter column hash drop not null`,
  `create unique index audit_log_seq_key on audit_log (seq) where seq is not null`,
  // Sealed entirely or not at all.
  `alter table audit_log add constraint audit_log_sealed_check
    check ((seq is null) = (hash is null) and (prev_hash is null) = (hash is null))`,
  // What the sealer looks for: unsealed entries in insertion order (a small, short-lived set).
  `create index audit_log_unsealed_idx on audit_log (id) where hash is null`,
  // Append-only, with one exception for the sealer: an unsealed row may be updated once, and only
  // to fill in seq, prev_hash and hash. Deletes only of sealed entries past the retention period,
  // by the purge job; truncation never. Replacing the function keeps both triggers attached.
  `create or replace function audit_log_guard() returns trigger language plpgsql as $$
  begin
    if tg_op = 'UPDATE' then
      if old.hash is null and old.seq is null and old.prev_hash is null
         and new.hash is not null and new.seq is not null and new.prev_hash is not null
         and to_jsonb(new) - array['seq', 'prev_hash', 'hash'] = to_jsonb(old) - array['seq', 'prev_hash', 'hash'] then
        return new;
      end if;
    elsif tg_op = 'DELETE' then
      if old.hash is not null
         and coalesce(current_setting('wangge.audit_purge_days', true), '') ~ '^[0-9]+$'
         and current_setting('wangge.audit_purge_days', true)::integer >= 180
         and old.at < now() - make_interval(days => current_setting('wangge.audit_purge_days', true)::integer) then
        return old;
      end if;
    end if;
    raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
  end
  $$`,
  `alter table audit_log enable trigger audit_log_append_only`,
  `comment on column audit_log.id is 'insertion order; the chain order is seq, given when the entry is sealed'`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Back to appends under the head lock; only possible once every entry is sealed. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::integer as n from audit_log where hash is null`.execute(db);
  if (rows[0]!.n > 0) throw new Error(`audit_log has ${rows[0]!.n} unsealed entries: seal them first`);
  for (const statement of [
    `drop index audit_log_unsealed_idx`,
    `alter table audit_log drop constraint audit_log_sealed_check`,
    `drop index audit_log_seq_key`,
    `alter table audit_log drop constraint audit_log_pkey`,
    `alter table audit_log alter column seq set not null`,
    `alter table audit_log alter column prev_hash set not null`,
    `alter table audit_log alter column hash set not null`,
    `alter table audit_log add constraint audit_log_pkey primary key (seq)`,
    `alter table audit_log drop column id`,
    `create or replace function audit_log_guard() returns trigger language plpgsql as $$
    begin
      if tg_op = 'DELETE'
         and coalesce(current_setting('wangge.audit_purge_days', true), '') ~ '^[0-9]+$'
         and current_setting('wangge.audit_purge_days', true)::integer >= 180
         and old.at < now() - make_interval(days => current_setting('wangge.audit_purge_days', true)::integer) then
        return old;
      end if;
      raise exception 'audit_log is append-only' using errcode = 'insufficient_privilege';
    end
    $$`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
