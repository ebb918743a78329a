/**
 * The publisher process: store, publication engine (with its schedule), and one HTTP app:
 *   /api/v1/status/* publication status for admins (publisher/status-routes.ts)
 *   /api/v1/*        REST API (publisher/api.ts), documented in publisher/openapi.json
 *   /app/clerk/      the clerk app (built Svelte)
 *   /feed/{board}/*  signed feed for kiosks (feed/routes.ts)
 *   /mirror/{board}/ preview of the web mirror, as written to DATA/mirror/{board}
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Hono } from 'hono';
import { systemClock, type Clock } from '../schedule/clock.ts';
import { Store } from '../store/store.ts';
import { missingDataMessage } from '../backup/restore.ts';
import { acquireDataLock } from '../store/lock.ts';
import { startBackupJob, type BackupJob } from '../backup/schedule.ts';
import { checkFleet } from '../fleet/fleet.ts';
import { schedule } from '../schedule/cron.ts';
import { PublicationEngine } from '../publication/engine.ts';
import { digestFolder } from '../publication/digest.ts';
import { loadMirrorSettings } from '../mirror/settings.ts';
import type { RetryPolicy } from '../publication/retry.ts';
import { channelSettings } from '../channels/settings.ts';
import { feedRoutes } from '../feed/routes.ts';
import { notFoundResponse, serveFile } from '../http/static.ts';
import { serveHandler, type ServeOptions } from '../http/serve.ts';
import { withMethodAnswers } from '../http/methods.ts';
import { collectOrphanBlobs, ORPHAN_MIN_AGE_MS } from '../store/blob-gc.ts';
import { setTmpLimit, totalLimitFor } from './uploads.ts';
import { apiRoutes } from './api.ts';
import { clerkRoutes } from './clerk-routes.ts';
import { statusRoutes } from './status-routes.ts';
import type { PublisherContext } from './context.ts';
import { TextIndexer } from '../search/indexer.ts';
import { startInbox, type InboxOptions, type InboxService } from '../inbox/folder.ts';
import { startPurgeJob } from '../privacy/job.ts';

export const RENDERER_DIR = resolve(import.meta.dirname, '../../dist/renderer');

export interface PublisherOptions {
  dataDir: string;
  port?: number;
  host?: string;
  clock?: Clock;
  /** node-cron minute sweep; on by default. */
  sweep?: boolean;
  horizonMs?: number;
  maxUploadBytes?: number;
  /** Backoff of publication retries (tests shorten it). */
  retry?: Partial<RetryPolicy>;
  onLog?: (line: string) => void;
  /** The nightly backup (DATA/backup.json); on by default, off whenever `sweep` is off. */
  nightlyBackup?: boolean;
  /** The minute check that raises kiosk alerts (fleet/fleet.ts); on by default, off whenever `sweep` is off. */
  fleetAlerts?: boolean;
  /** The hourly purge of removed notices' files with personal data (privacy/); on by default, off whenever `sweep` is off. */
  privacyPurge?: boolean;
  /** The document-management inbox (DATA/inbox/<board>/); on by default, false to leave it off. */
  inbox?: InboxOptions | false;
  /** Most bytes all uploads together may hold in DATA/tmp (default: three of the largest requests). */
  maxTmpBytes?: number;
  /** Slow-client limits of the HTTP server (http/serve.ts); tests shorten them. */
  http?: Pick<ServeOptions, 'bodyIdleMs' | 'minBodyBytesPerSec' | 'bodyGraceMs' | 'maxUploadsPerAddress' | 'headersTimeoutMs'>;
}

/** GET-only resources too costly to produce for a HEAD: HEAD answers 405 there. */
const NO_HEAD = [/^\/api\/v1\/notices\/[^/]+\/certificate$/];

export interface RunningPublisher {
  url: string;
  ctx: PublisherContext;
  engine: PublicationEngine;
  app: Hono;
  /** The nightly backup job, when it runs. */
  backup: BackupJob | null;
  /** Extracts attachment text for search in the background (search/indexer.ts). */
  search: TextIndexer;
  /** Null when started with inbox: false. */
  inbox: InboxService | null;
  stop(): Promise<void>;
}

export function keyPaths(dataDir: string): { privateKey: string; publicKey: string } {
  return { privateKey: join(dataDir, 'keys', 'board.key'), publicKey: join(dataDir, 'keys', 'board.pub') };
}

export function mirrorPath(dataDir: string, boardId: string): string {
  return join(dataDir, 'mirror', boardId);
}

export async function startPublisher(o: PublisherOptions): Promise<RunningPublisher> {
  const clock = o.clock ?? systemClock;
  const dataDir = resolve(o.dataDir);
  if (!existsSync(join(dataDir, 'deska.sqlite'))) {
    throw new Error(missingDataMessage(dataDir, o.dataDir));
  }
  if (!existsSync(keyPaths(dataDir).privateKey)) {
    throw new Error(`Ve složce dat ${dataDir} chybí podpisový klíč desky (${keyPaths(dataDir).privateKey}). Bez něj kiosky nové snímky nepřijmou: vraťte soubory keys/board.key a keys/board.pub ze zálohy (deska restore), nový klíč nevytvářejte.`);
  }
  const lock = acquireDataLock(dataDir, clock.now());
  try {
    return await startOnLockedData(o, dataDir, clock, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startOnLockedData(o: PublisherOptions, dataDir: string, clock: Clock, lock: { release(): void }): Promise<RunningPublisher> {
  const store = Store.open(dataDir, () => clock.now());
  store.evidence.anchorBaselines();
  const log = o.onLog ?? ((line: string) => console.error(line));
  /** Orphan attachment files left by a publisher killed between an upload's move and its commit. */
  const collect = (): void => {
    try {
      const removed = collectOrphanBlobs(store, Date.now(), ORPHAN_MIN_AGE_MS);
      if (removed.length > 0) log(`blobs: removed ${removed.length} orphan file(s) no record refers to (recorded in the audit log)`);
    } catch (e) {
      log(`blobs: orphan files could not be collected: ${(e as Error).message}`);
    }
  };
  collect();
  const collector = setInterval(collect, ORPHAN_MIN_AGE_MS);
  collector.unref();
  const engine = new PublicationEngine({
    store,
    clock,
    privateKeyPem: readFileSync(keyPaths(dataDir).privateKey, 'utf8'),
    mirrorDir: (b) => mirrorPath(dataDir, b),
    feedFolder: (b) => join(dataDir, 'feed', b),
    digestDir: (b) => digestFolder(dataDir, b),
    mirrorSettings: (b) => loadMirrorSettings(dataDir, b),
    settings: channelSettings(dataDir),
    horizonMs: o.horizonMs,
    retry: o.retry,
    sweep: o.sweep,
    onLog: o.onLog,
  });
  const ctx: PublisherContext = {
    store,
    clock,
    engine,
    maxUploadBytes: o.maxUploadBytes ?? 25 * 1024 * 1024,
    rendererDir: RENDERER_DIR,
  };
  const app = new Hono();
  app.route('/api/v1/status', statusRoutes(ctx, engine));
  app.route('/api/v1', apiRoutes(ctx));
  app.route('/app', clerkRoutes(ctx));
  app.route('/feed', feedRoutes(ctx, engine));
  app.get('/mirror/:board/*', async (c) => {
    const board = c.req.param('board');
    if (!store.board(board)) return c.notFound();
    const rel = c.req.path.slice(`/mirror/${board}/`.length);
    return (await serveFile(mirrorPath(dataDir, board), rel, { 'Access-Control-Allow-Origin': '*' })) ?? (await notFoundResponse(mirrorPath(dataDir, board), rel, { 'Access-Control-Allow-Origin': '*' })) ?? c.notFound();
  });
  app.get('/mirror/:board', (c) => c.redirect(`/mirror/${c.req.param('board')}/`));
  app.get('/', (c) => c.redirect('/app/clerk/'));

  await engine.start();
  const search = new TextIndexer({ store, clock, trigger: engine, onLog: o.onLog });
  search.start();
  const inbox = o.inbox === false ? null : await startInbox(ctx, { onLog: o.onLog, ...o.inbox });
  setTmpLimit(join(dataDir, 'tmp'), o.maxTmpBytes ?? 3 * totalLimitFor(ctx.maxUploadBytes));
  const server = await serveHandler(withMethodAnswers(app, { noHead: NO_HEAD }), { host: o.host, port: o.port, ...o.http });
  const backup =
    o.sweep !== false && o.nightlyBackup !== false
      ? startBackupJob({ dataDir, store, clock, timeZone: store.boards()[0]?.timeZone ?? 'Europe/Prague', onLog: o.onLog })
      : null;
  // Fleet alerts: once a minute, whether a kiosk has stayed stale or offline past its threshold.
  const fleetJob =
    o.sweep !== false && o.fleetAlerts !== false
      ? schedule('fleet-check', '45 * * * * *', store.boards()[0]?.timeZone ?? 'Europe/Prague', () => checkFleet(store, dataDir, clock.now(), log).then(() => undefined), (e) => log(`fleet check: ${e instanceof Error ? e.message : String(e)}`))
      : null;
  const purgeJob = o.sweep !== false && o.privacyPurge !== false ? startPurgeJob({ store, clock, timeZone: store.boards()[0]?.timeZone ?? 'Europe/Prague', onLog: o.onLog }) : null;
  return {
    url: server.origin,
    ctx,
    engine,
    app,
    backup,
    search,
    inbox,
    async stop() {
      // Stop taking requests first, then let running publication jobs finish, then close the store.
      backup?.stop();
      fleetJob?.stop();
      purgeJob?.stop();
      clearInterval(collector);
      await server.close();
      await search.stop();
      await inbox?.stop();
      await engine.stop();
      store.close();
      lock.release();
    },
  };
}
