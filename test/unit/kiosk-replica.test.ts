import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { KIOSK_SCHEMA_VERSION, Replica } from '../../src-main/kiosk/replica.ts';
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
  assert.equal(r.apply(toApply(s), AT), true);
  assert.deepEqual(r.applied(), { seq: 1, appliedAt: AT, board: s.manifest.board, createdAt: s.manifest.snapshot.createdAt });
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

test('an older or equal seq is ignored and changes nothing', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 5, [{ id: 'five', postAt: AT }])), AT);
  assert.equal(r.apply(toApply(makeSnapshot(keys, 5, [{ id: 'other', postAt: AT }])), AT), false);
  assert.equal(r.apply(toApply(makeSnapshot(keys, 4, [{ id: 'older', postAt: AT }])), AT), false);
  assert.deepEqual(r.notices().map((n) => n.id), ['five']);
  assert.equal(r.applied()?.seq, 5);
  r.close();
});

test('apply is one transaction: a snapshot lacking a file leaves the previous snapshot whole', () => {
  using dir = tempDir();
  const r = new Replica(dir.path);
  r.apply(toApply(makeSnapshot(keys, 1, [{ id: 'a', postAt: AT, pdf: pdfA }])), AT);
  const broken = makeSnapshot(keys, 2, [
    { id: 'x', postAt: AT, pdf: pdfB },
    { id: 'y', postAt: AT },
  ]);
  broken.files.clear();
  assert.throws(() => r.apply(toApply(broken), AT), /attachment .* is missing/);
  assert.equal(r.applied()?.seq, 1);
  assert.deepEqual(r.notices().map((n) => n.id), ['a']);
  assert.ok(r.hasFile(sha256(pdfA)));
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
