/**
 * The mirror's fast path (mirror/patch.ts) attacked after its OFN file (above 1 MB: written under a
 * name of its own beside its path, then put in place by a symlink) came to be staged as soon as its
 * items are known, before the list pages, feeds and sitemap are made: a small board's OFN file and
 * one crossing 1 MB; a patch refused after staging, twice in a row, then one that goes through; a
 * throw and a full disk after it (the `.dirty` record, the staged write, its close), a failure
 * after the OFN file is in place. Each time: no file of the patch's own left in the live release
 * (nor a trash folder), the release as it was (or what a full build shows), and the thread knowing
 * it as it is.
 */
import assert from 'node:assert/strict';
import fs, { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { ofnFile } from '../../src-main/mirror/ofn.ts';
import { forgetReleases } from '../../src-main/mirror/patch.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { currentRelease, readBuildState } from '../../src-main/mirror/publish.ts';
import { sha256 } from '../../src-main/store/snapshot-parts.ts';
import { files, idsOn, patchBoard, sameAsFull } from '../helpers/mirror-patch.ts';

const OFN = join('opendata', 'uredni-deska.jsonld');

/** The search's list of hidden notices: a patch writes it, a full build has none. */
const hiddenList = (p: string): boolean => p === 'pagefind/hidden.json';

/** Files of a patch's own in the live release (`.patch-`, a large file's data `.v-`) but the one the OFN path links to. */
function strays(out: string): string[] {
  const live = fs.realpathSync(out);
  const ofn = join(live, OFN);
  const target = lstatSync(ofn).isSymbolicLink() ? join(dirname(OFN), readlinkSync(ofn)) : null;
  return readdirSync(live, { recursive: true })
    .map(String)
    .filter((p) => /\.patch-|\.v-[0-9a-f]+\./.test(p) && p !== target);
}

/** Every file of the live folder (the OFN file read through its symlink) as `before` has it. */
function unchanged(out: string, before: Map<string, Buffer>, what: string): void {
  const now = files(out);
  assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort(), what);
  for (const [p, b] of before) assert.ok(now.get(p)!.equals(b), `${what}: ${p} changed`);
}

/** The `.dirty` record of the live release (patches' marks), '' when there is none. */
async function dirtyOf(out: string): Promise<string> {
  const release = (await currentRelease(out))!;
  const file = join(`${out}.builds`, `${basename(release)}.dirty`);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** An 800-notice board (OFN file above 1 MB) whose default list's second page holds one notice: withdrawing it would empty that page (refused after the OFN file is staged). */
async function refusable() {
  const s = patchBoard(800, { pageSize: 799 });
  forgetReleases();
  await s.build(s.manifest);
  assert.ok(fs.statSync(join(s.out, OFN)).size > 1024 * 1024, 'an OFN file above the threshold: staged');
  const [alone] = idsOn(s.out, 'strana/2/index.html');
  assert.ok(alone !== undefined);
  const first = idsOn(s.out, 'index.html');
  /** Each notice's removal as built: a withdrawal taken back restores it. */
  const removeAt = new Map(s.notices.map((n) => [n.id, n.removeAt]));
  const withdraw = (id: string): void => {
    s.notices.find((n) => n.id === id)!.removeAt = new Date(s.at - 1).toISOString();
    s.manifest.snapshot.seq++;
  };
  const restore = (id: string): void => {
    s.notices.find((n) => n.id === id)!.removeAt = removeAt.get(id)!;
    s.manifest.snapshot.seq++;
  };
  return { s, alone, first, withdraw, restore };
}

test('on a small board (an OFN file of 32 KB, not above 1 MB) a patch writes the OFN file as a plain file, as a full build does: no symlink, no data file beside it', async () => {
  const s = patchBoard(20);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  assert.ok(fs.statSync(join(s.out, OFN)).size <= 1024 * 1024);
  s.notices[3]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.ok(lstatSync(join(s.out, OFN)).isFile(), 'the OFN path a plain file');
  assert.deepEqual(readdirSync(join(s.out, 'opendata')).filter((f) => /\.v-|\.patch-/.test(f)), []);
  const want = await s.fresh(s.manifest);
  assert.ok(readFileSync(join(s.out, OFN)).equals(want.get(OFN)!), 'the OFN file is a full build’s');
  sameAsFull(files(s.out), want, '', hiddenList);
  // Marked dirty: the next build never reuses it as the state says.
  const state = await readBuildState(s.out, (await currentRelease(s.out))!);
  assert.equal(state?.files?.['opendata/uredni-deska.jsonld'], 'patched');
});

test('an OFN file about 1 MB, patched below the threshold, above it, below it again: a plain file at or below it, a symlink to its data above it, each time a full build’s bytes and no data file left', async () => {
  // 620 notices (about 1,030,000 bytes), the board's location (in the file's head only) padded to 5 bytes above 1 MB: one notice withdrawn takes it below.
  const settings = { pageSize: 10, opendata: { location: 'x' } };
  const probe = benchBoard(620);
  settings.opendata.location = 'x'.repeat(1 + 1024 * 1024 + 5 - Buffer.concat(ofnFile(probe.manifest, probe.at, settings).pieces()).length);
  const s = patchBoard(620, settings);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const ofn = join(s.out, OFN);
  assert.equal(fs.statSync(ofn).size, 1024 * 1024 + 5);
  const [a, b] = [s.notices[30]!, s.notices[31]!];
  const aRemove = a.removeAt;
  const steps: [string, () => void, boolean][] = [
    ['withdrawn: below', () => (a.removeAt = new Date(s.at - 1).toISOString()), false],
    ['back: above', () => (a.removeAt = aRemove), true],
    ['another withdrawn: below', () => (b.removeAt = new Date(s.at - 1).toISOString()), false],
  ];
  for (const [what, edit, above] of steps) {
    edit();
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest);
    assert.ok(r.patched, r.patched ? '' : r.why);
    const want = Buffer.concat(ofnFile(s.manifest, s.at, settings).pieces());
    assert.equal(want.length > 1024 * 1024, above, what);
    assert.ok(readFileSync(ofn).equals(want), `${what}: the OFN file is a full build’s`);
    assert.equal(lstatSync(ofn).isSymbolicLink(), above, `${what}: ${above ? 'a symlink' : 'a plain file'}`);
    for (let i = 0; i < 200 && strays(s.out).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.deepEqual(strays(s.out), [], what);
  }
});

test('a patch refused after staging, twice in a row, then one that goes through: no data file left, no `.dirty` mark, the thread still knows the release, and the result is a full build’s (the OFN file byte for byte)', async () => {
  const { s, alone, first, withdraw, restore } = await refusable();
  using _tmp = s.tmp;
  const before = files(s.out);
  for (const round of [1, 2]) {
    withdraw(alone);
    const r = await s.patch(s.manifest);
    assert.equal(r.patched, false, `round ${round}`);
    assert.match(r.patched ? '' : r.why, /empty/);
    assert.deepEqual(strays(s.out), [], `round ${round}: nothing of the patch's own left`);
    assert.ok(lstatSync(join(s.out, OFN)).isFile(), 'the OFN file as the build wrote it');
    unchanged(s.out, before, `round ${round}`);
    assert.equal(await dirtyOf(s.out), '', 'a refused patch marks nothing dirty');
    restore(alone);
  }
  // The thread knows the release as it is: another withdrawal is patched (not "not built on this thread").
  withdraw(first[3]!);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.ok(lstatSync(join(s.out, OFN)).isSymbolicLink());
  assert.deepEqual(strays(s.out), []);
  const want = await s.fresh(s.manifest);
  sameAsFull(files(s.out), want, '', hiddenList);
  assert.ok(readFileSync(join(s.out, OFN)).equals(want.get(OFN)!), 'the OFN file is a full build’s');
  // The patch marked the OFN file dirty: the next build never reuses it as the state says.
  const state = await readBuildState(s.out, (await currentRelease(s.out))!);
  assert.equal(state?.files?.['opendata/uredni-deska.jsonld'], 'patched');
});

test('a patch refused after staging over a release already patched (its OFN path a symlink): the live data file stays, the new one goes, and the next patch shows a full build’s', async () => {
  const { s, alone, first, withdraw, restore } = await refusable();
  using _tmp = s.tmp;
  withdraw(first[0]!);
  const r1 = await s.patch(s.manifest);
  assert.ok(r1.patched, r1.patched ? '' : r1.why);
  const ofn = join(s.out, OFN);
  const target = readlinkSync(ofn);
  const before = files(s.out);
  const dirty = await dirtyOf(s.out);
  withdraw(alone);
  const r2 = await s.patch(s.manifest);
  assert.equal(r2.patched, false);
  assert.equal(readlinkSync(ofn), target, 'the OFN path links the same data file');
  assert.ok(existsSync(ofn), 'which is there');
  assert.deepEqual(strays(s.out), []);
  unchanged(s.out, before, 'refused');
  assert.equal(await dirtyOf(s.out), dirty, 'no mark of the refused patch');
  restore(alone);
  withdraw(first[5]!);
  const r3 = await s.patch(s.manifest);
  assert.ok(r3.patched, r3.patched ? '' : r3.why);
  assert.notEqual(readlinkSync(ofn), target);
  // The first patch's data file goes once the third is live (deleted while the thread replies: given a moment).
  for (let i = 0; i < 200 && strays(s.out).length > 0; i++) await new Promise((r) => setTimeout(r, 25));
  assert.deepEqual(strays(s.out), [], 'the first patch’s data file gone once the third is live');
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('a throw after staging (a notice posted now whose document is missing from the blob store): the patch rejects with no data file left, and once the document is there it goes through as a full build shows', async () => {
  const { s } = await refusable();
  using _tmp = s.tmp;
  const before = files(s.out);
  const bytes = Buffer.from('%PDF-1.4 nový dokument');
  const sha = sha256(bytes).toString('hex');
  s.notices.push({ ...s.notices[2]!, id: 'b-nove', title: 'Nové', postAt: new Date(s.at - 1000).toISOString(), publishedAt: new Date(s.at - 1000).toISOString(), attachments: [{ sha256: sha, name: 'novy.pdf', size: bytes.length, mediaType: 'application/pdf' }] });
  s.manifest.snapshot.seq++;
  await assert.rejects(s.patch(s.manifest), /ENOENT/);
  assert.deepEqual(strays(s.out), []);
  unchanged(s.out, before, 'thrown');
  // Marked dirty before the first file (conservative: the next build renders the OFN file anew).
  assert.match(await dirtyOf(s.out), /uredni-deska\.jsonld/);
  s.addBlob(bytes);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.deepEqual(strays(s.out), []);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('a full disk when the `.dirty` record is written (after staging, before the first file): the patch rejects with no data file left and the release as it was; with room again, the next patch goes through', async () => {
  const { s, first, withdraw } = await refusable();
  using _tmp = s.tmp;
  const before = files(s.out);
  withdraw(first[2]!);
  const append = fs.appendFileSync;
  fs.appendFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    if (String(file).endsWith('.dirty')) throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    return (append as (...a: unknown[]) => void)(file, ...rest);
  }) as typeof fs.appendFileSync;
  syncBuiltinESMExports();
  try {
    await assert.rejects(s.patch(s.manifest), /ENOSPC/);
  } finally {
    fs.appendFileSync = append;
    syncBuiltinESMExports();
  }
  assert.deepEqual(strays(s.out), []);
  unchanged(s.out, before, 'no room for the mark');
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('a full disk while the OFN file is staged: a patch refused for an emptied list page stages nothing, the refusal is the answer and nothing is left; patched on, the patch rejects, nothing is left, and the build that follows gives a full build’s release', async () => {
  const { s, alone, first, withdraw, restore } = await refusable();
  using _tmp = s.tmp;
  const before = files(s.out);
  const writev = fs.writev;
  let failed = 0;
  fs.writev = ((fd: number, buffers: ArrayBufferView[], ...rest: unknown[]) => {
    const cb = rest.at(-1) as (e: NodeJS.ErrnoException | null) => void;
    failed++;
    setImmediate(() => cb(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })));
    void fd;
    void buffers;
  }) as typeof fs.writev;
  syncBuiltinESMExports();
  try {
    withdraw(alone);
    const r = await s.patch(s.manifest);
    assert.equal(r.patched, false);
    assert.match(r.patched ? '' : r.why, /empty/);
    assert.deepEqual(strays(s.out), []);
    unchanged(s.out, before, 'refused');
    restore(alone);
    withdraw(first[1]!);
    await assert.rejects(s.patch(s.manifest), /ENOSPC/);
    assert.deepEqual(strays(s.out), []);
  } finally {
    fs.writev = writev;
    syncBuiltinESMExports();
  }
  assert.equal(failed, 1, 'only the patch that went on staged the OFN file (an emptied list page refuses before)');
  // The OFN file as it was (the small files may be the patch's): the thread forgot the release, the caller builds.
  assert.ok(readFileSync(join(s.out, OFN)).equals(before.get(OFN)!));
  const r = await s.patch(s.manifest);
  assert.equal(r.patched, false);
  await s.build(s.manifest);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('the staged OFN file’s descriptor fails to close (a quota on a network disk): refused after it or patched on, the data file is removed all the same', async () => {
  const { s, alone, first, withdraw, restore } = await refusable();
  using _tmp = s.tmp;
  const before = files(s.out);
  const open = fs.open;
  const close = fs.closeSync;
  const staged = new Set<number>();
  fs.open = ((path: fs.PathLike, ...rest: unknown[]) => {
    const cb = rest.at(-1) as (e: NodeJS.ErrnoException | null, fd?: number) => void;
    const mine = (e: NodeJS.ErrnoException | null, fd?: number): void => {
      if (e === null && /\.v-[0-9a-f]+\./.test(String(path))) staged.add(fd!);
      cb(e, fd);
    };
    return (open as (...a: unknown[]) => void)(path, ...rest.slice(0, -1), mine);
  }) as typeof fs.open;
  fs.closeSync = ((fd: number) => {
    close(fd);
    if (staged.delete(fd)) throw Object.assign(new Error('EIO: i/o error, close'), { code: 'EIO' });
  }) as typeof fs.closeSync;
  syncBuiltinESMExports();
  try {
    withdraw(alone);
    const r = await s.patch(s.manifest);
    assert.equal(r.patched, false);
    assert.deepEqual(strays(s.out), [], 'refused: nothing left');
    unchanged(s.out, before, 'refused');
    restore(alone);
    withdraw(first[1]!);
    await assert.rejects(s.patch(s.manifest), /EIO/);
    assert.deepEqual(strays(s.out), [], 'patched on: nothing left');
  } finally {
    fs.open = open;
    fs.closeSync = close;
    syncBuiltinESMExports();
  }
  assert.ok(readFileSync(join(s.out, OFN)).equals(before.get(OFN)!), 'the OFN file as it was');
});

test('a patch that fails after its OFN file is in place (a removed notice’s page cannot be deleted): the file it replaced goes all the same, from the trash (a plain file) or beside the path (an earlier patch’s data)', async () => {
  const { s, first, withdraw } = await refusable();
  using _tmp = s.tmp;
  const trashes = (): string[] => readdirSync(`${s.out}.builds`).filter((f) => f.startsWith('trash-'));
  /** Withdraws `id`, its page made a folder (its deletion, after every file is written, fails): the patch rejects. */
  const failing = async (id: string): Promise<void> => {
    const page = join(s.out, 'oznameni', id, 'index.html');
    rmSync(page);
    mkdirSync(join(page, 'x'), { recursive: true });
    withdraw(id);
    await assert.rejects(s.patch(s.manifest), /EISDIR|EPERM/);
    rmSync(page, { recursive: true });
  };
  // Over the build's plain OFN file (above 256 KB: kept in the trash until the patch is live).
  await failing(first[1]!);
  assert.ok(lstatSync(join(s.out, OFN)).isSymbolicLink(), 'the OFN file was put in place');
  assert.deepEqual(trashes(), [], 'no trash folder left');
  assert.deepEqual(strays(s.out), []);
  // The thread forgot the release: a build, a patch (the OFN path a symlink to its data), then one failing as above.
  await s.build(s.manifest);
  withdraw(first[2]!);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  await failing(first[3]!);
  assert.deepEqual(strays(s.out), [], 'the first patch’s data file gone');
  assert.deepEqual(trashes(), []);
});

test('a withdrawal that takes the sitemap from buckets to one file (2,001 notices to 2,000) is refused after staging: nothing left, the release as it was', async () => {
  const s = patchBoard(2001, { pageSize: 50 });
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = files(s.out);
  assert.ok(before.has('sitemap-1.xml'), 'the sitemap in buckets');
  s.notices[7]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.equal(r.patched, false);
  assert.match(r.patched ? '' : r.why, /sitemap is split or joined/);
  assert.deepEqual(strays(s.out), []);
  unchanged(s.out, before, 'refused');
  assert.equal(await dirtyOf(s.out), '');
});
