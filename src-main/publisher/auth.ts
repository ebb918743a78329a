/**
 * Who is calling the publisher API: a Bearer API token (integrations) or the clerk app's session
 * cookie. Cookie-authenticated unsafe requests must carry `X-Requested-With: deska`, which a
 * cross-site form cannot send (CSRF guard on top of SameSite=Strict).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { User } from '../store/users.ts';
import { DomainError } from '../store/notices.ts';
import type { PublisherContext } from './context.ts';

export const SESSION_COOKIE = 'deska_session';
export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'deska';

/** The authenticated caller; `actor` is what the audit log records. */
export interface Caller {
  user: User;
  actor: string;
  via: 'token' | 'session';
}

export type AuthEnv = { Variables: { caller: Caller } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the caller, or throws 401/403 DomainErrors. */
export function identify(c: Context, ctx: PublisherContext): Caller {
  const header = c.req.header('authorization');
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const found = m ? ctx.store.users.userForToken(m[1]!) : null;
    if (!found) throw new DomainError('unauthenticated', 'Neplatný nebo zrušený API token.', 401);
    if (found.kioskId !== null) throw new DomainError('forbidden', 'Token kiosku nemá přístup k API pro úředníky.', 403);
    const { tokenName, kioskId: _kioskId, ...user } = found;
    return { user, actor: `token:${tokenName}`, via: 'token' };
  }
  const session = getCookie(c, SESSION_COOKIE);
  const user = session ? ctx.store.users.userForSession(session, ctx.clock.now()) : null;
  if (!user) throw new DomainError('unauthenticated', 'Nejste přihlášeni. Přihlaste se prosím znovu.', 401);
  if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== CSRF_VALUE) {
    throw new DomainError('csrf', `Požadavek byl odmítnut z bezpečnostních důvodů (chybí hlavička ${CSRF_HEADER}). Obnovte stránku.`, 403);
  }
  return { user, actor: user.username, via: 'session' };
}

/** Middleware that requires a caller and stores it as `c.var.caller`. */
export function requireAuth(ctx: PublisherContext): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    c.set('caller', identify(c, ctx));
    await next();
  };
}

export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: new URL(c.req.url).protocol === 'https:',
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}

export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}
