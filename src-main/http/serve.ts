/**
 * A Request→Response handler served over HTTP (loopback by default), with a close that does not
 * hang. It is also the last resort between a request and the process: a handler that throws or
 * rejects gets a 500 (a malformed URL a 400) and a log line, never an uncaught exception, and a
 * body declared or streamed past `maxBodyBytes` is refused with 413 whatever the route.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
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
}

export const DEFAULT_MAX_BODY_BYTES = 128 * 1024 * 1024;

type FetchHandler = (req: Request, env?: unknown) => Response | Promise<Response>;

function plain(status: number, message: string, extra: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code: status === 413 ? 'payload_too_large' : status === 400 ? 'bad_request' : 'internal', message } }), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...extra },
  });
}

/** Wraps a handler so that no request can take the process down (see the module comment). */
export function guardHandler(handler: FetchHandler, o: Pick<ServeOptions, 'maxBodyBytes' | 'onError'> = {}): FetchHandler {
  const max = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = o.onError ?? ((line: string, err: unknown) => console.error(line, err));
  return async (req, env) => {
    try {
      if (req.body !== null && req.method !== 'GET' && req.method !== 'HEAD') {
        const declared = declaredLength(req);
        if (declared !== null && declared > max) throw new BodyTooLarge(max);
        if (declared === null) {
          // A chunked body: count it on its way to the route, whichever limit the route has.
          const chunks = limitedChunks(req, max);
          const body = new ReadableStream<Uint8Array>({
            async pull(controller) {
              try {
                const r = await chunks.next();
                if (r.done) controller.close();
                else controller.enqueue(r.value);
              } catch (e) {
                controller.error(e);
              }
            },
            async cancel() {
              await chunks.return(undefined);
            },
          });
          req = new Request(req, { body, duplex: 'half' } as RequestInit);
        }
      }
      return await handler(req, env);
    } catch (e) {
      if (e instanceof BodyTooLarge) return plain(413, e.message, { Connection: 'close' });
      if (e instanceof URIError) return plain(400, 'Adresa požadavku není platná.');
      if (e instanceof Error && 'status' in e && e.status === 400) return plain(400, e.message);
      log(`request ${req.method} ${safeUrl(req)} failed:`, e);
      return plain(500, 'Na serveru nastala neočekávaná chyba. Zkuste to prosím znovu.');
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
    server = serve({ fetch: guarded, hostname, port: opts.port ?? 0 }, (info: AddressInfo) => {
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
