import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { migrate } from '../../src-main/store/db.ts';
import { m001Initial } from '../../src-main/store/migrations/001-initial.ts';
import { m002Publication } from '../../src-main/store/migrations/002-publication.ts';
import { m004Outbox } from '../../src-main/store/migrations/004-outbox.ts';
import { Outbox } from '../../src-main/publication/outbox.ts';
import { ChannelStatusRepo } from '../../src-main/publication/status.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = Date.parse('2026-11-21T08:00:00.000Z');

test('004 adds the outbox and the channel status, on top of existing data', () => {
  using dir = tempDir();
  const db = new Database(join(dir.path, 'a.sqlite'));
  try {
    migrate(db, [m001Initial, m002Publication], () => NOW);
    db.prepare("INSERT INTO boards VALUES ('b', 'B', '00012345', 'Europe/Prague', 'http://x/', 'now')").run();
    assert.deepEqual(migrate(db, [m001Initial, m002Publication, m004Outbox], () => NOW), [4]);
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('publish_jobs', 'channel_status') ORDER BY name").all() as { name: string }[]).map((r) => r.name);
    assert.deepEqual(tables, ['channel_status', 'publish_jobs']);

    const outbox = new Outbox(db);
    outbox.enqueue('b', 'change', true, NOW);
    outbox.enqueue('b', 'sweep', false, NOW);
    assert.deepEqual(outbox.pending('b'), { upTo: 2, force: true, reasons: ['change', 'sweep'] });
    outbox.done('b', 2);
    assert.equal(outbox.pending('b'), null);
    // A job for a board that does not exist is refused by the foreign key.
    db.pragma('foreign_keys = ON');
    assert.throws(() => outbox.enqueue('nope', 'change', true, NOW), /FOREIGN KEY/);

    const status = new ChannelStatusRepo(db);
    status.failure('b', 'mirror', '/m', 'disk full', NOW, NOW + 2000);
    status.failure('b', 'mirror', '/m', 'still full', NOW + 2000, NOW + 6000);
    let s = status.get('b', 'mirror')!;
    assert.equal(s.attempts, 2);
    assert.equal(s.failingSince, '2026-11-21T08:00:00.000Z');
    assert.equal(s.lastError, 'still full');
    status.success('b', 'mirror', '/m', 7, ['n1'], NOW + 6000);
    s = status.get('b', 'mirror')!;
    assert.deepEqual([s.attempts, s.failingSince, s.lastError, s.deliveredSeq, s.shown, s.lastFailureAt], [0, null, null, 7, ['n1'], '2026-11-21T08:00:02.000Z']);
  } finally {
    db.close();
  }
});
