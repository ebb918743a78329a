/**
 * Serves the built clerk app (mounted at /app/): /app/clerk/ is its index.html and the
 * `../assets/*` it references resolve to /app/assets/*, both read from ctx.rendererDir.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { Hono } from 'hono';
import type { PublisherContext } from './context.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/** A file under `root`, or null (also for any path that tries to leave it). */
async function fileUnder(root: string, rel: string): Promise<{ path: string; body: Buffer } | null> {
  const base = resolve(root);
  const path = resolve(base, '.' + sep + decodeURIComponent(rel));
  if (path !== base && !path.startsWith(base + sep)) return null;
  try {
    if (!(await stat(path)).isFile()) return null;
    return { path, body: await readFile(path) };
  } catch {
    return null;
  }
}

/** The clerk app's static files; `/app/clerk/` and any unknown path under it give index.html. */
export function clerkRoutes(ctx: PublisherContext): Hono {
  const app = new Hono();
  const security = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  };

  app.get('/', (c) => c.redirect('clerk/', 302));
  app.get('/clerk', (c) => c.redirect('clerk/', 301));

  app.get('/assets/*', async (c) => {
    const rel = c.req.path.slice(c.req.path.indexOf('/assets/') + '/assets/'.length);
    const f = await fileUnder(join(ctx.rendererDir, 'assets'), rel);
    if (!f) return c.text('Nenalezeno', 404);
    return c.body(new Uint8Array(f.body), 200, {
      ...security,
      'Content-Type': TYPES[extname(f.path)] ?? 'application/octet-stream',
      // Vite puts a content hash in asset names.
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });

  app.get('/clerk/*', async (c) => {
    const rel = c.req.path.slice(c.req.path.indexOf('/clerk/') + '/clerk/'.length);
    const f = (rel !== '' && (await fileUnder(join(ctx.rendererDir, 'clerk'), rel))) || (await fileUnder(join(ctx.rendererDir, 'clerk'), 'index.html'));
    if (!f) return c.text('Aplikace pro úředníky není sestavena (npm run build).', 503);
    return c.body(new Uint8Array(f.body), 200, {
      ...security,
      'Content-Type': TYPES[extname(f.path)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
  });

  return app;
}
