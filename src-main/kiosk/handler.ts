/**
 * The kiosk's one request handler (Request → Response): the built kiosk UI plus a small JSON
 * API over the replica. Electron serves it behind the deska:// protocol, the Chromium shell on
 * loopback; both get exactly the same responses.
 */
import { BodyTooLarge, isJsonContentType, readLimited } from '../http/body.ts';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { resolve } from 'node:path';
import { serveFile } from '../http/static.ts';
import type { Clock } from '../schedule/clock.ts';
import type { KioskChange, KioskHeartbeat, KioskNotice, KioskSearchResult, KioskState, KioskStatePatch, ScreenSchedule } from '../shared/kiosk-api.ts';
import { toWallTime } from '../shared/zone.ts';
import { nextChangeAfter, visibleAt } from './local-schedule.ts';
import { displayOf, type KioskProfile } from './profile.ts';
import type { Replica } from './replica.ts';
import { SPEECH_MAX_CHARS, type Speaker } from './speech.ts';
import { CLOCK_WARN_MS, isStale } from './sync.ts';

export const DEFAULT_RENDERER_DIR = resolve(import.meta.dirname, '../../dist/renderer');

/**
 * pdf.js runs without eval; its worker is a same-origin module file. Inline style attributes
 * are needed by Svelte's style: directives and pdf.js canvases.
 */
export const KIOSK_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface KioskHandlerOptions {
  profile: KioskProfile;
  replica: Replica;
  clock: Clock;
  /** Registers a listener for visible-set / sync changes; returns the unsubscriber. */
  subscribe: (fn: (c: KioskChange) => void) => () => void;
  /** The renderer's heartbeat (POST /api/heartbeat); without it nothing counts as shown. */
  onHeartbeat?: (hb: KioskHeartbeat) => void;
  rendererDir?: string;
  /** A touch during screen-off hours (POST /api/wake): the display on for a while. */
  onWake?: () => void;
  /** Speech from the main process (espeak-ng) where the browser has no voice; null without. */
  speech?: Speaker | null;
}

/** Largest heartbeat body accepted (ids of the notices on screen). */
const HEARTBEAT_MAX_BYTES = 256 * 1024;

/** Parses a heartbeat body; null when it is not one. */
export function parseHeartbeat(value: unknown): KioskHeartbeat | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<KioskHeartbeat>;
  if (!Array.isArray(v.shown) || v.shown.length > 10_000 || !v.shown.every((id) => typeof id === 'string' && id.length <= 200)) return null;
  if (v.visibility !== 'visible' && v.visibility !== 'hidden') return null;
  return { shown: v.shown, visibility: v.visibility };
}

/** Whether the screen should be on at `now` by the profile's schedule, in the board's zone. */
export function screenOnAt(schedule: ScreenSchedule | null, now: number, timeZone: string): boolean {
  if (!schedule || schedule.on === schedule.off) return true;
  const t = toWallTime(now, timeZone).time.slice(0, 5);
  return schedule.on < schedule.off ? t >= schedule.on && t < schedule.off : t >= schedule.on || t < schedule.off;
}

/** The state the UI shows, computed from the replica by the kiosk's clock. */
export function kioskState(o: Pick<KioskHandlerOptions, 'profile' | 'replica' | 'clock' | 'speech'>): KioskState {
  const now = o.clock.now();
  const all = o.replica.notices();
  const applied = o.replica.applied();
  const notices: KioskNotice[] = visibleAt(all, now).map((n) => ({
    id: n.id,
    title: n.title,
    description: n.description,
    department: n.department,
    category: n.category,
    referenceNumber: n.referenceNumber,
    fileMark: n.fileMark,
    postAt: n.postAt,
    removeAt: n.removeAt,
    attachments: n.attachments.map((a) => ({ ...a, available: o.replica.hasFile(a.sha256) })),
    ...(n.register && n.register.length > 1 ? { corrected: { revision: n.register.at(-1)!.revision, at: n.register.at(-1)!.at } } : {}),
  }));
  const status = o.replica.status();
  return {
    board: applied?.board ?? null,
    kiosk: displayOf(o.profile),
    now,
    notices,
    nextChangeAt: nextChangeAfter(all, now),
    lastSync: applied ? { seq: applied.seq, appliedAt: applied.appliedAt, confirmedAt: status.confirmedAt } : null,
    health: {
      stale: isStale(applied, now),
      recovered: o.replica.recovery !== null,
      syncFailing: o.replica.lastError() !== null,
      clockOff: status.clockOffsetMs !== null && Math.abs(status.clockOffsetMs) > CLOCK_WARN_MS,
    },
    screenOn: screenOnAt(o.profile.screenSchedule, now, applied?.board.timeZone ?? 'Europe/Prague'),
    serverSpeech: Boolean(o.speech),
  };
}

/**
 * What changed between two states as one "patch" event: the notices that are new or differ
 * (compared by their JSON, kept per connection in `sent`) and the ids that left; `sent` is
 * updated to the new state.
 */
export function statePatch(next: KioskState, sent: Map<string, string>): KioskStatePatch {
  const { notices, ...rest } = next;
  const upsert: KioskNotice[] = [];
  const seen = new Set<string>();
  for (const n of notices) {
    seen.add(n.id);
    const json = JSON.stringify(n);
    if (sent.get(n.id) !== json) {
      upsert.push(n);
      sent.set(n.id, json);
    }
  }
  const remove = [...sent.keys()].filter((id) => !seen.has(id));
  for (const id of remove) sent.delete(id);
  return { ...rest, upsert, remove };
}

/**
 * Whether a request may change something on the kiosk (speak, count a sighting, wake the
 * display). Only the kiosk's own page may: a web page elsewhere (CSRF) sends its own Origin, and
 * one that rebinds its DNS name to loopback sends its own name as Host; both are refused. The
 * kiosk is reached by an IP address (loopback, or a LAN address for a remote screen), as
 * "localhost", or as deska://kiosk in Electron; a browser on any of those sends the same
 * origin back. A request without Origin (not a browser: curl, a test) is judged by Host alone.
 */
export function sameKioskOrigin(req: Request): boolean {
  const url = new URL(req.url);
  const host = url.hostname.toLowerCase();
  const isIp = /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.startsWith('[') && host.endsWith(']'));
  if (!isIp && host !== 'localhost' && host !== 'kiosk') return false;
  const origin = req.headers.get('origin');
  if (origin === null) return true;
  // Electron's own scheme is reachable only from the kiosk's window (no web page can send to
  // deska://), so an opaque "null" origin there is still the kiosk itself. Not run here (no
  // Electron binary): if Chromium serializes the privileged standard scheme's origin as "null",
  // the kiosk's heartbeats must not be refused for it.
  if (url.protocol === 'deska:' && origin === 'null') return true;
  return origin.toLowerCase() === `${url.protocol}//${url.host}`.toLowerCase();
}


/** Most hits one search answers (posted notices only; the visitor narrows with more letters). */
const SEARCH_MAX_HITS = 200;

/** Longest search input accepted (characters); longer is cut. */
const SEARCH_MAX_CHARS = 200;

export function createKioskHandler(o: KioskHandlerOptions): Hono {
  const root = resolve(o.rendererDir ?? DEFAULT_RENDERER_DIR);
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('x-content-type-options', 'nosniff');
    c.res.headers.set('referrer-policy', 'no-referrer');
    c.res.headers.set('x-frame-options', 'DENY');
    c.res.headers.set('content-security-policy', KIOSK_CSP);
    c.res.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
  });

  app.post('/api/*', async (c, next) => {
    if (!sameKioskOrigin(c.req.raw)) return c.json({ error: 'only the kiosk screen itself may do this' }, 403);
    await next();
  });

  app.get('/', (c) => c.redirect('/kiosk/'));
  app.get('/kiosk', (c) => c.redirect('/kiosk/'));

  app.get('/api/state', (c) => {
    c.header('cache-control', 'no-store');
    return c.json(kioskState(o));
  });

  // Offline search in the replica (FTS5): posted notices only, best first.
  app.get('/api/search', (c) => {
    c.header('cache-control', 'no-store');
    const q = (c.req.query('q') ?? '').slice(0, SEARCH_MAX_CHARS);
    const posted = new Set(visibleAt(o.replica.notices(), o.clock.now()).map((n) => n.id));
    const result: KioskSearchResult = { q, hits: o.replica.search(q, SEARCH_MAX_HITS, (id) => posted.has(id)) };
    return c.json(result);
  });

  // Speech through espeak-ng in the main process (the UI uses it only where the browser has no voice).
  app.post('/api/speech', async (c) => {
    if (!o.speech) return c.json({ error: 'no speech output on this kiosk' }, 404);
    if (!isJsonContentType(c.req.raw)) return c.json({ error: 'expected Content-Type: application/json' }, 415);
    type SpeechBody = { text?: unknown; lang?: unknown; volume?: unknown } | null;
    let body: SpeechBody = null;
    try {
      body = JSON.parse((await readLimited(c.req.raw, SPEECH_MAX_CHARS * 4 + 1024)).toString('utf8')) as SpeechBody;
    } catch (e) {
      if (e instanceof BodyTooLarge) return c.json({ error: 'too large' }, 413);
    }
    if (!body || typeof body.text !== 'string' || typeof body.lang !== 'string' || typeof body.volume !== 'number' || !Number.isFinite(body.volume))
      return c.json({ error: 'expected { text: string, lang: string, volume: number }' }, 400);
    o.speech.speak(body.text, body.lang, body.volume);
    return c.body(null, 204);
  });

  app.post('/api/speech/stop', (c) => {
    o.speech?.stop();
    return c.body(null, 204);
  });

  app.post('/api/heartbeat', async (c) => {
    if (!isJsonContentType(c.req.raw)) return c.json({ error: 'expected Content-Type: application/json' }, 415);
    let hb: KioskHeartbeat | null = null;
    try {
      hb = parseHeartbeat(JSON.parse((await readLimited(c.req.raw, HEARTBEAT_MAX_BYTES)).toString('utf8')));
    } catch (e) {
      if (e instanceof BodyTooLarge) return c.json({ error: 'too large' }, 413);
      hb = null;
    }
    if (!hb) return c.json({ error: 'expected { shown: string[], visibility: "visible" | "hidden" }' }, 400);
    o.onHeartbeat?.(hb);
    return c.body(null, 204);
  });

  app.post('/api/wake', (c) => {
    o.onWake?.();
    return c.body(null, 204);
  });

  app.get('/api/files/:sha', (c) => {
    const bytes = o.replica.readFile(c.req.param('sha'));
    if (!bytes) return c.json({ error: 'not found' }, 404);
    return c.body(new Uint8Array(bytes), 200, {
      'content-type': 'application/pdf',
      'cache-control': 'private, max-age=31536000, immutable',
    });
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const queue: KioskChange[] = [];
      let wake: (() => void) | null = null;
      const unsubscribe = o.subscribe((change) => {
        queue.push(change);
        wake?.();
      });
      // Transport keep-alive only (not a schedule), so the real timer is right here.
      const keepAlive = setInterval(() => wake?.(), 25_000);
      stream.onAbort(() => {
        unsubscribe();
        clearInterval(keepAlive);
        wake?.();
      });
      await stream.writeSSE({ event: 'hello', data: '{}' });
      // The whole state once, then only what changed (the UI keeps its copy and patches it).
      const sent = new Map<string, string>();
      const first = kioskState(o);
      for (const n of first.notices) sent.set(n.id, JSON.stringify(n));
      await stream.writeSSE({ event: 'state', data: JSON.stringify(first) });
      while (!stream.aborted && !stream.closed) {
        const change = queue.shift();
        if (change) {
          if (change.reason === 'reload' || queue.some((q) => q.reason === 'reload')) {
            // The nightly reload: the page loads afresh and connects again.
            await stream.writeSSE({ event: 'reload', data: '{}' });
            queue.length = 0;
            continue;
          }
          await stream.writeSSE({ event: 'change', data: JSON.stringify(change) });
          // Changes that came in a burst make one patch.
          queue.length = 0;
          let patch: KioskStatePatch;
          try {
            patch = statePatch(kioskState(o), sent);
          } catch {
            // The kiosk is shutting down (its replica closed): the stream ends, the UI reconnects.
            break;
          }
          await stream.writeSSE({ event: 'patch', data: JSON.stringify(patch) });
          continue;
        }
        await new Promise<void>((r) => (wake = r));
        wake = null;
        if (queue.length === 0 && !stream.aborted) await stream.write(': keep-alive\n\n');
      }
      unsubscribe();
      clearInterval(keepAlive);
    }),
  );

  app.get('/*', async (c) => {
    const path = new URL(c.req.url).pathname;
    const cache = path.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
    const res = await serveFile(root, path, { 'cache-control': cache });
    if (res) return res;
    if (path === '/kiosk/' || path === '/kiosk/index.html') {
      return c.text('Kiosk UI is not built: run "npx vite build" (dist/renderer/kiosk/index.html is missing).', 503);
    }
    return c.text('Not found', 404);
  });

  return app;
}
