import { sql, type Kysely } from 'kysely';

// At most one active national divisions tree: imports match units by code inside it.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create unique index grid_node_divisions_root_idx on grid_node (scheme)
    where depth = 0 and valid_to is null and scheme = 'admin_divisions'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists grid_node_divisions_root_idx`.execute(db);
}
