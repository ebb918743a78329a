import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-22T08:00:00.000Z');

test('011: an existing admin stays admin, an existing clerk becomes an approver on every board; four eyes off', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 11), () => NOW);
    const board = db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES (?, ?, '00000001', 'Europe/Prague', 'https://x.example/', 'x')");
    board.run('demo', 'Demo');
    board.run('lhota', 'Lhota');
    const user = db.prepare("INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES (?, ?, ?, 'h', ?, 'x')");
    user.run('u1', 'admin', 'Správce', 'admin');
    user.run('u2', 'novakova', 'Jana Nováková', 'clerk');
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version <= 11), () => NOW), [11]);
    assert.deepEqual(db.prepare('SELECT user_id, board_id, role FROM user_board_roles ORDER BY user_id, board_id').all(), [
      { user_id: 'u2', board_id: 'demo', role: 'approver' },
      { user_id: 'u2', board_id: 'lhota', role: 'approver' },
    ]);
    assert.deepEqual(db.prepare('SELECT username, role, department, active, must_change_password FROM users ORDER BY username').all(), [
      { username: 'admin', role: 'admin', department: '', active: 1, must_change_password: 0 },
      { username: 'novakova', role: 'clerk', department: '', active: 1, must_change_password: 0 },
    ]);
    assert.deepEqual(db.prepare('SELECT four_eyes FROM boards').pluck().all(), [0, 0]);
    assert.throws(() => db.prepare("INSERT INTO user_board_roles VALUES ('u1', 'demo', 'boss')").run(), /CHECK/);
    assert.throws(() => db.prepare("INSERT INTO notice_approvals (notice_id, status, author, submitted_by, submitted_at) VALUES ('n', 'maybe', 'a', 'a', 'x')").run(), /CHECK/);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version <= 11), () => NOW), [], 'applied once');
  } finally {
    db.close();
  }
});
