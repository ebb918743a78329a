/**
 * Who is calling the publisher API: a Bearer API token or the clerk app's session cookie.
 * Cookie-authenticated unsafe requests must carry `X-Requested-With: deska`, which a cross-site
 * form cannot send (CSRF guard on top of SameSite=Strict).
 *
 * Tokens have kinds (store/users.ts): an admin token may do what an admin may; an integration
 * token works only with notices of its boards and never manages tokens; a kiosk token has no
 * access to this API at all (only to its own board's feed, feed/routes.ts). Every use of a token
 * is counted on the token; what it changes is logged with actor `token:<name>#<id8>`.
 *
 * Sign-in is throttled: 5 failed attempts per user name or 20 per client address within
 * 15 minutes, and further attempts are refused with 429 and Retry-After until the oldest
 * failure is 15 minutes old, without checking the password.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { tokenActor, type TokenInfo, type User } from '../store/users.ts';
import { DomainError } from '../store/notices.ts';
import type { PublisherContext } from './context.ts';
import type { EffectiveRole } from '../shared/users-api.ts';

export const SESSION_COOKIE = 'deska_session';
export const CSRF_HEADER = 'X-Requested-With';
export const CSRF_VALUE = 'deska';

/** The authenticated caller; `actor` is what the audit log records. */
export interface Caller {
  user: User;
  actor: string;
  via: 'token' | 'session';
  /** The token used, or null for a session. */
  token: TokenInfo | null;
}

/** May manage tokens and board settings: an admin signed in, or an admin token of an admin. */
export function isAdmin(caller: Caller): boolean {
  return caller.user.role === 'admin' && (caller.token === null || caller.token.kind === 'admin');
}

/**
 * What the caller may do on a board (null: nothing, not even see it). A signed-in admin and an
 * admin token: everything; a signed-in user: their rights on that board (migration 011); an
 * integration token: publish to the boards it names, as an approver would.
 */
export function roleOn(caller: Caller, boardId: string): EffectiveRole | null {
  if (caller.token !== null) {
    if (caller.token.kind === 'admin') return 'admin';
    return caller.token.kind === 'integration' && caller.token.boards.includes(boardId) ? 'approver' : null;
  }
  if (caller.user.role === 'admin') return 'admin';
  return caller.user.rights[boardId] ?? null;
}

/** May see this board and its notices (any role on it). */
export function mayUseBoard(caller: Caller, boardId: string): boolean {
  return roleOn(caller, boardId) !== null;
}

/** The Bearer token of a request, or null when there is no Authorization header. */
export function bearerToken(header: string | undefined): string | null | undefined {
  if (header === undefined) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1]! : null;
}

export type AuthEnv = { Variables: { caller: Caller } };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the caller, or throws 401/403 DomainErrors. */
export function identify(c: Context, ctx: PublisherContext): Caller {
  const secret = bearerToken(c.req.header('authorization'));
  if (secret !== undefined) {
    const found = secret === null ? null : ctx.store.users.userForToken(secret);
    if (!found) throw new DomainError('unauthenticated', 'Neplatný nebo zrušený API token. Token správce platí, jen dokud je jeho vlastník aktivním správcem.', 401);
    ctx.store.users.touchToken(found.token.id, ctx.clock.now());
    if (found.token.kind === 'kiosk') throw new DomainError('forbidden', 'Token kiosku nemá přístup k API pro úředníky; slouží jen ke čtení vlastní desky.', 403);
    return { user: found.user, actor: tokenActor(found.token), via: 'token', token: found.token };
  }
  const session = getCookie(c, SESSION_COOKIE);
  const user = session ? ctx.store.users.userForSession(session, ctx.clock.now()) : null;
  if (!user) throw new DomainError('unauthenticated', 'Nejste přihlášeni. Přihlaste se prosím znovu.', 401);
  if (!SAFE_METHODS.has(c.req.method) && c.req.header(CSRF_HEADER) !== CSRF_VALUE) {
    throw new DomainError('csrf', `Požadavek byl odmítnut z bezpečnostních důvodů (chybí hlavička ${CSRF_HEADER}). Obnovte stránku.`, 403);
  }
  // After a reset by an admin, nothing but the password change (and signing out) works.
  if (user.mustChangePassword && !/\/session(\/password)?$/.test(c.req.path)) {
    throw new DomainError('password_change_required', 'Před další prací si musíte změnit heslo (správce vám ho obnovil). Otevřete „Změnit heslo“.', 403);
  }
  return { user, actor: user.username, via: 'session', token: null };
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

/** The client's address as the socket sees it ("unknown" outside Node's HTTP server). */
export function clientAddress(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export const SIGN_IN_LIMITS = { windowMs: 15 * 60_000, perAccount: 5, perAddress: 20 } as const;

/** Failed sign-ins per user name and per address within a sliding window (in memory). */
export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();
  private readonly limits: typeof SIGN_IN_LIMITS;

  constructor(limits: typeof SIGN_IN_LIMITS = SIGN_IN_LIMITS) {
    this.limits = limits;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > now - this.limits.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Seconds until another attempt is allowed, or 0 when it is allowed now. */
  retryAfter(username: string, address: string, now: number): number {
    let wait = 0;
    for (const [key, max] of [[`u:${username.toLowerCase()}`, this.limits.perAccount], [`a:${address}`, this.limits.perAddress]] as const) {
      const list = this.recent(key, now);
      if (list.length >= max) wait = Math.max(wait, Math.ceil((list[list.length - max]! + this.limits.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(username: string, address: string, now: number): void {
    if (this.failures.size > 50_000) for (const k of [...this.failures.keys()]) this.recent(k, now);
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) this.failures.set(key, [...this.recent(key, now), now]);
  }

  succeeded(username: string): void {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }
}
