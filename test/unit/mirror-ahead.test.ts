/**
 * Releases built ahead and builds stopped part-way, on real folders: pruning keeps the release
 * built ahead and the one before the live one; a cancelled build and a build killed with SIGKILL
 * leave the live mirror whole, and the next build recovers.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { buildMirrorJob, prebuildMirrorJob } from '../../src-main/channels/mirror-job.ts';
import { BuildCancelled, buildMirror, nextInstantOf } from '../../src-main/mirror/build.ts';
import { discardPrebuilt, pruneReleases, readPrebuilt, swapToPrebuilt, writePrebuilt } from '../../src-main/mirror/publish.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { tempDir } from '../helpers/tmp.ts';

const exists = (p: string): Promise<boolean> => stat(p).then(() => true, () => false);

/** The releases left in `out` once a cancelled build's half-written one is deleted (it goes in the background: build.ts). */
async function releasesSettled(out: string, expected: string[]): Promise<string[]> {
  // Up to a minute: on a loaded machine (parallel test files) the deletes queue behind other file work.
  for (let i = 0; i < 1200; i++) {
    const now = (await readdir(`${out}.releases`)).sort();
    if (JSON.stringify(now) === JSON.stringify([...expected].sort())) return now;
    await sleep(50);
  }
  return (await readdir(`${out}.releases`)).sort();
}

test('pruning keeps the release built ahead and the one before the live one; a swap to it is only the symlink', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const input = (at: number) => ({ manifest, at, readAttachment: async (sha: string) => files.get(sha)! });
  const a = await buildMirror(input(SAMPLE_AT), out);
  const next = nextInstantOf(manifest, SAMPLE_AT)!;
  assert.equal(a.nextInstant, next);
  assert.ok(next > SAMPLE_AT);
  manifest.snapshot.seq++;
  const ahead = await buildMirror(input(next), out, { swap: false, prune: false });
  assert.equal(await realpath(out), a.path, 'built ahead, not live');
  await writePrebuilt(out, { release: ahead.path, at: next, until: ahead.nextInstant, key: 'k', seq: manifest.snapshot.seq, shown: ahead.shownNoticeIds });
  // Two more builds with pruning: the live one, the one before it and the one built ahead stay.
  manifest.snapshot.seq++;
  const b = await buildMirror(input(SAMPLE_AT + 1), out);
  manifest.snapshot.seq++;
  const c = await buildMirror(input(SAMPLE_AT + 2), out);
  assert.deepEqual((await readdir(`${out}.releases`)).sort(), [ahead.path, b.path, c.path].map((p) => p.split('/').at(-1)!).sort());
  assert.ok(await exists(join(`${out}.builds`, 'prebuilt.json')), 'its record survives pruning');
  assert.ok(await exists(join(`${out}.builds`, `${ahead.path.split('/').at(-1)}.json`)), 'and its build state');

  // A swap to a release other than the recorded one is refused; the recorded one is made live.
  assert.equal(await swapToPrebuilt(out, { release: b.path, key: 'k' }, () => 7), null);
  assert.equal(await swapToPrebuilt(out, { release: ahead.path, key: 'k' }, () => 7), 7);
  assert.equal(await realpath(out), ahead.path);
  assert.equal((await readPrebuilt(out))!.liveAt, 7);
  // Discarding the record of a live release keeps the release (it is the mirror now).
  await discardPrebuilt(out);
  assert.equal(await readPrebuilt(out), null);
  assert.ok(await exists(ahead.path));
  await pruneReleases(out);
  assert.deepEqual((await readdir(`${out}.releases`)).sort(), [ahead.path, c.path].map((p) => p.split('/').at(-1)!).sort());
});

test('a cancelled build rejects, leaves no release behind, and the live mirror is untouched', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const live = await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  const index = await readFile(join(out, 'index.html'), 'utf8');
  manifest.snapshot.seq++;
  manifest.notices[0]!.title = 'Změněný název';
  let asked = 0;
  await assert.rejects(buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out, { cancelled: () => ++asked > 3 }), BuildCancelled);
  assert.deepEqual(await releasesSettled(out, [live.path.split('/').at(-1)!]), [live.path.split('/').at(-1)]);
  assert.equal(await realpath(out), live.path);
  assert.equal(await readFile(join(out, 'index.html'), 'utf8'), index);
  // The next build goes on as usual.
  manifest.snapshot.seq++;
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  assert.match(await readFile(join(out, 'index.html'), 'utf8'), /Změněný název/);
});

/** A child process building 2,000 notices into `out`, the first build already live. */
const CHILD = `
import { buildMirror } from ${JSON.stringify(new URL('../../src-main/mirror/build.ts', import.meta.url).href)};
import { sampleBoard, SAMPLE_AT } from ${JSON.stringify(new URL('../../src-main/mirror/sample.ts', import.meta.url).href)};
const { manifest, files } = sampleBoard();
const t = manifest.notices[0];
manifest.notices = Array.from({ length: 2000 }, (_, i) => ({ ...t, id: 'k-' + String(i).padStart(5, '0'), title: 'Oznámení ' + i + (process.argv[2] === 'changed' ? ' (změna)' : '') }));
manifest.snapshot.seq = process.argv[2] === 'changed' ? 2 : 1;
await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha) }, process.argv[1]);
`;

function child(out: string, mode: string) {
  return spawn(process.execPath, ['--input-type=module', '-e', CHILD, out, mode], { stdio: 'ignore', detached: true });
}

test('a build killed with SIGKILL part-way leaves the live mirror whole; the next build recovers', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const first = child(out, 'first');
  assert.equal(await new Promise((r) => first.on('exit', r)), 0);
  const live = await realpath(out);
  const index = await readFile(join(out, 'index.html'), 'utf8');

  const killed = child(out, 'changed');
  // Killed once its release folder has files in it (mid-build), with its own process group (Pagefind's process too).
  for (let i = 0; i < 20_000; i++) {
    const releases = await readdir(`${out}.releases`);
    const other = releases.find((r) => join(`${out}.releases`, r) !== live);
    if (other !== undefined && (await readdir(join(`${out}.releases`, other)).catch(() => [])).length > 0) break;
    await sleep(1);
  }
  process.kill(-killed.pid!, 'SIGKILL');
  await new Promise((r) => killed.on('exit', r));
  assert.equal(await realpath(out), live, 'the live release is still the first');
  assert.equal(await readFile(join(out, 'index.html'), 'utf8'), index);
  assert.doesNotMatch(await readFile(join(out, 'index.html'), 'utf8'), /změna/);

  const again = child(out, 'changed');
  assert.equal(await new Promise((r) => again.on('exit', r)), 0);
  assert.notEqual(await realpath(out), live);
  assert.match(await readFile(join(out, 'index.html'), 'utf8'), /\(změna\)/);
  // Pruned to the live release and the one before it: the half-written one is gone.
  const kept = await readdir(`${out}.releases`);
  assert.equal(kept.length, 2);
  assert.ok(kept.includes(live.split('/').at(-1)!));
});

test('a build ahead cancelled at any point resolves to nothing (never an unhandled rejection) and leaves only the live release', async () => {
  using tmp = tempDir();
  const { manifest, files } = sampleBoard();
  const blobs = join(tmp.path, 'blobs');
  for (const [sha, bytes] of files) {
    await mkdir(join(blobs, sha.slice(0, 2)), { recursive: true });
    await writeFile(join(blobs, sha.slice(0, 2), sha), bytes);
  }
  const out = join(tmp.path, 'site');
  const job = { manifest: new TextEncoder().encode(JSON.stringify(manifest)), at: SAMPLE_AT, blobDir: blobs, outDir: out, digestDir: null, publicKey: null, large: false };
  const live = (await buildMirrorJob(job))!;
  let finished = 0;
  for (const delay of [0, 5, 15, 30, 60, 120]) {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const p = prebuildMirrorJob({ ...job, at: nextInstantOf(manifest, SAMPLE_AT)! }, cancel);
    setTimeout(() => Atomics.store(cancel, 0, 1), delay);
    const r = await p;
    if (r === null) {
      assert.deepEqual(await releasesSettled(out, [live.path.split('/').at(-1)!]), [live.path.split('/').at(-1)], `cancelled after ${delay} ms: nothing left`);
      assert.equal(await readPrebuilt(out), null);
    } else {
      finished++;
      assert.equal((await readPrebuilt(out))!.release, r.release);
    }
    assert.equal(await realpath(out), live.path, 'the live release is untouched either way');
  }
  assert.ok(finished < 6, 'at least one was cancelled part-way');
});

test('a prebuilt.json naming anything but a release folder of this mirror is ignored, and discarding it deletes nothing else', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  const releases = `${out}.releases`;
  const keep = join(tmp.path, 'keep');
  await mkdir(keep);
  // A folder elsewhere that only looks like a release of this mirror (same folder names).
  const lookalike = join(tmp.path, 'elsewhere', 'site.releases', '0000000001-aaaaaaaaaaaa');
  await mkdir(lookalike, { recursive: true });
  const record = (release: string) => writeFile(join(`${out}.builds`, 'prebuilt.json'), JSON.stringify({ release, at: SAMPLE_AT, until: null, key: 'k', seq: 1, shown: [] }));
  for (const release of [join(releases, '..'), join(releases, '..', 'keep'), keep, join(tmp.path, 'other.releases', '0000000001-aaaaaaaaaaaa'), join(releases, 'not-a-release')]) {
    await record(release);
    assert.equal(await readPrebuilt(out), null, release);
    await discardPrebuilt(out);
  }
  // Read as this mirror's own release of that name (which does not exist): the look-alike stays.
  await record(lookalike);
  assert.equal((await readPrebuilt(out))?.release, join(releases, '0000000001-aaaaaaaaaaaa'));
  await discardPrebuilt(out);
  assert.ok(await exists(lookalike), 'a folder outside this mirror is never deleted');
  assert.ok(await exists(keep) && (await exists(releases)) && (await exists(join(out, 'index.html'))), 'nothing outside the releases was deleted, and the live mirror stands');
  await record(join(releases, '0000000001-aaaaaaaaaaaa'));
  assert.equal((await readPrebuilt(out))?.release, join(releases, '0000000001-aaaaaaaaaaaa'));
});

test('a build state whose categories or files are not what they should be is read without them: the next build still runs', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const build = () => {
    manifest.snapshot.seq += 1;
    return buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  };
  const first = await build();
  const stateFile = join(`${out}.builds`, `${first.path.split('/').pop()!}.json`);
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
  await writeFile(stateFile, JSON.stringify({ ...state, categories: { not: 'a list' }, files: 7 }));
  const second = await build();
  assert.ok(await exists(join(second.path, 'index.html')));
  assert.equal(await realpath(out), second.path);
});
