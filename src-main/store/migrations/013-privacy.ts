import type { Migration } from './index.ts';

/**
 * Personal data (src-main/privacy/):
 * - `notices.personal_data`: the notice contains personal data (its mirror page is noindex, and
 *   after removal its files are purged once the board's retention has passed);
 * - `notice_attachments.redacted_sha256` / `redacted_name`: the redacted public copy of an
 *   attachment (web mirror, OFN, public feed); the full document goes only to kiosks;
 * - `board_privacy`: per board, how many days the files of a removed notice with personal data
 *   are kept before the purge deletes them.
 * Which files were purged is not a table: the audit log's `attachments-purged` events say it, so
 * a row inserted by hand cannot hide a deleted file from `deska audit verify`.
 */
export const m013Privacy: Migration = {
  version: 13,
  name: 'privacy',
  up(db) {
    db.exec(`
      ALTER TABLE notices ADD COLUMN personal_data INTEGER NOT NULL DEFAULT 0 CHECK (personal_data IN (0, 1));
      ALTER TABLE notice_attachments ADD COLUMN redacted_sha256 TEXT REFERENCES blobs(sha256);
      ALTER TABLE notice_attachments ADD COLUMN redacted_name TEXT;
      CREATE INDEX notice_attachments_redacted ON notice_attachments (redacted_sha256) WHERE redacted_sha256 IS NOT NULL;
      CREATE TABLE board_privacy (
        board_id TEXT PRIMARY KEY REFERENCES boards(id),
        retention_days INTEGER NOT NULL CHECK (retention_days BETWEEN 0 AND 3650),
        updated_at TEXT NOT NULL) STRICT;
    `);
  },
};
