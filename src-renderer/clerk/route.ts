/**
 * The clerk app's URLs: hash routes under /app/clerk/, so that every screen and every notice has
 * a link to share and the browser's back and forward buttons work. Hash routes (not paths)
 * because the app is built with relative asset and API URLs (vite `base: './'`, `../../api/v1`)
 * and Electron loads the same files through its own protocol: a path like
 * /app/clerk/lhota/oznameni/… would break both, a hash changes nothing the server sees.
 *
 *   #/{board}                        dashboard (přehled) of the board
 *   #/{board}/oznameni?stav=vyvesene notice list, one tab
 *   #/{board}/oznameni/nove          new notice
 *   #/{board}/oznameni/{id}          one notice
 *   #/{board}/tokeny, #/{board}/kiosky, #/{board}/uzivatele (admins)
 *   #/{board}/oznameni?stav=ke-schvaleni   notices awaiting approval (the list's approval filter)
 *   #/{board}/heslo                  change one's password
 */
import type { NoticeState } from '../../src-main/shared/domain.ts';

export type Route =
  | { kind: 'home' }
  | { kind: 'dashboard'; board: string }
  | { kind: 'list'; board: string; tab?: NoticeState }
  | { kind: 'notice'; board: string; id: string | null }
  | { kind: 'tokens'; board: string }
  | { kind: 'fleet'; board: string }
  | { kind: 'users'; board: string }
  | { kind: 'password'; board: string }
  | { kind: 'approvals'; board: string }
  | { kind: 'unknown' };

const TAB_SLUG: Record<NoticeState, string> = {
  draft: 'koncepty',
  scheduled: 'naplanovane',
  posted: 'vyvesene',
  removed: 'sejmute',
  withdrawn: 'stazene',
};
/** The list's filter of notices awaiting approval (not a notice state: a draft awaiting approval). */
const APPROVAL_SLUG = 'ke-schvaleni';
const SLUG_TAB = new Map(Object.entries(TAB_SLUG).map(([k, v]) => [v, k as NoticeState]));

/** The route a location hash ("#/lhota/oznameni/…") names. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  let parts: string[];
  try {
    parts = path.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  } catch {
    return { kind: 'unknown' };
  }
  if (parts.length === 0) return { kind: 'home' };
  const [board, section, id, ...rest] = parts as [string, string | undefined, string | undefined, ...string[]];
  if (rest.length > 0) return { kind: 'unknown' };
  if (section === undefined) return { kind: 'dashboard', board };
  if (section === 'oznameni') {
    if (id === undefined) {
      if (new URLSearchParams(query).get('stav') === APPROVAL_SLUG) return { kind: 'approvals', board };
      const tab = SLUG_TAB.get(new URLSearchParams(query).get('stav') ?? '');
      return tab ? { kind: 'list', board, tab } : { kind: 'list', board };
    }
    return { kind: 'notice', board, id: id === 'nove' ? null : id };
  }
  if (id !== undefined) return { kind: 'unknown' };
  if (section === 'tokeny') return { kind: 'tokens', board };
  if (section === 'kiosky') return { kind: 'fleet', board };
  if (section === 'uzivatele') return { kind: 'users', board };
  if (section === 'heslo') return { kind: 'password', board };
  return { kind: 'unknown' };
}

/** The hash of a route, for href="" and history entries. */
export function routeHash(route: Route): string {
  if (route.kind === 'home' || route.kind === 'unknown') return '#/';
  const b = `#/${encodeURIComponent(route.board)}`;
  switch (route.kind) {
    case 'dashboard':
      return b;
    case 'list':
      return route.tab ? `${b}/oznameni?stav=${TAB_SLUG[route.tab]}` : `${b}/oznameni`;
    case 'notice':
      return `${b}/oznameni/${route.id === null ? 'nove' : encodeURIComponent(route.id)}`;
    case 'tokens':
      return `${b}/tokeny`;
    case 'fleet':
      return `${b}/kiosky`;
    case 'users':
      return `${b}/uzivatele`;
    case 'password':
      return `${b}/heslo`;
    case 'approvals':
      return `${b}/oznameni?stav=${APPROVAL_SLUG}`;
  }
}

/** Whether a string names a notice state (the list's tabs). */
export function isNoticeState(s: string | undefined): s is NoticeState {
  return s !== undefined && s in TAB_SLUG;
}

/** A new history entry (back returns here); listeners hear it as a hashchange. */
export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (location.hash !== hash) location.hash = hash;
}

/** The current entry now names `route` (no new entry, no hashchange): redirects and corrections. */
export function replaceRoute(route: Route): void {
  history.replaceState(history.state, '', routeHash(route));
}
