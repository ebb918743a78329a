/**
 * OPTIONS and HEAD for a Hono app, answered before it: Hono itself answers OPTIONS with 404 and
 * runs the GET handler for HEAD, which for an expensive resource (a certificate rendered in a
 * worker) does the whole work only to throw the body away.
 * - OPTIONS on a path some route serves: 204 with `Allow` listing its methods; 404 otherwise.
 * - HEAD on a path listed as `noHead`: 405 with `Allow` (its GET still works).
 */
import type { Hono } from 'hono';

type FetchHandler = (req: Request, env?: unknown) => Response | Promise<Response>;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The methods routes of `app` answer at `path` (middleware registered for every method does not count). */
export function allowedMethods(app: Hono<never> | Hono, path: string, noHead: RegExp[] = []): string[] {
  const byHandler = new Map<unknown, Set<string>>();
  for (const r of app.routes) {
    if (r.method === 'ALL') continue;
    let set = byHandler.get(r.handler);
    if (!set) byHandler.set(r.handler, (set = new Set()));
    set.add(r.method.toUpperCase());
  }
  const out: string[] = [];
  for (const m of METHODS) {
    const [matched] = app.router.match(m, path) as unknown as [[[unknown, unknown], unknown][]];
    if (matched.some(([[handler]]) => byHandler.get(handler)?.has(m))) out.push(m);
  }
  if (out.includes('GET') && !noHead.some((re) => re.test(path))) out.splice(1, 0, 'HEAD');
  if (out.length > 0) out.push('OPTIONS');
  return out;
}

/** Wraps `app.fetch` with the OPTIONS and HEAD answers described in the module comment. */
export function withMethodAnswers(app: Hono, o: { noHead?: RegExp[] } = {}): FetchHandler {
  const noHead = o.noHead ?? [];
  return (req, env) => {
    if (req.method !== 'OPTIONS' && req.method !== 'HEAD') return app.fetch(req, env);
    let path: string;
    try {
      path = decodeURI(new URL(req.url).pathname);
    } catch {
      return app.fetch(req, env);
    }
    if (req.method === 'HEAD') {
      if (!noHead.some((re) => re.test(path))) return app.fetch(req, env);
      return new Response(null, { status: 405, headers: { Allow: allowedMethods(app, path, noHead).join(', ') } });
    }
    const allow = allowedMethods(app, path, noHead);
    if (allow.length === 0) return new Response(null, { status: 404 });
    return new Response(null, { status: 204, headers: { Allow: allow.join(', ') } });
  };
}
