import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { Store } from '../../src-main/store/store.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('009 gives evidence written before it a baseline: noted as unanchored, not tampering; a later edit of it is a problem', () => {
  using dir = tempDir();
  const file = join(dir.path, 'deska.sqlite');
  const db = new Database(file);
  migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 9), () => NOW);
  db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
  db.exec('PRAGMA foreign_keys = OFF');
  db.prepare("INSERT INTO sightings VALUES ('n1', 'kiosk:old', '2026-11-01T08:00:00.000Z', '2026-11-02T08:00:00.000Z', NULL)").run();
  db.prepare("INSERT INTO outages VALUES ('kiosk:old', '2026-11-01T09:00:00.000Z', NULL, 'screen-off', '2026-11-01T09:00:00.000Z')").run();
  db.close();

  const store = Store.open(dir.path, () => NOW);
  try {
    const heads = store.db.prepare('SELECT channel, rows, seq FROM evidence_heads').all();
    assert.deepEqual(heads, [{ channel: 'kiosk:old', rows: 2, seq: 0 }]);
    const v = verifyStore(store);
    assert.deepEqual(v.problems, []);
    assert.match(v.notes.join('\n'), /důkazy o zobrazení 1 kanálů vznikly ve starší verzi/);

    // A report through the application continues from the baseline: still intact.
    store.transaction(() => store.evidence.recordOutage({ channel: 'kiosk:old', from: '2026-11-01T09:00:00.000Z', to: '2026-11-01T10:00:00.000Z', reason: 'screen-off' }, '2026-11-03T08:00:00.000Z'));
    assert.deepEqual(verifyStore(store).problems, []);
    store.db.prepare("UPDATE sightings SET gone_at = '2026-11-02T09:00:00.000Z'").run();
    assert.match(verifyStore(store).problems.join('\n'), /„kiosk:old“.*záznam byl změněn/);
  } finally {
    store.close();
  }
});
