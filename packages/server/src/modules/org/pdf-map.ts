import type { MultiPolygon, Polygon, Position } from 'geojson';
import { fetchTiles, mercator } from '../../core/map/tiles.ts';

export type Shape = Polygon | MultiPolygon;

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface MapFeature {
  geometry: Shape;
  label?: string;
  fill?: string;
  fillOpacity?: number;
  stroke: string;
  lineWidth: number;
  labelSize?: number;
  labelColor?: string;
}

export interface MapResult {
  /** none: no basemap configured; ok: every tile drawn; partial / failed: some or all missing. */
  basemap: 'none' | 'ok' | 'partial' | 'failed';
}

const ringsOf = (g: Shape): Position[][] => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat());
const outerRings = (g: Shape): Position[][] =>
  g.type === 'Polygon' ? g.coordinates.slice(0, 1) : g.coordinates.map((p) => p[0]!);

/** Bounding box of shapes in world (Web Mercator) coordinates: [x0, y0, x1, y1]. */
function worldBounds(shapes: Shape[]): [number, number, number, number] {
  // A loop, not Math.min(...points): real outlines can have more points than the call stack holds.
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of shapes.flatMap(ringsOf))
    for (const p of ring) {
      const [x, y] = mercator(p[0]!, p[1]!);
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  return [x0, y0, x1, y1];
}

/** A label point: the centre of the largest outer ring's area (its centroid), else its box centre. */
function labelPoint(g: Shape): Position {
  let best: { area: number; at: Position } | null = null;
  for (const ring of outerRings(g)) {
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const [x1, y1] = ring[i]!;
      const [x2, y2] = ring[i + 1]!;
      const f = x1! * y2! - x2! * y1!;
      a += f;
      cx += (x1! + x2!) * f;
      cy += (y1! + y2!) * f;
    }
    if (a !== 0 && (!best || Math.abs(a) > best.area))
      best = { area: Math.abs(a), at: [cx / (3 * a), cy / (3 * a)] };
  }
  if (best) return best.at;
  const p = ringsOf(g)[0]?.[0] ?? [0, 0];
  return p;
}

/** A map drawn into a box: Web Mercator, fitted around `fit` (padded), optional raster basemap under it. */
export class PdfMap {
  readonly world: [number, number, number, number];
  readonly scale: number;

  constructor(
    readonly box: Box,
    fit: Shape[],
    pad = 0.08,
  ) {
    const [x0, y0, x1, y1] = worldBounds(fit);
    const w = Math.max(x1 - x0, 1e-9);
    const h = Math.max(y1 - y0, 1e-9);
    this.scale = Math.min(box.w / (w * (1 + 2 * pad)), box.h / (h * (1 + 2 * pad)));
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const hw = box.w / this.scale / 2;
    const hh = box.h / this.scale / 2;
    this.world = [cx - hw, cy - hh, cx + hw, cy + hh];
  }

  point(lng: number, lat: number): [number, number] {
    const [x, y] = mercator(lng, lat);
    return [this.box.x + (x - this.world[0]) * this.scale, this.box.y + (y - this.world[1]) * this.scale];
  }

  /** Projected bounding box of a shape, in output units. */
  extent(g: Shape): Box {
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const ring of outerRings(g))
      for (const p of ring) {
        const [x, y] = this.point(p[0]!, p[1]!);
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
  }

  labelAt(g: Shape): [number, number] {
    const [lng, lat] = labelPoint(g);
    return this.point(lng!, lat!);
  }

  private path(doc: PDFKit.PDFDocument, g: Shape) {
    for (const ring of ringsOf(g)) {
      ring.forEach(([lng, lat], i) => {
        const [x, y] = this.point(lng!, lat!);
        if (i === 0) doc.moveTo(x, y);
        else doc.lineTo(x, y);
      });
      doc.closePath();
    }
  }

  /**
   * Draws the basemap (when a tile template is given), then the features in order, then their
   * labels, all clipped to the box, and the box's frame.
   */
  async draw(doc: PDFKit.PDFDocument, features: MapFeature[], basemap: string | null): Promise<MapResult> {
    const { x, y, w, h } = this.box;
    let result: MapResult['basemap'] = 'none';
    doc.save();
    doc.rect(x, y, w, h).clip();
    doc.rect(x, y, w, h).fillColor('#f7f9fc').fill();
    if (basemap) {
      const { tiles, wanted } = await fetchTiles({ template: basemap, world: this.world, scale: this.scale });
      for (const t of tiles) {
        const n = 2 ** t.z;
        const size = this.scale / n;
        const tx = x + (t.x / n - this.world[0]) * this.scale;
        const ty = y + (t.y / n - this.world[1]) * this.scale;
        try {
          // A hair larger than the tile: no seams between neighbours.
          doc.image(t.bytes, tx, ty, { width: size + 0.3, height: size + 0.3 });
        } catch {
          // An image PDFKit cannot read (e.g. a 16-bit PNG) is left out like a missing tile.
          continue;
        }
      }
      result = tiles.length === 0 ? 'failed' : tiles.length < wanted ? 'partial' : 'ok';
    }
    for (const f of features) {
      this.path(doc, f.geometry);
      if (f.fill) {
        doc
          .fillColor(f.fill)
          .fillOpacity(f.fillOpacity ?? (basemap ? 0.35 : 1))
          .lineWidth(f.lineWidth)
          .strokeColor(f.stroke)
          .strokeOpacity(1)
          .fillAndStroke();
        doc.fillOpacity(1);
      } else {
        doc.lineWidth(f.lineWidth).strokeColor(f.stroke).stroke();
      }
    }
    for (const f of features) {
      if (!f.label) continue;
      const size = f.labelSize ?? 9;
      doc.fontSize(size);
      const tw = doc.widthOfString(f.label);
      const [lx, ly] = this.labelAt(f.geometry);
      if (lx < x || lx > x + w || ly < y || ly > y + h) continue;
      const left = Math.max(x + 2, Math.min(x + w - tw - 2, lx - tw / 2));
      const top = Math.max(y + 2, Math.min(y + h - size - 4, ly - size / 2 - 1));
      // A light plate under the text, so it reads over lines and tiles.
      doc
        .roundedRect(left - 2, top - 1, tw + 4, size + 4, 2)
        .fillColor('#ffffff')
        .fillOpacity(0.75)
        .fill();
      doc
        .fillOpacity(1)
        .fillColor(f.labelColor ?? '#1f2937')
        .text(f.label, left, top, { lineBreak: false });
    }
    doc.restore();
    doc.rect(x, y, w, h).lineWidth(0.75).strokeColor('#9aa5b1').stroke();
    if (basemap && result !== 'failed') {
      const host = (() => {
        try {
          return new URL(basemap.replace(/\{[zxy]\}/g, '0')).hostname;
        } catch {
          return '';
        }
      })();
      doc.fontSize(6.5).fillColor('#6b7280');
      const note = `底图 © ${host}`;
      doc.text(note, x + w - doc.widthOfString(note) - 3, y + h - 9, { lineBreak: false });
    }
    return { basemap: result };
  }
}
