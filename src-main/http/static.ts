/** Serving files from a folder behind a Request→Response handler, without escaping the folder. */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonld': 'application/ld+json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.pdf': 'application/pdf',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The response for `relPath` under `root` (a folder's index.html for a folder path), or null
 * when there is no such file. `..` can never leave `root`.
 */
export async function serveFile(root: string, relPath: string, headers: Record<string, string> = {}): Promise<Response | null> {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(relPath);
  } catch {
    return null; // a malformed percent-encoding names no file
  }
  if (decoded.includes('\0')) return null;
  let path = resolve(base, normalize(decoded).replace(/^([/\\])+/, ''));
  if (path !== base && !path.startsWith(base + sep)) return null;
  try {
    if ((await stat(path)).isDirectory()) path = join(path, 'index.html');
    const body = await readFile(path);
    return new Response(new Uint8Array(body), { headers: { 'Content-Type': contentType(path), 'X-Content-Type-Options': 'nosniff', ...headers } });
  } catch {
    return null;
  }
}

/**
 * A web mirror's answer for a missing path: its 404 page (mirror/paths.ts NOT_FOUND_PATH) with
 * status 404, in the language version of the path's first folder ("en/…" → en/404.html) where
 * that version has one, else the root's; null when the mirror has no 404 page (an older build).
 * The same choice as docs/nginx-mirror.conf and docs/caddy-mirror.Caddyfile make.
 */
export async function notFoundResponse(root: string, relPath: string, headers: Record<string, string> = {}): Promise<Response | null> {
  let first = '';
  try {
    first = decodeURIComponent(relPath).replace(/^[/\\]+/, '').split(/[/\\]/)[0] ?? '';
  } catch {
    // a malformed percent-encoding: the root's page
  }
  const candidates = /^[A-Za-z0-9_-]+$/.test(first) ? [`${first}/404.html`, '404.html'] : ['404.html'];
  for (const path of candidates) {
    const page = await serveFile(root, path, headers);
    if (page !== null) return new Response(page.body, { status: 404, headers: page.headers });
  }
  return null;
}
