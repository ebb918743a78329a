import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { m007Inbox } from '../../src-main/store/migrations/007-inbox.ts';
import { InboxItems, type InboxItem } from '../../src-main/inbox/items.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('007 adds inbox_items with one row per board, system and external key', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    const before = PUBLISHER_MIGRATIONS.filter((m) => m.version < 7);
    migrate(db, before, () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('a', 'A', '00012345', 'Europe/Prague', 'https://a.example/', 'x')").run();
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
    for (const [id, board] of [['n1', 'a'], ['n2', 'b'], ['n3', 'a']]) {
      db.prepare(`INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark,
        post_at, remove_at, published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision)
        VALUES (?, ?, 'T', '', '', '', '', '', NULL, NULL, NULL, NULL, NULL, 'x', 'x', 'x', 1)`).run(id, board);
    }
    assert.deepEqual(migrate(db, [...before, m007Inbox], () => NOW), [7]);
    const items = new InboxItems(db);
    const item = (boardId: string, noticeId: string, system = 'ginis'): InboxItem => ({
      boardId, system, externalKey: 'id:DOC-1', noticeId, documentId: 'DOC-1', referenceNumber: null, noticeType: null,
      packageSha256: 'f'.repeat(64), claim: 'pkg', via: 'folder', importedAt: new Date(NOW).toISOString(),
    });
    items.insert(item('a', 'n1'));
    items.insert(item('b', 'n2'));
    items.insert(item('a', 'n3', 'other-system'));
    assert.throws(() => items.insert(item('a', 'n3')), /UNIQUE/);
    assert.equal(items.find('a', 'ginis', 'id:DOC-1')?.noticeId, 'n1');
    assert.equal(items.count('a'), 2);
    assert.throws(() => items.insert({ ...item('a', 'nope'), externalKey: 'id:X' }), /FOREIGN KEY/);
    assert.equal(items.noticesHaveType(), true, 'migration 006 (before 007) gives notices their type');
  } finally {
    db.close();
  }
});
