import type { Migration } from './index.ts';
import type { Db } from '../db.ts';

/**
 * Search that stays fast with filters on (issue 7): rebuilds the full-text index of migration 008.
 *
 * - `notice_search` gains a `facets` column: tokens naming the notice's board, category, type,
 *   draft/withdrawn marks, the month and year it is posted (a draft: created) and, once published,
 *   the month and year it comes down (or "none": until withdrawn). A filter becomes part of the
 *   MATCH, so FTS5 intersects it with the words inside the index (a selective filter no longer
 *   visits every match of a common word). The tokens only narrow: search.ts still checks what they
 *   do not settle exactly on `search_docs`, so a month or a truncated name never adds a wrong
 *   result. Each token starts with U+E000 (private use), which no typed word contains, so a word
 *   never matches one; the column's bm25 weight is 0, so a filter never changes a score.
 * - Prefix indexes for 2 to 6 characters (008: 2 and 3): a typed word is a prefix ("zadost"*);
 *   without an index of its length FTS5 merges the doclists of every word it starts in memory.
 * - Indexes on `search_docs` for the bounds of open date ranges (earliest/latest posting, latest
 *   removal), looked up in O(log n).
 * Triggers as in 008, and the FTS row is re-indexed when a facet changes (publish, withdraw, new
 * dates, category, type): rare events, one row each.
 */
export const m015SearchFacets: Migration = {
  version: 15,
  name: 'search-facets',
  up(db) {
    db.exec(`
      ${TRIGGERS.map((t) => `DROP TRIGGER IF EXISTS ${t};`).join('\n')}
      DROP TABLE IF EXISTS notice_search;
      CREATE VIRTUAL TABLE notice_search USING fts5(
        title, description, reference_number, file_mark, department, attachments, facets,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6');
      CREATE INDEX IF NOT EXISTS search_docs_posting ON search_docs (COALESCE(post_at, created_at));
      CREATE INDEX IF NOT EXISTS search_docs_remove ON search_docs (remove_at);
      UPDATE search_docs SET type = n.type FROM notices n WHERE n.id = search_docs.notice_id AND search_docs.type IS NOT n.type;
    `);
    createSearchTriggers015(db);
    db.exec(`INSERT INTO notice_search (rowid, title, description, reference_number, file_mark, department, attachments, facets)
      SELECT d.id, n.title, n.description, n.reference_number, n.file_mark, n.department, ${attachmentText('n.id')}, ${facetsSql('n')}
      FROM notices n JOIN search_docs d ON d.notice_id = n.id ORDER BY d.id`);
    db.exec("INSERT INTO notice_search (notice_search) VALUES ('optimize')");
  },
};

const TRIGGERS = ['search_notice_insert', 'search_notice_update', 'search_notice_text', 'search_notice_delete', 'search_attachment_insert',
  'search_attachment_delete', 'search_text_insert', 'search_text_update'];

/** Every facet token starts with U+E000 (private use): a letter of no word a person can type (search/query.ts keeps letters, digits and marks only). */
const F = 'char(57344)';
/** First 24 bytes of a name as hex: a token of letters and digits whatever the name (search.ts `facetName`). */
const name = (tag: string, e: string): string => `${F} || '${tag}' || substr(lower(hex(${e})), 1, 48)`;
/** `yyyy` and `yyyymm` tokens of an ISO instant (search.ts `monthTokens`). */
const months = (tag: string, e: string): string => `${F} || '${tag}' || substr(${e}, 1, 4) || ' ' || ${F} || '${tag}' || substr(${e}, 1, 4) || substr(${e}, 6, 2)`;

/**
 * The facet tokens of a notice row `r` (an SQL expression). search.ts builds the same tokens for a
 * filter; they must agree (test/unit/search.test.ts and the migration test check that they do).
 */
export function facetsSql(r: string): string {
  return `${name('fb', `${r}.board_id`)} || ' ' || ${name('fc', `${r}.category`)} || ' ' || ${name('ft', `${r}.type`)}
    || ' ' || ${F} || CASE WHEN ${r}.published_at IS NULL OR ${r}.post_at IS NULL THEN 'fsdraft' ELSE 'fspub' END
    || CASE WHEN ${r}.withdrawn_at IS NOT NULL THEN ' ' || ${F} || 'fswd' ELSE '' END
    || ' ' || ${months('fp', `COALESCE(${r}.post_at, ${r}.created_at)`)}
    || CASE WHEN ${r}.published_at IS NULL OR ${r}.post_at IS NULL THEN ''
      WHEN ${r}.remove_at IS NULL THEN ' ' || ${F} || 'frnone' ELSE ' ' || ${months('fr', `${r}.remove_at`)} END`;
}

/** The attachment text of notice `id` (an SQL expression), attachments in their order. */
const attachmentText = (id: string): string => `COALESCE((SELECT group_concat(x.text, char(10) || char(10)) FROM (
    SELECT t.text FROM notice_attachments a JOIN attachment_texts t ON t.sha256 = a.sha256
    WHERE a.notice_id = ${id} AND t.text <> '' ORDER BY a.position) x), '')`;

/** Statements that re-index the notices chosen by `where` (over notices n). */
const reindex = (where: string): string => `
    DELETE FROM notice_search WHERE rowid IN (SELECT d.id FROM search_docs d JOIN notices n ON n.id = d.notice_id WHERE ${where});
    INSERT INTO notice_search (rowid, title, description, reference_number, file_mark, department, attachments, facets)
      SELECT d.id, n.title, n.description, n.reference_number, n.file_mark, n.department, ${attachmentText('n.id')}, ${facetsSql('n')}
      FROM notices n JOIN search_docs d ON d.notice_id = n.id WHERE ${where};`;

function createSearchTriggers015(db: Db): void {
  db.exec(`
    CREATE TRIGGER search_notice_insert AFTER INSERT ON notices BEGIN
      INSERT INTO search_docs (notice_id, board_id, category, type, published_at, post_at, remove_at, withdrawn_at, created_at)
        VALUES (NEW.id, NEW.board_id, NEW.category, NEW.type, NEW.published_at, NEW.post_at, NEW.remove_at, NEW.withdrawn_at, NEW.created_at)
        ON CONFLICT (notice_id) DO NOTHING;
      ${reindex('n.id = NEW.id')}
    END;
    -- Filters: the plain row follows every update.
    CREATE TRIGGER search_notice_update AFTER UPDATE ON notices BEGIN
      UPDATE search_docs SET board_id = NEW.board_id, category = NEW.category, type = NEW.type,
        published_at = NEW.published_at, post_at = NEW.post_at, remove_at = NEW.remove_at,
        withdrawn_at = NEW.withdrawn_at, created_at = NEW.created_at
      WHERE notice_id = NEW.id;
    END;
    -- The FTS row: only when an indexed field or a facet token changed (not on every edit's revision bump).
    CREATE TRIGGER search_notice_text AFTER UPDATE ON notices
    WHEN NEW.title IS NOT OLD.title OR NEW.description IS NOT OLD.description OR NEW.reference_number IS NOT OLD.reference_number
      OR NEW.file_mark IS NOT OLD.file_mark OR NEW.department IS NOT OLD.department OR (${facetsSql('NEW')}) IS NOT (${facetsSql('OLD')})
    BEGIN
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
