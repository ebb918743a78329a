/**
 * The feed over HTTP (layout in shared/feed.ts): the newest signed manifest with ETag for
 * conditional GET, its detached signature, files by SHA-256, server-sent events for push,
 * and the endpoint where kiosks report what they applied and showed.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { isSha256, type KioskReport, type SnapshotPing } from '../shared/feed.ts';
import type { PublisherContext } from '../publisher/context.ts';
import type { PublicationEngine } from '../publication/engine.ts';


export function feedRoutes(ctx: PublisherContext, engine: PublicationEngine): Hono {
  const app = new Hono();
  const { store } = ctx;

  app.get('/:board/manifest.json', (c) => {
    const s = store.snapshots.latest(c.req.param('board'));
    if (!s) return c.json({ error: { code: 'not_found', message: 'No such board.' } }, 404);
    const etag = `"${s.sha256}"`;
    const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq) };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(s.manifest), 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/:board/manifest.json.sig', (c) => {
    const s = store.snapshots.latest(c.req.param('board'));
    if (!s) return c.text('No such board.', 404);
    return c.text(s.signature, 200, { 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq), ETag: `"${s.sha256}"` });
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
    let report: KioskReport;
    try {
      report = (await c.req.json()) as KioskReport;
    } catch {
      return c.json({ error: { code: 'bad_request', message: 'Report is not JSON.' } }, 400);
    }
    const board = c.req.param('board');
    if (typeof report.kioskId !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(report.kioskId) || !Array.isArray(report.sightings)) {
      return c.json({ error: { code: 'bad_request', message: 'Report needs kioskId and sightings.' } }, 400);
    }
    if (who.kioskId !== null && who.kioskId !== report.kioskId) {
      return c.json({ error: { code: 'forbidden', message: `This token belongs to kiosk ${who.kioskId}.` } }, 403);
    }
    const now = new Date(ctx.clock.now()).toISOString();
    const before = store.evidence.kiosks(board).find((k) => k.id === report.kioskId);
    store.transaction(() => {
      store.evidence.upsertKiosk({
        id: report.kioskId,
        boardId: board,
        appliedSeq: report.appliedSeq,
        appliedAt: report.appliedAt,
        lastReportAt: now,
        lastError: report.lastError,
      });
      for (const s of report.sightings) {
        if (store.notices.get(s.noticeId)?.boardId !== board) continue;
        store.evidence.record(s.noticeId, `kiosk:${report.kioskId}`, s.firstShownAt, s.lastShownAt, s.goneAt);
      }
      if (before?.appliedSeq !== report.appliedSeq || before?.lastError !== report.lastError) {
        store.audit.append({
          at: ctx.clock.now(),
          actor: `kiosk:${report.kioskId}`,
          action: 'kiosk-report',
          detail: { board, appliedSeq: report.appliedSeq, appliedAt: report.appliedAt, lastError: report.lastError },
        });
      }
    });
    return c.body(null, 204);
  });

  return app;
}
