import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

/** Lets the microtask that records a commit in the head file run. */
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

test('ten appended events form a chain from the genesis hash that verifies, and the head file follows', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  await settle();
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
    assert.deepEqual(store.audit.verify(), { events: 10, problems: [], notes: [] });
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
    assert.match(problems[0]!, /^událost č\. 4 \(created, someone-else, .*\): obsah byl po zápisu změněn/);
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
    assert.deepEqual(problems, ['událost č. 5: přerušený řetězec (událost před ní byla vložena, smazána nebo změněna)']);
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
    assert.ok(problems.includes('událost č. 6: přerušený řetězec (událost před ní byla vložena, smazána nebo změněna)'), problems.join('\n'));
    assert.ok(!problems.some((p) => /^událost č\. [1-5][^0-9]/.test(p)), `events 1-5 are chained correctly:\n${problems.join('\n')}`);
  } finally {
    store.close();
  }
});

test('an event appended by hand after the recorded head is reported by its seq', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  await settle();
  try {
    const last = store.audit.list()[9]!;
    const base = { seq: 11, at: last.at, actor: 'intruder', action: 'posted' as const, noticeId: 'n1', detail: {}, prevHash: last.hash };
    store.db
      .prepare('INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(11, base.at, base.actor, base.action, base.noticeId, '{}', base.prevHash, eventHash(base));
    const { problems } = store.audit.verify();
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0]!, /^událost č\. 11 byla přidána mimo aplikaci/);
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
      'událost č. 5 chybí (byla smazána; další je č. 6)',
      'událost č. 6: přerušený řetězec (událost před ní byla vložena, smazána nebo změněna)',
    ]);
  } finally {
    store.close();
  }
});

test('deleting the newest events is caught by the audit.head file', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  await settle();
  try {
    dropTriggers(store);
    store.db.prepare('DELETE FROM events WHERE seq >= 9').run();
    assert.deepEqual(store.audit.verify(), {
      events: 8,
      problems: ['nejnovější události byly smazány: log končí událostí č. 8, zaznamenaný poslední zápis je č. 10'],
      notes: [],
    });
  } finally {
    store.close();
  }
});

test('deleting every event is caught too', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  await settle();
  try {
    dropTriggers(store);
    store.db.prepare('DELETE FROM events').run();
    assert.deepEqual(store.audit.verify().problems, ['nejnovější události byly smazány: log končí událostí č. 0, zaznamenaný poslední zápis je č. 10']);
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
    assert.match(store.audit.verify().problems.join('\n'), /^událost č\. 7 \(.*\): obsah byl po zápisu změněn/);
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
    await settle();
    assert.deepEqual(store.audit.verify(), { events: 10, problems: [], notes: [] });
    store.transaction(() => store.audit.append({ at: T0 + 30_000, actor: 'clerk1', action: 'edited', noticeId: 'n1' }));
    await settle();
    assert.equal(JSON.parse(readFileSync(join(dir.path, 'audit.head'), 'utf8')).seq, 11);
    assert.deepEqual(store.audit.verify(), { events: 11, problems: [], notes: [] });
  } finally {
    store.close();
  }
});

test('an event about a notice records its full state; editing that recorded state is caught by the hash', async () => {
  using dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  try {
    store.createBoard({ id: 'b', name: 'Obec', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://obec.example/' }, T0);
    const blob = store.blobs.put(Buffer.from('%PDF-1.7\n% a\n'), 'application/pdf', T0);
    const fields = {
      title: 'Záměr prodeje', description: 'Popis', category: 'Záměr', department: 'Odbor', referenceNumber: 'MU/1', fileMark: 'SZ 1',
      postAt: new Date(T0 + 3_600_000).toISOString(), removeAt: new Date(T0 + 20 * 86_400_000).toISOString(),
    };
    const n = store.notices.create({ id: 'b', name: 'Obec', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://obec.example/' }, fields, [{ ...blob, name: 'zamer.pdf' }], 'jana', T0);
    store.notices.publish(n.id, 'jana', T0 + 1000);
    await settle();
    const rows = store.db.prepare('SELECT seq, state FROM events WHERE notice_id = ? ORDER BY seq').all(n.id) as { seq: number; state: string }[];
    assert.equal(rows.length, 2);
    const last = JSON.parse(rows[1]!.state) as Record<string, unknown>;
    assert.equal(last.title, 'Záměr prodeje');
    assert.equal(last.publishedAt, new Date(T0 + 1000).toISOString());
    assert.equal(last.revision, 2);
    assert.deepEqual(last.attachments, [{ sha256: blob.sha256, name: 'zamer.pdf', position: 1, size: blob.size, mediaType: 'application/pdf' }]);
    assert.deepEqual(store.audit.verify().problems, []);

    dropTriggers(store);
    const forged = JSON.stringify({ ...last, title: 'Jiný název' });
    store.db.prepare('UPDATE events SET state = ? WHERE seq = ?').run(forged, rows[1]!.seq);
    assert.match(store.audit.verify().problems.join('\n'), new RegExp(`^událost č\\. ${rows[1]!.seq} \\(published, jana, .*\\): obsah byl po zápisu změněn`));
    store.db.prepare('UPDATE events SET state = NULL WHERE seq = ?').run(rows[1]!.seq);
    assert.match(store.audit.verify().problems.join('\n'), /obsah byl po zápisu změněn/, 'dropping the state does not fall back to the old formula');
  } finally {
    store.close();
  }
});

test('a malformed event is reported as damaged; listing and verifying do not throw', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    await settle();
    dropTriggers(store);
    store.db.prepare("UPDATE events SET detail = '{not json' WHERE seq = 6").run();
    store.db.prepare("UPDATE events SET prev_hash = 'xyz' WHERE seq = 8").run();
    const { events, problems } = store.audit.verify();
    assert.equal(events, 10);
    assert.ok(problems.includes('událost č. 6 je poškozená: podrobnosti nejsou platný objekt JSON. Záznam nelze ověřit.'), problems.join('\n'));
    assert.ok(problems.includes('událost č. 8 je poškozená: odkaz na předchozí událost. Záznam nelze ověřit.'), problems.join('\n'));
    assert.deepEqual(store.audit.list()[5]!.detail, { damaged: '{not json' });
  } finally {
    store.close();
  }
});

test('a head file left "pending" by a change that never committed is no alarm', async () => {
  using dir = tempDir();
  const store = tenEvents(dir.path);
  try {
    await settle();
    const head = JSON.parse(readFileSync(join(dir.path, 'audit.head'), 'utf8')) as { seq: number; hash: string };
    // What a crash before COMMIT leaves: the head names event 11 as pending, the log ends at 10.
    writeFileSync(join(dir.path, 'audit.head'), JSON.stringify({ ...head, pending: [{ seq: 11, hash: 'a'.repeat(64) }] }));
    assert.deepEqual(store.audit.verify(), { events: 10, problems: [], notes: [] });
    // A log shorter than the committed head stays a problem, pending or not.
    dropTriggers(store);
    store.db.prepare('DELETE FROM events WHERE seq = 10').run();
    assert.deepEqual(store.audit.verify().problems, ['nejnovější události byly smazány: log končí událostí č. 9, zaznamenaný poslední zápis je č. 10']);
  } finally {
    store.close();
  }
});
