/**
 * A backlog of due postings (a board imported with notices whose posting has already passed, or
 * a publisher waking from a long sleep) is logged in slices: the event loop turns between them,
 * the board's snapshot job is written before the backlog is logged, every transition is logged
 * exactly once in due order on one audit chain, and nothing is logged before its instant.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board } from '../../src-main/shared/domain.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'velka', name: 'Město Velká', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://velka.example/' };
const T0 = Date.parse('2026-11-20T09:00:00.000Z');
const MINUTE = 60_000;
const COUNT = 1_800;

test('1,800 due postings are logged in slices, once each, in due order, after the snapshot job is written', async () => {
  using tmp = tempDir();
  const store = Store.open(join(tmp.path, 'data'), () => T0);
  store.createBoard(BOARD, T0);
  const clock = new ManualClock(T0);
  const engine = new PublicationEngine({ store, clock, privateKeyPem: generateBoardKeys().privatePem, mirrorDir: () => null, sweep: false, onLog: () => undefined });
  try {
    await engine.start();
    await engine.idle();
    // Postings one minute apart, all in the past by the time the clock reaches them; one still ahead.
    const ids: string[] = [];
    store.transaction(() => {
      for (let i = 0; i < COUNT; i++) {
        const n = store.notices.create(BOARD, { title: `Oznámení ${i}`, description: 'Popis.', category: 'Oznámení', department: 'OÚ', referenceNumber: '', fileMark: '', postAt: new Date(T0 + (COUNT - i) * MINUTE).toISOString(), removeAt: null }, [], 'import', T0);
        ids.push(store.notices.publish(n.id, 'import', T0).id);
      }
    });
    const ahead = store.notices.publish(store.notices.create(BOARD, { title: 'Budoucí', description: 'Popis.', category: 'Oznámení', department: 'OÚ', referenceNumber: '', fileMark: '', postAt: new Date(T0 + (COUNT + 5) * MINUTE).toISOString(), removeAt: null }, [], 'import', T0).id, 'import', T0);
    const wake = T0 + (COUNT + 1) * MINUTE;
    clock.set(wake);
    const posted = (): number => (store.db.prepare("SELECT COUNT(*) AS n FROM events WHERE action = 'posted'").get() as { n: number }).n;
    const jobs = (): number => (store.db.prepare('SELECT COUNT(*) AS n FROM publish_jobs WHERE board_id = ?').get(BOARD.id) as { n: number }).n;

    const ticked = engine.tick(wake, 'sweep');
    assert.ok(posted() < COUNT, 'not all logged in one go');
    const snapshotsBefore = store.snapshots.latestSeq(BOARD.id);
    assert.equal(jobs(), 1, "the board's job is written before the backlog is logged");
    // The event loop turns while the backlog is logged: an immediate callback sees it half done.
    const midway = await new Promise<number>((r) => setImmediate(() => r(posted())));
    assert.ok(midway > 0 && midway < COUNT, `the loop turned between slices (${midway} of ${COUNT} logged)`);
    // A second tick meanwhile (the timer, the sweep) logs nothing twice.
    const again = engine.tick(wake, 'timer');
    await Promise.all([ticked, again]);
    await engine.idle();

    const events = store.db.prepare("SELECT notice_id, at, detail FROM events WHERE action = 'posted' ORDER BY seq").all() as { notice_id: string; at: string; detail: string }[];
    assert.equal(events.length, COUNT, 'each once');
    assert.deepEqual(events.map((e) => e.notice_id), [...ids].reverse(), 'in due order');
    for (const e of events) {
      const { scheduledAt } = JSON.parse(e.detail) as { scheduledAt: string };
      assert.ok(Date.parse(scheduledAt) <= Date.parse(e.at), 'never logged before its instant');
    }
    assert.equal(store.audit.list(ahead.id).some((e) => e.action === 'posted'), false, 'the future posting is not logged');
    assert.deepEqual(store.audit.verify().problems, []);
    assert.ok(store.snapshots.latestSeq(BOARD.id) > snapshotsBefore, 'a snapshot for the instant');
  } finally {
    await engine.stop();
    store.close();
  }
});
