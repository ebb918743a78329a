import type { Migration } from './index.ts';

/**
 * Roles and approval. `users.role` stays the global kind ('admin' or an ordinary user, stored as
 * 'clerk'); what an ordinary user may do on a board is its row in `user_board_roles`: 'clerk'
 * (drafts for their department, submits for approval) or 'approver' (publishes, approves,
 * withdraws). Admins may do everything on every board. Users get a department, can be
 * deactivated and can be made to change their password at the next sign-in.
 *
 * Nothing that worked before stops working: every existing ordinary user becomes an approver on
 * every existing board (before roles, a clerk could publish anywhere).
 *
 * A board may require a second person (`four_eyes`); `notice_approvals` holds each notice's
 * approval: awaiting (submitted), approved (by someone other than the author) or returned
 * (with a reason).
 */
export const m011Roles: Migration = {
  version: 11,
  name: 'roles',
  up(db) {
    db.exec(`
      ALTER TABLE users ADD COLUMN department TEXT NOT NULL DEFAULT '';
      ALTER TABLE users ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
      ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN password_changed_at TEXT;
      ALTER TABLE boards ADD COLUMN four_eyes INTEGER NOT NULL DEFAULT 0;

      CREATE TABLE user_board_roles (
        user_id TEXT NOT NULL REFERENCES users(id), board_id TEXT NOT NULL REFERENCES boards(id),
        role TEXT NOT NULL CHECK (role IN ('clerk', 'approver')),
        PRIMARY KEY (user_id, board_id)) STRICT;
      CREATE INDEX user_board_roles_board ON user_board_roles (board_id);

      CREATE TABLE notice_approvals (
        notice_id TEXT PRIMARY KEY REFERENCES notices(id),
        status TEXT NOT NULL CHECK (status IN ('awaiting', 'approved', 'returned')),
        author TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at TEXT NOT NULL,
        decided_by TEXT, decided_at TEXT, reason TEXT) STRICT;

      INSERT INTO user_board_roles (user_id, board_id, role)
        SELECT u.id, b.id, 'approver' FROM users u CROSS JOIN boards b WHERE u.role = 'clerk';
    `);
  },
};
