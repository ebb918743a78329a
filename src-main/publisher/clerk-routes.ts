/**
 * Serves the built clerk app (mounted at /app/): /app/clerk/ is its index.html and the
 * `../assets/*` it references resolve to /app/assets/*, both read from ctx.rendererDir.
 */
import { join } from 'node:path';
import { Hono } from 'hono';
import { serveFile } from '../http/static.ts';
import type { PublisherContext } from './context.ts';

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
    // Vite puts a content hash in asset names.
    const res = await serveFile(join(ctx.rendererDir, 'assets'), rel, { ...security, 'Cache-Control': 'public, max-age=31536000, immutable' });
    return res ?? c.text('Nenalezeno', 404);
  });

  app.get('/clerk/*', async (c) => {
    const rel = c.req.path.slice(c.req.path.indexOf('/clerk/') + '/clerk/'.length);
    const dir = join(ctx.rendererDir, 'clerk');
    const headers = { ...security, 'Cache-Control': 'no-cache' };
    const res = (rel !== '' ? await serveFile(dir, rel, headers) : null) ?? (await serveFile(dir, 'index.html', headers));
    return res ?? c.text('Aplikace pro úředníky není sestavena (npm run build).', 503);
  });

  return app;
}
