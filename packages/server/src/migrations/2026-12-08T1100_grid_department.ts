import { sql, type Kysely } from 'kysely';

/**
 * The supervising department of a grid (主管部门), printed on its notice board: set on a node and
 * inherited by its subtree unless a node below sets its own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create table grid_department (
    node_id integer primary key references grid_node(id),
    department_id integer not null references department(id),
    updated_at timestamptz not null default now()
  )`.execute(db);
  await sql`create index grid_department_department_idx on grid_department (department_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table grid_department`.execute(db);
}
