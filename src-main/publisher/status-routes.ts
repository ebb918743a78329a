/**
 * Admin status of the publisher, mounted at /api/v1/status (before the API routes):
 *   GET  /publication        each board's and channel's last success, last failure and reason
 *   POST /publication/retry  retry now whatever is backing off (after fixing the fault)
 *   GET  /fleet              every kiosk: last report, snapshot, version, clock, screen; online/stale/offline/never
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { PublicationEngine } from '../publication/engine.ts';
import { DomainError } from '../store/notices.ts';
import { isAdmin, requireAuth, type AuthEnv } from './auth.ts';
import type { PublisherContext } from './context.ts';
import { fleetSettings, fleetStatus } from '../fleet/fleet.ts';

export function statusRoutes(ctx: PublisherContext, engine: PublicationEngine): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.onError((err, c) => {
    if (err instanceof DomainError) return c.json({ error: { code: err.code, message: err.message } }, err.status as ContentfulStatusCode);
    console.error('status API:', err);
    return c.json({ error: { code: 'internal', message: 'Na serveru nastala neočekávaná chyba. Zkuste to prosím znovu.' } }, 500);
  });
  app.use('*', requireAuth(ctx));
  app.use('*', async (c, next) => {
    // Every board's status and kiosks: an admin (signed in, or an admin token), never an integration token of one.
    if (!isAdmin(c.var.caller)) throw new DomainError('forbidden', 'Stav zveřejňování vidí jen správce (přihlášený správce nebo token správce).', 403);
    await next();
  });

  app.get('/publication', (c) => c.json(engine.status()));

  app.post('/publication/retry', (c) => {
    engine.retryNow();
    return c.json(engine.status(), 202);
  });

  app.get('/fleet', (c) => {
    try {
      return c.json(fleetStatus(ctx.store, fleetSettings(ctx.store.dataDir), ctx.clock.now()));
    } catch (e) {
      // A malformed DATA/fleet.json: the status still answers, on the defaults, and names the problem.
      const problem = e instanceof Error ? e.message : String(e);
      return c.json({ ...fleetStatus(ctx.store, fleetSettings(null), ctx.clock.now()), settingsProblem: problem });
    }
  });

  return app;
}
