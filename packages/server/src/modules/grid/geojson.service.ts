import gcoord from 'gcoord';
import type { MultiPolygon, Polygon } from 'geojson';
import type { Kysely } from 'kysely';
import { appendAudit, type Actor } from '../../core/audit/audit.service.ts';
import type { Principal } from '../../core/access/principal.ts';
import { todayIn } from '../../core/calendar/dates.ts';
import type { DB } from '../../core/db/types.ts';
import { AppError } from '../../core/http/errors.ts';
import { geometryFacts, type GeometryFacts } from './geometry.ts';
import type { Crs } from './locator.service.ts';
import { topologyReport, type TopologyNode, type TopologyReport } from './topology.ts';
import { requireInScope } from '../../core/access/scope.ts';
import { gridScope } from './grid.scope.ts';

export interface GeoJsonImportOptions {
  crs: Crs;
  dryRun: boolean;
  skipUnmatched: boolean;
  toleranceM2: number;
}

export interface GeoJsonImportResult {
  sourceCrs: Crs;
  features: number;
  matched: number;
  unmatched: { index: number; code: string | null; id: number | null }[];
  invalid: { index: number; code: string | null; message: string }[];
  applied: boolean;
  topology: TopologyReport;
}

interface SubtreeNode {
  id: number;
  parent_id: number | null;
  name: string;
  code: string | null;
  kind: string;
  level: number | null;
  geometry: unknown;
  min_lng: number | null;
  min_lat: number | null;
  max_lng: number | null;
  max_lat: number | null;
}

/** Polygons of a subtree, its active nodes only. */
export class GeoJsonService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly timeZone: string,
    private readonly onChange: () => void,
  ) {}

  private async subtree(principal: Principal, nodeId: number, levels?: number): Promise<SubtreeNode[]> {
    await requireInScope(this.db, principal, gridScope, [nodeId]);
    const node = await this.db
      .selectFrom('grid_node')
      .select(['path', 'depth'])
      .where('id', '=', nodeId)
      .executeTakeFirstOrThrow();
    return this.db
      .selectFrom('grid_node')
      .select([
        'id',
        'parent_id',
        'name',
        'code',
        'kind',
        'level',
        'geometry',
        'min_lng',
        'min_lat',
        'max_lng',
        'max_lat',
      ])
      .where('path', 'like', `${node.path}%`)
      .where('valid_to', 'is', null)
      .$if(levels !== undefined, (q) => q.where('depth', '<=', node.depth + levels!))
      .orderBy('path')
      .execute();
  }

  /** A FeatureCollection of the subtree's polygons (WGS84), with id, code, name, kind and parent. */
  async export(principal: Principal, nodeId: number, levels?: number) {
    const nodes = await this.subtree(principal, nodeId, levels);
    const codeOf = new Map(nodes.map((n) => [n.id, n.code]));
    return {
      type: 'FeatureCollection' as const,
      features: nodes
        .filter((n) => n.geometry)
        .map((n) => ({
          type: 'Feature' as const,
          id: n.id,
          properties: {
            id: n.id,
            code: n.code,
            name: n.name,
            kind: n.kind,
            level: n.level,
            parentId: n.parent_id,
            parentCode: n.parent_id ? (codeOf.get(n.parent_id) ?? null) : null,
          },
          geometry: n.geometry as Polygon | MultiPolygon,
        })),
    };
  }

  async topology(principal: Principal, nodeId: number, toleranceM2: number): Promise<TopologyReport> {
    const nodes = await this.subtree(principal, nodeId);
    return topologyReport(nodes.map(toTopologyNode(new Map())), toleranceM2);
  }

  /**
   * Puts polygons on the subtree's nodes, matching features by `properties.code`, else
   * `properties.id`. GCJ-02 and BD-09 coordinates are converted to WGS84 and the source system is
   * recorded. A dry run reports what would happen, with the topology as it would be; a real run
   * writes nothing unless every feature is valid and matched (or unmatched ones are skipped).
   */
  async import(
    principal: Principal,
    actor: Actor,
    nodeId: number,
    body: { features: unknown[] },
    options: GeoJsonImportOptions,
  ): Promise<GeoJsonImportResult> {
    const nodes = await this.subtree(principal, nodeId);
    const byCode = new Map(nodes.filter((n) => n.code).map((n) => [n.code!, n]));
    const byId = new Map(nodes.map((n) => [n.id, n]));
    const result: GeoJsonImportResult = {
      sourceCrs: options.crs,
      features: body.features.length,
      matched: 0,
      unmatched: [],
      invalid: [],
      applied: false,
      topology: { checkedNodes: 0, checkedParents: 0, toleranceM2: options.toleranceM2, problems: [] },
    };
    const updates = new Map<number, GeometryFacts>();
    body.features.forEach((raw, index) => {
      const f = raw as { type?: unknown; properties?: Record<string, unknown> | null; geometry?: unknown };
      const code = typeof f?.properties?.code === 'string' ? f.properties.code : null;
      const id = typeof f?.properties?.id === 'number' ? f.properties.id : null;
      if (!f || f.type !== 'Feature') {
        result.invalid.push({ index, code, message: '不是 GeoJSON Feature' });
        return;
      }
      const node = (code !== null ? byCode.get(code) : undefined) ?? (id !== null ? byId.get(id) : undefined);
      if (!node) {
        result.unmatched.push({ index, code, id });
        return;
      }
      try {
        const converted = options.crs === 'wgs84' ? f.geometry : convert(f.geometry, options.crs);
        updates.set(node.id, geometryFacts(converted, `features/${index}/geometry`));
        result.matched++;
      } catch (err) {
        result.invalid.push({
          index,
          code,
          message: err instanceof AppError ? (Object.values(err.fields ?? {})[0] ?? err.message) : '几何无效',
        });
      }
    });
    result.topology = topologyReport(nodes.map(toTopologyNode(updates)), options.toleranceM2);
    if (options.dryRun) return result;
    if (result.invalid.length || (result.unmatched.length && !options.skipUnmatched)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `有 ${result.invalid.length} 个无效要素、${result.unmatched.length} 个要素匹配不到网格，未导入任何边界`,
        { features: '请先用试导入（dryRun）查看报告' },
      );
    }
    const today = todayIn(this.timeZone);
    await this.db.transaction().execute(async (trx) => {
      for (const [id, facts] of updates) {
        await trx
          .updateTable('grid_node')
          .set({
            geometry: JSON.stringify(facts.geometry),
            geometry_source: options.crs,
            min_lng: facts.bbox[0],
            min_lat: facts.bbox[1],
            max_lng: facts.bbox[2],
            max_lat: facts.bbox[3],
            lng: facts.center[0],
            lat: facts.center[1],
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
      }
      if (updates.size) {
        await trx
          .insertInto('grid_event')
          .values(
            [...updates.keys()].map((id) => ({
              node_id: id,
              kind: 'geometry' as const,
              effective_date: today,
              before: JSON.stringify({ hadPolygon: Boolean(byId.get(id)!.geometry) }),
              after: JSON.stringify({ source: options.crs }),
              note: 'GeoJSON 导入',
              actor_id: actor.id,
            })),
          )
          .execute();
      }
      await appendAudit(trx, actor, {
        action: 'grid.geometry.import',
        targetType: 'grid',
        targetId: nodeId,
        after: {
          sourceCrs: options.crs,
          updated: updates.size,
          unmatched: result.unmatched.length,
          problems: result.topology.problems.length,
        },
      });
    });
    this.onChange();
    result.applied = true;
    return result;
  }
}

function convert(geometry: unknown, crs: Crs): unknown {
  try {
    // gcoord converts GeoJSON in place; the caller's object is left alone.
    return gcoord.transform(
      structuredClone(geometry) as Parameters<typeof gcoord.transform>[0],
      crs === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09,
      gcoord.WGS84,
    );
  } catch {
    return geometry; // left for geometryFacts to reject with a clear message
  }
}

const toTopologyNode =
  (updates: Map<number, GeometryFacts>) =>
  (n: SubtreeNode): TopologyNode => {
    const next = updates.get(n.id);
    return {
      id: n.id,
      parentId: n.parent_id,
      name: n.name,
      code: n.code,
      geometry: next ? next.geometry : ((n.geometry as Polygon | MultiPolygon | null) ?? null),
      bbox: next ? next.bbox : n.min_lng === null ? null : [n.min_lng, n.min_lat!, n.max_lng!, n.max_lat!],
    };
  };
