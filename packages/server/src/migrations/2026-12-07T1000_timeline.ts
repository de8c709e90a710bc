import { sql, type Kysely } from 'kysely';

/**
 * The case timeline and photos become the kernel's timeline and attachments, keyed by
 * (subject kind, id) so that every workflow writes to them. Renamed in place: ids, times and
 * links between entries and photos stay as they were.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `alter table case_event rename to timeline_entry`,
    `alter table timeline_entry drop constraint if exists case_event_case_id_fkey`,
    `alter table timeline_entry drop constraint if exists case_event_department_id_fkey`,
    `alter table timeline_entry rename column case_id to subject_id`,
    `alter table timeline_entry rename column department_id to unit_id`,
    `alter table timeline_entry add column subject_kind text not null default 'case'`,
    `alter table timeline_entry alter column subject_kind drop default`,
    `drop index case_event_case_idx`,
    `create index timeline_entry_subject_idx on timeline_entry (subject_kind, subject_id, id)`,

    `alter table case_photo rename to attachment`,
    `alter table attachment drop constraint if exists case_photo_case_id_fkey`,
    `alter table attachment rename column case_id to subject_id`,
    `alter table attachment rename column event_id to entry_id`,
    `alter table attachment add column subject_kind text`,
    `update attachment set subject_kind = 'case' where subject_id is not null`,
    `alter table attachment add constraint attachment_subject_check
       check ((subject_kind is null) = (subject_id is null))`,
    `drop index case_photo_case_idx`,
    `create index attachment_subject_idx on attachment (subject_kind, subject_id)`,
    `create index attachment_unclaimed_idx on attachment (uploaded_at) where subject_id is null`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop index attachment_unclaimed_idx`,
    `drop index attachment_subject_idx`,
    `alter table attachment drop constraint attachment_subject_check`,
    `delete from attachment where subject_kind is distinct from 'case' and subject_id is not null`,
    `alter table attachment drop column subject_kind`,
    `alter table attachment rename column entry_id to event_id`,
    `alter table attachment rename column subject_id to case_id`,
    `alter table attachment rename to case_photo`,
    `alter table case_photo add constraint case_photo_case_id_fkey foreign key (case_id) references cases(id)`,
    `create index case_photo_case_idx on case_photo (case_id)`,

    `drop index timeline_entry_subject_idx`,
    `delete from timeline_entry where subject_kind <> 'case'`,
    `alter table timeline_entry drop column subject_kind`,
    `alter table timeline_entry rename column unit_id to department_id`,
    `alter table timeline_entry rename column subject_id to case_id`,
    `alter table timeline_entry rename to case_event`,
    `alter table case_event add constraint case_event_case_id_fkey foreign key (case_id) references cases(id)`,
    `alter table case_event add constraint case_event_department_id_fkey
       foreign key (department_id) references department(id)`,
    `create index case_event_case_idx on case_event (case_id, id)`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
