/**
 * A list's pages stay where they begin (build.ts writeLists, pageStarts): a build on the thread
 * that knows the live release pages each list where its pages begin, so a change rewrites the
 * list pages it is on and the lists' first pages (their counts), not every page after it; a page
 * grown or shrunk past its limits makes the list even again.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { pageStarts } from '../../src-main/mirror/build.ts';
import { forgetReleases } from '../../src-main/mirror/patch.ts';
import { noticeOrder, sortKeyed, sortNotices } from '../../src-main/mirror/pages.ts';
import type { FeedNotice } from '../../src-main/shared/feed.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { files, idsOn, isList, listed, patchBoard } from '../helpers/mirror-patch.ts';

/** Every list page of the release behind `out`: path → inode. */
function listInodes(out: string, release: string): Map<string, number> {
  const m = new Map<string, number>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (isList(relative(release, p))) m.set(relative(release, p), st.ino);
    }
  };
  walk(release);
  return m;
}

test('a withdrawal patched and settled: the settling build rewrites only the list pages the notice was on and the lists’ first pages', async () => {
  const s = patchBoard(300);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = await realpath(s.out);
  const gone = s.notices[137]!;
  // The list pages it is on, in every list and language version.
  const on = new Set([...listInodes(s.out, before).keys()].filter((p) => idsOn(before, p).includes(gone.id)));
  assert.ok(on.size >= 6, 'on a page of each order of all notices and of its category (each language)');
  gone.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  const patched = listInodes(s.out, before);
  s.manifest.snapshot.seq++;
  const settled = await s.build(s.manifest);
  assert.notEqual(settled.path, before);
  const after = listInodes(s.out, settled.path);
  assert.deepEqual([...after.keys()].sort(), [...patched.keys()].sort(), 'the same pages: no list was paged anew');
  const rewritten = [...after].filter(([p, ino]) => patched.get(p) !== ino).map(([p]) => p);
  for (const p of rewritten) assert.ok(!p.includes('strana/') || on.has(p), `${p} was rewritten, though the notice was not on it`);
  assert.ok(rewritten.length < after.size / 4, `${rewritten.length} of ${after.size} list pages rewritten`);
  // The same notices in the same order as a full build, and no page past the first counts anything.
  const live = files(s.out);
  assert.deepEqual(listed(live), listed(await s.fresh(s.manifest)));
  const later = [...live.keys()].filter((p) => isList(p) && p.includes('strana/'));
  assert.ok(later.length > 0);
  for (const p of later) assert.doesNotMatch(live.get(p)!.toString('utf8'), /class="lead"|\(\d+\)<\/a>/, `${p} shows a count`);
  assert.match(readFileSync(join(s.out, 'index.html'), 'utf8'), /Vyvěšených oznámení: 299/);
});

test('pageStarts: the live pages’ beginnings while each page holds half to twice a page; a boundary notice gone still marks its place; else pageSize a page', () => {
  const order = noticeOrder('nejnovejsi');
  const all: FeedNotice[] = sortNotices(benchBoard(60).notices, 'nejnovejsi');
  const sorted = all.slice(0, 40);
  const at = (i: number) => sortKeyed(all[i]!);
  assert.deepEqual(pageStarts(sorted, 10, order), [0, 10, 20, 30], 'no pages known: pageSize a page');
  assert.deepEqual(pageStarts([], 10, order), [0], 'an empty list: one empty page');
  assert.deepEqual(pageStarts(sorted, 10, order, [at(12), at(30)]), [0, 12, 30], 'pages of 12, 18 and 10 are kept');
  // The notice the second page began with is gone: that page begins with the one after it.
  assert.deepEqual(pageStarts(sorted.filter((_, i) => i !== 12), 10, order, [at(12), at(30)]), [0, 12, 29]);
  assert.deepEqual(pageStarts(sorted, 10, order, [at(4)]), [0, 10, 20, 30], 'a page of 4 (below half): even pages');
  assert.deepEqual(pageStarts(sorted, 10, order, [at(21)]), [0, 10, 20, 30], 'a page of 21 (above twice): even pages');
  assert.deepEqual(pageStarts(sorted.slice(0, 21), 10, order, [at(10), at(20)]), [0, 10, 20], 'the last page may hold one');
  assert.deepEqual(pageStarts(sorted.slice(0, 15), 10, order, [at(10), at(45)]), [0, 10], 'a boundary past the end would leave an empty page: even pages');
});
