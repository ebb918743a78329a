/** The kiosk handler on loopback HTTP (no window): for tests, remote screens, and the Chromium shell. */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export function serveHeadless(fetchHandler: (req: Request) => Response | Promise<Response>, opts: { host?: string; port?: number } = {}): Promise<Served> {
  const hostname = opts.host ?? '127.0.0.1';
  return new Promise((resolveServed, reject) => {
    let server: ServerType | null = null;
    server = serve({ fetch: fetchHandler, hostname, port: opts.port ?? 0 }, (info: AddressInfo) => {
      const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      resolveServed({
        url: `http://${host}:${info.port}/kiosk/`,
        close: () =>
          new Promise<void>((done) => {
            // Open SSE streams would keep close() waiting forever.
            (server as { closeAllConnections?: () => void }).closeAllConnections?.();
            server!.close(() => done());
          }),
      });
    });
    server.once('error', reject);
  });
}
