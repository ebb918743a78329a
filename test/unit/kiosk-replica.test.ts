import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { compareSnapshots, KIOSK_SCHEMA_VERSION, openReplica, Replica } from '../../src-main/kiosk/replica.ts';
import { generateBoardKeys, makeSnapshot, sha256, type Snapshot } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();
const pdfA = new TextEncoder().encode('%PDF-1.4 attachment A');
const pdfB = new TextEncoder().encode('%PDF-1.4 attachment B');
const AT = '2026-11-21T09:00:00.000Z';

const toApply = (s: Snapshot) => ({ manifest: s.manifest, bytes: s.bytes, signature: s.signature, files: s.files });

test('a snapshot is applied: manifest bytes, notices in order, files on disk by SHA-256', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  const s = makeSnapshot(keys, 1, [
    { id: 'a', postAt: '2026-11-20T08:00:00.000Z', pdf: pdfA },
    { id: 'b', postAt: '2026-11-22T08:00:00.000Z' },
  ]);
  assert.equal(r.apply(toApply(s), AT), 'first');
  assert.deepEqual(r.applied(), {
    seq: 1,
    appliedAt: AT,
    board: s.manifest.board,
    createdAt: s.manifest.snapshot.createdAt,
    validUntil: s.manifest.snapshot.validUntil,
  });
  assert.deepEqual(Buffer.from(r.appliedBytes()!.bytes), Buffer.from(s.bytes));
  assert.deepEqual(r.notices().map((n) => n.id), ['a', 'b']);
  assert.deepEqual(Buffer.from(r.readFile(sha256(pdfA))!), Buffer.from(pdfA));
  assert.equal(r.readFile('0'.repeat(64)), null);
  assert.equal(r.readFile('../kiosk.sqlite'), null);
  r.close();
  // Survives a restart.
  const again = new Replica(dir.path);
  assert.equal(again.applied()?.seq, 1);
  again.close();
});

test('the same snapshot or an older one (a replay) is ignored and changes nothing', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 5, [{ id: 'five', postAt: AT }])), AT);
  assert.equal(r.apply(toApply(makeSnapshot(keys, 5, [{ id: 'other', postAt: AT }])), AT), 'same');
  assert.equal(r.apply(toApply(makeSnapshot(keys, 4, [{ id: 'older', postAt: AT }])), AT), 'older');
  // A higher seq signed long before the applied one: a replay from before a restore.
  assert.equal(r.apply(toApply(makeSnapshot(keys, 9, [{ id: 'replay', postAt: AT }], undefined, '2026-11-01T08:00:00.000Z')), AT), 'older');
  assert.deepEqual(r.notices().map((n) => n.id), ['five']);
  assert.equal(r.applied()?.seq, 5);
  r.close();
});

test('a publisher restored from a backup (seq back, createdAt newer) is applied', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 80, [{ id: 'old', postAt: AT }])), AT);
  assert.equal(r.apply(toApply(makeSnapshot(keys, 50, [{ id: 'restored', postAt: AT }], undefined, '2026-11-21T09:30:00.000Z')), AT), 'restored');
  assert.equal(r.applied()?.seq, 50);
  assert.deepEqual(r.notices().map((n) => n.id), ['restored']);
  // From there on seq rises from the restored publisher's numbers.
  assert.equal(r.apply(toApply(makeSnapshot(keys, 51, [{ id: 'next', postAt: AT }], undefined, '2026-11-21T09:40:00.000Z')), AT), 'newer');
  r.close();
});

test('compareSnapshots: seq rises; a small step back of the publisher clock is tolerated', () => {
  const cur = { seq: 10, createdAt: '2026-11-21T09:00:00.000Z' };
  assert.equal(compareSnapshots({ seq: 11, createdAt: '2026-11-21T08:58:00.000Z' }, cur), 'newer');
  assert.equal(compareSnapshots({ seq: 11, createdAt: '2026-11-21T08:50:00.000Z' }, cur), 'older');
  assert.equal(compareSnapshots({ seq: 10, createdAt: '2026-11-21T09:00:00.001Z' }, cur), 'restored');
  assert.equal(compareSnapshots({ seq: 10, createdAt: '2026-11-21T09:00:00.000Z' }, cur), 'same');
  assert.equal(compareSnapshots(cur, null), 'first');
});

test('a snapshot lacking a file is applied whole; the file is missing until added', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT, pdf: pdfA }])), AT);
  const partial = makeSnapshot(keys, 2, [
    { id: 'x', postAt: AT, pdf: pdfB },
    { id: 'y', postAt: AT },
  ]);
  partial.files.clear();
  assert.equal(r.apply(toApply(partial), AT), 'newer');
  assert.deepEqual(r.notices().map((n) => n.id), ['x', 'y']);
  assert.deepEqual(r.missingFiles(), [{ sha256: sha256(pdfB), name: 'x.pdf', noticeId: 'x' }]);
  assert.throws(() => r.addFile(sha256(pdfB), pdfA), /does not match/);
  r.addFile(sha256(pdfB), pdfB);
  assert.deepEqual(r.missingFiles(), []);
  r.close();
});

test('a damaged attachment file is dropped on read and by the check, to be fetched again', async () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  const dropped: string[] = [];
  r.onFileDropped = (sha) => dropped.push(sha);
  r.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT, pdf: pdfA }, { id: 'b', postAt: AT, pdf: pdfB }])), AT);
  writeFileSync(r.filePath(sha256(pdfA)), 'bit rot');
  assert.equal(r.readFile(sha256(pdfA)), null, 'damaged bytes are never served');
  assert.deepEqual(dropped, [sha256(pdfA)]);
  writeFileSync(r.filePath(sha256(pdfB)), 'bit rot too');
  assert.deepEqual(await r.verifyFiles(), [sha256(pdfB)]);
  assert.deepEqual(r.missingFiles().map((m) => m.noticeId).sort(), ['a', 'b']);
  r.close();
});

test('a replica file of garbage is moved aside (kept) and an empty replica starts', () => {
  using dir = tempDir();
  const garbage = Buffer.from('this is not an SQLite database '.repeat(200));
  writeFileSync(join(dir.path, 'kiosk.sqlite'), garbage);
  writeFileSync(join(dir.path, 'kiosk.sqlite-wal'), 'junk');
  const lines: string[] = [];
  const r = openReplica(dir.path, Date.parse(AT), (l) => lines.push(l));
  assert.equal(r.applied(), null);
  assert.ok(r.recovery);
  const aside = readdirSync(dir.path).filter((f) => f.includes('.damaged-')).sort();
  assert.equal(aside[0], 'kiosk.sqlite.damaged-20261121T090000Z');
  assert.ok(aside.includes('kiosk.sqlite.damaged-20261121T090000Z-wal'), 'its -wal moved with it');
  assert.deepEqual(readFileSync(join(dir.path, aside[0]!)), garbage, 'kept byte for byte');
  assert.match(lines.join('\n'), /damaged .* moved aside/);
  r.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT }])), AT);
  r.close();
  // A healthy replica opens as it is.
  const again = openReplica(dir.path, Date.parse(AT));
  assert.equal(again.recovery, null);
  assert.equal(again.applied()?.seq, 1);
  again.close();
});

test('a replica the disk cannot open (full, read-only, refused) is not taken for damaged: it stays where it is and is used again once the disk is fixed', () => {
  using dir = tempDir();
  const good = new Replica(dir.path);
  good.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT }])), AT);
  good.close();
  // An error of the disk, not of the file (here: its -wal cannot be opened; a full disk or a
  // read-only mount do the same, but need root to stage).
  rmSync(join(dir.path, 'kiosk.sqlite-wal'), { force: true });
  rmSync(join(dir.path, 'kiosk.sqlite-shm'), { force: true });
  mkdirSync(join(dir.path, 'kiosk.sqlite-wal'));
  const lines: string[] = [];
  const r = openReplica(dir.path, Date.parse(AT), (l) => lines.push(l));
  assert.deepEqual(readdirSync(dir.path).filter((f) => f.includes('.damaged-')), [], 'nothing moved aside');
  assert.ok(r.recovery, 'the kiosk says it runs without its replica');
  assert.doesNotMatch(lines.join('\n'), /damaged/);
  r.close();
  // The disk fixed: the replica as it was, snapshot and all.
  rmSync(join(dir.path, 'kiosk.sqlite-wal'), { recursive: true });
  const again = openReplica(dir.path, Date.parse(AT));
  assert.equal(again.recovery, null);
  assert.equal(again.applied()?.seq, 1);
  again.close();
});

test('an attachment file already there with the right bytes is kept, not written again; a write that fails leaves no temporary file', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  const sha = sha256(pdfA);
  writeFileSync(join(r.filesDir, sha), pdfA);
  const before = statSync(join(r.filesDir, sha)).ino;
  r.addFile(sha, pdfA);
  assert.equal(statSync(join(r.filesDir, sha)).ino, before, 'the same file, not a new copy');
  assert.equal(r.hasFile(sha), true);
  // A write that cannot finish (here: a folder in the file's place; a full disk likewise).
  const shaB = sha256(pdfB);
  mkdirSync(join(r.filesDir, shaB, 'x'), { recursive: true });
  assert.throws(() => r.addFile(shaB, pdfB));
  assert.deepEqual(readdirSync(r.filesDir).filter((f) => f.endsWith('.tmp')), []);
  r.close();
});

test('outages: one open per reason, closed never before they start, delivered once closed', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  assert.equal(r.openOutage('screen-off', '2026-11-21T20:00:00.000Z'), true);
  assert.equal(r.openOutage('screen-off', '2026-11-21T20:05:00.000Z'), false);
  assert.deepEqual(r.openOutages(), ['screen-off']);
  const open = r.undeliveredOutages();
  r.markOutagesDelivered(open.map((o) => o.id));
  assert.equal(r.undeliveredOutages().length, 1, 'an open outage is sent until it is closed');
  assert.equal(r.closeOutage('screen-off', '2026-11-22T06:00:00.000Z'), true);
  assert.deepEqual(r.undeliveredOutages().map(({ from, to, reason }) => ({ from, to, reason })), [
    { from: '2026-11-21T20:00:00.000Z', to: '2026-11-22T06:00:00.000Z', reason: 'screen-off' },
  ]);
  r.markOutagesDelivered(r.undeliveredOutages().map((o) => o.id));
  assert.deepEqual(r.undeliveredOutages(), []);
  r.close();
});

test('a file whose bytes do not match its name is refused before anything is written', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  const s = makeSnapshot(keys, 1, [{ id: 'a', postAt: AT, pdf: pdfA }]);
  s.files.set(sha256(pdfA), pdfB);
  assert.throws(() => r.apply(toApply(s), AT), /does not match its SHA-256/);
  assert.equal(r.applied(), null);
  assert.deepEqual(readdirSync(r.filesDir), []);
  r.close();
});

test('files no snapshot refers to any more are removed after the next apply', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT, pdf: pdfA }])), AT);
  r.apply(toApply(makeSnapshot(keys, 2, [{ id: 'b', postAt: AT, pdf: pdfB }])), AT);
  assert.equal(existsSync(r.filePath(sha256(pdfA))), false);
  assert.ok(r.hasFile(sha256(pdfB)));
  r.close();
});

test('sightings: first and last shown, gone, reported as changes only when the visible set changes', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  assert.equal(r.recordSightings(['a'], '2026-11-21T08:00:00.000Z'), true);
  assert.equal(r.recordSightings(['a'], '2026-11-21T09:00:00.000Z'), false);
  assert.equal(r.recordSightings([], '2026-11-21T10:00:00.000Z'), true);
  assert.deepEqual(r.sightings(), [
    { noticeId: 'a', firstShownAt: '2026-11-21T08:00:00.000Z', lastShownAt: '2026-11-21T09:00:00.000Z', goneAt: '2026-11-21T10:00:00.000Z' },
  ]);
  r.close();
});

test('the last sync error is stored and cleared by a successful apply', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.setLastError('Podpis nesouhlasí', AT);
  assert.deepEqual(r.lastError(), { message: 'Podpis nesouhlasí', at: AT });
  r.apply(toApply(makeSnapshot(keys, 1, [])), AT);
  assert.equal(r.lastError(), null);
  r.close();
});

test('migrations run once and are recorded', () => {
  using dir = tempDir();
  new Replica(dir.path).close();
  const r = new Replica(dir.path);
  const rows = r.db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[];
  assert.equal(rows.length, KIOSK_SCHEMA_VERSION);
  assert.equal(r.db.pragma('journal_mode', { simple: true }), 'wal');
  r.close();
});
