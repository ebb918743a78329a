/**
 * The feed over HTTP (layout in shared/feed.ts): the newest signed manifest with ETag for
 * conditional GET, its detached signature, files by SHA-256, server-sent events for push,
 * and the endpoint where kiosks report what they applied and showed.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSha256, PUBLISHER_TIME_HEADER, type SnapshotPing } from '../shared/feed.ts';
import { acceptKioskReport } from '../evidence/kiosk-reports.ts';
import { DomainError } from '../store/notices.ts';
import type { PublisherContext } from '../publisher/context.ts';
import type { PublicationEngine } from '../publication/engine.ts';

export function feedRoutes(ctx: PublisherContext, engine: PublicationEngine): Hono {
  const app = new Hono();
  const { store } = ctx;

  app.get('/:board/manifest.json', (c) => {
    const s = store.snapshots.latest(c.req.param('board'));
    if (!s) return c.json({ error: { code: 'not_found', message: 'No such board.' } }, 404);
    const etag = `"${s.sha256}"`;
    const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq), [PUBLISHER_TIME_HEADER]: String(ctx.clock.now()) };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(s.manifest), 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/:board/manifest.json.sig', (c) => {
    const s = store.snapshots.latest(c.req.param('board'));
    if (!s) return c.text('No such board.', 404);
    return c.text(s.signature, 200, { 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq), ETag: `"${s.sha256}"`, [PUBLISHER_TIME_HEADER]: String(ctx.clock.now()) });
  });

  app.get('/:board/files/:sha', (c) => {
    const sha = c.req.param('sha');
    if (!isSha256(sha) || !store.blobs.has(sha)) return c.text('Not found.', 404);
    return c.body(new Uint8Array(store.blobs.read(sha)), 200, {
      'Content-Type': 'application/pdf',
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });

  app.get('/:board/events', (c) => {
    const board = c.req.param('board');
    return streamSSE(c, async (stream) => {
      const send = (seq: number): Promise<void> =>
        stream.writeSSE({ event: 'snapshot', data: JSON.stringify({ board, seq } satisfies SnapshotPing), id: String(seq) });
      const latest = store.snapshots.latest(board);
      if (latest) await send(latest.seq);
      const off = engine.onSnapshot((b, s) => {
        if (b === board) void send(s.seq);
      });
      stream.onAbort(off);
      while (!stream.aborted) {
        await stream.sleep(15_000);
        if (!stream.aborted) await stream.write(': keep-alive\n\n');
      }
      off();
    });
  });

  app.post('/:board/reports', async (c) => {
    const auth = c.req.header('Authorization') ?? '';
    const who = auth.startsWith('Bearer ') ? store.users.userForToken(auth.slice(7)) : null;
    if (!who) return c.json({ error: { code: 'unauthorized', message: 'A kiosk report needs a valid Bearer token.' } }, 401);
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: { code: 'bad_request', message: 'Report is not JSON.' } }, 400);
    }
    const claimed = (body as { kioskId?: unknown } | null)?.kioskId;
    // Today's tokens: a kiosk token names its kiosk; any other token may report for any kiosk id.
    const sender = { kioskId: who.kioskId ?? (typeof claimed === 'string' ? claimed : ''), boardId: c.req.param('board') };
    try {
      acceptKioskReport(store, ctx.clock, sender, body);
    } catch (e) {
      if (e instanceof DomainError) return c.json({ error: { code: e.code, message: e.message } }, e.status as ContentfulStatusCode);
      throw e;
    }
    return c.body(null, 204);
  });

  return app;
}
