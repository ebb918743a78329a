/**
 * Users and their rights (migration 011): creating users with a department and rights per board,
 * changing them, deactivating, a password reset by an admin (a one-time password the user must
 * change at the next sign-in) and a user's own password change; and a board's four-eyes setting.
 * Every change is appended to the audit log with its actor; passwords never are.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from './db.ts';
import type { AuditLog } from './events.ts';
import { DomainError } from './notices.ts';
import { checkPassword, hashPassword, rightsOf, userFromRow, type UserRow } from './users.ts';
import { sha256Hex } from '../publication/signing.ts';
import type { ApiUserDetail, BoardRole, UserPatch } from '../shared/users-api.ts';

export const BOARD_ROLES: readonly BoardRole[] = ['clerk', 'approver'];
export const MIN_PASSWORD = 10;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;
/** No 0/O, 1/l/I: a one-time password is read aloud or copied by hand. */
const OTP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

interface Row extends UserRow {
  created_at: string;
  password_changed_at: string | null;
}

/** "mxke-7fqa-ht3d": 12 random characters, about 59 bits. */
export function oneTimePassword(): string {
  const bytes = randomBytes(12);
  const chars = [...bytes].map((b) => OTP_ALPHABET[b % OTP_ALPHABET.length]!);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

/** A new password the user chose: long enough and not the user name; the message says what to do. */
export function checkNewPassword(password: string, username: string): void {
  if (password.length < MIN_PASSWORD) throw new DomainError('weak_password', `Nové heslo musí mít alespoň ${MIN_PASSWORD} znaků.`);
  if (password.length > 200) throw new DomainError('weak_password', 'Nové heslo může mít nejvýše 200 znaků.');
  if (password.toLowerCase().includes(username.toLowerCase())) throw new DomainError('weak_password', 'Nové heslo nesmí obsahovat uživatelské jméno.');
}

export class RightsRepo {
  private readonly db: Db;
  private readonly audit: AuditLog;

  constructor(db: Db, audit: AuditLog) {
    this.db = db;
    this.audit = audit;
  }

  private row(id: string): Row | null {
    return (this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined) ?? null;
  }

  private detail(r: Row): ApiUserDetail {
    return {
      ...userFromRow(this.db, r),
      active: r.active === 1,
      createdAt: r.created_at,
      passwordChangedAt: r.password_changed_at,
    };
  }

  /** Every user, by user name. */
  list(): ApiUserDetail[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as Row[]).map((r) => this.detail(r));
  }

  user(id: string): ApiUserDetail | null {
    const r = this.row(id);
    return r ? this.detail(r) : null;
  }

  requireUser(id: string): ApiUserDetail {
    const u = this.user(id);
    if (!u) throw new DomainError('not_found', 'Takový uživatel neexistuje.', 404);
    return u;
  }

  private checkRights(rights: Record<string, unknown>): Record<string, BoardRole | null> {
    const known = new Set((this.db.prepare('SELECT id FROM boards').pluck().all() as string[]));
    for (const [board, role] of Object.entries(rights)) {
      if (!known.has(board)) throw new DomainError('bad_rights', `Úřední deska „${board}“ neexistuje (existující: ${[...known].sort().join(', ')}).`);
      if (role !== null && !BOARD_ROLES.includes(role as BoardRole)) {
        throw new DomainError('bad_rights', `Neznámá role „${String(role)}“ na desce „${board}“. Povolené: „clerk“ (referent), „approver“ (schvalovatel), nebo null (bez přístupu).`);
      }
    }
    return rights as Record<string, BoardRole | null>;
  }

  /** A new user with a one-time password, which must be changed at the first sign-in. */
  create(spec: { username: string; displayName: string; department: string; admin: boolean; rights: Record<string, unknown> }, actor: string, now: number): { user: ApiUserDetail; oneTimePassword: string } {
    const username = spec.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw new DomainError('bad_username', 'Uživatelské jméno musí mít 2–63 znaků: malá písmena bez diakritiky, číslice, tečka, pomlčka nebo podtržítko (např. „jana.novakova“).');
    }
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) {
      throw new DomainError('username_taken', `Uživatel „${username}“ už existuje. Zvolte jiné uživatelské jméno.`, 409);
    }
    if (spec.displayName.trim() === '') throw new DomainError('name_required', 'Vyplňte jméno a příjmení uživatele.');
    const rights = this.checkRights(spec.rights);
    const password = oneTimePassword();
    const id = randomUUID();
    const iso = new Date(now).toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(`INSERT INTO users (id, username, display_name, password_hash, role, created_at, department, active, must_change_password)
                  VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)`)
        .run(id, username, spec.displayName.trim(), hashPassword(password), spec.admin ? 'admin' : 'clerk', iso, spec.department.trim());
      for (const [board, role] of Object.entries(rights)) {
        if (role !== null) this.db.prepare('INSERT INTO user_board_roles (user_id, board_id, role) VALUES (?, ?, ?)').run(id, board, role);
      }
      this.audit.append({
        at: now,
        actor,
        action: 'user-created',
        detail: { user: username, id, displayName: spec.displayName.trim(), department: spec.department.trim(), admin: spec.admin, rights: rightsOf(this.db, id) },
      });
    })();
    return { user: this.requireUser(id), oneTimePassword: password };
  }

  /** Name, department, admin or not, active or not. An admin cannot demote or deactivate themself, nor the last active admin. */
  update(id: string, patch: UserPatch, actor: { userId: string; actor: string }, now: number): ApiUserDetail {
    const before = this.requireUser(id);
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    const sets: string[] = [];
    const values: unknown[] = [];
    const set = (field: string, column: string, from: unknown, to: unknown, stored: unknown): void => {
      if (to === undefined || to === from) return;
      changed[field] = { from, to };
      sets.push(`${column} = ?`);
      values.push(stored);
    };
    if (patch.displayName !== undefined && patch.displayName.trim() === '') throw new DomainError('name_required', 'Vyplňte jméno a příjmení uživatele.');
    set('displayName', 'display_name', before.displayName, patch.displayName?.trim(), patch.displayName?.trim());
    set('department', 'department', before.department, patch.department?.trim(), patch.department?.trim());
    const isAdmin = before.role === 'admin';
    set('admin', 'role', isAdmin, patch.admin, patch.admin ? 'admin' : 'clerk');
    set('active', 'active', before.active, patch.active, patch.active ? 1 : 0);
    const losesAdmin = isAdmin && before.active && (patch.admin === false || patch.active === false);
    if (losesAdmin && id === actor.userId) {
      throw new DomainError('own_account', 'Sami sobě nemůžete odebrat roli správce ani deaktivovat vlastní účet. Požádejte jiného správce.', 409);
    }
    if (losesAdmin && (this.db.prepare("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1").pluck().get() as number) <= 1) {
      throw new DomainError('last_admin', 'Toto je poslední aktivní správce. Nejprve jmenujte správcem někoho jiného.', 409);
    }
    if (sets.length === 0) return before;
    this.db.transaction(() => {
      this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      // A deactivated user is signed out everywhere at once.
      if (patch.active === false) this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
      this.audit.append({ at: now, actor: actor.actor, action: 'user-updated', detail: { user: before.username, id, changed } });
    })();
    return this.requireUser(id);
  }

  /** Sets rights on the boards named (null removes the right); other boards stay as they are. */
  setRights(id: string, given: Record<string, unknown>, actor: string, now: number): ApiUserDetail {
    const before = this.requireUser(id);
    const rights = this.checkRights(given);
    const changed: Record<string, { from: BoardRole | null; to: BoardRole | null }> = {};
    for (const [board, role] of Object.entries(rights)) {
      const from = before.rights[board] ?? null;
      if (from !== role) changed[board] = { from, to: role };
    }
    if (Object.keys(changed).length === 0) return before;
    this.db.transaction(() => {
      for (const [board, { to }] of Object.entries(changed)) {
        if (to === null) this.db.prepare('DELETE FROM user_board_roles WHERE user_id = ? AND board_id = ?').run(id, board);
        else this.db.prepare('INSERT INTO user_board_roles (user_id, board_id, role) VALUES (?, ?, ?) ON CONFLICT (user_id, board_id) DO UPDATE SET role = excluded.role').run(id, board, to);
      }
      this.audit.append({ at: now, actor, action: 'user-rights-changed', detail: { user: before.username, id, changed } });
    })();
    return this.requireUser(id);
  }

  /** A one-time password the user must change at the next sign-in; their sessions end at once. */
  resetPassword(id: string, actor: string, now: number): { user: ApiUserDetail; oneTimePassword: string } {
    const u = this.requireUser(id);
    const password = oneTimePassword();
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 1 WHERE id = ?').run(hashPassword(password), id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
      this.audit.append({ at: now, actor, action: 'password-reset', detail: { user: u.username, id } });
    })();
    return { user: this.requireUser(id), oneTimePassword: password };
  }

  /** The user's own change: the current password must match; other sessions of the user end. */
  changePassword(id: string, current: string, next: string, keepSession: string | null, now: number): ApiUserDetail {
    const r = this.row(id);
    if (!r) throw new DomainError('not_found', 'Takový uživatel neexistuje.', 404);
    if (!checkPassword(current, r.password_hash)) throw new DomainError('bad_password', 'Současné heslo není správné. Zadejte ho znovu.', 403);
    checkNewPassword(next, r.username);
    if (next === current) throw new DomainError('weak_password', 'Nové heslo musí být jiné než současné.');
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, must_change_password = 0, password_changed_at = ? WHERE id = ?').run(hashPassword(next), new Date(now).toISOString(), id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ? AND token_hash IS NOT ?').run(id, keepSession === null ? null : sha256Hex(keepSession));
      this.audit.append({ at: now, actor: r.username, action: 'password-changed', detail: { user: r.username, id } });
    })();
    return this.requireUser(id);
  }

  /** Whether publishing on this board needs a second person's approval. */
  fourEyes(boardId: string): boolean {
    return this.db.prepare('SELECT four_eyes FROM boards WHERE id = ?').pluck().get(boardId) === 1;
  }

  setFourEyes(boardId: string, on: boolean, actor: string, now: number): void {
    if (this.fourEyes(boardId) === on) return;
    this.db.transaction(() => {
      this.db.prepare('UPDATE boards SET four_eyes = ? WHERE id = ?').run(on ? 1 : 0, boardId);
      this.audit.append({ at: now, actor, action: 'approval-settings-changed', detail: { board: boardId, fourEyes: on } });
    })();
  }
}
