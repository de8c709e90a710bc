import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { DB, Executor } from './types.ts';

/** Columns holding JSON, per table, read from the catalogue once. */
const jsonColumns = new Map<string, ReadonlySet<string>>();

async function jsonColumnsOf(db: Executor, table: string): Promise<ReadonlySet<string>> {
  const known = jsonColumns.get(table);
  if (known) return known;
  // Read on the caller's executor, never by waiting on another caller's read: on the embedded
  // database, a read queued outside a transaction waits for that transaction to end.
  const { rows } = await sql<{ name: string }>`
    select attname as name from pg_attribute
     where attrelid = ${table}::regclass and attnum > 0 and not attisdropped
       and atttypid in ('json'::regtype, 'jsonb'::regtype)`.execute(db);
  const found = new Set(rows.map((c) => c.name));
  jsonColumns.set(table, found);
  return found;
}

/** A lone UTF-16 surrogate, as JSON.stringify escapes it (a pair is written as is). */
const LONE_SURROGATE = /\\u[dD][89a-fA-F]/;
/** Half a surrogate pair in a string. */
const HALF_PAIR = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * JSON of `value` that PostgreSQL accepts: a string holding half of a surrogate pair (a cut
 * emoji, or crafted input) has it replaced by U+FFFD, as the driver does for a text parameter.
 */
function wellFormedJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (!LONE_SURROGATE.test(text)) return text;
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'string' ? v.replace(HALF_PAIR, '\uFFFD') : v,
  );
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
    const head = statementHead(table, columns, json);
    return sql`${sql.raw(head)}${wellFormedJson(members)}::json) r`;
  });
}

/** A quoted identifier, as the query compiler writes it. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The text of each (table, columns) statement up to its parameter, built once. */
const heads = new Map<string, string>();

function statementHead(table: string, columns: readonly string[], json: ReadonlySet<string>): string {
  const key = `${table}:${columns.join(',')}`;
  let head = heads.get(key);
  if (head === undefined) {
    const t = quoted(table);
    const names = columns.map(quoted).join(', ');
    // A JSON column given JSON text arrives as a JSON string: read the text as JSON.
    const values = columns
      .map((c) => (json.has(c) ? `(r.${quoted(c)} #>> '{}')::jsonb` : `r.${quoted(c)}`))
      .join(', ');
    head = `insert into ${t} (${names})
      select ${values} from json_populate_recordset(null::${t}, `;
    if (heads.size > 1000) heads.clear();
    heads.set(key, head);
  }
  return head;
}
