import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { PUBLISHER_MIGRATIONS } from '../../src-main/store/migrations/index.ts';
import { Store } from '../../src-main/store/store.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { channelDigestsFromRows } from '../../src-main/store/evidence.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

/** A store at migration 008 holding a sighting (and an outage) of kiosk:old, written before anchors existed. */
function storeBefore009(dataDir: string, withOutage: boolean): void {
  const db = new Database(join(dataDir, 'deska.sqlite'));
  migrate(db, PUBLISHER_MIGRATIONS.filter((m) => m.version < 9), () => NOW);
  db.prepare("INSERT INTO boards (id, name, ico, time_zone, public_url, created_at) VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
  db.exec('PRAGMA foreign_keys = OFF');
  db.prepare("INSERT INTO sightings VALUES ('n1', 'kiosk:old', '2026-11-01T08:00:00.000Z', '2026-11-02T08:00:00.000Z', NULL)").run();
  if (withOutage) db.prepare("INSERT INTO outages VALUES ('kiosk:old', '2026-11-01T09:00:00.000Z', NULL, 'screen-off', '2026-11-01T09:00:00.000Z')").run();
  db.close();
}

test('009 gives evidence written before it a baseline: noted as unanchored, not tampering; a later edit of it is a problem', () => {
  using dir = tempDir();
  storeBefore009(dir.path, true);

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

test('the publisher anchors the 009 baselines once; afterwards a forged baseline with forged sightings is tampering, not a note', () => {
  using dir = tempDir();
  storeBefore009(dir.path, false);

  const store = Store.open(dir.path, () => NOW);
  try {
    store.evidence.anchorBaselines();
    store.evidence.anchorBaselines(); // at every start: only the first one writes
    const baselines = store.db.prepare("SELECT seq, detail FROM events WHERE action = 'evidence' AND json_extract(detail, '$.baseline') = 1").all() as { seq: number; detail: string }[];
    assert.equal(baselines.length, 1);
    assert.deepEqual(Object.keys((JSON.parse(baselines[0]!.detail) as { channels: object }).channels), ['kiosk:old']);
    assert.deepEqual(store.db.prepare('SELECT channel, seq FROM evidence_heads').all(), [{ channel: 'kiosk:old', seq: baselines[0]!.seq }]);
    let v = verifyStore(store);
    assert.deepEqual(v.problems, []);
    assert.doesNotMatch(v.notes.join('\n'), /vznikly ve starší verzi/, 'anchored now, so no longer a note');

    // Reports continue from the anchored baseline.
    store.transaction(() => store.evidence.recordOutage({ channel: 'kiosk:old', from: '2026-11-03T09:00:00.000Z', to: '2026-11-03T10:00:00.000Z', reason: 'screen-off' }, '2026-11-03T11:00:00.000Z'));
    assert.deepEqual(verifyStore(store).problems, []);

    // A forger adds sightings of a channel that never reported, with a matching "baseline" row.
    store.db.exec('PRAGMA foreign_keys = OFF');
    store.db.prepare("INSERT INTO sightings VALUES ('n1', 'kiosk:forged', '2026-11-01T08:00:00.000Z', '2026-11-20T08:00:00.000Z', NULL)").run();
    const [, d] = [...channelDigestsFromRows(store.db)].find(([ch]) => ch === 'kiosk:forged')!;
    store.db.prepare("INSERT INTO evidence_heads (channel, digest, rows, seq) VALUES ('kiosk:forged', ?, ?, 0)").run(d.digest, d.rows);
    v = verifyStore(store);
    assert.equal(v.problems.length, 1, v.problems.join('\n'));
    assert.match(v.problems[0]!, /„kiosk:forged“.*není v auditním logu ukotven \(vložen přímo do databáze\)/);
  } finally {
    store.close();
  }
});

test('a store created by this version gets an empty baseline anchor at the first start, so seq-0 rows are never legacy', () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => NOW);
  try {
    store.evidence.anchorBaselines();
    const n = store.db.prepare("SELECT COUNT(*) FROM events WHERE action = 'evidence' AND json_extract(detail, '$.baseline') = 1").pluck().get();
    assert.equal(n, 1);
    assert.deepEqual(verifyStore(store).problems, []);
  } finally {
    store.close();
  }
});
