import { imageKind } from '../files/images.ts';

/** Web Mercator "world" coordinates in [0, 1]: x eastwards from 180°W, y southwards from ~85°N. */
export function mercator(lng: number, lat: number): [number, number] {
  const phi = (Math.max(-85.05112878, Math.min(85.05112878, lat)) * Math.PI) / 180;
  return [(lng + 180) / 360, (1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2];
}

export interface Tile {
  z: number;
  x: number;
  y: number;
  /** PNG or JPEG bytes (checked by content). */
  bytes: Buffer;
}

export interface TileRequest {
  /** `https://…/{z}/{x}/{y}.png` */
  template: string;
  /** The area in world coordinates: [x0, y0, x1, y1]. */
  world: [number, number, number, number];
  /** World units to output units (e.g. PDF points) */
  scale: number;
  /** Tile pixels per output unit wanted (2 ≈ 144 dpi on paper). */
  density?: number;
  maxTiles?: number;
  maxZoom?: number;
  timeoutMs?: number;
}

/** The zoom whose tiles give about `density` pixels per output unit, lowered until few enough tiles cover the area. */
export function tileZoom(req: TileRequest): { z: number; xs: number[]; ys: number[] } {
  const { world, scale, density = 2, maxTiles = 48, maxZoom = 18 } = req;
  let z = Math.max(0, Math.min(maxZoom, Math.round(Math.log2((density * scale) / 256))));
  for (;;) {
    const n = 2 ** z;
    const range = (a: number, b: number) => {
      const from = Math.max(0, Math.floor(a * n));
      const to = Math.min(n - 1, Math.floor(b * n));
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    };
    const xs = range(world[0], world[2]);
    const ys = range(world[1], world[3]);
    if (xs.length * ys.length <= maxTiles || z === 0) return { z, xs, ys };
    z--;
  }
}

/**
 * Fetches the raster tiles covering an area from a tile server (one template, all tiles at once,
 * each with a timeout). Tiles that fail or are not PNG/JPEG are left out; the caller decides what
 * a partial map is worth.
 */
export async function fetchTiles(req: TileRequest): Promise<{ tiles: Tile[]; wanted: number }> {
  const { z, xs, ys } = tileZoom(req);
  const jobs = xs.flatMap((x) => ys.map((y) => ({ x, y })));
  const signal = AbortSignal.timeout(req.timeoutMs ?? 5000);
  const tiles = await Promise.all(
    jobs.map(async ({ x, y }): Promise<Tile | null> => {
      const url = req.template
        .replaceAll('{z}', String(z))
        .replaceAll('{x}', String(x))
        .replaceAll('{y}', String(y));
      try {
        const res = await fetch(url, { signal });
        if (!res.ok) return null;
        const bytes = Buffer.from(await res.arrayBuffer());
        const kind = imageKind(bytes);
        return kind === 'png' || kind === 'jpeg' ? { z, x, y, bytes } : null;
      } catch {
        return null;
      }
    }),
  );
  return { tiles: tiles.filter((t): t is Tile => t !== null), wanted: jobs.length };
}
