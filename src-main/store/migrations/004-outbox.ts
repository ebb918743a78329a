import type { Migration } from './index.ts';

/**
 * Durable publication: the outbox of publish jobs (written in the same transaction as the change
 * that needs publishing) and each board's and channel's delivery state and health.
 */
export const m004Outbox: Migration = {
  version: 4,
  name: 'outbox',
  up(db) {
    db.exec(`
      CREATE TABLE publish_jobs (
        id INTEGER PRIMARY KEY, board_id TEXT NOT NULL REFERENCES boards(id),
        reason TEXT NOT NULL, force INTEGER NOT NULL CHECK (force IN (0, 1)),
        created_at TEXT NOT NULL) STRICT;
      CREATE INDEX publish_jobs_board ON publish_jobs (board_id, id);

      -- One row per board and channel ('snapshot' is the board's own signing step). delivered_seq:
      -- the newest snapshot the channel has made public; shown: notice ids it showed then (JSON).
      CREATE TABLE channel_status (
        board_id TEXT NOT NULL REFERENCES boards(id), channel TEXT NOT NULL, place TEXT NOT NULL,
        delivered_seq INTEGER NOT NULL DEFAULT 0, shown TEXT NOT NULL DEFAULT '[]',
        last_success_at TEXT, last_failure_at TEXT, last_error TEXT, failing_since TEXT,
        attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at TEXT,
        PRIMARY KEY (board_id, channel)) STRICT;
    `);
  },
};
