import type { Migration } from './index.ts';

/** Signed snapshots, per-channel evidence of what was shown, and kiosk status. */
export const m002Publication: Migration = {
  version: 2,
  name: 'publication',
  up(db) {
    db.exec(`
      CREATE TABLE snapshots (
        board_id TEXT NOT NULL REFERENCES boards(id), seq INTEGER NOT NULL, created_at TEXT NOT NULL,
        manifest BLOB NOT NULL, signature TEXT NOT NULL, sha256 TEXT NOT NULL,
        PRIMARY KEY (board_id, seq)) STRICT;

      CREATE TABLE sightings (
        notice_id TEXT NOT NULL REFERENCES notices(id), channel TEXT NOT NULL,
        first_shown_at TEXT NOT NULL, last_shown_at TEXT NOT NULL, gone_at TEXT,
        PRIMARY KEY (notice_id, channel)) STRICT;

      CREATE TABLE kiosks (
        id TEXT PRIMARY KEY, board_id TEXT NOT NULL, applied_seq INTEGER, applied_at TEXT,
        last_report_at TEXT NOT NULL, last_error TEXT) STRICT;
    `);
  },
};
