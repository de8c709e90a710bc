import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { DB, Executor } from './types.ts';

/** Columns holding JSON, per table, read from the catalogue once. */
const jsonColumns = new Map<string, Promise<ReadonlySet<string>>>();

function jsonColumnsOf(db: Executor, table: string): Promise<ReadonlySet<string>> {
  let found = jsonColumns.get(table);
  if (!found) {
    found = sql<{ name: string }>`
      select attname as name from pg_attribute
       where attrelid = ${table}::regclass and attnum > 0 and not attisdropped
         and atttypid in ('json'::regtype, 'jsonb'::regtype)`
      .execute(db)
      .then((r) => new Set(r.rows.map((c) => c.name)));
    found.catch(() => jsonColumns.delete(table));
    jsonColumns.set(table, found);
  }
  return found;
}

/**
 * Many rows inserted with one parameter: `insert into <table> (…) select … from
 * json_populate_recordset(null::<table>, $1)`, for statements that write hundreds of rows at once.
 * The statement text does not grow with the rows, and neither builder nor driver handles a
 * parameter per value. The database converts each value to its column's type; values of JSON
 * columns may be given as JSON text (as for Kysely inserts) or as objects.
 *
 * Rows that leave out different columns go in separate statements, so that what a row leaves out
 * gets the column's default, as with a multi-row VALUES insert. Returns the statements, in order.
 */
export async function insertJsonRows<T extends keyof DB & string>(
  db: Executor,
  table: T,
  rows: readonly Insertable<DB[T]>[],
): Promise<RawBuilder<unknown>[]> {
  const json = await jsonColumnsOf(db, table);
  const groups = new Map<string, { columns: string[]; rows: object[] }>();
  for (const row of rows) {
    let key = '';
    for (const column in row) {
      if ((row as Record<string, unknown>)[column] !== undefined) key += `${column},`;
    }
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { columns: key.split(',').slice(0, -1), rows: [] }));
    group.rows.push(row);
  }
  return [...groups.values()].map(({ columns, rows: members }) => {
    const names = sql.join(columns.map((c) => sql.ref(c)));
    // A JSON column given JSON text arrives as a JSON string: read the text as JSON.
    const values = sql.join(
      columns.map((c) => (json.has(c) ? sql`(r.${sql.ref(c)} #>> '{}')::jsonb` : sql`r.${sql.ref(c)}`)),
    );
    return sql`insert into ${sql.table(table)} (${names})
      select ${values} from json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(members)}::json) r`;
  });
}
