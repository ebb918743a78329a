/**
 * A Request→Response handler served over HTTP (loopback by default), with a close that does not
 * hang. It is also the last resort between a request and the process: a handler that throws or
 * rejects gets a 500 (a malformed URL a 400) and a log line, never an uncaught exception, and a
 * body declared or streamed past `maxBodyBytes` is refused with 413 whatever the route.
 *
 * Slow clients: headers must arrive within `headersTimeoutMs`; a body that stops for
 * `bodyIdleMs`, or that after `bodyGraceMs` arrives slower than `minBodyBytesPerSec` on average,
 * is refused with 408 and its connection closed (a dribbled body would otherwise hold a
 * connection and its upload's temporary file for minutes). The limits suit uploads: 25 MB at the
 * minimum rate take about 50 minutes. And at most `maxUploadsPerAddress` multipart requests of
 * one client address are read at a time; more are refused with 429 before a byte is read.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { DomainError } from '../store/notices.ts';
import { BodyTooLarge, declaredLength, limitedChunks } from './body.ts';

export interface Serving {
  /** "http://127.0.0.1:8080" */
  origin: string;
  close(): Promise<void>;
}

export interface ServeOptions {
  host?: string;
  port?: number;
  /** Largest request body any route may receive, bytes (default 128 MB). Routes set smaller limits. */
  maxBodyBytes?: number;
  /** Where last-resort errors are logged (default console.error). */
  onError?: (line: string, err: unknown) => void;
  /** Longest pause within a body, ms (default 60 s). */
  bodyIdleMs?: number;
  /** Slowest average a body may arrive at once `bodyGraceMs` passed (default 8 kB/s after 60 s). */
  minBodyBytesPerSec?: number;
  bodyGraceMs?: number;
  /** Multipart requests of one address read at the same time (default 4). */
  maxUploadsPerAddress?: number;
  /** Time to send the request's headers, ms (default 20 s). */
  headersTimeoutMs?: number;
}

export interface BodyTiming {
  idleMs: number;
  minBytesPerSec: number;
  graceMs: number;
}
export const BODY_TIMING: Readonly<BodyTiming> = { idleMs: 60_000, minBytesPerSec: 8 * 1024, graceMs: 60_000 };
export const MAX_UPLOADS_PER_ADDRESS = 4;

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;

type FetchHandler = (req: Request, env?: unknown) => Response | Promise<Response>;

const CODES: Record<number, string> = { 400: 'bad_request', 408: 'body_timeout', 413: 'payload_too_large', 429: 'too_many_uploads' };

function plain(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code: CODES[status] ?? 'internal', message } }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...extra },
  });
}

/** Wraps a handler so that no request can take the process down (see the module comment). */
/** A body that stalled or crawled; the route's read of it fails with this 408. */
export class BodyTimeout extends DomainError {
  constructor() {
    super('body_timeout', 'Odesílání požadavku se zastavilo nebo je příliš pomalé, spojení bylo ukončeno. Zkontrolujte připojení k síti a zkuste to znovu.', 408);
  }
}

function remoteAddress(env: unknown): string {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/**
 * The request's body, counted on its way to the route (whichever limit the route has) and timed:
 * a stall longer than `idleMs` or a rate under the minimum fails the stream with BodyTimeout.
 */
function guardedBody(req: Request, max: number, timing: BodyTiming, onTimeout: () => void): ReadableStream<Uint8Array> {
  const chunks = limitedChunks(req, max);
  const started = Date.now();
  let last = started;
  let bytes = 0;
  let timer: NodeJS.Timeout | null = null;
  let timedOut = false;
  const tooSlow = (now: number): boolean =>
    now - last > timing.idleMs || (now - started > timing.graceMs && (bytes * 1000) / (now - started) < timing.minBytesPerSec);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const read = chunks.next();
      const check = Math.max(10, Math.min(1000, timing.idleMs / 4));
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setInterval(() => {
          if (tooSlow(Date.now())) resolve('timeout');
        }, check);
        // A connection destroyed mid-body may leave its read pending until the idle limit: never keep the process up for it.
        timer.unref();
      });
      try {
        const r = await Promise.race([read, timeout]);
        if (r === 'timeout') {
          timedOut = true;
          onTimeout();
          read.catch(() => undefined);
          void chunks.return(undefined).catch(() => undefined);
          controller.error(new BodyTimeout());
          return;
        }
        if (r.done) controller.close();
        else {
          bytes += r.value.byteLength;
          last = Date.now();
          if (tooSlow(last)) throw new BodyTimeout();
          controller.enqueue(r.value);
        }
      } catch (e) {
        if (e instanceof BodyTimeout) onTimeout();
        controller.error(e);
      } finally {
        if (timer) clearInterval(timer);
      }
    },
    async cancel() {
      if (!timedOut) await chunks.return(undefined);
    },
  });
}

export function guardHandler(
  handler: FetchHandler,
  o: Pick<ServeOptions, 'maxBodyBytes' | 'onError' | 'bodyIdleMs' | 'minBodyBytesPerSec' | 'bodyGraceMs' | 'maxUploadsPerAddress'> = {},
): FetchHandler {
  const max = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = o.onError ?? ((line: string, err: unknown) => console.error(line, err));
  const timing = {
    idleMs: o.bodyIdleMs ?? BODY_TIMING.idleMs,
    minBytesPerSec: o.minBodyBytesPerSec ?? BODY_TIMING.minBytesPerSec,
    graceMs: o.bodyGraceMs ?? BODY_TIMING.graceMs,
  };
  const maxUploads = o.maxUploadsPerAddress ?? MAX_UPLOADS_PER_ADDRESS;
  const uploads = new Map<string, number>();
  return async (req, env) => {
    let upload: string | null = null;
    let timedOut = false;
    try {
      if (req.body !== null && req.method !== 'GET' && req.method !== 'HEAD') {
        const declared = declaredLength(req);
        if (declared !== null && declared > max) throw new BodyTooLarge(max);
        if (/^multipart\//i.test(req.headers.get('content-type') ?? '')) {
          const address = remoteAddress(env);
          const running = uploads.get(address) ?? 0;
          if (running >= maxUploads) {
            return plain(429, `Z vaší adresy právě probíhá ${running} nahrávání souborů najednou, víc není dovoleno. Počkejte, až doběhnou, a zkuste to znovu.`, {
              Connection: 'close',
              'Retry-After': '30',
            });
          }
          uploads.set(address, running + 1);
          upload = address;
        }
        const body = guardedBody(req, max, timing, () => (timedOut = true));
        req = new Request(req, { body, duplex: 'half' } as RequestInit);
      }
      const res = await handler(req, env);
      // A stalled body's connection is closed, whatever the route answered.
      if (timedOut) {
        const headers = new Headers(res.headers);
        headers.set('Connection', 'close');
        return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
      }
      return res;
    } catch (e) {
      if (e instanceof BodyTimeout) return plain(408, e.message, { Connection: 'close' });
      if (e instanceof BodyTooLarge) return plain(413, e.message, { Connection: 'close' });
      if (e instanceof URIError) return plain(400, 'Adresa požadavku není platná.');
      if (e instanceof Error && 'status' in e && e.status === 400) return plain(400, e.message);
      log(`request ${req.method} ${safeUrl(req)} failed:`, e);
      return plain(500, 'Na serveru nastala neočekávaná chyba. Zkuste to prosím znovu.');
    } finally {
      if (upload !== null) {
        const left = (uploads.get(upload) ?? 1) - 1;
        if (left > 0) uploads.set(upload, left);
        else uploads.delete(upload);
      }
    }
  };
}

function safeUrl(req: Request): string {
  try {
    return new URL(req.url).pathname;
  } catch {
    return '(unreadable URL)';
  }
}

export function serveHandler(fetchHandler: FetchHandler, opts: ServeOptions = {}): Promise<Serving> {
  const hostname = opts.host ?? '127.0.0.1';
  const guarded = guardHandler(fetchHandler, opts);
  return new Promise((resolveServed, reject) => {
    let server: ServerType | null = null;
    const headersTimeout = opts.headersTimeoutMs ?? 20_000;
    // Bodies are timed by guardHandler; the whole-request limit is only a backstop (a 100 MB
    // request at the minimum rate takes 3.5 hours).
    const serverOptions = { headersTimeout, requestTimeout: 4 * 3600_000 };
    server = serve({ fetch: guarded, hostname, port: opts.port ?? 0, serverOptions }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolveServed({
        origin: `http://${host}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            // Open server-sent event streams would keep close() waiting forever.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server!.close(() => done());
          }),
      });
    });
    server.once('error', reject);
    // A socket error (client reset mid-request) is that connection's problem, not the process's.
    server.on('connection', (socket) => socket.on('error', () => undefined));
  });
}
