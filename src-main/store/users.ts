/** Clerks (scrypt-hashed passwords), their sessions, and API tokens for integrations and kiosks. */
import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../publication/signing.ts';
import type { Db } from './db.ts';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'clerk';
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

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: 'admin' | 'clerk';
  password_hash: string;
}

const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role });

export class UserRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  create(username: string, displayName: string, password: string, role: User['role'], now: number): User {
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, username, displayName, hashPassword(password), role, new Date(now).toISOString());
    return { id, username, displayName, role };
  }

  get(id: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  /** The user if the password matches; the same null for an unknown name and a wrong password. */
  authenticate(username: string, password: string): User | null {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    if (!r) {
      checkPassword(password, hashPassword('timing-equaliser'));
      return null;
    }
    return checkPassword(password, r.password_hash) ? toUser(r) : null;
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
      .prepare('SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND s.expires_at > ?')
      .get(tokenHash(token), new Date(now).toISOString()) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  endSession(token: string): void {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash(token));
  }

  /** A new API token; the secret is returned once and only its hash is kept. */
  createToken(name: string, userId: string, now: number, kioskId: string | null = null): { id: string; token: string } {
    const id = randomUUID();
    const token = `deska_${randomBytes(24).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO api_tokens (id, name, token_hash, user_id, kiosk_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, name, tokenHash(token), userId, kioskId, new Date(now).toISOString());
    return { id, token };
  }

  userForToken(token: string): (User & { tokenName: string; kioskId: string | null }) | null {
    const r = this.db
      .prepare(
        `SELECT u.*, t.name AS token_name, t.kiosk_id FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      )
      .get(tokenHash(token)) as (UserRow & { token_name: string; kiosk_id: string | null }) | undefined;
    return r ? { ...toUser(r), tokenName: r.token_name, kioskId: r.kiosk_id } : null;
  }
}
