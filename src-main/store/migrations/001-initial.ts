import type { Migration } from './index.ts';

/** Boards, people, tokens, content-addressed files, notices and the append-only audit log. */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE boards (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, ico TEXT NOT NULL, time_zone TEXT NOT NULL,
        public_url TEXT NOT NULL, created_at TEXT NOT NULL) STRICT;

      CREATE TABLE users (
        id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL,
        password_hash TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('admin', 'clerk')),
        created_at TEXT NOT NULL) STRICT;

      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL, expires_at TEXT NOT NULL) STRICT;

      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL REFERENCES users(id), kiosk_id TEXT,
        created_at TEXT NOT NULL, revoked_at TEXT) STRICT;

      CREATE TABLE blobs (
        sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, media_type TEXT NOT NULL,
        created_at TEXT NOT NULL) STRICT;

      CREATE TABLE notices (
        id TEXT PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id),
        title TEXT NOT NULL, description TEXT NOT NULL, category TEXT NOT NULL,
        department TEXT NOT NULL, reference_number TEXT NOT NULL, file_mark TEXT NOT NULL,
        post_at TEXT, remove_at TEXT, published_at TEXT, withdrawn_at TEXT, withdraw_reason TEXT,
        created_by TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        revision INTEGER NOT NULL) STRICT;
      CREATE INDEX notices_board ON notices (board_id, post_at);

      CREATE TABLE notice_attachments (
        notice_id TEXT NOT NULL REFERENCES notices(id), sha256 TEXT NOT NULL REFERENCES blobs(sha256),
        name TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (notice_id, sha256)) STRICT;

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
        notice_id TEXT, detail TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT;
      CREATE INDEX events_notice ON events (notice_id);
      -- Append-only: the application never changes or deletes an event. (Someone with the file
      -- can drop these triggers; the hash chain is what proves tampering then.)
      CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
      CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
    `);
  },
};
