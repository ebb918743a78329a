/**
 * The feed over HTTP (layout in shared/feed.ts): the newest signed manifest with ETag for
 * conditional GET, its detached signature, files by SHA-256, server-sent events for push,
 * and the endpoint where kiosks report what they applied and showed.
 *
 * Access: every feed request needs `Authorization: Bearer <kiosk token>` of a kiosk of THAT board
 * (401 without a valid token, 403 for another board's kiosk or a token that is not a kiosk's),
 * unless an admin made the board's feed public (PUT /api/v1/boards/{board}/feed-access). Reports
 * always need the kiosk's own token: the report's sender is the token's kiosk and board. Files
 * are served only when a notice of the board's current snapshot has them as an attachment, so a
 * draft's attachment or another board's file is never served here.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isSha256, PUBLISHER_TIME_HEADER, type FeedManifest, type SnapshotPing } from '../shared/feed.ts';
import { acceptKioskReport } from '../evidence/kiosk-reports.ts';
import { DomainError } from '../store/notices.ts';
import type { TokenInfo } from '../store/users.ts';
import type { PublisherContext } from '../publisher/context.ts';
import type { PublicationEngine } from '../publication/engine.ts';
import { bearerToken } from '../publisher/auth.ts';
import { textFilesOf } from '../search/feed-text.ts';
import { BODY_LIMITS, readJsonObject } from '../http/body.ts';
import { PublicFeedVariants } from '../privacy/public-feed.ts';
import type { StoredSnapshot } from '../store/snapshots.ts';

type FeedEnv = { Variables: { kioskToken: TokenInfo | null } };

const refuse = (code: string, message: string, status: ContentfulStatusCode): DomainError => new DomainError(code, message, status);

export function feedRoutes(ctx: PublisherContext, engine: PublicationEngine): Hono<FeedEnv> {
  const app = new Hono<FeedEnv>();
  const { store } = ctx;

  /** The kiosk token of this board, or null when the feed is public and none was given; throws otherwise. */
  const kioskOf = (c: Context<FeedEnv>, board: string, requireToken: boolean): TokenInfo | null => {
    const secret = bearerToken(c.req.header('authorization'));
    const found = typeof secret === 'string' ? store.users.userForToken(secret) : null;
    if (found) store.users.touchToken(found.token.id, ctx.clock.now());
    if (found?.token.kind === 'kiosk' && found.token.board === board) return found.token;
    if (!requireToken && secret === undefined && store.users.feedPublic(board)) return null;
    if (!found) {
      throw refuse(
        'unauthenticated',
        secret === undefined
          ? `Feed desky „${board}“ je jen pro její kiosky: pošlete hlavičku Authorization: Bearer s tokenem kiosku (v profilu kiosku „token“).`
          : 'Token kiosku je neplatný nebo zrušený. Vytvořte kiosku nový token (deska token create … --kind kiosk).',
        401,
      );
    }
    throw refuse('forbidden', `Tento token nepatří kiosku desky „${board}“. Kiosk čte jen feed své desky se svým vlastním tokenem.`, 403);
  };

  app.onError((err, c) => {
    if (err instanceof DomainError) {
      const headers: Record<string, string> = err.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="deska-feed"' } : {};
      if (err.status === 413) headers.Connection = 'close';
      return c.json({ error: { code: err.code, message: err.message } }, err.status as ContentfulStatusCode, headers);
    }
    throw err;
  });

  // Reports have their own check below (always the kiosk's own token).
  app.use('/:board/*', async (c, next) => {
    const board = c.req.param('board');
    if (!store.board(board)) throw refuse('not_found', 'Taková úřední deska neexistuje.', 404);
    if (!c.req.path.endsWith('/reports')) c.set('kioskToken', kioskOf(c, board, false));
    await next();
  });

  /** An anonymous reader of a public feed never gets a full document that has a redacted copy (privacy/public-feed.ts). */
  const variants = new PublicFeedVariants(store.dataDir);
  const latestFor = (c: Context<FeedEnv>, board: string): StoredSnapshot | null => {
    const s = store.snapshots.latest(board);
    return s !== null && c.var.kioskToken === null ? variants.of(s) : s;
  };

  /** SHA-256s of the attachments of the board's current snapshot, cached per sequence number. */
  const published = new Map<string, { seq: number; shas: Set<string> }>();
  const publishedFiles = (c: Context<FeedEnv>, board: string): Set<string> => {
    const s = latestFor(c, board);
    if (!s) return new Set();
    const cached = published.get(`${board}\0${c.var.kioskToken === null ? 'public' : 'kiosk'}`);
    if (cached?.seq === s.seq) return cached.shas;
    const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
    const shas = new Set(manifest.notices.flatMap((n) => n.attachments.map((a) => a.sha256)));
    for (const t of textFilesOf(manifest.notices)) shas.add(t);
    published.set(`${board}\0${c.var.kioskToken === null ? 'public' : 'kiosk'}`, { seq: s.seq, shas });
    return shas;
  };

  app.get('/:board/manifest.json', (c) => {
    const s = latestFor(c, c.req.param('board'));
    if (!s) throw refuse('not_found', 'Deska zatím nemá zveřejněný feed.', 404);
    const etag = `"${s.sha256}"`;
    const headers = { ETag: etag, 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq), [PUBLISHER_TIME_HEADER]: String(ctx.clock.now()) };
    if (c.req.header('If-None-Match') === etag) return c.body(null, 304, headers);
    return c.body(new Uint8Array(s.manifest), 200, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
  });

  app.get('/:board/manifest.json.sig', (c) => {
    const s = latestFor(c, c.req.param('board'));
    if (!s) throw refuse('not_found', 'Deska zatím nemá zveřejněný feed.', 404);
    return c.text(s.signature, 200, { 'Cache-Control': 'no-cache', 'X-Deska-Seq': String(s.seq), ETag: `"${s.sha256}"`, [PUBLISHER_TIME_HEADER]: String(ctx.clock.now()) });
  });

  app.get('/:board/files/:sha', (c) => {
    const sha = c.req.param('sha');
    if (!isSha256(sha) || !publishedFiles(c, c.req.param('board')).has(sha) || !store.blobs.has(sha)) {
      throw refuse('not_found', 'Soubor v aktuálním feedu desky není.', 404);
    }
    return c.body(new Uint8Array(store.blobs.read(sha)), 200, {
      'Content-Type': (store.db.prepare('SELECT media_type FROM blobs WHERE sha256 = ?').pluck().get(sha) as string | undefined) ?? 'application/pdf',
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
  });

  app.get('/:board/events', (c) => {
    const board = c.req.param('board');
    const token = c.var.kioskToken;
    // A revoked token's open stream ends at its next message.
    const revoked = (): boolean => {
      try {
        return token !== null && store.users.token(token.id)?.revokedAt !== null;
      } catch {
        return true; // the store is closed: the publisher is stopping
      }
    };
    return streamSSE(c, async (stream) => {
      const send = async (seq: number): Promise<void> => {
        if (revoked()) return void stream.abort();
        await stream.writeSSE({ event: 'snapshot', data: JSON.stringify({ board, seq } satisfies SnapshotPing), id: String(seq) });
      };
      const latest = store.snapshots.latestHead(board);
      if (latest) await send(latest.seq);
      const off = engine.onSnapshot((b, s) => {
        if (b === board) void send(s.seq).catch(() => undefined);
      });
      stream.onAbort(off);
      while (!stream.aborted) {
        await stream.sleep(15_000);
        if (revoked()) stream.abort();
        else if (!stream.aborted) await stream.write(': keep-alive\n\n');
      }
      off();
    });
  });

  app.post('/:board/reports', async (c) => {
    const board = c.req.param('board');
    const token = kioskOf(c, board, true)!;
    const body = await readJsonObject(c.req.raw, BODY_LIMITS.kioskReport);
    // The sender is the token's own kiosk and board, whatever the report claims.
    acceptKioskReport(store, ctx.clock, { kioskId: token.kioskId!, boardId: token.board! }, body);
    return c.body(null, 204);
  });

  return app;
}
