import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { m001Initial } from '../../src-main/store/migrations/001-initial.ts';
import { m002Publication } from '../../src-main/store/migrations/002-publication.ts';
import { m005Evidence } from '../../src-main/store/migrations/005-evidence.ts';
import { AuditLog } from '../../src-main/store/events.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('005 adds outages, kiosk clock/screen/version columns and events.state; events written before it still verify', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, [m001Initial, m002Publication], () => NOW);
    // A log written by the previous version (no state column), with a notice row.
    db.prepare("INSERT INTO boards VALUES ('b', 'B', '00012345', 'Europe/Prague', 'https://b.example/', 'x')").run();
    db.prepare("INSERT INTO users VALUES ('u', 'jana', 'Jana', 'h', 'clerk', 'x')").run();
    db.prepare(
      "INSERT INTO notices VALUES ('n1', 'b', 'T', '', '', '', '', '', NULL, NULL, NULL, NULL, NULL, 'jana', 'x', 'x', 1)",
    ).run();
    const old = new AuditLog(db, join(dir.path, 'audit.head'));
    old.append({ at: NOW, actor: 'jana', action: 'created', noticeId: 'n1' });
    old.flush();

    assert.deepEqual(migrate(db, [m001Initial, m002Publication, m005Evidence], () => NOW), [5]);
    const cols = (t: string): string[] => (db.prepare(`SELECT name FROM pragma_table_info('${t}')`).all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(cols('outages'), ['channel', 'from_at', 'to_at', 'reason', 'reported_at']);
    assert.ok(['clock_offset_ms', 'screen_on', 'version', 'sent_at'].every((c) => cols('kiosks').includes(c)));
    assert.ok(cols('events').includes('state'));
    // Still append-only.
    assert.throws(() => db.prepare("UPDATE events SET actor = 'x'").run(), /append-only/);

    const log = new AuditLog(db, join(dir.path, 'audit.head'));
    log.append({ at: NOW + 1000, actor: 'jana', action: 'edited', noticeId: 'n1' });
    log.flush();
    const states = db.prepare('SELECT seq, state FROM events ORDER BY seq').all() as { seq: number; state: string | null }[];
    assert.equal(states[0]!.state, null, 'the old event keeps no state');
    assert.equal((JSON.parse(states[1]!.state!) as { title: string }).title, 'T');
    assert.deepEqual(log.verify(), { events: 2, problems: [], notes: [] });
  } finally {
    db.close();
  }
});
