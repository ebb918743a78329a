import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { eventHash, GENESIS_HASH } from '../../src-main/store/events.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');

/** A store with ten chained events (seq 1..10). */
function tenEvents(dir: string): Store {
  const store = Store.open(dir, () => T0);
  for (let i = 1; i <= 10; i++) {
    store.audit.append({ at: T0 + i * 1000, actor: `clerk${i % 3}`, action: i % 2 ? 'edited' : 'created', noticeId: `n${i}`, detail: { i } });
  }
  return store;
}

/** What an attacker holding the file can do: the append-only triggers are no obstacle. */
function dropTriggers(store: Store): void {
  store.db.exec('DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;');
}

test('ten appended events form a chain from the genesis hash that verifies, and the head file follows', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    const events = store.audit.list();
    assert.deepEqual(events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(events[0]!.prevHash, GENESIS_HASH);
    for (let i = 1; i < events.length; i++) assert.equal(events[i]!.prevHash, events[i - 1]!.hash);
    for (const e of events) {
      const { hash, ...rest } = e;
      assert.equal(eventHash(rest), hash);
    }
    assert.equal(events[3]!.at, new Date(T0 + 4000).toISOString());
    assert.deepEqual(store.audit.verify(), { events: 10, problems: [] });
    assert.deepEqual(JSON.parse(readFileSync(join(dir.path, 'audit.head'), 'utf8')), { seq: 10, hash: events[9]!.hash });
    assert.deepEqual(store.audit.list('n4').map((e) => e.seq), [4]);
    assert.equal(store.audit.has('n4', 'created'), true);
    assert.equal(store.audit.has('n4', 'edited'), false);
  } finally {
    store.close();
  }
});

test('the triggers refuse UPDATE and DELETE on events', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    assert.throws(() => store.db.prepare("UPDATE events SET actor = 'x' WHERE seq = 3").run(), /append-only/);
    assert.throws(() => store.db.prepare('DELETE FROM events WHERE seq = 10').run(), /append-only/);
    assert.deepEqual(store.audit.verify().problems, []);
  } finally {
    store.close();
  }
});

test('a changed event is reported by its seq', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    store.db.prepare("UPDATE events SET actor = 'someone-else' WHERE seq = 4").run();
    const { problems } = store.audit.verify();
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^event 4 \(created by someone-else at .*\): content changed/);
  } finally {
    store.close();
  }
});

test('a changed event whose hash the attacker recomputed breaks the link of the next one', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    const e = store.audit.list()[3]!;
    const forged = { ...e, detail: { i: 400 } };
    const { hash: _old, ...rest } = forged;
    store.db.prepare('UPDATE events SET detail = ?, hash = ? WHERE seq = 4').run(JSON.stringify(forged.detail), eventHash(rest));
    const { problems } = store.audit.verify();
    assert.deepEqual(problems, ['event 5: link to the previous event broken (an event was inserted, deleted or changed before it)']);
  } finally {
    store.close();
  }
});

test('an event inserted in the middle (later ones renumbered) is detected at the insertion point', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    const fourth = store.audit.list()[3]!;
    store.db.exec('UPDATE events SET seq = seq + 1000 WHERE seq >= 5; UPDATE events SET seq = seq - 999 WHERE seq > 1000;');
    const base = { seq: 5, at: fourth.at, actor: 'intruder', action: 'withdrawn' as const, noticeId: 'n4', detail: {}, prevHash: fourth.hash };
    store.db
      .prepare('INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(5, base.at, base.actor, base.action, base.noticeId, '{}', base.prevHash, eventHash(base));
    const { events, problems } = store.audit.verify();
    assert.equal(events, 11);
    assert.ok(problems.includes('event 6: link to the previous event broken (an event was inserted, deleted or changed before it)'), problems.join('\n'));
    assert.ok(!problems.some((p) => /^event [1-5][^0-9]/.test(p)), `events 1-5 are chained correctly:\n${problems.join('\n')}`);
  } finally {
    store.close();
  }
});

test('an event appended by hand after the recorded head is reported by its seq', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    const last = store.audit.list()[9]!;
    const base = { seq: 11, at: last.at, actor: 'intruder', action: 'posted' as const, noticeId: 'n1', detail: {}, prevHash: last.hash };
    store.db
      .prepare('INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(11, base.at, base.actor, base.action, base.noticeId, '{}', base.prevHash, eventHash(base));
    const { problems } = store.audit.verify();
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /\bevent 11\b/);
  } finally {
    store.close();
  }
});

test('an event deleted in the middle is reported by its seq', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    store.db.prepare('DELETE FROM events WHERE seq = 5').run();
    const { events, problems } = store.audit.verify();
    assert.equal(events, 9);
    assert.deepEqual(problems, [
      'event 5 deleted (next is 6)',
      'event 6: link to the previous event broken (an event was inserted, deleted or changed before it)',
    ]);
  } finally {
    store.close();
  }
});

test('deleting the newest events is caught by the audit.head file', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    store.db.prepare('DELETE FROM events WHERE seq >= 9').run();
    assert.deepEqual(store.audit.verify(), {
      events: 8,
      problems: ['newest events deleted: the log ends at 8, the recorded head is 10'],
    });
  } finally {
    store.close();
  }
});

test('deleting every event is caught too', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    store.db.prepare('DELETE FROM events').run();
    assert.deepEqual(store.audit.verify().problems, ['newest events deleted: the log ends at 0, the recorded head is 10']);
  } finally {
    store.close();
  }
});

test('a back-dated event is reported as changed', () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    dropTriggers(store);
    store.db.prepare("UPDATE events SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 7").run();
    assert.match(store.audit.verify().problems.join('\n'), /^event 7 \(.*\): content changed/);
  } finally {
    store.close();
  }
});

test('an event appended in a transaction that rolls back leaves no false alarm; a committed one moves the head', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    assert.throws(() =>
      store.transaction(() => {
        store.audit.append({ at: T0 + 20_000, actor: 'clerk1', action: 'edited', noticeId: 'n1' });
        throw new Error('the surrounding change failed');
      }),
    );
    await Promise.resolve();
    assert.deepEqual(store.audit.verify(), { events: 10, problems: [] });
    store.transaction(() => store.audit.append({ at: T0 + 30_000, actor: 'clerk1', action: 'edited', noticeId: 'n1' }));
    await Promise.resolve();
    assert.equal(JSON.parse(readFileSync(join(dir.path, 'audit.head'), 'utf8')).seq, 11);
    assert.deepEqual(store.audit.verify(), { events: 11, problems: [] });
  } finally {
    store.close();
  }
});
