import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');

test('012 adds notice_revisions on a store from the previous version: one row per revision, never changed or deleted', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 12), () => NOW);
    assert.equal(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'notice_revisions'").pluck().get(), 0);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v === 12), [12]);
    const cols = (db.prepare("SELECT name FROM pragma_table_info('notice_revisions')").all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(cols, ['notice_id', 'revision', 'at', 'actor', 'reason', 'restarts_period', 'period_start_at', 'lawful_remove_at', 'content', 'content_sha256', 'changes']);
    const ins = db.prepare("INSERT INTO notice_revisions VALUES ('n1', 1, 'a', 'jana', '', 0, 'a', NULL, '{}', 'h', '[]')");
    ins.run();
    assert.throws(() => ins.run(), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => db.prepare("INSERT INTO notice_revisions VALUES ('n1', 0, 'a', 'jana', '', 0, 'a', NULL, '{}', 'h', '[]')").run(), /CHECK/);
    assert.throws(() => db.prepare("UPDATE notice_revisions SET reason = 'x'").run(), /immutable/);
    assert.throws(() => db.prepare('DELETE FROM notice_revisions').run(), /immutable/);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW), [], 'applied once');
  } finally {
    db.close();
  }
});
