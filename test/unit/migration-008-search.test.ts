import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('008 indexes the notices already in the store and keeps the index in step with later writes', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    const before = PUBLISHER_MIGRATIONS.filter((m) => m.version < 8);
    migrate(db, before, () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
    db.prepare(`INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark,
      post_at, remove_at, published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision)
      VALUES ('n1', 'b', 'Žádost o dotaci', '', 'Dotace', '', 'OU/1/2026', '', NULL, NULL, NULL, NULL, NULL, 'jana', 'x', 'x', 1)`).run();

    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v <= 8), [8]);
    const find = (q: string): string[] =>
      db.prepare('SELECT d.notice_id FROM notice_search s JOIN search_docs d ON d.id = s.rowid WHERE notice_search MATCH ?').pluck().all(q) as string[];
    assert.deepEqual(find('zadost'), ['n1'], 'existing notices are indexed, diacritics folded');
    assert.deepEqual(find('"dot"*'), ['n1']);

    db.prepare("UPDATE notices SET title = 'Oznámení' WHERE id = 'n1'").run();
    assert.deepEqual(find('zadost'), []);
    db.prepare("UPDATE notices SET withdrawn_at = '2026-11-22T00:00:00.000Z' WHERE id = 'n1'").run();
    assert.equal(db.prepare("SELECT withdrawn_at FROM search_docs WHERE notice_id = 'n1'").pluck().get(), '2026-11-22T00:00:00.000Z');
    assert.deepEqual(db.prepare("SELECT name FROM pragma_table_info('attachment_texts')").pluck().all(),
      ['sha256', 'status', 'text', 'pages', 'truncated', 'text_sha256', 'text_size', 'error', 'extracted_at']);
  } finally {
    db.close();
  }
});
