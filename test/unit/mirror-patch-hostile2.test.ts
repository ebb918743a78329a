/**
 * The mirror's fast path (mirror/patch.ts) attacked again, after it came to look only at the run
 * of notice parts where the manifest differs (store/snapshot-parts.ts hashSpan): notices moved
 * within the manifest's order, changes far apart, patch after patch with no settle between, the
 * clock set back and forth. Each time the live folder is compared with a full build at the same
 * instant, and the patch's next instant with the build's.
 */
import assert from 'node:assert/strict';
import fs, { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import { nextInstantOf } from '../../src-main/mirror/build.ts';
import { forgetReleases, patchMirrorJob, type PatchJob } from '../../src-main/mirror/patch.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { files, idsOn, patchBoard, sameAsFull } from '../helpers/mirror-patch.ts';

/** The search's list of hidden notices: a patch writes it, a full build has none. */
const hiddenList = (p: string): boolean => p === 'pagefind/hidden.json';

/** A small seeded generator (the same rounds every run). */
function random(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

test('a notice moved within the manifest’s order, nothing else changed: the open data lists it where a full build does', async () => {
  const s = patchBoard(40);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const [moved] = s.notices.splice(5, 1);
  s.notices.splice(30, 0, moved!);
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

/**
 * Patch after patch with no settle between, `rounds` of them: one to three of withdrawals,
 * corrections, postings (now or in an hour), moves within the manifest's order and personal-data
 * toggles, the clock mostly minutes on, sometimes hours on (past scheduled instants), sometimes set
 * back. A refused patch is followed by a build, as the mirror channel does.
 */
async function fuzz(seed: number, rounds: number, edit?: (m: FeedManifest) => void, pageSize = Number(process.env.PAGE_SIZE ?? 10)): Promise<void> {
  const s = patchBoard(120, { pageSize }, edit);
  using _tmp = s.tmp;
  forgetReleases();
  // The notices the release's search index was made from (at its build), as they were then.
  const indexedAt = (when: number): Map<string, string> => new Map(s.manifest.notices.filter((n) => isPostedAt(n, when)).map((n) => [n.id, JSON.stringify(n)]));
  await s.build(s.manifest);
  let indexed = indexedAt(s.at);
  const rnd = random(Number(process.env.SEED ?? seed));
  let at = s.at;
  let fresh = 0;
  let patched = 0;
  for (let round = 0; round < rounds; round++) {
    const ops: string[] = [];
    for (let k = 0, many = 1 + rnd(3); k < many; k++) {
      const op = rnd(9);
      const i = rnd(s.notices.length);
      const n = s.notices[i]!;
      if (op === 0) {
        n.removeAt = new Date(at - 1).toISOString();
        ops.push(`withdraw ${n.id}`);
      } else if (op === 1) {
        n.title = `${'ABCDEFGH'[rnd(8)]} ${n.title}`;
        n.revision++;
        ops.push(`correct ${n.id}`);
      } else if (op === 2) {
        const id = `b-new-${round}-${k}`;
        s.notices.splice(rnd(s.notices.length + 1), 0, { ...n, id, title: `Nové ${id}`, postAt: new Date(at - 1000 * (1 + rnd(5))).toISOString(), removeAt: rnd(2) ? null : new Date(at + 3_600_000 * (1 + rnd(4))).toISOString() });
        ops.push(`post ${id}`);
      } else if (op === 3) {
        s.notices.splice(i, 1);
        s.notices.splice(rnd(s.notices.length + 1), 0, n);
        ops.push(`move ${n.id}`);
      } else if (op === 4) {
        n.personalData = !n.personalData;
        n.revision++;
        ops.push(`personal ${n.id}`);
      } else if (op === 5) {
        // Into another notice's category (a category may empty: refused, then built).
        n.category = s.notices[rnd(s.notices.length)]!.category;
        n.revision++;
        ops.push(`category ${n.id}`);
      } else if (op === 6) {
        // Another notice's documents (shared by both now; its own may go from the mirror).
        n.attachments = structuredClone(s.notices[rnd(s.notices.length)]!.attachments);
        n.revision++;
        ops.push(`documents ${n.id}`);
      } else if (op === 7) {
        // A withdrawal taken back, or a removal moved an hour on.
        n.removeAt = rnd(2) ? null : new Date(at + 3_600_000 * (1 + rnd(3))).toISOString();
        ops.push(`removal ${n.id}`);
      } else {
        // Scheduled: posted in an hour.
        const id = `b-later-${round}-${k}`;
        s.notices.push({ ...n, id, postAt: new Date(at + 3_600_000 + rnd(1000)).toISOString() });
        ops.push(`schedule ${id}`);
      }
    }
    // The clock: mostly minutes on, sometimes hours on (past scheduled instants), sometimes set back.
    const step = rnd(8);
    at += step === 0 ? -3 * 3_600_000 : step === 1 ? 2 * 3_600_000 + 17 : 60_000 * (1 + rnd(5));
    s.manifest.snapshot.seq++;
    const what = `round ${round} (${ops.join(', ')}, at ${new Date(at).toISOString()})`;
    const r = await s.patch(s.manifest, at);
    if (!r.patched) {
      // Refused: the caller builds, as the mirror channel does.
      await s.build(s.manifest, at);
      indexed = indexedAt(at);
      fresh++;
      continue;
    }
    patched++;
    sameAsFull(files(s.out), await s.fresh(s.manifest, at), what, hiddenList);
    assert.equal(r.nextInstant, nextInstantOf(s.manifest, at), `${what}: next instant`);
    // Search hides the notices its index holds otherwise than shown (removed or changed since it was made).
    const now = indexedAt(at);
    const hidden = [...indexed].filter(([id, json]) => now.get(id) !== json).map(([id]) => id).sort();
    const hiddenFile = join(s.out, 'pagefind', 'hidden.json');
    assert.deepEqual(fs.existsSync(hiddenFile) ? JSON.parse(fs.readFileSync(hiddenFile, 'utf8')) : [], hidden, `${what}: hidden from search`);
    // The ids recorded as shown (the delivery's evidence): those a build shows, in its order.
    assert.equal(r.shownIds, s.manifest.notices.filter((n) => isPostedAt(n, at)).map((n) => `${n.id}\n`).join(''), `${what}: shown ids`);
  }
  if (process.env.SEED) console.log(`seed ${process.env.SEED}: ${patched} patched, ${fresh} built`);
  assert.ok(patched > rounds / 2, `only ${patched} of ${rounds} rounds patched (${fresh} built)`);
}

test('patch after patch, no settle between: withdrawals, corrections, postings, moves and the clock going on and back; each time what a full build shows', async () => {
  await fuzz(7, 24);
});

test('the same on a Polish board (its own language version and an English one)', async () => {
  await fuzz(11, 10, (m) => (m.board = { ...m.board, locale: 'pl-PL' }));
});

test('the same with lists of three notices a page (a change crosses page boundaries often)', async () => {
  await fuzz(17, 12, undefined, 3);
});

test('the same on a board without a public URL (no feeds, no sitemap, no open data)', async () => {
  await fuzz(13, 10, (m) => (m.board = { ...m.board, publicUrl: '' }));
});

test('a job whose list of parts is cut short, lists an id twice or lacks a body is refused, and nothing of the live release changes', async () => {
  const s = patchBoard(30);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = files(s.out);
  const refused = async (job: PatchJob, why: RegExp): Promise<void> => {
    const r = await patchMirrorJob(job);
    assert.equal(r.patched, false);
    assert.match(r.patched ? '' : r.why, why);
    const now = files(s.out);
    assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort());
    for (const [p, bytes] of before) assert.ok(now.get(p)!.equals(bytes), `${p} changed`);
  };
  // The list of parts cut in the middle of a hash.
  const job = s.patchJob(s.manifest);
  await refused({ ...job, hashes: job.hashes.subarray(0, job.hashes.byteLength - 5) }, /cut short/);
  // A notice listed twice, the same part both times (far apart: the run spans most of the list).
  const twice = structuredClone(s.manifest);
  twice.notices.splice(25, 0, twice.notices[2]!);
  await refused(s.patchJob(twice), /twice/);
  // An id listed twice with two parts: one as shown, one corrected.
  const two = structuredClone(s.manifest);
  two.notices.push({ ...two.notices[4]!, title: 'Jiný název', revision: two.notices[4]!.revision + 1 });
  await refused(s.patchJob(two), /twice/);
  // An id posted twice now, both new.
  const both = structuredClone(s.manifest);
  const fresh = { ...both.notices[4]!, id: 'b-dvakrat', postAt: new Date(s.at - 1000).toISOString() };
  both.notices.push(fresh, { ...fresh, title: 'Podruhé' });
  await refused(s.patchJob(both), /twice/);
  // A changed notice whose body did not come with the job.
  const lacking = structuredClone(s.manifest);
  lacking.notices[7]!.title = 'Opraveno';
  await refused({ ...s.patchJob(lacking), bodies: {} }, /missing/);
  // And the next patch, a plain withdrawal, is what a full build shows.
  s.notices[9]!.removeAt = new Date(s.at - 1).toISOString();
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('after a patch that failed half-way (some files written, one not), the next patch never builds on what the thread knew before it: refused, or what a full build shows', async () => {
  const s = patchBoard(30);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const original = structuredClone(s.manifest);
  // The search page's file, written with the list pages and the feeds, made a folder: its rename fails (a full disk for a moment).
  rmSync(join(s.out, 'hledani', 'index.html'));
  mkdirSync(join(s.out, 'hledani', 'index.html', 'x'), { recursive: true });
  s.notices[4]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  await assert.rejects(s.patch(s.manifest), /EISDIR|ENOTEMPTY|EEXIST/);
  rmSync(join(s.out, 'hledani', 'index.html'), { recursive: true });
  // The clerk takes the withdrawal back: the manifest is the release's again.
  original.snapshot.seq = s.manifest.snapshot.seq + 1;
  const later = s.at + 60_000;
  const r = await s.patch(original, later);
  if (!r.patched) await s.build(original, later);
  sameAsFull(files(s.out), await s.fresh(original, later), '', hiddenList);
});

test('a full disk while the small files are written and the OFN file (above 1 MB) is staged: the patch rejects only once nothing of its own is left beside the live files', async () => {
  const s = patchBoard(800);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  s.notices[10]!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  // The Atom feed's rename fails (as a full disk fails a write): the other small files are in flight, the OFN file is being staged.
  const rename = fs.rename;
  fs.rename = ((from: string, to: string, cb: (e: NodeJS.ErrnoException | null) => void) => {
    if (String(to).endsWith('atom.xml')) setImmediate(() => cb(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' })));
    else rename(from, to, cb);
  }) as typeof fs.rename;
  syncBuiltinESMExports();
  try {
    await assert.rejects(s.patch(s.manifest), /ENOSPC/);
  } finally {
    fs.rename = rename;
    syncBuiltinESMExports();
  }
  const left = readdirSync(await realpath(s.out), { recursive: true }).map(String).filter((p) => /\.patch-|\.v-[0-9a-f]+\./.test(p));
  assert.deepEqual(left, []);
  // The next delivery builds (the thread no longer knows the release as it is): a full build's mirror.
  const r = await s.patch(s.manifest);
  assert.equal(r.patched, false);
  await s.build(s.manifest);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});

test('above 2,000 notices (the sitemap in buckets): a notice moved within the manifest’s order, then two changes far apart with another move, show what a full build shows', async () => {
  const s = patchBoard(2100, { pageSize: 500 });
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  assert.ok(files(s.out).has('sitemap-16.xml'), 'the sitemap is in buckets');
  // 1: only a move (the notice's bucket lists it elsewhere among its notices).
  const [moved] = s.notices.splice(100, 1);
  s.notices.splice(1900, 0, moved!);
  s.manifest.snapshot.seq++;
  const r1 = await s.patch(s.manifest);
  assert.ok(r1.patched, r1.patched ? '' : r1.why);
  assert.equal(r1.changed, 0);
  sameAsFull(files(s.out), await s.fresh(s.manifest), 'a move', hiddenList);
  // 2: a withdrawal near the start, a correction near the end, a notice moved between them.
  s.notices[20]!.removeAt = new Date(s.at - 1).toISOString();
  s.notices[2050]!.title = `Opraveno: ${s.notices[2050]!.title}`;
  s.notices[2050]!.revision++;
  const [again] = s.notices.splice(1500, 1);
  s.notices.splice(700, 0, again!);
  s.manifest.snapshot.seq++;
  const r2 = await s.patch(s.manifest);
  assert.ok(r2.patched, r2.patched ? '' : r2.why);
  assert.equal(r2.changed, 2);
  sameAsFull(files(s.out), await s.fresh(s.manifest), 'two changes and a move', hiddenList);
});

test('a correction that moves a notice from the end of one list page into the middle of the next: it is shown there, not left at the end of its page', async () => {
  const s = patchBoard(40);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // By title: page 1 holds "č. 0", "č. 1", "č. 10" … "č. 17", page 2 "č. 18", "č. 19", "č. 2", "č. 20" … "č. 26".
  assert.ok(idsOn(s.out, 'razeni/nazev/index.html').includes('b-00001') && idsOn(s.out, 'razeni/nazev/strana/2/index.html').includes('b-00023'));
  // Notice 1 (page 1) retitled to sort right after notice 23 (the middle of page 2).
  s.notices[1]!.title = `${s.notices[23]!.title} (oprava)`;
  s.notices[1]!.revision++;
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  sameAsFull(files(s.out), await s.fresh(s.manifest), '', hiddenList);
});
