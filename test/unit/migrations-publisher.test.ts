import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate, openDb, type Db } from '../../src-main/store/db.ts';
import { m001Initial } from '../../src-main/store/migrations/001-initial.ts';
import { m002Publication } from '../../src-main/store/migrations/002-publication.ts';
import { PUBLISHER_MIGRATIONS, type Migration } from '../../src-main/store/migrations/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

function objects(db: Db, type: 'table' | 'trigger'): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name").all(type) as { name: string }[]).map(
    (r) => r.name,
  );
}

function recorded(db: Db): { version: number; name: string; applied_at: string }[] {
  return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; name: string; applied_at: string }[];
}

test('001 creates the core tables and the append-only triggers on events', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    assert.deepEqual(migrate(db, [m001Initial], () => NOW), [1]);
    assert.deepEqual(objects(db, 'table'), ['api_tokens', 'blobs', 'boards', 'events', 'notice_attachments', 'notices', 'schema_migrations', 'sessions', 'users']);
    assert.deepEqual(objects(db, 'trigger'), ['events_no_delete', 'events_no_update']);
    assert.deepEqual(recorded(db), [{ version: 1, name: 'initial', applied_at: '2026-11-21T08:00:00.000Z' }]);
    db.prepare("INSERT INTO events VALUES (1, 'x', 'a', 'created', NULL, '{}', 'p', 'h')").run();
    assert.throws(() => db.prepare("UPDATE events SET actor = 'b'").run(), /append-only/);
    assert.throws(() => db.prepare('DELETE FROM events').run(), /append-only/);
  } finally {
    db.close();
  }
});

test('002 adds snapshots, sightings and kiosks on top of 001', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, [m001Initial], () => NOW);
    const before = objects(db, 'table');
    assert.deepEqual(migrate(db, [m001Initial, m002Publication], () => NOW), [2]);
    const added = objects(db, 'table').filter((t) => !before.includes(t));
    assert.deepEqual(added, ['kiosks', 'sightings', 'snapshots']);
    assert.deepEqual(recorded(db).map((r) => [r.version, r.name]), [[1, 'initial'], [2, 'publication']]);
  } finally {
    db.close();
  }
});

test('opening the same file twice applies nothing the second time and keeps the data', () => {
  using dir = tempDir();
  const file = join(dir.path, 'deska.sqlite');
  const first = openDb(file, PUBLISHER_MIGRATIONS, () => NOW);
  first.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'http://x/', 'now')").run();
  first.close();
  const second = openDb(file, PUBLISHER_MIGRATIONS, () => NOW + 1000);
  try {
    assert.deepEqual(migrate(second, PUBLISHER_MIGRATIONS, () => NOW + 2000), []);
    assert.deepEqual(recorded(second).map((r) => r.applied_at), PUBLISHER_MIGRATIONS.map(() => '2026-11-21T08:00:00.000Z'));
    assert.equal((second.prepare('SELECT COUNT(*) AS c FROM boards').get() as { c: number }).c, 1);
  } finally {
    second.close();
  }
});

test('a duplicate version is refused before anything runs', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    let ran = false;
    const dup: Migration = { version: 1, name: 'again', up: () => void (ran = true) };
    assert.throws(() => migrate(db, [m001Initial, dup], () => NOW), /duplicate migration version 1 \(again\)/);
    assert.equal(ran, false);
    assert.deepEqual(objects(db, 'table').filter((t) => t === 'boards'), []);
  } finally {
    db.close();
  }
});

test('a failing migration rolls back its own changes and is not recorded; earlier ones stay', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    assert.throws(() => migrate(db, [m001Initial, m002Publication, broken], () => NOW), /no such table/);
    assert.equal(objects(db, 'table').includes('half_done'), false);
    assert.deepEqual(recorded(db).map((r) => r.version), [1, 2]);
    // Fixed and run again, it applies only the missing step.
    const fixed: Migration = { version: 3, name: 'fixed', up: (d) => d.exec('CREATE TABLE half_done (x INTEGER) STRICT') };
    assert.deepEqual(migrate(db, [m001Initial, m002Publication, fixed], () => NOW), [3]);
  } finally {
    db.close();
  }
});

test('003 gives tokens kinds and scopes: a token that named its kiosk becomes that kiosk\'s token of the only board; others stay admin; feeds start closed', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, [m001Initial, m002Publication], () => NOW);
    db.exec(`INSERT INTO boards VALUES ('demo', 'Deska', '00012345', 'Europe/Prague', 'http://x/', 'now');
      INSERT INTO users VALUES ('u1', 'admin', 'Správce', 'x', 'admin', 'now');
      INSERT INTO api_tokens VALUES ('t1', 'integrace', 'h1', 'u1', NULL, 'now', NULL);
      INSERT INTO api_tokens VALUES ('t2', 'vestibul', 'h2', 'u1', 'lobby', 'now', NULL);`);
    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version <= 3), () => NOW), [3]);
    assert.deepEqual(db.prepare('SELECT id, kind, boards, board_id, kiosk_id, use_count, last_used_at FROM api_tokens ORDER BY id').all(), [
      { id: 't1', kind: 'admin', boards: '[]', board_id: null, kiosk_id: null, use_count: 0, last_used_at: null },
      { id: 't2', kind: 'kiosk', boards: '[]', board_id: 'demo', kiosk_id: 'lobby', use_count: 0, last_used_at: null },
    ]);
    assert.equal(db.prepare('SELECT feed_public FROM boards').pluck().get(), 0);
    assert.throws(() => db.prepare("UPDATE api_tokens SET kind = 'root' WHERE id = 't1'").run(), /CHECK constraint/);
  } finally {
    db.close();
  }
});
