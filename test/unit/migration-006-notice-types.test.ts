import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { AuditLog } from '../../src-main/store/events.ts';
import { Store } from '../../src-main/store/store.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');
const before006 = PUBLISHER_MIGRATIONS.filter((m) => m.version < 6);

test('006 gives boards a country (CZ) and locale, seeds each board with the CZ types, and makes old notices "general"', () => {
  using dir = tempDir();
  const file = join(dir.path, 'deska.sqlite');
  const db = new Database(file);
  try {
    migrate(db, before006, () => NOW);
    db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
    db.prepare("INSERT INTO users (id, username, display_name, password_hash, role, created_at) VALUES ('u', 'jana', 'Jana', 'h', 'clerk', 'x')").run();
    db.prepare(
      `INSERT INTO notices (id, board_id, title, description, category, department, reference_number, file_mark, post_at, remove_at,
         published_at, withdrawn_at, withdraw_reason, created_by, created_at, updated_at, revision)
       VALUES ('n1', 'b', 'T', '', '', '', '', '', '2026-11-01T08:00:00.000Z', '2026-11-02T08:00:00.000Z', 'x', NULL, NULL, 'jana', 'x', 'x', 1)`,
    ).run();
    // The notice's last event was recorded before 006: its state has no type.
    const old = new AuditLog(db, join(dir.path, 'audit.head'));
    old.append({ at: NOW, actor: 'jana', action: 'created', noticeId: 'n1' });
    old.flush();

    assert.deepEqual(migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version <= 6), () => NOW), [6]);
    assert.deepEqual(db.prepare('SELECT country, locale FROM boards').get(), { country: 'CZ', locale: 'cs-CZ' });
    assert.deepEqual(db.prepare('SELECT type, event_date FROM notices').get(), { type: 'general', event_date: null });
    const types = db.prepare('SELECT id, rule, days, moves_to_working_day AS moves FROM notice_types WHERE board_id = ? ORDER BY position').all('b');
    assert.deepEqual(types, [
      { id: 'general', rule: 'none', days: 0, moves: 0 },
      { id: 'cz-verejna-vyhlaska', rule: 'after-posting', days: 15, moves: 1 },
      { id: 'cz-zamer-majetek', rule: 'before-event', days: 15, moves: 0 },
      { id: 'cz-zasedani-zastupitelstva', rule: 'before-event', days: 7, moves: 0 },
      { id: 'cz-vyhlaseni-ozv', rule: 'after-posting', days: 15, moves: 0 },
    ]);
    // The constraints hold: an unknown country, a before-event rule without its label.
    assert.throws(() => db.prepare("UPDATE boards SET country = 'DE'").run(), /CHECK/);
    assert.throws(() => db.prepare("UPDATE notice_types SET event_label = NULL WHERE id = 'cz-zamer-majetek'").run(), /CHECK/);
  } finally {
    db.close();
  }
  // The old recorded state (no type) matches the row's "general": audit verify finds nothing.
  const store = Store.open(dir.path, () => NOW);
  try {
    assert.deepEqual(verifyStore(store).problems, []);
    store.db.prepare("UPDATE notices SET type = 'cz-verejna-vyhlaska'").run();
    assert.match(verifyStore(store).problems.join('\n'), /typ oznámení.*změněno přímo v databázi/);
  } finally {
    store.close();
  }
});

test('a board created after 006 gets its own country\'s types: a Polish board has the obwieszczenie, not the Czech ones', () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => NOW);
  try {
    store.createBoard({ id: 'gmina', name: 'Urząd Gminy', ico: '00012345', timeZone: 'Europe/Warsaw', publicUrl: 'https://gmina.example/', country: 'PL' }, NOW);
    store.createBoard({ id: 'obec', name: 'Obec', ico: '00054321', timeZone: 'Europe/Prague', publicUrl: 'https://obec.example/' }, NOW);
    assert.deepEqual(store.noticeTypes.list('gmina').map((t) => t.id), ['general', 'pl-obwieszczenie']);
    assert.deepEqual(store.noticeTypes.calendar('gmina'), { country: 'PL', timeZone: 'Europe/Warsaw', locale: 'pl-PL' });
    assert.equal(store.noticeTypes.list('obec').length, 5);
    assert.equal(store.board('gmina')?.country, 'PL');
  } finally {
    store.close();
  }
});
