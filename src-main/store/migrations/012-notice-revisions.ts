import type { Migration } from './index.ts';

/**
 * Corrections of posted notices: one immutable row per revision (1 = as first posted), with the
 * full content (attachments by SHA-256) and its hash, who and when, why, and whether the lawful
 * period restarted. Rows are never changed or deleted (triggers, like the audit log); each row is
 * also recorded in full by a 'corrected' audit event, so `deska audit verify` detects an edit.
 */
export const m012NoticeRevisions: Migration = {
  version: 12,
  name: 'notice-revisions',
  up(db) {
    db.exec(`
      CREATE TABLE notice_revisions (
        notice_id TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL,
        restarts_period INTEGER NOT NULL CHECK (restarts_period IN (0, 1)),
        period_start_at TEXT NOT NULL,
        lawful_remove_at TEXT,
        content TEXT NOT NULL,
        content_sha256 TEXT NOT NULL,
        changes TEXT NOT NULL,
        PRIMARY KEY (notice_id, revision)) STRICT;
      CREATE TRIGGER notice_revisions_no_update BEFORE UPDATE ON notice_revisions BEGIN SELECT RAISE(ABORT, 'notice revisions are immutable'); END;
      CREATE TRIGGER notice_revisions_no_delete BEFORE DELETE ON notice_revisions BEGIN SELECT RAISE(ABORT, 'notice revisions are immutable'); END;
    `);
  },
};
