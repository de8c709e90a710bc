import { sql, type Kysely } from 'kysely';

/**
 * Supervision of cases in hand: urging (催办, counted), formal supervision by a named leader
 * (督办), a named officer within the handling unit, assisting units (协办) each feeding back, and
 * townships and communities as handling units (a unit with a grid is local: 属地).
 */
const statements = [
  `alter table cases
    add column urge_count integer not null default 0,
    add column urged_at timestamptz,
    add column assignee_person_id integer references person(id),
    add column supervised_by integer references app_user(id),
    add column supervised_by_name text,
    add column supervised_at timestamptz,
    add column supervision_note text`,
  `create index cases_supervised_idx on cases (supervised_at) where supervised_at is not null`,
  `create index cases_assignee_idx on cases (assignee_person_id) where assignee_person_id is not null`,
  `alter table department add column grid_id integer references grid_node(id)`,
  `create table case_assist (
    case_id bigint not null references cases(id),
    department_id integer not null references department(id),
    state text not null default 'open' check (state in ('open', 'done')),
    requested_at timestamptz not null default now(),
    requested_by_name text not null,
    note text,
    fed_back_at timestamptz,
    fed_back_by_name text,
    primary key (case_id, department_id)
  )`,
  `create index case_assist_department_idx on case_assist (department_id, state)`,
  // Built-in roles already in the database: leaders and the command centre supervise.
  `update role set permissions = array(select distinct unnest(permissions || array['case.supervise']::text[]))
    where key in ('leader', 'command_center')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`update role set permissions = array_remove(permissions, 'case.supervise')`.execute(db);
  await sql`drop table case_assist`.execute(db);
  await sql`alter table department drop column grid_id`.execute(db);
  await sql`alter table cases drop column urge_count, drop column urged_at, drop column assignee_person_id,
    drop column supervised_by, drop column supervised_by_name, drop column supervised_at,
    drop column supervision_note`.execute(db);
}
