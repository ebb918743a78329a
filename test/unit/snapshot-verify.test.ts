/**
 * Snapshots as parts (store/snapshot-parts.ts): the snapshot worker's bytes are what the store
 * gives back (and what the feed serves), a change to one notice of many adds one notice part and
 * a little, and `verifyStore` (deska audit verify) puts every snapshot back together and checks
 * it: a changed part, a missing part, and a frame changed with its recorded hash are reported.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys, sha256Hex, verifyBytes } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { Store } from '../../src-main/store/store.ts';
import { CHUNK_MAX, hashList, joinManifest, splitFromFrame, splitManifest } from '../../src-main/store/snapshot-parts.ts';
import { buildManifest } from '../../src-main/publication/snapshot.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD = { id: 'obec', name: 'Obec Lhota', ico: '00012345', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/' };
const T0 = Date.parse('2026-11-20T09:00:00.000Z');
const COUNT = 400;

async function board(dir: string): Promise<{ store: Store; engine: PublicationEngine; clock: ManualClock; publicKey: string; ids: string[] }> {
  const keys = generateBoardKeys();
  mkdirSync(join(dir, 'keys'), { recursive: true });
  writeFileSync(join(dir, 'keys', 'board.pub'), `${keys.publicKey}\n`);
  const store = Store.open(dir, () => T0);
  store.createBoard(BOARD, T0);
  const clock = new ManualClock(T0);
  const engine = new PublicationEngine({ store, clock, privateKeyPem: keys.privatePem, mirrorDir: () => null, sweep: false, onLog: () => undefined });
  await engine.start();
  const ids: string[] = [];
  await engine.commit(BOARD.id, () => {
    for (let i = 0; i < COUNT; i++) {
      const n = store.notices.create(BOARD, { title: `Oznámení č. ${i} — „Žádost“`, description: `Popis ${i}.`, category: 'Oznámení', department: 'OÚ', referenceNumber: `R/${i}`, fileMark: '', postAt: new Date(T0 - 3_600_000).toISOString(), removeAt: null }, [], 'import', T0);
      ids.push(store.notices.publish(n.id, 'import', T0).id);
    }
  });
  await engine.idle();
  return { store, engine, clock, publicKey: keys.publicKey, ids };
}

test('a manifest made from its frame and notice parts is byte for byte JSON.stringify of the manifest', () => {
  const notices = [0, 1, 2].map((i) => ({
    id: `n${i}`,
    title: `Žádost „${i}“ — emoji 🏛️, \u2028, tab\t, uvozovky " a \\`,
    description: i === 1 ? '' : 'Popis\nna dva řádky',
    category: 'Oznámení',
    department: 'OÚ',
    referenceNumber: '',
    fileMark: '',
    postAt: new Date(T0).toISOString(),
    removeAt: i === 2 ? null : new Date(T0 + 1).toISOString(),
    revision: i + 1,
    publishedAt: new Date(T0).toISOString(),
    attachments: i === 0 ? [] : [{ sha256: 'a'.repeat(64), name: 'x.pdf', size: 1, mediaType: 'application/pdf', position: 1, textSha256: 'b'.repeat(64), textSize: 3 }],
    ...(i === 2 ? { type: 'general', eventDate: null, typeName: 'Obecné', register: [{ revision: 1, at: new Date(T0).toISOString(), reason: 'oprava' }] } : {}),
  })) as unknown as FeedManifest['notices'];
  for (const list of [notices, notices.slice(0, 1), []]) {
    const manifest = buildManifest(BOARD, list, 7, T0, 1000);
    const split = splitFromFrame(JSON.stringify({ ...manifest, notices: [] }), list);
    assert.ok(joinManifest(split.frame, split.at, split.notices).equals(Buffer.from(JSON.stringify(manifest), 'utf8')), `${list.length} notices`);
    assert.deepEqual(splitManifest(Buffer.from(JSON.stringify(manifest), 'utf8')), split, 'and splitting the bytes gives the same parts');
  }
});

const partBytes = (store: Store): number => store.db.prepare('SELECT SUM(length(body)) FROM snapshot_parts').pluck().get() as number;

test('each snapshot is stored as parts that join back to its signed bytes; one change adds little', async () => {
  using tmp = tempDir();
  const { store, engine, clock, publicKey, ids } = await board(join(tmp.path, 'data'));
  try {
    const first = store.snapshots.latest(BOARD.id)!;
    const manifest = JSON.parse(first.manifest.toString('utf8')) as FeedManifest;
    assert.equal(manifest.notices.length, COUNT);
    assert.ok(verifyBytes(first.manifest, first.signature, publicKey));
    const before = partBytes(store);
    clock.set(T0 + 60_000);
    await engine.commit(BOARD.id, () => store.notices.withdraw(ids[123]!, 'Vyvěšeno omylem', 'clerk', T0 + 60_000));
    await engine.idle();
    const second = store.snapshots.latest(BOARD.id)!;
    assert.equal(second.seq, first.seq + 1);
    assert.equal((JSON.parse(second.manifest.toString('utf8')) as FeedManifest).notices.length, COUNT - 1);
    const added = partBytes(store) - before;
    // At most the chunks around the change (a removed part that ended a chunk joins two, each at
    // most CHUNK_MAX hashes of 32 B) and a changed notice's own part: never the manifest again.
    // (A bound of a twentieth of the manifest failed when the ids happened to give long chunks.)
    const bound = 2 * CHUNK_MAX * 32 + 4096;
    assert.ok(added > 0 && added <= bound && bound < first.manifest.length / 4, `one change added ${added} B of parts (bound ${bound} B), the manifest is ${first.manifest.length} B`);

    // A second repository (another process) reads both back from SQLite alone, byte for byte.
    const again = Store.open(join(tmp.path, 'data'), () => T0);
    try {
      for (const s of [first, second]) {
        const read = again.snapshots.get(BOARD.id, s.seq)!;
        assert.ok(read.manifest.equals(s.manifest), `snapshot ${s.seq} reads back the same bytes`);
        assert.equal(sha256Hex(read.manifest), s.sha256);
      }
    } finally {
      again.close();
    }
    const v = verifyStore(store);
    assert.deepEqual(v.problems, []);
    assert.equal(v.snapshots, second.seq);
  } finally {
    await engine.stop();
    store.close();
  }
});

test('audit verify reports a changed part, a missing part, and a frame changed with its recorded hash', async () => {
  using tmp = tempDir();
  const { store, engine, ids } = await board(join(tmp.path, 'data'));
  try {
    await engine.stop();
    const seq = store.snapshots.latestSeq(BOARD.id);
    const withNotice = (id: string): string => store.db.prepare("SELECT hash FROM snapshot_parts WHERE CAST(body AS TEXT) LIKE ? || '%'").pluck().get(`{"id":"${id}"`) as string;

    // One byte of one notice's part.
    const part = withNotice(ids[5]!);
    store.db.prepare("UPDATE snapshot_parts SET body = CAST(replace(CAST(body AS TEXT), 'Oznámení č. 5 ', 'Oznámení č. 6 ') AS BLOB) WHERE hash = ?").run(part);
    let v = verifyStore(store);
    assert.equal(v.problems.length, 1, v.problems.join('\n'));
    assert.match(v.problems[0]!, new RegExp(`^snímek ${seq} desky obec: část ${part} byla změněna přímo v databázi \\(její SHA-256 je nyní [0-9a-f]{64}\\)$`));

    // The part deleted.
    store.db.prepare('DELETE FROM snapshot_parts WHERE hash = ?').run(part);
    v = verifyStore(store);
    assert.match(v.problems.join('\n'), new RegExp(`snímek ${seq} desky obec: chybí část s oznámením ${part}`));

    // A frame edited and its recorded hash updated to match: the signature and the audit event tell.
    const fresh = tempDir();
    try {
      const b = await board(join(fresh.path, 'data'));
      await b.engine.stop();
      const s = b.store.snapshots.latest(BOARD.id)!;
      const forged = Buffer.from(s.manifest.toString('utf8').replace('Obec Lhota', 'Obec Lhotx'), 'utf8');
      b.store.db.prepare("UPDATE snapshots SET frame = CAST(replace(CAST(frame AS TEXT), 'Obec Lhota', 'Obec Lhotx') AS BLOB), sha256 = ? WHERE board_id = 'obec' AND seq = ?").run(sha256Hex(forged), s.seq);
      const w = verifyStore(b.store).problems.join('\n');
      assert.match(w, new RegExp(`snímek ${s.seq} desky obec: podpis neodpovídá složenému manifestu`));
      assert.match(w, new RegExp(`snímek ${s.seq} desky obec: jeho otisk ${sha256Hex(forged)} není ten, který zaznamenal auditní log \\(${s.sha256}\\)`));
      b.store.close();
    } finally {
      fresh[Symbol.dispose]();
    }
  } finally {
    store.close();
  }
});

test('partsOf gives a snapshot\'s frame and notice part hashes without reading them; partBodies gives the bodies, which join to the signed bytes', async () => {
  using tmp = tempDir();
  const b = await board(tmp.path);
  try {
    const seq = b.store.snapshots.latestSeq(BOARD.id);
    const whole = b.store.snapshots.get(BOARD.id, seq)!;
    const parts = b.store.snapshots.partsOf(BOARD.id, seq)!;
    assert.equal(parts.hashes.length, 32 * COUNT, 'a 32-byte hash per notice');
    const hexes = hashList(parts.hashes).map((h) => h.toString('hex'));
    const bodies = b.store.snapshots.partBodies(hexes) as Buffer[];
    assert.ok(bodies.every((x, i) => x !== undefined && sha256Hex(x) === hexes[i]));
    const split = splitManifest(whole.manifest);
    assert.ok(joinManifest(parts.frame, split.at, bodies).equals(whole.manifest));
    assert.equal((JSON.parse(parts.frame.toString('utf8')) as FeedManifest).notices.length, 0, 'the frame parses alone, notices empty');
    assert.equal(b.store.snapshots.partsOf(BOARD.id, seq + 1), null);
    assert.deepEqual(b.store.snapshots.partBodies(['0'.repeat(64)]), [undefined]);
  } finally {
    await b.engine.stop();
    b.store.close();
  }
});
