import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';

export interface LocatablePolygon {
  id: number;
  /** Tree depth: where polygons nest (village inside town), the deepest containing one wins. */
  depth: number;
  geometry: Polygon | MultiPolygon;
}

/**
 * Point-to-grid lookup: a packed R-tree (flatbush) over the bounding boxes of every polygon
 * part, then an even-odd ray-casting test over the part's rings (holes excluded). Coordinates
 * live in one Float64Array, so a lookup allocates nothing. Boundaries follow the half-open rule
 * of ray casting: a point on an edge shared by two neighbours belongs to exactly one of them.
 */
export class GridLocator {
  private readonly index: Flatbush | null;
  private readonly nodeIds: Int32Array;
  private readonly depths: Int32Array;
  /** Per part: first and one-past-last ring, as indexes into ringStart. */
  private readonly partRings: Int32Array;
  /** Per ring: first coordinate (x index into coords); ringStart[r + 1] ends it. */
  private readonly ringStart: Int32Array;
  private readonly coords: Float64Array;
  readonly size: number;

  // The point being looked up and the best hit so far, kept on the instance so the search
  // callback is one bound function rather than a closure per call.
  private px = 0;
  private py = 0;
  private best = -1;
  private bestDepth = -1;
  private readonly visit: (i: number) => boolean;
  // Flatbush's packed tree, walked directly with a reusable stack (see locate()).
  private readonly boxes: Float64Array | null = null;
  private readonly indices: Uint16Array | Uint32Array | null = null;
  private readonly levelBounds: number[] = [];
  private readonly stack: Int32Array = new Int32Array(0);

  constructor(polygons: readonly LocatablePolygon[]) {
    const parts: { id: number; depth: number; rings: Position[][] }[] = [];
    for (const p of polygons) {
      const list = p.geometry.type === 'Polygon' ? [p.geometry.coordinates] : p.geometry.coordinates;
      for (const rings of list)
        if (rings.length && rings[0]!.length >= 4) parts.push({ id: p.id, depth: p.depth, rings });
    }
    this.size = parts.length;
    let ringCount = 0;
    let coordCount = 0;
    for (const part of parts) {
      ringCount += part.rings.length;
      for (const ring of part.rings) coordCount += ring.length - 1;
    }
    this.nodeIds = new Int32Array(parts.length);
    this.depths = new Int32Array(parts.length);
    this.partRings = new Int32Array(parts.length * 2);
    this.ringStart = new Int32Array(ringCount + 1);
    this.coords = new Float64Array(coordCount * 2);
    this.index = parts.length ? new Flatbush(parts.length) : null;
    let r = 0;
    let c = 0;
    parts.forEach((part, i) => {
      this.nodeIds[i] = part.id;
      this.depths[i] = part.depth;
      this.partRings[i * 2] = r;
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const ring of part.rings) {
        this.ringStart[r++] = c;
        // Rings are closed in GeoJSON; the repeated last position is dropped.
        for (let k = 0; k < ring.length - 1; k++) {
          const x = ring[k]![0]!;
          const y = ring[k]![1]!;
          this.coords[c++] = x;
          this.coords[c++] = y;
          if (x < minX) minX = x;
          if (x > maxX) maxX = x;
          if (y < minY) minY = y;
          if (y > maxY) maxY = y;
        }
      }
      this.partRings[i * 2 + 1] = r;
      this.index!.add(minX, minY, maxX, maxY);
    });
    this.ringStart[r] = c;
    this.index?.finish();
    // The tree's arrays are flatbush internals (pinned version); when they are not there, fall
    // back to its public search.
    const tree = this.index as unknown as {
      _boxes?: unknown;
      _indices?: unknown;
      _levelBounds?: unknown;
    } | null;
    if (
      tree &&
      tree._boxes instanceof Float64Array &&
      Array.isArray(tree._levelBounds) &&
      ArrayBuffer.isView(tree._indices)
    ) {
      this.boxes = tree._boxes;
      this.indices = tree._indices as Uint16Array | Uint32Array;
      this.levelBounds = tree._levelBounds as number[];
      this.stack = new Int32Array(2 * (this.boxes.length / 4) + 2);
    }
    this.visit = (i: number) => {
      if (this.depths[i]! > this.bestDepth && this.contains(i, this.px, this.py)) {
        this.best = i;
        this.bestDepth = this.depths[i]!;
      }
      return false;
    };
  }

  /** Even-odd ray casting over every ring of part `i`. */
  private contains(i: number, x: number, y: number): boolean {
    const coords = this.coords;
    let inside = false;
    for (let r = this.partRings[i * 2]!, rEnd = this.partRings[i * 2 + 1]!; r < rEnd; r++) {
      const start = this.ringStart[r]!;
      const end = this.ringStart[r + 1]!;
      for (let a = start, b = end - 2; a < end; b = a, a += 2) {
        const ay = coords[a + 1]!;
        const by = coords[b + 1]!;
        if (ay > y !== by > y) {
          const ax = coords[a]!;
          if (x < ((coords[b]! - ax) * (y - ay)) / (by - ay) + ax) inside = !inside;
        }
      }
    }
    return inside;
  }

  /** The id of the deepest node whose polygon contains the point, or null. */
  locate(lng: number, lat: number): number | null {
    if (!this.index) return null;
    if (this.boxes) return this.walk(lng, lat);
    this.px = lng;
    this.py = lat;
    this.best = -1;
    this.bestDepth = -1;
    this.index.search(lng, lat, lng, lat, this.visit);
    return this.best < 0 ? null : this.nodeIds[this.best]!;
  }

  /**
   * The same search as Flatbush#search for a point, without allocating: nodes whose box holds
   * the point are pushed on a typed stack, and leaf boxes are tested against the polygon.
   */
  private walk(x: number, y: number): number | null {
    const boxes = this.boxes!;
    const indices = this.indices!;
    const levelBounds = this.levelBounds;
    const stack = this.stack;
    const nodeSize4 = this.index!.nodeSize * 4;
    const numItems4 = this.size * 4;
    let best = -1;
    let bestDepth = -1;
    let sp = 0;
    let nodeIndex = boxes.length - 4;
    let level = levelBounds.length - 1;
    for (;;) {
      const end = Math.min(nodeIndex + nodeSize4, levelBounds[level]!);
      const isNode = nodeIndex >= numItems4;
      for (let pos = nodeIndex; pos < end; pos += 4) {
        if (x < boxes[pos]! || y < boxes[pos + 1]! || x > boxes[pos + 2]! || y > boxes[pos + 3]!) continue;
        const index = indices[pos >> 2]! | 0;
        if (isNode) {
          stack[sp++] = index;
          stack[sp++] = level - 1;
        } else if (this.depths[index]! > bestDepth && this.contains(index, x, y)) {
          best = index;
          bestDepth = this.depths[index]!;
        }
      }
      if (sp === 0) break;
      level = stack[--sp]!;
      nodeIndex = stack[--sp]!;
    }
    return best < 0 ? null : this.nodeIds[best]!;
  }

  /** Looks up many points given as [lng0, lat0, lng1, lat1, …]; 0 marks "no grid". */
  locateMany(points: Float64Array): Int32Array {
    const out = new Int32Array(points.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = this.locate(points[i * 2]!, points[i * 2 + 1]!) ?? 0;
    return out;
  }
}
