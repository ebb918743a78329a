import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { FACET, facetName, monthTokens } from '../../src-main/search/search.ts';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('015 rebuilds the search index with facet tokens and prefix indexes 2–6, and keeps the facets in step with later writes', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 15), () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('horni-lhota', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
    const insert = db.prepare(`INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark,
      post_at, remove_at, published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision)
      VALUES (?, 'horni-lhota', ?, '', ?, '', '', '', ?, ?, ?, NULL, NULL, 'jana', ?, 'x', 1)`);
    insert.run('draft', 'Žádost o dotaci', 'Dotace', null, null, null, '2026-10-05T10:00:00.000Z');
    insert.run('posted', 'Veřejná vyhláška', 'Územní plán', '2026-11-01T08:00:00.000Z', '2027-01-10T08:00:00.000Z', '2026-10-30T08:00:00.000Z', '2026-10-30T08:00:00.000Z');
    db.prepare("INSERT INTO blobs (sha256, size, media_type, created_at) VALUES ('a1', 10, 'application/pdf', 'x')").run();
    db.prepare("INSERT INTO notice_attachments (notice_id, sha256, name, position) VALUES ('posted', 'a1', 'p.pdf', 1)").run();
    db.prepare("INSERT INTO attachment_texts (sha256, status, text, extracted_at) VALUES ('a1', 'ok', 'Stavební povolení pro kanalizaci', 'x')").run();
    const before = db.prepare('SELECT COUNT(*) FROM notice_search').pluck().get();

    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v <= 15), [15]);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'notice_search'").pluck().get() as string;
    assert.match(sql, /facets/);
    assert.match(sql, /prefix = '2 3 4 5 6'/);
    assert.equal(db.prepare('SELECT COUNT(*) FROM notice_search').pluck().get(), before, 'every notice is indexed again');
    assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name LIKE 'search_docs_%' ORDER BY name").pluck().all(), ['search_docs_posting', 'search_docs_remove']);

    const find = (q: string): string[] =>
      db.prepare('SELECT d.notice_id FROM notice_search s JOIN search_docs d ON d.id = s.rowid WHERE notice_search MATCH ? ORDER BY d.notice_id').pluck().all(q) as string[];
    const facets = (id: string): string[] =>
      (db.prepare('SELECT s.facets FROM notice_search s JOIN search_docs d ON d.id = s.rowid WHERE d.notice_id = ?').pluck().get(id) as string).split(' ');
    // Text and attachment text from before, found again (diacritics folded, a 5-letter prefix).
    assert.deepEqual(find('zadost'), ['draft']);
    assert.deepEqual(find('"kanal"*'), ['posted']);
    // The facet tokens are the ones search.ts builds for a filter.
    const f = (...t: string[]): string[] => t.map((x) => FACET + x);
    assert.deepEqual(facets('draft'), [facetName('fb', 'horni-lhota'), facetName('fc', 'Dotace'), facetName('ft', 'general'), ...f('fsdraft', 'fp2026', 'fp202610')], 'a draft is never on the board: no removal token');
    assert.deepEqual(facets('posted'), [facetName('fb', 'horni-lhota'), facetName('fc', 'Územní plán'), facetName('ft', 'general'), ...f('fspub', 'fp2026', 'fp202611', 'fr2027', 'fr202701')]);
    assert.deepEqual(find(`"${facetName('fc', 'Územní plán')}"`), ['posted']);
    assert.deepEqual(find(`"${FACET}fsdraft" AND dotaci`), ['draft']);
    assert.deepEqual(find('"fsdraft"* OR "fc"* OR "fp2026"'), [], 'facet tokens are not words');
    assert.deepEqual(monthTokens('fp', 2026 * 12 + 9, 2027 * 12 + 11), f('fp202610', 'fp202611', 'fp202612', 'fp2027'));

    // Publishing, withdrawing, a new category: the facets follow; an edit that touches none of them leaves the row alone.
    db.prepare("UPDATE notices SET published_at = 'x', post_at = '2026-12-03T08:00:00.000Z', remove_at = '2026-12-20T08:00:00.000Z' WHERE id = 'draft'").run();
    assert.deepEqual(facets('draft').slice(3), f('fspub', 'fp2026', 'fp202612', 'fr2026', 'fr202612'));
    db.prepare("UPDATE notices SET withdrawn_at = '2026-11-25T08:00:00.000Z', category = 'Oznámení' WHERE id = 'posted'").run();
    assert.ok(facets('posted').includes(`${FACET}fswd`));
    assert.ok(facets('posted').includes(facetName('fc', 'Oznámení')));
    assert.deepEqual(find(`"${facetName('fc', 'Územní plán')}"`), []);
    const rowid = db.prepare("SELECT id FROM search_docs WHERE notice_id = 'posted'").pluck().get();
    const segmentsBefore = db.prepare('SELECT COUNT(*) FROM notice_search_data').pluck().get();
    db.prepare("UPDATE notices SET revision = revision + 1, updated_at = 'y' WHERE id = 'posted'").run();
    assert.equal(db.prepare('SELECT COUNT(*) FROM notice_search_data').pluck().get(), segmentsBefore, 'a revision bump does not touch the index');
    assert.equal(db.prepare("SELECT id FROM search_docs WHERE notice_id = 'posted'").pluck().get(), rowid);
    // Text extracted later and deletions, as in 008.
    db.prepare("UPDATE attachment_texts SET text = 'Hasičská zbrojnice' WHERE sha256 = 'a1'").run();
    assert.deepEqual(find('hasicska'), ['posted']);
    assert.deepEqual(find('kanalizaci'), []);
    db.prepare("DELETE FROM notice_attachments WHERE notice_id = 'posted'").run();
    db.prepare("DELETE FROM notices WHERE id = 'posted'").run();
    assert.deepEqual(find('hasicska'), []);
    assert.equal(db.prepare('SELECT COUNT(*) FROM search_docs').pluck().get(), 1);
    assert.doesNotThrow(() => db.prepare("INSERT INTO notice_search (notice_search, rank) VALUES ('integrity-check', 1)").run(), 'the index agrees with its content');
  } finally {
    db.close();
  }
});
