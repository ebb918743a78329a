import type { Migration } from './index.ts';

/**
 * The document-management inbox (src-main/inbox/): one row per document imported from a
 * sending system, keyed per board by that system's document id or číslo jednací. The UNIQUE
 * key makes an import idempotent: the same package twice (dropped twice, pushed twice, or
 * resumed after a crash) can never make a second notice. `claim` names the claimed package
 * (folder import) or the HTTP request, so a resumed import tells itself from a duplicate.
 */
export const m007Inbox: Migration = {
  version: 7,
  name: 'inbox',
  up(db) {
    db.exec(`
      CREATE TABLE inbox_items (
        board_id TEXT NOT NULL REFERENCES boards(id),
        system TEXT NOT NULL,
        external_key TEXT NOT NULL,
        notice_id TEXT NOT NULL REFERENCES notices(id),
        document_id TEXT,
        reference_number TEXT,
        notice_type TEXT,
        package_sha256 TEXT NOT NULL,
        claim TEXT NOT NULL,
        via TEXT NOT NULL CHECK (via IN ('folder', 'http')),
        imported_at TEXT NOT NULL,
        PRIMARY KEY (board_id, system, external_key)) STRICT;
      CREATE INDEX inbox_items_notice ON inbox_items (notice_id);
    `);
  },
};
