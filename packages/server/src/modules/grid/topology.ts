import area from '@turf/area';
import difference from '@turf/difference';
import { featureCollection, feature } from '@turf/helpers';
import intersect from '@turf/intersect';
import kinks from '@turf/kinks';
import union from '@turf/union';
import Flatbush from 'flatbush';
import type { Feature, MultiPolygon, Polygon } from 'geojson';

export interface TopologyNode {
  id: number;
  parentId: number | null;
  name: string;
  code: string | null;
  geometry: Polygon | MultiPolygon | null;
  bbox: [number, number, number, number] | null;
}

export interface TopologyProblem {
  kind: 'self_intersection' | 'overlap' | 'gap' | 'outside_parent' | 'missing_polygon';
  /** The node (or the parent, for gaps) the problem belongs to. */
  nodeId: number;
  /** The other node of an overlap. */
  otherId?: number;
  /** Area in square metres, where the problem has one. */
  areaM2?: number;
  /** Where it is: the overlapping, missing or protruding part, or the crossing points. */
  geometry?: Polygon | MultiPolygon | { type: 'MultiPoint'; coordinates: number[][] };
  message: string;
}

export interface TopologyReport {
  checkedNodes: number;
  checkedParents: number;
  toleranceM2: number;
  problems: TopologyProblem[];
}

const asFeature = (g: Polygon | MultiPolygon) => feature(g) as Feature<Polygon | MultiPolygon>;

/**
 * "横向到边": the children of every parent must cover it without overlapping each other. Reports
 * self-intersecting rings, overlapping siblings, gaps against the parent, parts of children
 * outside their parent, and children without a polygon. Areas below the tolerance (floating
 * point slivers along shared edges) are not problems.
 */
export function topologyReport(nodes: TopologyNode[], toleranceM2 = 1): TopologyReport {
  const problems: TopologyProblem[] = [];
  const byParent = new Map<number, TopologyNode[]>();
  for (const n of nodes) {
    if (n.geometry) {
      const k = kinks(asFeature(n.geometry));
      if (k.features.length) {
        problems.push({
          kind: 'self_intersection',
          nodeId: n.id,
          geometry: { type: 'MultiPoint', coordinates: k.features.map((f) => f.geometry.coordinates) },
          message: `“${n.name}”的边界自相交（${k.features.length} 处）`,
        });
      }
    }
    if (n.parentId !== null) {
      const list = byParent.get(n.parentId) ?? [];
      list.push(n);
      byParent.set(n.parentId, list);
    }
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let checkedParents = 0;
  for (const [parentId, children] of byParent) {
    const parent = byId.get(parentId);
    const shaped = children.filter((c) => c.geometry && c.bbox);
    if (parent?.geometry) {
      for (const c of children) {
        if (!c.geometry)
          problems.push({
            kind: 'missing_polygon',
            nodeId: c.id,
            message: `“${c.name}”没有边界，上级“${parent.name}”无法做到横向到边`,
          });
      }
    }
    if (shaped.length === 0) continue;
    checkedParents++;

    // Overlaps between siblings: candidates from their bounding boxes.
    if (shaped.length > 1) {
      const index = new Flatbush(shaped.length);
      for (const c of shaped) index.add(...c.bbox!);
      index.finish();
      shaped.forEach((a, i) => {
        for (const j of index.search(...a.bbox!)) {
          if (j <= i) continue;
          const b = shaped[j]!;
          const overlap = intersect(featureCollection([asFeature(a.geometry!), asFeature(b.geometry!)]));
          const m2 = overlap ? area(overlap) : 0;
          if (m2 > toleranceM2) {
            problems.push({
              kind: 'overlap',
              nodeId: a.id,
              otherId: b.id,
              areaM2: Math.round(m2),
              geometry: overlap!.geometry,
              message: `“${a.name}”与“${b.name}”重叠 ${Math.round(m2)} 平方米`,
            });
          }
        }
      });
    }

    if (!parent?.geometry) continue;
    const covered =
      shaped.length === 1
        ? asFeature(shaped[0]!.geometry!)
        : union(featureCollection(shaped.map((c) => asFeature(c.geometry!))));
    if (!covered) continue;
    const gap = difference(featureCollection([asFeature(parent.geometry), covered]));
    const gapM2 = gap ? area(gap) : 0;
    if (gapM2 > toleranceM2) {
      problems.push({
        kind: 'gap',
        nodeId: parent.id,
        areaM2: Math.round(gapM2),
        geometry: gap!.geometry,
        message: `“${parent.name}”有 ${Math.round(gapM2)} 平方米未被下级网格覆盖`,
      });
    }
    for (const c of shaped) {
      const outside = difference(featureCollection([asFeature(c.geometry!), asFeature(parent.geometry)]));
      const m2 = outside ? area(outside) : 0;
      if (m2 > toleranceM2) {
        problems.push({
          kind: 'outside_parent',
          nodeId: c.id,
          areaM2: Math.round(m2),
          geometry: outside!.geometry,
          message: `“${c.name}”有 ${Math.round(m2)} 平方米超出上级“${parent.name}”`,
        });
      }
    }
  }
  return { checkedNodes: nodes.length, checkedParents, toleranceM2, problems };
}
