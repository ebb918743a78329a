/** A Request→Response handler served over HTTP (loopback by default), with a close that does not hang. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface Serving {
  /** "http://127.0.0.1:8080" */
  origin: string;
  close(): Promise<void>;
}

export function serveHandler(fetchHandler: (req: Request) => Response | Promise<Response>, opts: { host?: string; port?: number } = {}): Promise<Serving> {
  const hostname = opts.host ?? '127.0.0.1';
  return new Promise((resolveServed, reject) => {
    let server: ServerType | null = null;
    server = serve({ fetch: fetchHandler, hostname, port: opts.port ?? 0 }, (info: AddressInfo) => {
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
  });
}
