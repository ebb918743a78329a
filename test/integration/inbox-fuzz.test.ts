/**
 * Fuzz run of the inbox: 1,040 malformed packages (seeded, so a failure reproduces) of every kind
 * a document-management system or an attacker could drop — truncated JSON, wrong types, missing
 * fields and files, bad PDFs, zip bombs, names that leave the package, symlinks, huge fields,
 * control characters, keys given twice, non-UTF-8 text — plus 20 valid ones among them. One scan
 * of the real folder through a real publisher: no crash, every malformed package in rejected/
 * with its .error.txt, every valid one imported, and every file that was dropped still there
 * byte for byte (counted before and after).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { inboxPath } from '../../src-main/inbox/folder.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { filesUnder, metadata, pdf, writeFolderPackage, zip, type ZipEntry } from '../helpers/inbox-packages.ts';
import { tempDir } from '../helpers/tmp.ts';

const MALFORMED = 1040;
const VALID = 20;

/** mulberry32: a small seeded generator. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Maker = (box: string, name: string, r: () => number, good: Uint8Array) => void;

const json = (v: unknown): string => JSON.stringify(v);
const pick = <T,>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const FIELDS = ['version', 'source', 'title', 'description', 'category', 'department', 'referenceNumber', 'fileMark', 'postAt', 'removeAt', 'attachments', 'type'];
const WRONG: unknown[] = [42, -1.5, true, null, {}, ['a'], { x: 1 }];

const folder = (meta: unknown, files: Record<string, Uint8Array>): Maker => (box, name) => writeFolderPackage(box, name, meta, files);
const zipped = (entries: ZipEntry[]): Maker => (box, name) => {
  writeFileSync(join(box, `${name}.zip`), zip(entries));
  writeFileSync(join(box, `${name}.zip.ready`), '');
};

/** Each kind of malformed package; every maker gets a fresh document id so none is a mere duplicate. */
const KINDS: Record<string, (id: string, r: () => number, good: Uint8Array) => Maker> = {
  'truncated JSON': (id, r, good) => {
    const t = json(metadata(id));
    return folder(t.slice(0, 1 + Math.floor(r() * (t.length - 2))), { 'dokument.pdf': good });
  },
  'wrong type': (id, r, good) => folder({ ...metadata(id), [pick(r, FIELDS)]: pick(r, WRONG) }, { 'dokument.pdf': good }),
  'missing required field': (id, r, good) => {
    const m = metadata(id);
    delete m[pick(r, ['version', 'source', 'title', 'attachments'])];
    return folder(m, { 'dokument.pdf': good });
  },
  'no dedup key': (id, _r, good) => folder({ ...metadata(id), source: { system: 'ginis' }, referenceNumber: undefined }, { 'dokument.pdf': good }),
  'missing file': (id, _r, good) => folder(metadata(id, { attachments: [{ file: 'dokument.pdf' }, { file: 'priloha.pdf' }] }), { 'dokument.pdf': good }),
  'unlisted file': (id, _r, good) => folder(metadata(id), { 'dokument.pdf': good, 'navic.pdf': good }),
  'bad PDF': (id, r, good) => {
    const bad = pick(r, [
      Buffer.from('%PDF-1.7\n' + 'garbage '.repeat(50)),
      Buffer.from(good).subarray(Math.floor(good.byteLength / 3)),
      Buffer.from('<html><body>not a pdf</body></html>'),
      Buffer.alloc(0),
      Buffer.from(Buffer.from(good).toString('latin1').replace(/trailer\s*<</, (m) => `${m}\n/Encrypt 1 0 R`), 'latin1'),
    ]);
    return folder(metadata(id), { 'dokument.pdf': bad });
  },
  'zip bomb (ratio)': (id, r) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'dokument.pdf', data: Buffer.alloc((2 + Math.floor(r() * 6)) * 1024 * 1024), deflate: true },
  ]),
  'zip bomb (declared size)': (id, _r, good) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'dokument.pdf', data: good, declaredSize: 0xfffffff0 },
  ]),
  'zip lying size': (id, _r, good) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'dokument.pdf', data: good, deflate: true, declaredSize: 10 },
  ]),
  'zip traversal name': (id, r, good) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: pick(r, ['../dokument.pdf', '../../../../tmp/dokument.pdf', '/etc/dokument.pdf', 'a/../../dokument.pdf', 'C:/dokument.pdf', 'a\\..\\dokument.pdf']), data: good },
  ]),
  'zip symlink': (id) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'dokument.pdf', data: Buffer.from('/etc/shadow'), mode: 0o120777 },
  ]),
  'zip too many entries': (id, _r, good) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    ...Array.from({ length: 70 }, (_, i) => ({ name: `f${i}.pdf`, data: good.subarray(0, 10) })),
  ]),
  'zip nested folders': (id, _r, good) => zipped([
    { name: 'a/metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'b/dokument.pdf', data: good },
  ]),
  'zip duplicate names': (id, _r, good) => zipped([
    { name: 'metadata.json', data: Buffer.from(json(metadata(id))) },
    { name: 'dokument.pdf', data: good },
    { name: 'DOKUMENT.PDF', data: good },
  ]),
  'not a zip': (_id, r) => (box, name) => {
    const bytes = Buffer.alloc(200 + Math.floor(r() * 2000));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
    if (r() < 0.5) bytes.write('PK\u0003\u0004', 0, 'latin1');
    writeFileSync(join(box, `${name}.zip`), bytes);
    writeFileSync(join(box, `${name}.zip.ready`), '');
  },
  'huge field': (id, r, good) => folder({ ...metadata(id), [pick(r, ['title', 'description', 'category', 'department', 'referenceNumber', 'fileMark'])]: 'Ž'.repeat(25_000) }, { 'dokument.pdf': good }),
  'huge metadata file': (id, _r, good) => folder({ ...metadata(id), 'x-padding': 'a'.repeat(300 * 1024) }, { 'dokument.pdf': good }),
  'control character': (id, r, good) => folder({ ...metadata(id), [pick(r, ['title', 'category', 'department', 'fileMark'])]: `Vyhláška${pick(r, ['\u0000', '\u0007', '\u001b[31m', '\u202e', '\u0085', '\n', '\ud800'])}x` }, { 'dokument.pdf': good }),
  'duplicate key': (id, _r, good) => folder(json(metadata(id)).replace('"title":', '"title":"A","title":'), { 'dokument.pdf': good }),
  'impossible instant': (id, r, good) => folder(metadata(id, { [pick(r, ['postAt', 'removeAt'])]: pick(r, ['2026-02-30T08:00:00+01:00', '2026-12-01T08:00:00', '1999-12-01T08:00:00Z', '2026-12-01T25:00:00+01:00', '2026-12-01T08:00:00+15:00', 'zítra', '2026-13-01T08:00:00Z']) }), { 'dokument.pdf': good }),
  'removal before posting': (id, _r, good) => folder(metadata(id, { removeAt: '2026-11-01T08:00:00+01:00' }), { 'dokument.pdf': good }),
  'not UTF-8': (id, _r, good) => (box, name) => {
    const dir = writeFolderPackage(box, name, metadata(id), { 'dokument.pdf': good }, false);
    // "Veřejná" in windows-1250: ř = 0xF8, á = 0xE1, alone they are not valid UTF-8.
    writeFileSync(join(dir, 'metadata.json'), Buffer.from(json(metadata(id)).replace(/Veřejná/g, 'Ve\u00f8ejn\u00e1'), 'latin1'));
    writeFileSync(join(box, `${name}.ready`), '');
  },
  'bad attachment name': (id, r, good) => folder(metadata(id, { attachments: [{ file: pick(r, ['../dokument.pdf', 'sub/dokument.pdf', 'dokument.exe', '.pdf', 'C:\\dokument.pdf']) }] }), { 'dokument.pdf': good }),
  'two metadata files': (id, _r, good) => (box, name) => {
    const dir = writeFolderPackage(box, name, metadata(id), { 'dokument.pdf': good }, false);
    writeFileSync(join(dir, 'druhy.json'), json(metadata(`${id}-b`)));
    writeFileSync(join(box, `${name}.ready`), '');
  },
  'no metadata': (_id, _r, good) => (box, name) => {
    mkdirSync(join(box, name));
    writeFileSync(join(box, name, 'dokument.pdf'), good);
    writeFileSync(join(box, `${name}.ready`), '');
  },
  'subfolder': (id, _r, good) => (box, name) => {
    const dir = writeFolderPackage(box, name, metadata(id), { 'dokument.pdf': good }, false);
    mkdirSync(join(dir, 'prilohy'));
    writeFileSync(join(dir, 'prilohy', 'x.pdf'), good);
    writeFileSync(join(box, `${name}.ready`), '');
  },
  'stray file': (_id, r, good) => (box, name) => {
    const ext = pick(r, ['.pdf', '.json', '.docx', '']);
    writeFileSync(join(box, `${name}${ext}`), good);
    writeFileSync(join(box, `${name}${ext}.ready`), '');
  },
  'wrong version': (id, r, good) => folder(metadata(id, { version: pick(r, [0, 2, '1', 1.5]) }), { 'dokument.pdf': good }),
  'unknown field': (id, r, good) => folder({ ...metadata(id), [pick(r, ['postat', 'Title', 'přílohy', 'publish'])]: 'x' }, { 'dokument.pdf': good }),
  'bad system name': (id, r, good) => folder(metadata(id, { source: { system: pick(r, ['', 'spisová služba', '../x', 'a'.repeat(80)]), documentId: id } }), { 'dokument.pdf': good }),
  'empty title': (id, r, good) => folder(metadata(id, { title: pick(r, ['', '   ', '\t']) }), { 'dokument.pdf': good }),
};

test(`fuzz: ${MALFORMED} malformed packages are all quarantined with a reason, ${VALID} valid ones among them imported, no file lost`, { timeout: 300_000 }, async () => {
  using dir = tempDir();
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now: clock.now() });
  const pub = await startPublisher({ dataDir: dir.path, clock, sweep: false, inbox: { watch: false } });
  try {
    const box = inboxPath(dir.path, 'demo');
    const good = await pdf('Dobry dokument');
    const r = rng(20261122);
    const kinds = Object.keys(KINDS);
    const expected = new Map<string, string>();
    let v = 0;
    for (let i = 0; i < MALFORMED; i++) {
      const kind = kinds[i % kinds.length]!;
      const name = `f${String(i).padStart(4, '0')}`;
      expected.set(name, kind);
      KINDS[kind]!(`F-${i}`, r, good)(box, name, r, good);
      if (i % Math.floor(MALFORMED / VALID) === 0 && v < VALID) folder(metadata(`OK-${v}`), { 'dokument.pdf': good })(box, `ok${String(v++).padStart(2, '0')}`, r, good);
    }
    const before = new Map(filesUnder(box).map((f) => [f, statSync(join(box, f)).size]));

    const out = await pub.inbox!.scanNow();

    const left = readdirSync(box).filter((n) => !['processing', 'processed', 'duplicates', 'rejected'].includes(n));
    assert.deepEqual(left.map((n) => `${n}: ${expected.get(n.replace(/\..*$/, '')) ?? 'valid'}`), [], 'nothing left behind');
    const counts = { imported: 0, duplicate: 0, rejected: 0 };
    for (const o of out) counts[o.result]++;
    assert.deepEqual(counts, { imported: VALID, duplicate: 0, rejected: MALFORMED }, 'every malformed package quarantined, every valid one imported');
    for (const o of out) {
      if (o.result === 'imported') assert.match(o.name, /^ok/);
      else assert.ok(expected.has(o.name.replace(/\..*$/, '')), `${o.name} was not a malformed package`);
    }
    const rejected = readdirSync(join(box, 'rejected'));
    const reasons = rejected.filter((n) => n.endsWith('.error.txt'));
    assert.equal(reasons.length, MALFORMED, 'one reason file per package');
    for (const f of reasons) {
      const text = readFileSync(join(box, 'rejected', f), 'utf8');
      assert.match(text, /byl odmítnut[\s\S]*Soubor: [\s\S]*Chyba: \S/, f);
    }
    // Zero files lost: every file dropped is in exactly one state folder, same size.
    const after = new Map(filesUnder(box).map((f) => [f, statSync(join(box, f)).size]));
    let found = 0;
    for (const [f, size] of before) {
      const moved = ['rejected', 'processed'].map((d) => `${d}/${f}`).find((p) => after.has(p));
      assert.ok(moved, `${f} is gone`);
      assert.equal(after.get(moved), size, `${f} changed`);
      found++;
    }
    assert.equal(found, before.size);
    assert.equal(after.size, before.size + MALFORMED + VALID, 'plus one note per package, nothing else');
    assert.deepEqual(readdirSync(join(dir.path, 'tmp')), [], 'work copies cleaned up');
    console.log(`fuzz: ${MALFORMED} malformed packages of ${kinds.length} kinds (${before.size} files) rejected with reasons, ${VALID} valid imported, ${before.size} files accounted for`);
  } finally {
    await pub.stop();
  }
});
