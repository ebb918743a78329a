/** Clerks (scrypt-hashed passwords), their sessions, and API tokens for integrations and kiosks. */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../publication/signing.ts';
import type { Db } from './db.ts';
import type { ApiToken, BoardRole, TokenKind } from '../shared/api-types.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  /** Global kind: an admin manages everything; 'clerk' is an ordinary user, whose rights are per board. */
  role: 'admin' | 'clerk';
  /** Migration 011: the user's department (a clerk drafts notices only for it); '' for none. */
  department: string;
  /** Must set a new password before doing anything else (after a reset by an admin). */
  mustChangePassword: boolean;
  /** What the user may do on each board (store/rights.ts); admins may do everything everywhere. */
  rights: Record<string, BoardRole>;
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
const SESSION_HOURS = 10;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export function checkPassword(password: string, stored: string): boolean {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64');
  const got = scryptSync(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqual(expected, got);
}

const tokenHash = (token: string): string => sha256Hex(token);
let dummyHash: string | undefined;

export interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: 'admin' | 'clerk';
  password_hash: string;
  department: string;
  active: number;
  must_change_password: number;
}

/** A users row as the User the rest of the code works with (rights read from user_board_roles). */
export function userFromRow(db: Db, r: UserRow): User {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    department: r.department,
    mustChangePassword: r.must_change_password === 1,
    rights: r.role === 'admin' ? {} : rightsOf(db, r.id),
  };
}

/** The board rights of one user, board id → role. */
export function rightsOf(db: Db, userId: string): Record<string, BoardRole> {
  const rows = db.prepare('SELECT board_id, role FROM user_board_roles WHERE user_id = ? ORDER BY board_id').all(userId) as { board_id: string; role: BoardRole }[];
  return Object.fromEntries(rows.map((r) => [r.board_id, r.role]));
}

export class UserRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  private toUser(r: UserRow): User {
    return userFromRow(this.db, r);
  }

  /**
   * A user as before roles existed (deska init, the demo, older tests): an ordinary user becomes
   * an approver on every board that exists now, as migration 011 did for existing users. The
   * Users API (store/rights.ts) creates users with explicit rights instead.
   */
  create(username: string, displayName: string, password: string, role: User['role'], now: number): User {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, username, displayName, hashPassword(password), role, new Date(now).toISOString());
      if (role === 'clerk') this.db.prepare("INSERT INTO user_board_roles (user_id, board_id, role) SELECT ?, id, 'approver' FROM boards").run(id);
    })();
    return this.get(id)!;
  }

  get(id: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? this.toUser(r) : null;
  }

  /** The user if the password matches; the same null for an unknown name, a wrong password and a deactivated user. */
  authenticate(username: string, password: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!r || r.active !== 1) {
      // The same one scrypt as for a known name, so the answer's timing does not tell.
      checkPassword(password, (dummyHash ??= hashPassword('timing-equaliser')));
      return null;
    }
    return checkPassword(password, r.password_hash) ? this.toUser(r) : null;
  }

  createSession(userId: string, now: number): string {
    const token = randomBytes(32).toString('base64url');
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(tokenHash(token), userId, new Date(now).toISOString(), new Date(now + SESSION_HOURS * 3_600_000).toISOString());
    return token;
  }

  userForSession(token: string, now: number): User | null {
    const r = this.db
      .prepare('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ? AND u.active = 1')
      .get(tokenHash(token), new Date(now).toISOString()) as UserRow | undefined;
    return r ? this.toUser(r) : null;
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  /** A new API token; the secret is returned once and only its hash is kept. */
  createToken(spec: NewToken, now: number): { id: string; token: string; info: TokenInfo } {
    const id = randomUUID();
    const token = `deska_${randomBytes(24).toString('base64url')}`;
    const boards = spec.kind === 'integration' ? [...new Set(spec.boards ?? [])].sort() : [];
    const boardId = spec.kind === 'kiosk' ? (spec.boardId ?? null) : null;
    const kioskId = spec.kind === 'kiosk' ? (spec.kioskId ?? null) : null;
    if (spec.kind === 'kiosk' && (boardId === null || kioskId === null)) throw new Error('a kiosk token needs its kiosk id and board');
    if (spec.kind === 'integration' && boards.length === 0) throw new Error('an integration token needs at least one board');
    this.db
      .prepare(
        `INSERT INTO api_tokens (id, name, token_hash, user_id, kiosk_id, created_at, kind, boards, board_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, spec.name, tokenHash(token), spec.userId, kioskId, new Date(now).toISOString(), spec.kind, JSON.stringify(boards), boardId);
    return { id, token, info: this.token(id)! };
  }

  /**
   * The token behind a secret with its creator, or null for an unknown or revoked one. An admin
   * token acts as its owner, so it works only while the owner is an active admin: deactivating or
   * demoting the owner silences it (reactivating brings it back). Integration and kiosk tokens
   * serve a system or a kiosk, not a person, and outlive their creator's account.
   */
  userForToken(token: string): { user: User; token: TokenInfo } | null {
    const r = this.db
      .prepare(
        `SELECT u.*, t.id AS t_id FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL AND (t.kind <> 'admin' OR (u.active = 1 AND u.role = 'admin'))`,
      )
      .get(tokenHash(token)) as (UserRow & { t_id: string }) | undefined;
    return r ? { user: this.toUser(r), token: this.token(r.t_id)! } : null;
  }

  /** Records one use of a token (time and count; the audit log records only what it changed). */
  touchToken(id: string, now: number): void {
    this.db.prepare('UPDATE api_tokens SET last_used_at = ?, use_count = use_count + 1 WHERE id = ?').run(new Date(now).toISOString(), id);
  }

  token(id: string): TokenInfo | null {
    const r = this.db.prepare(`${TOKEN_SELECT} WHERE t.id = ?`).get(id) as TokenRow | undefined;
    return r ? toToken(r) : null;
  }

  /** Every token, newest first; never the secret nor its hash. */
  tokens(): TokenInfo[] {
    return (this.db.prepare(`${TOKEN_SELECT} ORDER BY t.created_at DESC, t.id`).all() as TokenRow[]).map(toToken);
  }

  /** Revokes a token at once; false when there is no such token or it was already revoked. */
  revokeToken(id: string, now: number): boolean {
    return this.db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date(now).toISOString(), id).changes === 1;
  }

  /** Whether anyone may read this board's feed without a kiosk token (off unless set). */
  feedPublic(boardId: string): boolean {
    return this.db.prepare('SELECT feed_public FROM boards WHERE id = ?').pluck().get(boardId) === 1;
  }

  setFeedPublic(boardId: string, on: boolean): void {
    this.db.prepare('UPDATE boards SET feed_public = ? WHERE id = ?').run(on ? 1 : 0, boardId);
  }
}

export type { TokenKind };
export const TOKEN_KINDS: readonly TokenKind[] = ['admin', 'integration', 'kiosk'];

export interface NewToken {
  name: string;
  kind: TokenKind;
  /** The user who creates it (an admin); the token acts within its scope on their behalf. */
  userId: string;
  /** integration: the boards it may publish to. */
  boards?: string[];
  /** kiosk: its board and kiosk id. */
  boardId?: string;
  kioskId?: string;
}

/** A token as listed: everything but the secret (the API's shape, defined once in shared/api-types.ts). */
export type TokenInfo = ApiToken;

/** "token:lobby#1a2b3c4d": how the audit log names a token (name and the start of its id). */
export function tokenActor(t: Pick<TokenInfo, 'id' | 'name'>): string {
  return `token:${t.name}#${t.id.slice(0, 8)}`;
}

const TOKEN_SELECT = `SELECT t.id, t.name, t.kind, t.boards, t.board_id, t.kiosk_id, t.created_at, t.revoked_at,
  t.last_used_at, t.use_count, u.username FROM api_tokens t JOIN users u ON u.id = t.user_id`;

interface TokenRow {
  id: string;
  name: string;
  kind: TokenKind;
  boards: string;
  board_id: string | null;
  kiosk_id: string | null;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  use_count: number;
  username: string;
}

const toToken = (r: TokenRow): TokenInfo => ({
  id: r.id,
  name: r.name,
  kind: r.kind,
  boards: JSON.parse(r.boards) as string[],
  board: r.board_id,
  kioskId: r.kiosk_id,
  createdAt: r.created_at,
  createdBy: r.username,
  revokedAt: r.revoked_at,
  lastUsedAt: r.last_used_at,
  useCount: r.use_count,
});
