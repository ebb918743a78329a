/**
 * The mirror's fast path (mirror/patch.ts) attacked: a patch killed between two files, a write
 * refused half-way, a `.dirty` record cut short, a list that becomes shorter than the live
 * release's, a Polish board, a notice with personal data, an attachment missing or with other
 * bytes. Each time the live folder is compared with a full build at the same instant, and the next
 * build must give a release equal to a full build's (never reusing a file the patch touched).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { buildMirrorJob } from '../../src-main/channels/mirror-job.ts';
import { BuildCancelled, buildMirror } from '../../src-main/mirror/build.ts';
import { forgetReleases, MAX_CHANGED } from '../../src-main/mirror/patch.ts';
import { pruneReleases, readBuildState } from '../../src-main/mirror/publish.ts';
import type { FeedManifest, FeedNotice } from '../../src-main/shared/feed.ts';
import { sha256 } from '../../src-main/store/snapshot-parts.ts';
import { files, idsOn, isList, listed, parts, patchBoard, sameAsFull } from '../helpers/mirror-patch.ts';

/**
 * A release equal to a full build: its files byte for byte, but for what a full build from scratch
 * cannot know: the list pages (a build on the release's thread pages them where the live release's
 * pages begin: the same notices in the same order), and pages past a list's end, kept from the release before.
 */
function equalsFull(live: Map<string, Buffer>, want: Map<string, Buffer>): void {
  for (const [p, bytes] of want) if (!isList(p)) assert.ok(live.get(p)?.equals(bytes), `${p} differs from a full build`);
  const [has, should] = [listed(live), listed(want)];
  for (const [list, ids] of should) assert.deepEqual(has.get(list), ids, list);
  // Lists a full build from scratch has not: a category emptied since (former.ts), with no notice.
  for (const [list, ids] of has) if (!should.has(list)) assert.deepEqual(ids, [], list);
}

test('a list page the patch touched past the list’s new end still answers after the settling build (a "next" link fetched a moment ago)', async () => {
  const s = patchBoard(22);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // All notices, newest first: pages of 10, 10 and 2.
  const last = idsOn(s.out, 'strana/3/index.html');
  assert.equal(last.length, 2);
  const first = idsOn(s.out, 'index.html');
  // One withdrawn from the last page and six from the first: the patch leaves pages of 4, 10 and 1
  // (the first below half a page: the settling build pages the list evenly again).
  for (const id of [last[0]!, ...first.slice(0, 6)]) s.notices.find((n) => n.id === id)!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest));
  // The settling build: 15 notices, two pages; the third, which a visitor may have been sent to, says the list became shorter.
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  assert.ok(existsSync(join(s.out, 'strana/3/index.html')), 'page 3 of the list answers after the settle');
  assert.deepEqual(idsOn(s.out, 'strana/3/index.html'), []);
  assert.match(readFileSync(join(s.out, 'strana/3/index.html'), 'utf8'), /noindex/);
  equalsFull(files(s.out), await s.fresh(s.manifest));
});

test('a `.dirty` record cut short (a full disk, a kill while it was written) makes the next build reuse nothing, but forget nothing else of the state', async () => {
  const s = patchBoard(22);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const categories = (): string[] => readdirSync(join(s.out, 'kategorie')).sort();
  const before = categories();
  // Both notices of one category withdrawn: a build (a category empties), whose page then says so.
  for (const n of s.notices.filter((x) => x.category === 'Volby')) n.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  assert.equal((await s.patch(s.manifest)).patched, false);
  await s.build(s.manifest);
  assert.deepEqual(categories(), before, 'the emptied category keeps its pages');
  const release = await realpath(s.out);
  const state = (await readBuildState(s.out, release))!;
  // A patch's record, then one cut short.
  const touched = idsOn(s.out, 'index.html')[0]!;
  appendFileSync(join(`${s.out}.builds`, `${basename(release)}.dirty`), `${JSON.stringify({ files: ['kategorie/'], pages: [touched] })}\n{"files":["strana/2/","opendata/ur`);
  const read = (await readBuildState(s.out, release))!;
  assert.ok(read !== null, 'the state is still read');
  assert.deepEqual(read.categories, state.categories, 'the categories the mirror gave pages to are remembered');
  assert.deepEqual(read.pages, {}, 'no notice page is reused');
  assert.deepEqual(Object.keys(read.files!).sort(), Object.keys(state.files!).sort(), 'every file the release has is known');
  for (const [p, k] of Object.entries(read.files!)) assert.notEqual(k, state.files![p], `${p} would be reused`);
  // The next build: the emptied category still has its pages; the release is a full build's.
  s.notices[0]!.title = 'Změněno';
  s.manifest.snapshot.seq++;
  const built = await s.build(s.manifest);
  assert.equal(built.pagesReused, 0);
  assert.deepEqual(categories(), before, 'the emptied category still has its pages');
  equalsFull(files(s.out), await s.fresh(s.manifest));
});

/**
 * A child process that builds `before` (this thread then knows the live release) and patches
 * `after` into it, killing itself with SIGKILL just before its `killAt`-th rename of a patched
 * file (0: never; it then prints how many there were).
 */
const PATCH_CHILD = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { buildMirrorJob } from ${JSON.stringify(new URL('../../src-main/channels/mirror-job.ts', import.meta.url).href)};
import { patchMirrorJob } from ${JSON.stringify(new URL('../../src-main/mirror/patch.ts', import.meta.url).href)};
import { sha256, splitManifest } from ${JSON.stringify(new URL('../../src-main/store/snapshot-parts.ts', import.meta.url).href)};
const [file, killAt] = [process.argv[1], Number(process.argv[2])];
const o = JSON.parse(fs.readFileSync(file, 'utf8'));
const partsOf = (m) => {
  const bytes = Buffer.from(JSON.stringify(m));
  const split = splitManifest(bytes);
  const hashes = split.notices.map((b) => sha256(b));
  return { bytes, frame: split.frame, hashes: Buffer.concat(hashes), bodies: Object.fromEntries(hashes.map((h, i) => [h.toString('hex'), split.notices[i]])) };
};
const common = { blobDir: o.blobDir, outDir: o.outDir, digestDir: null, publicKey: null, settings: o.settings };
const b = partsOf(o.before);
await buildMirrorJob({ ...common, manifest: b.bytes, at: o.at, large: false, hashes: b.hashes });
let renames = 0;
const rename = fs.renameSync;
fs.renameSync = (from, to) => {
  if (String(from).includes('.patch-') && ++renames === killAt) process.kill(process.pid, 'SIGKILL');
  return rename(from, to);
};
// The patch renames most files with fs.rename (several at once): counted alike.
const renameAsync = fs.rename;
fs.rename = (from, to, cb) => {
  if (String(from).includes('.patch-') && ++renames === killAt) process.kill(process.pid, 'SIGKILL');
  return renameAsync(from, to, cb);
};
syncBuiltinESMExports();
const a = partsOf(o.after);
const r = await patchMirrorJob({ ...common, at: o.at, frame: a.frame, hashes: a.hashes, bodies: a.bodies });
if (!r.patched) throw new Error(r.why);
process.stdout.write(String(renames));
`;

function patchChild(file: string, killAt: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const c = spawn(process.execPath, ['--input-type=module', '-e', PATCH_CHILD, file, String(killAt)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((r) => c.on('exit', (code, signal) => r({ code, signal, out })));
}

/** Every notice page and document an HTML file of `dir` links to is there (a half-patched release: no link answers 404); the documents linked. */
function linksResolve(dir: string): Set<string> {
  const all = files(dir);
  let links = 0;
  const docs = new Set<string>();
  for (const [p, bytes] of all) {
    if (!p.endsWith('.html')) continue;
    const depth = p.split('/').length - 1;
    for (const m of bytes.toString('utf8').matchAll(/href="((?:\.\.\/)*)((?:[a-z]{2}\/)?oznameni\/[^/"]+\/|soubory\/[0-9a-f]{64}\.pdf)"/g)) {
      const ups = m[1]!.length / 3;
      const base = p.split('/').slice(0, depth - ups).join('/');
      const target = join(base, m[2]!.endsWith('/') ? join(m[2]!, 'index.html') : m[2]!);
      assert.ok(all.has(target), `${p} links ${m[1]}${m[2]}, which is not there`);
      if (target.endsWith('.pdf')) docs.add(target);
      links++;
    }
  }
  assert.ok(links > 500, `${links} links checked`);
  return docs;
}

test('a patch killed with SIGKILL between two files of a Polish board: no link of the live release answers 404, and the next build (a restarted publisher) gives a full build’s release, reusing nothing the patch touched', async () => {
  const s = patchBoard(40, { pageSize: 10 }, (m) => (m.board = { ...m.board, locale: 'pl-PL' }));
  using _tmp = s.tmp;
  // Documents of their own: the withdrawn notice's goes with it, the new notice's comes with it.
  const doc = (name: string): FeedNotice['attachments'][number] => {
    const bytes = Buffer.from(`%PDF-1.4 ${name}`);
    return { sha256: s.addBlob(bytes), name: `${name}.pdf`, size: bytes.length, mediaType: 'application/pdf' };
  };
  const [oldDoc, newDoc] = [doc('stary'), doc('novy')];
  s.notices[5]!.attachments = [oldDoc];
  const before = structuredClone(s.manifest);
  // A withdrawal, a correction, and a notice posted now.
  s.notices[5]!.removeAt = new Date(s.at - 1).toISOString();
  s.notices[12]!.title = 'Aaa poprawione ogłoszenie';
  s.notices[12]!.revision++;
  s.notices.push({ ...s.notices[3]!, id: 'b-nowe', title: 'Nowe ogłoszenie', postAt: new Date(s.at - 60_000).toISOString(), publishedAt: new Date(s.at - 60_000).toISOString(), attachments: [newDoc] });
  s.manifest.snapshot.seq += 2;
  const want = await s.fresh(s.manifest);
  const wantBefore = await s.fresh(before);
  const job = (name: string): string => {
    const file = join(s.tmp.path, `${name}.json`);
    writeFileSync(file, JSON.stringify({ before, after: s.manifest, at: s.at, blobDir: s.blobDir, outDir: join(s.tmp.path, name), settings: { pageSize: 10 } }));
    return file;
  };
  const whole = await patchChild(job('whole'), 0);
  assert.equal(whole.code, 0);
  const renames = Number(whole.out);
  assert.ok(renames > 20, `${renames} files patched`);
  sameAsFull(files(join(s.tmp.path, 'whole')), want);
  const linked = linksResolve(join(s.tmp.path, 'whole'));
  assert.ok(linked.has(`soubory/${newDoc.sha256}.pdf`) && !existsSync(join(s.tmp.path, 'whole', `soubory/${oldDoc.sha256}.pdf`)));
  for (const killAt of [1, 2, 3, Math.floor(renames / 2) & ~1, renames - 1, renames]) {
    const name = `killed-${killAt}`;
    const out = join(s.tmp.path, name);
    const killed = await patchChild(job(name), killAt);
    assert.equal(killed.signal, 'SIGKILL', `killed before rename ${killAt}`);
    const half = await realpath(out);
    linksResolve(out);
    // The restarted publisher builds (its threads know nothing): the release is a full build's,
    // even when what it shows is again what the release showed before the patch (every patched
    // file then has the key the build state gives it, and must not be reused).
    forgetReleases();
    const buildInto = async (m: FeedManifest) => {
      const p = parts(m);
      return (await buildMirrorJob({ blobDir: s.blobDir, outDir: out, digestDir: null, publicKey: null, settings: { pageSize: 10 }, manifest: p.bytes, at: s.at, large: false, hashes: p.hashes }))!;
    };
    const target = killAt % 2 === 0 ? before : s.manifest;
    const built = await buildInto(target);
    assert.notEqual(built.path, half);
    const live = files(out);
    const expected = target === before ? wantBefore : want;
    assert.deepEqual([...live.keys()].sort(), [...expected.keys()].sort(), `after a kill before rename ${killAt}`);
    equalsFull(live, expected);
  }
});

test('a correction that takes out personal data (a redacted copy, the notice marked): the patch shows only the public copy, noindex and out of the sitemap as a full build does, and search hides the notice until the index is remade', async () => {
  const s = patchBoard(30, { pageSize: 10 }, (m) => (m.board = { ...m.board, publicUrl: 'https://obec.example/deska/' }));
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const x = s.notices[4]!;
  const full = x.attachments[0]!;
  const copy = Buffer.from('%PDF-1.4 začerněná kopie');
  x.attachments[0] = { ...full, redacted: { sha256: s.addBlob(copy), name: 'vyhlaska-anonymizovana.pdf', size: copy.length } };
  x.personalData = true;
  x.title = 'Oznámení bez jména';
  x.revision++;
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  const live = files(s.out);
  sameAsFull(live, await s.fresh(s.manifest));
  const page = live.get(`oznameni/${x.id}/index.html`)!.toString('utf8');
  assert.match(page, /noindex/);
  assert.match(page, new RegExp(`soubory/${x.attachments[0].redacted!.sha256}\\.pdf`));
  assert.doesNotMatch(page, new RegExp(full.sha256));
  assert.doesNotMatch(live.get('sitemap.xml')?.toString('utf8') ?? assert.fail('no sitemap'), new RegExp(`oznameni/${x.id}/`));
  // The search index still holds the notice as it was (its old title, the full document's text): not listed until it is remade.
  assert.deepEqual(JSON.parse(readFileSync(join(s.out, 'pagefind', 'hidden.json'), 'utf8')), [x.id]);

  // A second patch: another notice corrected, then corrected back (as the index holds it: found again).
  const y = s.notices[9]!;
  const title = y.title;
  y.title = 'Překlep';
  s.manifest.snapshot.seq++;
  assert.ok((await s.patch(s.manifest)).patched);
  assert.deepEqual(JSON.parse(readFileSync(join(s.out, 'pagefind', 'hidden.json'), 'utf8')), [x.id, y.id].sort());
  y.title = title;
  s.manifest.snapshot.seq++;
  assert.ok((await s.patch(s.manifest)).patched);
  assert.deepEqual(JSON.parse(readFileSync(join(s.out, 'pagefind', 'hidden.json'), 'utf8')), [x.id]);
  sameAsFull(files(s.out), await s.fresh(s.manifest));
  // The settle: the index remade, nothing hidden.
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  assert.ok(!existsSync(join(s.out, 'pagefind', 'hidden.json')));
  equalsFull(files(s.out), await s.fresh(s.manifest));
});

test('a notice posted now whose document is missing from the blob store, or has other bytes: the patch fails before any page is written, and the live release shows what it showed', async () => {
  const s = patchBoard(20);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = files(s.out);
  const bytes = Buffer.from('%PDF-1.4 nový dokument');
  const sha = sha256(bytes).toString('hex');
  const blob = join(s.blobDir, sha.slice(0, 2), sha);
  s.notices.push({ ...s.notices[2]!, id: 'b-nove', title: 'Nové', postAt: new Date(s.at - 1000).toISOString(), publishedAt: new Date(s.at - 1000).toISOString(), attachments: [{ sha256: sha, name: 'novy.pdf', size: bytes.length, mediaType: 'application/pdf' }] });
  s.manifest.snapshot.seq++;
  const unchanged = (): void => {
    const now = files(s.out);
    assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort());
    for (const [p, b] of before) assert.ok(now.get(p)!.equals(b), `${p} was written`);
  };
  await assert.rejects(s.patch(s.manifest), /ENOENT/);
  unchanged();
  mkdirSync(dirname(blob), { recursive: true });
  writeFileSync(blob, Buffer.from('%PDF-1.4 jiný obsah'));
  await assert.rejects(s.patch(s.manifest), /otisk/);
  unchanged();
  // The thread still knows the release as it is: with the document right, the patch goes through.
  writeFileSync(blob, bytes);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  s.blobs.set(sha, bytes);
  sameAsFull(files(s.out), await s.fresh(s.manifest));
});

test('patch after patch with no settling build between (each next delivery stops it): once more than MAX_CHANGED notices differ from what the release was built from, a build', async () => {
  const s = patchBoard(60);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const release = await realpath(s.out);
  // One withdrawal at a time, from the oldest (never emptying a page: the lists have 6 pages of 10).
  let patched = 0;
  let refused = '';
  for (let i = 0; i < MAX_CHANGED + 5 && refused === ''; i++) {
    s.notices[59 - 2 * i]!.removeAt = new Date(s.at - 1).toISOString();
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest);
    if (r.patched) patched++;
    else refused = r.why;
  }
  assert.equal(patched, MAX_CHANGED);
  assert.match(refused, /since the release was built/);
  assert.equal(await realpath(s.out), release);
  assert.equal(JSON.parse(readFileSync(join(s.out, 'pagefind', 'hidden.json'), 'utf8')).length, MAX_CHANGED);
  // The build the refusal leads to: a full build's release; patches go on from it.
  await s.build(s.manifest);
  equalsFull(files(s.out), await s.fresh(s.manifest));
  s.notices[0]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  assert.ok((await s.patch(s.manifest)).patched);
});

test('a patch an hour after the build shows what a full build at its instant shows (pages that say the instant they show too)', async () => {
  const s = patchBoard(30);
  using _tmp = s.tmp;
  // A notice the manifest holds ahead of its posting, an hour and a half after the build.
  s.notices.push({ ...s.notices[2]!, id: 'b-pozdeji', title: 'Vyvěšeno později', postAt: new Date(s.at + 5_400_000).toISOString(), publishedAt: new Date(s.at - 1000).toISOString() });
  forgetReleases();
  await s.build(s.manifest);
  assert.ok(!existsSync(join(s.out, 'oznameni/b-pozdeji/index.html')));
  const later = s.at + 3_600_000;
  s.notices[4]!.removeAt = new Date(later - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest, later);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest, later));
  // Two hours after the build, nothing signed anew: notice 1 removed at its instant, the later one posted at its own.
  const after = s.at + 2 * 3_600_000;
  const r2 = await s.patch(s.manifest, after);
  assert.ok(r2.patched, r2.patched ? '' : r2.why);
  assert.equal(r2.changed, 2);
  const live = files(s.out);
  sameAsFull(live, await s.fresh(s.manifest, after));
  assert.ok(live.has('oznameni/b-pozdeji/index.html') && !live.has(`oznameni/${s.notices[1]!.id}/index.html`));
});

test('pruning while a release goes in the background (a cancelled build’s): the others are pruned all the same', async () => {
  const s = patchBoard(10);
  using _tmp = s.tmp;
  forgetReleases();
  for (let i = 0; i < 3; i++) {
    s.notices[0]!.title = `Změna ${i}`;
    s.manifest.snapshot.seq++;
    await s.build(s.manifest);
  }
  const dir = `${s.out}.releases`;
  assert.equal(readdirSync(dir).length, 3);
  // An entry listed, then gone before it is looked at (here: a link to nothing, which stat cannot follow either).
  symlinkSync(join(s.tmp.path, 'smazano'), join(dir, '0000000099-aaaaaaaaaaaa'));
  await pruneReleases(s.out);
  assert.deepEqual(readdirSync(dir).filter((n) => !n.startsWith('0000000099')).length, 2, 'the live release and the one before it');
});

test('a board with the archive on is never patched (a removed notice belongs in the archive a patch does not write)', async () => {
  const s = patchBoard(12, { pageSize: 10, archive: true });
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = files(s.out);
  s.notices[3]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.deepEqual(r, { patched: false, why: 'the archive is on' });
  const now = files(s.out);
  assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort());
  for (const [p, b] of before) assert.ok(now.get(p)!.equals(b), `${p} was written`);
  assert.ok(!existsSync(join(`${s.out}.builds`, `${basename(await realpath(s.out))}.dirty`)));
});

test('a correction that moves nothing (each list paged as before): every file of the patched release, list pages too, is a full build’s byte for byte', async () => {
  const s = patchBoard(35, { pageSize: 10 }, (m) => (m.board = { ...m.board, publicUrl: 'https://obec.example/deska/', locale: 'pl-PL' }));
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const later = s.at + 60_000;
  for (const i of [2, 17, 33]) {
    s.notices[i]!.description = `Opravený popis ${i}.`;
    s.notices[i]!.department = 'Odbor opravený';
    s.notices[i]!.revision++;
  }
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest, later);
  assert.ok(r.patched, r.patched ? '' : r.why);
  const live = files(s.out);
  const want = await s.fresh(s.manifest, later);
  assert.deepEqual([...live.keys()].filter((p) => p !== 'pagefind/hidden.json').sort(), [...want.keys()].sort());
  for (const [p, bytes] of want) assert.ok(live.get(p)!.equals(bytes), `${p} differs from a full build`);
});

test('a patch that cannot put one of its files in place leaves no file of its own beside it (a full disk keeps no half file in the live release)', async () => {
  const s = patchBoard(20);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // The search page's file, written after the notice and list pages, made a folder: its rename fails.
  rmSync(join(s.out, 'hledani', 'index.html'));
  mkdirSync(join(s.out, 'hledani', 'index.html', 'x'), { recursive: true });
  s.notices[4]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  await assert.rejects(s.patch(s.manifest), /EISDIR|ENOTEMPTY|EEXIST/);
  const left = readdirSync(await realpath(s.out), { recursive: true }).map(String).filter((p) => p.includes('.patch-'));
  assert.deepEqual(left, []);
});

test('pruning keeps the `.dirty` record of every release it keeps, and deletes it with its release', async () => {
  const s = patchBoard(20);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const patched = await realpath(s.out);
  s.notices[4]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  assert.ok((await s.patch(s.manifest)).patched);
  const dirty = join(`${s.out}.builds`, `${basename(patched)}.dirty`);
  await pruneReleases(s.out);
  assert.ok(existsSync(dirty), 'the live release’s');
  // The settle, then pruning: the patched release is the one before the live one.
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await pruneReleases(s.out);
  assert.ok(existsSync(patched) && existsSync(dirty), 'the one before the live one’s');
  s.notices[5]!.title = 'Jiný název';
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await pruneReleases(s.out);
  assert.ok(!existsSync(patched) && !existsSync(dirty), 'gone with its release');
});

test('a build cancelled while several of its file operations are in flight rejects only once none is left (nothing writes into the release deleted behind it)', async () => {
  const s = patchBoard(12);
  using _tmp = s.tmp;
  // Every notice a document of its own: the build reads twelve documents, four at a time.
  s.notices.forEach((n, i) => {
    const bytes = Buffer.from(`%PDF-1.4 dokument ${i}`);
    n.attachments = [{ sha256: s.addBlob(bytes), name: `d${i}.pdf`, size: bytes.length, mediaType: 'application/pdf' }];
  });
  let reading = 0;
  let asked = 0;
  let cancel = false;
  const readAttachment = async (sha: string): Promise<Uint8Array> => {
    reading++;
    // The first read stops the build when it ends; the others end well after.
    const first = ++asked === 1;
    if (first) cancel = true;
    await new Promise((r) => setTimeout(r, first ? 50 : 1500));
    reading--;
    return s.blobs.get(sha)!;
  };
  await assert.rejects(buildMirror({ manifest: s.manifest, at: s.at, readAttachment, settings: { pageSize: 10 } }, s.out, { parallel: 4, cancelled: () => cancel }), BuildCancelled);
  assert.equal(reading, 0, 'no document read still in flight');
  assert.ok(asked > 1 && asked <= 4, `${asked} documents asked for`);
});

test('a patch with no notice changed, at a later instant (a snapshot signed anew for a notice still ahead): what a full build at that instant shows', async () => {
  const s = patchBoard(20);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // A notice posted in two days enters the manifest: nothing shown changes.
  s.notices.push({ ...s.notices[2]!, id: 'b-za-dva-dny', title: 'Za dva dny', postAt: new Date(s.at + 2 * 86_400_000).toISOString(), publishedAt: new Date(s.at).toISOString() });
  s.manifest.snapshot.seq++;
  const later = s.at + 600_000;
  const r = await s.patch(s.manifest, later);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.equal(r.changed, 0);
  sameAsFull(files(s.out), await s.fresh(s.manifest, later));
});
