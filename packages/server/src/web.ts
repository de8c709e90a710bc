import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import fastifyStatic from '@fastify/static';
import type { App } from './context.ts';

/** Hashed build output: a changed file gets a new name, so a copy is good forever. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html, favicon): revalidated on every use, so a new build shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * Compression of the answers made on the fly (the API's JSON, index.html when it has no
 * compressed copy). Brotli at quality 4 compresses better than gzip's default and about as fast;
 * the web app's files are compressed once at build time at the highest quality instead (an
 * answer that already has a Content-Encoding is left alone).
 */
export async function registerCompression(app: App): Promise<void> {
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } },
  });
}

/**
 * Serves the built web app from `webDist`: its files (the `.br` / `.gz` copies the build wrote
 * when the browser accepts them), and index.html for every other page address so the app's own
 * router takes over. Returns false when there is no build to serve.
 */
export async function serveWebApp(app: App, webDist: string | null): Promise<boolean> {
  if (!webDist || !fs.existsSync(path.join(webDist, 'index.html'))) return false;
  const assets = path.join(webDist, 'assets') + path.sep;
  await app.register(fastifyStatic, {
    root: webDist,
    wildcard: false,
    index: false,
    preCompressed: true,
    setHeaders: (reply, file) =>
      reply.header('cache-control', file.startsWith(assets) ? IMMUTABLE : REVALIDATE),
  });
  return true;
}

/** A page address (not the API, no file extension): answered with the web app's index.html. */
export function isPageAddress(method: string, url: string): boolean {
  const pathname = url.split('?')[0]!;
  return method === 'GET' && !pathname.startsWith('/api/') && !path.extname(pathname);
}
