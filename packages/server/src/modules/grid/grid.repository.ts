import type { GridNode } from '@wangge/shared';
import { sql } from 'kysely';
import type { Executor } from '../../core/db/types.ts';
import type { Principal } from '../../core/access/principal.ts';
import { scoped } from '../../core/access/scope.ts';

export interface NewGridNode {
  parentId: number | null;
  kind: string;
  name: string;
  code: string | null;
  /** First day the node is in force (default: today). */
  validFrom?: string;
  /** Scheme of a new tree (roots only); children inherit their parent's scheme and next level. */
  scheme?: string | null;
  geometry?: unknown;
  geometrySource?: string | null;
  bbox?: [number, number, number, number] | null;
  center?: [number, number] | null;
}

export interface NewGridNodeInBatch extends Omit<NewGridNode, 'parentId'> {
  /** Key of this node within the batch, so later nodes can name it as parent. */
  key: string;
  /** A batch key of an earlier node, or the id of an existing node, or null for a root. */
  parent: { key: string } | { id: number } | null;
}

/**
 * Inserts many nodes at once, parents before children, in chunks. Ids are drawn from the
 * table's sequence first, so paths are computed here and every row is written exactly once.
 * Returns the new id of every batch key.
 */
/** What a child needs from its parent: path, depth, tree, scheme and level. */
export interface ParentInfo {
  path: string;
  depth: number;
  root_id: number;
  scheme: string | null;
  level: number | null;
}

export async function insertGridNodes(
  db: Executor,
  nodes: NewGridNodeInBatch[],
  /** Parents the caller already knows (by id), so they need not be read again. */
  knownParents?: ReadonlyMap<number, ParentInfo>,
): Promise<Map<string, number>> {
  const result = new Map<string, number>();
  if (nodes.length === 0) return result;
  const ids = await sql<{
    id: number;
  }>`select nextval(pg_get_serial_sequence('grid_node', 'id'))::integer as id
    from generate_series(1, ${nodes.length})`.execute(db);
  const known = new Map<number, ParentInfo>(knownParents ?? []);
  const outsideIds = [
    ...new Set(
      nodes.flatMap((n) => (n.parent && 'id' in n.parent && !known.has(n.parent.id) ? [n.parent.id] : [])),
    ),
  ];
  if (outsideIds.length) {
    const rows = await db
      .selectFrom('grid_node')
      .select(['id', 'path', 'depth', 'root_id', 'scheme', 'level'])
      .where('id', 'in', outsideIds)
      .execute();
    for (const r of rows) known.set(r.id, r);
  }
  const rows = nodes.map((n, i) => {
    const id = ids.rows[i]!.id;
    result.set(n.key, id);
    let parentId: number | null = null;
    if (n.parent) {
      parentId = 'id' in n.parent ? n.parent.id : result.get(n.parent.key)!;
      if (parentId === undefined)
        throw new Error(`parent ${JSON.stringify(n.parent)} must come before ${n.key}`);
    }
    const parent = parentId === null ? null : known.get(parentId);
    if (parentId !== null && !parent) throw new Error(`parent ${parentId} not found`);
    const path = `${parent?.path ?? '/'}${id}/`;
    const depth = parent ? parent.depth + 1 : 0;
    const rootId = parent ? parent.root_id : id;
    const scheme = parent ? parent.scheme : (n.scheme ?? null);
    const level = parent ? (parent.level === null ? null : parent.level + 1) : scheme ? 0 : null;
    known.set(id, { path, depth, root_id: rootId, scheme, level });
    return {
      id,
      parent_id: parentId,
      root_id: rootId,
      scheme,
      level,
      path,
      depth,
      geometry_source: n.geometrySource ?? null,
      valid_from: n.validFrom ?? null,
      kind: n.kind,
      name: n.name,
      code: n.code,
      geometry: n.geometry ? JSON.stringify(n.geometry) : null,
      min_lng: n.bbox?.[0] ?? null,
      min_lat: n.bbox?.[1] ?? null,
      max_lng: n.bbox?.[2] ?? null,
      max_lat: n.bbox?.[3] ?? null,
      lng: n.center?.[0] ?? null,
      lat: n.center?.[1] ?? null,
    };
  });
  // One statement per chunk with a column array per field (unnest), so a chunk of thousands of
  // rows costs one parse and a fixed number of parameters.
  for (let i = 0; i < rows.length; i += 5000) {
    const part = rows.slice(i, i + 5000);
    const col = <T>(pick: (r: (typeof rows)[number]) => T) => part.map(pick);
    await sql`
      insert into grid_node (id, parent_id, root_id, scheme, level, path, depth, geometry_source, valid_from,
        kind, name, code, geometry, min_lng, min_lat, max_lng, max_lat, lng, lat)
      select id, parent_id, root_id, scheme, level, path, depth, geometry_source, coalesce(valid_from, current_date),
        kind, name, code, geometry, min_lng, min_lat, max_lng, max_lat, lng, lat
      from unnest(
        ${col((r) => r.id)}::integer[], ${col((r) => r.parent_id)}::integer[], ${col((r) => r.root_id)}::integer[],
        ${col((r) => r.scheme)}::text[], ${col((r) => r.level)}::integer[], ${col((r) => r.path)}::text[],
        ${col((r) => r.depth)}::integer[], ${col((r) => r.geometry_source)}::text[], ${col((r) => r.valid_from)}::date[],
        ${col((r) => r.kind)}::text[], ${col((r) => r.name)}::text[], ${col((r) => r.code)}::text[],
        ${col((r) => r.geometry)}::jsonb[], ${col((r) => r.min_lng)}::float8[], ${col((r) => r.min_lat)}::float8[],
        ${col((r) => r.max_lng)}::float8[], ${col((r) => r.max_lat)}::float8[], ${col((r) => r.lng)}::float8[],
        ${col((r) => r.lat)}::float8[]
      ) as t(id, parent_id, root_id, scheme, level, path, depth, geometry_source, valid_from,
        kind, name, code, geometry, min_lng, min_lat, max_lng, max_lat, lng, lat)`.execute(db);
  }
  return result;
}

/** Inserts one node below an existing parent (or as a root) and returns its id and path. */
export async function insertGridNode(db: Executor, node: NewGridNode): Promise<{ id: number; path: string }> {
  const { parentId, ...rest } = node;
  const ids = await insertGridNodes(db, [
    { ...rest, key: 'new', parent: parentId === null ? null : { id: parentId } },
  ]);
  const id = ids.get('new')!;
  const row = await db.selectFrom('grid_node').select('path').where('id', '=', id).executeTakeFirstOrThrow();
  return { id, path: row.path };
}

export function gridNodeColumns(db: Executor) {
  return db.selectFrom('grid_node as g').select([
    'g.id',
    'g.parent_id',
    'g.depth',
    'g.kind',
    'g.name',
    'g.code',
    'g.path',
    'g.lng',
    'g.lat',
    'g.scheme',
    'g.level',
    'g.valid_from',
    'g.valid_to',
    'g.root_id',
    sql<boolean>`g.geometry is not null`.as('has_geometry'),
    (eb) =>
      eb
        .selectFrom('grid_node as c')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('c.parent_id', '=', 'g.id')
        .where('c.valid_to', 'is', null)
        .as('child_count'),
  ]);
}

export function toGridNode(r: {
  id: number;
  parent_id: number | null;
  depth: number;
  kind: string;
  name: string;
  code: string | null;
  lng: number | null;
  lat: number | null;
  has_geometry: boolean;
  child_count: number | null;
  scheme: string | null;
  level: number | null;
  valid_from: string;
  valid_to: string | null;
}): GridNode {
  return {
    id: r.id,
    parentId: r.parent_id,
    depth: r.depth,
    kind: r.kind,
    name: r.name,
    code: r.code,
    childCount: Number(r.child_count ?? 0),
    scheme: r.scheme,
    level: r.level,
    validFrom: r.valid_from,
    validTo: r.valid_to,
    hasGeometry: r.has_geometry,
    lng: r.lng,
    lat: r.lat,
  };
}

/** Current grid nodes in the principal's scope, counted by kind (outermost kinds first). */
export async function countNodesByKind(
  db: Executor,
  principal: Principal,
): Promise<{ kind: string; count: number }[]> {
  const rows = await db
    .selectFrom('grid_node')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .$call((q) => scoped(q, 'path', principal))
    .where('valid_to', 'is', null)
    .groupBy('kind')
    .orderBy(sql`min(depth)`)
    .execute();
  return rows.map((r) => ({ kind: r.kind, count: Number(r.n) }));
}

/** The ancestors of a node (by its path), root first: id, name, kind. */
export async function ancestorsOf(
  db: Executor,
  path: string,
): Promise<{ id: number; name: string; kind: string; depth: number }[]> {
  const ids = path.split('/').filter(Boolean).map(Number).slice(0, -1);
  if (!ids.length) return [];
  return db
    .selectFrom('grid_node')
    .select(['id', 'name', 'kind', 'depth'])
    .where('id', 'in', ids)
    .orderBy('depth')
    .execute();
}

/** The roots of the trees the given nodes belong to. */
export async function rootsOf(db: Executor, nodeIds: readonly number[]): Promise<number[]> {
  if (!nodeIds.length) return [];
  const rows = await db
    .selectFrom('grid_node')
    .select('root_id')
    .where('id', 'in', [...nodeIds])
    .execute();
  return [...new Set(rows.map((r) => r.root_id))];
}

/** A live node with its outline, and its live children with theirs (a leaf has no live child). */
export async function outlineWithChildren(db: Executor, id: number) {
  const node = await db
    .selectFrom('grid_node')
    .select(['id', 'name', 'path', 'geometry'])
    .where('id', '=', id)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  if (!node) return null;
  const children = await db
    .selectFrom('grid_node as g')
    .select([
      'g.id',
      'g.name',
      'g.geometry',
      (eb) =>
        eb
          .not(
            eb.exists(
              eb
                .selectFrom('grid_node as k')
                .select('k.id')
                .whereRef('k.parent_id', '=', 'g.id')
                .where('k.valid_to', 'is', null),
            ),
          )
          .as('leaf'),
    ])
    .where('g.parent_id', '=', id)
    .where('g.valid_to', 'is', null)
    .where('g.geometry', 'is not', null)
    .orderBy('g.code')
    .orderBy('g.id')
    .execute();
  return { node, children };
}

/** One node's id, name and path (null when there is none). */
export function nodeById(db: Executor, id: number) {
  return db.selectFrom('grid_node').select(['id', 'name', 'path']).where('id', '=', id).executeTakeFirst();
}

/** Puts a tree a user has just created into the user's data scope (once). */
export async function grantCreatorScope(db: Executor, userId: number, rootId: number): Promise<void> {
  await db
    .insertInto('user_scope')
    .values({ user_id: userId, grid_id: rootId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** The grid schemes shipped and stored, by code. */
export function listSchemes(db: Executor) {
  return db.selectFrom('scheme').selectAll().orderBy('code').execute();
}
