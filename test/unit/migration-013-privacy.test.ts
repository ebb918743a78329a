import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');

test('013 adds the personal-data flag (0 for existing notices), redacted copies and board_privacy, once', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 13), () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '12345678', 'Europe/Prague', 'https://x/', 'x')").run();
    db.prepare("INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES ('u', 'u', 'U', 'h', 'admin', 'x')").run();
    db.prepare(`INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark, created_by, created_at, updated_at, revision)
      VALUES ('n', 'b', 'T', '', '', '', '', '', 'u', 'x', 'x', 1)`).run();
    db.prepare("INSERT INTO blobs (sha256, size, media_type, created_at) VALUES (?, 1, 'application/pdf', 'x')").run('a'.repeat(64));
    db.prepare("INSERT INTO notice_attachments (notice_id, sha256, name, position) VALUES ('n', ?, 'a.pdf', 1)").run('a'.repeat(64));

    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW).filter((v) => v === 13), [13]);
    assert.equal(db.prepare("SELECT personal_data FROM notices WHERE id = 'n'").pluck().get(), 0);
    assert.throws(() => db.prepare("UPDATE notices SET personal_data = 2 WHERE id = 'n'").run(), /CHECK/);
    assert.deepEqual(db.prepare('SELECT redacted_sha256, redacted_name FROM notice_attachments').get(), { redacted_sha256: null, redacted_name: null });
    db.prepare("INSERT INTO board_privacy VALUES ('b', 30, 'x')").run();
    assert.throws(() => db.prepare("INSERT INTO board_privacy VALUES ('b', 7, 'x')").run(), /UNIQUE|PRIMARY KEY/);
    assert.throws(() => db.prepare("UPDATE board_privacy SET retention_days = -1").run(), /CHECK/);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS, () => NOW), [], 'applied once');
  } finally {
    db.close();
  }
});
