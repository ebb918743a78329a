import type { Db } from '../db.ts';
import type { Migration } from './index.ts';

/**
 * Full-text search (src-main/search/):
 * - `attachment_texts`: the text of an attachment, extracted once per SHA-256 (status 'ok' or
 *   'unavailable' with the reason); `text_sha256`/`text_size` name the same text stored as a
 *   UTF-8 file in the blob store, which the signed feed carries to kiosks.
 * - `search_docs`: one row per notice with the columns search filters on (board, category, type,
 *   the instants its state derives from). Its INTEGER PRIMARY KEY is the FTS rowid, stable across
 *   VACUUM (the notices' implicit rowid is not).
 * - `notice_search`: FTS5 over title, description, číslo jednací, spisová značka, issuer and the
 *   text of every attachment; diacritics folded ("zadost" finds "Žádost"), prefix indexes for
 *   2 and 3 characters.
 * Triggers keep both in sync with notices, their attachments and extracted texts, whoever writes
 * them (API, inbox, corrections, withdrawals).
 */
export const m008Search: Migration = {
  version: 8,
  name: 'search',
  up(db) {
    db.exec(`
      CREATE TABLE attachment_texts (
        sha256 TEXT PRIMARY KEY REFERENCES blobs(sha256),
        status TEXT NOT NULL CHECK (status IN ('ok', 'unavailable')),
        text TEXT NOT NULL DEFAULT '', pages INTEGER, truncated INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
        text_sha256 TEXT, text_size INTEGER, error TEXT, extracted_at TEXT NOT NULL) STRICT;

      CREATE TABLE search_docs (
        id INTEGER PRIMARY KEY, notice_id TEXT NOT NULL UNIQUE, board_id TEXT NOT NULL,
        category TEXT NOT NULL, type TEXT, published_at TEXT, post_at TEXT, remove_at TEXT,
        withdrawn_at TEXT, created_at TEXT NOT NULL) STRICT;

      CREATE INDEX notice_attachments_sha ON notice_attachments (sha256);

      CREATE VIRTUAL TABLE notice_search USING fts5(
        title, description, reference_number, file_mark, department, attachments,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
    `);
    createSearchTriggers(db);
    db.exec(`INSERT INTO search_docs (notice_id, board_id, category, type, published_at, post_at, remove_at, withdrawn_at, created_at)
      SELECT id, board_id, category, ${hasTypeColumn(db) ? 'type' : 'NULL'}, published_at, post_at, remove_at, withdrawn_at, created_at FROM notices`);
    db.exec(`INSERT INTO notice_search (rowid, title, description, reference_number, file_mark, department, attachments)
      SELECT d.id, n.title, n.description, n.reference_number, n.file_mark, n.department, '' FROM notices n JOIN search_docs d ON d.notice_id = n.id`);
  },
};

/** True when notices have the `type` column (migration 006, written in parallel). */
export function hasTypeColumn(db: Db): boolean {
  return db.prepare("SELECT 1 FROM pragma_table_info('notices') WHERE name = 'type'").get() !== undefined;
}

/** The attachment text of notice `id` (an SQL expression), attachments in their order. */
const attachmentText = (id: string): string => `COALESCE((SELECT group_concat(x.text, char(10) || char(10)) FROM (
    SELECT t.text FROM notice_attachments a JOIN attachment_texts t ON t.sha256 = a.sha256
    WHERE a.notice_id = ${id} AND t.text <> '' ORDER BY a.position) x), '')`;

/** Statements that re-index the notices chosen by `where` (over notices n). */
const reindex = (where: string): string => `
    DELETE FROM notice_search WHERE rowid IN (SELECT d.id FROM search_docs d JOIN notices n ON n.id = d.notice_id WHERE ${where});
    INSERT INTO notice_search (rowid, title, description, reference_number, file_mark, department, attachments)
      SELECT d.id, n.title, n.description, n.reference_number, n.file_mark, n.department, ${attachmentText('n.id')}
      FROM notices n JOIN search_docs d ON d.notice_id = n.id WHERE ${where};`;

/**
 * (Re)creates the triggers. Called by the migration and again by the search module when the
 * notices table gained its `type` column after this migration ran (the filter then sees it).
 */
export function createSearchTriggers(db: Db): void {
  const type = hasTypeColumn(db) ? 'NEW.type' : 'NULL';
  db.exec(`
    DROP TRIGGER IF EXISTS search_notice_insert;
    DROP TRIGGER IF EXISTS search_notice_update;
    DROP TRIGGER IF EXISTS search_notice_text;
    DROP TRIGGER IF EXISTS search_notice_delete;
    DROP TRIGGER IF EXISTS search_attachment_insert;
    DROP TRIGGER IF EXISTS search_attachment_delete;
    DROP TRIGGER IF EXISTS search_text_insert;
    DROP TRIGGER IF EXISTS search_text_update;

    CREATE TRIGGER search_notice_insert AFTER INSERT ON notices BEGIN
      INSERT INTO search_docs (notice_id, board_id, category, type, published_at, post_at, remove_at, withdrawn_at, created_at)
        VALUES (NEW.id, NEW.board_id, NEW.category, ${type}, NEW.published_at, NEW.post_at, NEW.remove_at, NEW.withdrawn_at, NEW.created_at)
        ON CONFLICT (notice_id) DO NOTHING;
      ${reindex('n.id = NEW.id')}
    END;
    -- Filters: every update (publish, withdraw, new dates) is cheap, it touches one plain row.
    CREATE TRIGGER search_notice_update AFTER UPDATE ON notices BEGIN
      UPDATE search_docs SET board_id = NEW.board_id, category = NEW.category, type = ${type},
        published_at = NEW.published_at, post_at = NEW.post_at, remove_at = NEW.remove_at,
        withdrawn_at = NEW.withdrawn_at, created_at = NEW.created_at
      WHERE notice_id = NEW.id;
    END;
    -- Text: re-indexed only when an indexed field changed.
    CREATE TRIGGER search_notice_text AFTER UPDATE OF title, description, reference_number, file_mark, department ON notices BEGIN
      ${reindex('n.id = NEW.id')}
    END;
    CREATE TRIGGER search_notice_delete AFTER DELETE ON notices BEGIN
      DELETE FROM notice_search WHERE rowid = (SELECT id FROM search_docs WHERE notice_id = OLD.id);
      DELETE FROM search_docs WHERE notice_id = OLD.id;
    END;
    CREATE TRIGGER search_attachment_insert AFTER INSERT ON notice_attachments BEGIN
      ${reindex('n.id = NEW.notice_id')}
    END;
    CREATE TRIGGER search_attachment_delete AFTER DELETE ON notice_attachments BEGIN
      ${reindex('n.id = OLD.notice_id')}
    END;
    CREATE TRIGGER search_text_insert AFTER INSERT ON attachment_texts BEGIN
      ${reindex('n.id IN (SELECT notice_id FROM notice_attachments WHERE sha256 = NEW.sha256)')}
    END;
    CREATE TRIGGER search_text_update AFTER UPDATE OF text ON attachment_texts BEGIN
      ${reindex('n.id IN (SELECT notice_id FROM notice_attachments WHERE sha256 = NEW.sha256)')}
    END;
  `);
}
