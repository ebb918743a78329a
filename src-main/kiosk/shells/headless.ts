/** The kiosk handler on loopback HTTP (no window): for tests, remote screens, and the Chromium shell. */
import { serveHandler } from '../../http/serve.ts';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serveHeadless(fetchHandler: (req: Request) => Response | Promise<Response>, opts: { host?: string; port?: number } = {}): Promise<Served> {
  const s = await serveHandler(fetchHandler, opts);
  return { url: `${s.origin}/kiosk/`, close: () => s.close() };
}
