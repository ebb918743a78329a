/**
 * Pages that stay where they begin (build.ts pageStarts and writeLists, patch.ts liveLayout),
 * attacked: the page size changed in the settings, categories appearing and emptying, notices
 * moving in an order, boundary notices withdrawn, corrected or turned personal, patches without a
 * settle, a Polish board and one without a public URL, a release built ahead, the thread
 * forgetting the release, the archive on. Each time the live mirror is checked against a full
 * build at the same instant (every other file byte for byte, every list the same notices in the
 * same order) and its lists for their shape: each notice once, every page within half to twice
 * pageSize (the last from one) or even, the pager and "strana X z Y" counting the pages there are,
 * pages past the end saying the list became shorter, counts on first pages only.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { prebuildMirrorJob } from '../../src-main/channels/mirror-job.ts';
import { pageStarts } from '../../src-main/mirror/build.ts';
import { forgetReleases, liveLayout } from '../../src-main/mirror/patch.ts';
import { noticeOrder, sortKeyed, sortNotices } from '../../src-main/mirror/pages.ts';
import { CS, EN, PL } from '../../src-main/mirror/texts.ts';
import type { MirrorSettings } from '../../src-main/mirror/settings.ts';
import type { FeedManifest, FeedNotice } from '../../src-main/shared/feed.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { files, idsOn, isList, listed, parts, patchBoard } from '../helpers/mirror-patch.ts';

const GONE = [CS.pageGone, EN.pageGone, PL.pageGone];

/** The pages of each list (path without strana/N/): number, path, ids, and whether it says the list became shorter. */
function pagesOf(all: Map<string, Buffer>): Map<string, { n: number; path: string; ids: string[]; html: string; gone: boolean }[]> {
  const out = new Map<string, { n: number; path: string; ids: string[]; html: string; gone: boolean }[]>();
  for (const [path, bytes] of all) {
    if (!isList(path)) continue;
    const list = path.replace(/strana\/\d+\//, '');
    const html = bytes.toString('utf8');
    const ids = [...html.matchAll(/<h3><a href="[^"]*oznameni\/([^/"]+)\/"/g)].map((m) => m[1]!);
    const entry = { n: Number(/strana\/(\d+)\//.exec(path)?.[1] ?? 1), path, ids, html, gone: GONE.some((g) => html.includes(g)) };
    out.set(list, [...(out.get(list) ?? []), entry].sort((a, b) => a.n - b.n));
  }
  return out;
}

/**
 * The shape of every list of a mirror: pages 1..R, then only pages saying the list became shorter;
 * each notice once; pages within half to twice pageSize (the last from one) or even; the pager and
 * the title count R pages; no count past the first page.
 */
function wellPaged(all: Map<string, Buffer>, pageSize: number, what: string): void {
  for (const [list, pages] of pagesOf(all)) {
    const at = `${what}: ${list}`;
    assert.deepEqual(pages.map((p) => p.n), pages.map((_, i) => i + 1), `${at}: pages numbered from 1 without a gap`);
    const real = pages.filter((p) => !p.gone);
    assert.ok(real.length >= 1, `${at}: a first page`);
    assert.ok(pages.slice(real.length).every((p) => p.gone && p.ids.length === 0), `${at}: only pages past the end say the list became shorter`);
    assert.ok(real.every((p) => !p.gone), `${at}: a real page says it is gone`);
    const ids = real.flatMap((p) => p.ids);
    assert.equal(new Set(ids).size, ids.length, `${at}: a notice listed twice`);
    const sizes = real.map((p) => p.ids.length);
    const R = real.length;
    if (R > 1) {
      const even = sizes.slice(0, -1).every((k) => k === pageSize) && sizes.at(-1)! >= 1 && sizes.at(-1)! <= pageSize;
      const kept = sizes.every((k, i) => k <= 2 * pageSize && k >= (i === R - 1 ? 1 : Math.ceil(pageSize / 2)));
      assert.ok(even || kept, `${at}: pages of ${sizes.join(', ')} (pageSize ${pageSize})`);
    } else assert.ok(sizes[0]! <= 2 * pageSize, `${at}: one page of ${sizes[0]}`);
    for (const p of real) {
      const pager = /<nav class="pages"[^]*?<\/nav>/.exec(p.html)?.[0];
      if (R === 1) {
        assert.equal(pager, undefined, `${at}: a pager on a single page`);
        continue;
      }
      assert.ok(pager !== undefined, `${at} page ${p.n}: no pager`);
      const numbers = [...pager.matchAll(/>(\d+)<\/a>/g)].map((m) => Number(m[1]));
      assert.equal(Math.max(...numbers), R, `${at} page ${p.n}: the pager's last page`);
      assert.equal(/aria-current="page" aria-label="[^"]*">(\d+)</.exec(pager)?.[1], String(p.n), `${at} page ${p.n}: the pager's current page`);
      const title = /<title>([^<]*)<\/title>/.exec(p.html)![1]!;
      assert.match(title, new RegExp(`(strana|page|strona) ${p.n} (z|of) ${R}$`), `${at} page ${p.n}: the title says ${title}`);
      assert.equal(p.html.includes('class="lead"'), p.n === 1, `${at} page ${p.n}: the lead (counts) on the first page only`);
    }
    for (const p of pages.slice(real.length)) assert.doesNotMatch(p.html, /class="lead"|\(\d+\)<\/a>/, `${at} page ${p.n}: a gone page counts`);
  }
}

/** The live mirror as a full build at the same instant: other files byte for byte, each list's notices in order (a former category's pages aside: empty). */
function likeFull(live: Map<string, Buffer>, want: Map<string, Buffer>, what: string): void {
  const others = (m: Map<string, Buffer>): string[] => [...m.keys()].filter((p) => !isList(p)).sort();
  assert.deepEqual(others(live), others(want), what);
  for (const p of others(want)) assert.ok(live.get(p)!.equals(want.get(p)!), `${what}: ${p} differs from a full build`);
  const [has, should] = [listed(live), listed(want)];
  for (const [list, ids] of should) assert.deepEqual(has.get(list), ids, `${what}: ${list}`);
  for (const [list, ids] of has) if (!should.has(list)) assert.deepEqual(ids, [], `${what}: ${list}`);
}

type Board = ReturnType<typeof patchBoard>;

/** The live mirror of `s` checked against a full build at `at` and for its shape. */
async function check(s: Board, pageSize: number, what: string, at = s.at): Promise<Map<string, Buffer>> {
  const live = files(s.out);
  likeFull(live, await s.fresh(s.manifest, at), what);
  wellPaged(live, pageSize, what);
  return live;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const byId = (s: Board, id: string): FeedNotice => s.notices.find((n) => n.id === id)!;

test('the page size changed in the settings: the next build pages every list by the new size (10 → 15 → 50 → 10)', async () => {
  const settings: MirrorSettings = { pageSize: 10 };
  const s = patchBoard(110, settings);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  for (const size of [15, 50, 10]) {
    settings.pageSize = size;
    s.manifest.snapshot.seq++;
    await s.build(s.manifest);
    await check(s, size, `pageSize ${size}`);
    // (15 lies within half to twice the pages of 10 it follows: kept, the setting would change nothing.)
    assert.equal(idsOn(s.out, 'index.html').length, size, `pageSize ${size}: the first page holds the new size`);
    assert.equal(idsOn(s.out, 'strana/2/index.html').length, size, `pageSize ${size}: the second page too`);
  }
});

test('a page past a list’s end, once written, is not written again by a later build that changes only counts', async () => {
  const s = patchBoard(25);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // The last page's five notices withdrawn: that page would be empty, so the list is paged evenly in two, and page 3 says it is gone.
  for (const id of idsOn(s.out, 'strana/3/index.html')) byId(s, id).removeAt = iso(s.at - 1);
  s.manifest.snapshot.seq++;
  const second = await s.build(s.manifest);
  await check(s, 10, 'a list shortened');
  const gone = statSync(join(second.path, 'strana/3/index.html')).ino;
  // One more withdrawn from the first page: the pages stay, the counts change; page 3 still says the same.
  byId(s, idsOn(s.out, 'index.html')[2]!).removeAt = iso(s.at - 1);
  s.manifest.snapshot.seq++;
  const third = await s.build(s.manifest);
  await check(s, 10, 'a count changed');
  assert.equal(statSync(join(third.path, 'strana/3/index.html')).ino, gone, 'page 3 (gone) reused, not written again');
});

test('pageStarts: boundaries out of order, two at one place, or before the first notice page the list evenly', () => {
  const order = noticeOrder('nazev');
  const sorted: FeedNotice[] = sortNotices(benchBoard(40).notices, 'nazev');
  const at = (i: number) => sortKeyed(sorted[i]!);
  const even = [0, 10, 20, 30];
  assert.deepEqual(pageStarts(sorted, 10, order, [at(20), at(10)]), even, 'out of order');
  assert.deepEqual(pageStarts(sorted, 10, order, [at(12), at(12), at(30)]), even, 'an empty page between');
  assert.deepEqual(pageStarts(sorted, 10, order, [at(0), at(12)]), even, 'an empty first page');
  assert.deepEqual(pageStarts([], 10, order, [at(3)]), [0], 'an empty list: one empty page');
  assert.deepEqual(pageStarts(sorted.slice(0, 9), 10, order, [at(5)]), [0, 5], 'a short list kept in two pages of 5 and 4');
  assert.deepEqual(pageStarts(sorted, 11, order, [at(6), at(28)]), [0, 6, 28], 'half of an odd size rounds up: 6 is enough');
  assert.deepEqual(pageStarts(sorted, 11, order, [at(5), at(28)]), [0, 11, 22, 33], '5 is not');
});

test('a notice moved in the by-title and removal orders (title corrected, removal moved), one posted long ago, and one in the future: patched and settled, as a full build', async () => {
  const s = patchBoard(80);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const first = (path: string): FeedNotice => byId(s, idsOn(s.out, path)[0]!);
  // The first notice of page 3 by title takes a title sorting first; the first of page 2 by removal is removed last.
  first('razeni/nazev/strana/3/index.html').title = 'AAA Přejmenované oznámení';
  first('razeni/sejmuti/strana/2/index.html').removeAt = iso(s.at + 400 * 86_400_000);
  // One posted a year ago (the end of the newest-first order), one that is not posted yet.
  s.notices[5]!.postAt = iso(s.at - 365 * 86_400_000);
  s.notices[6]!.postAt = iso(s.at + 86_400_000);
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  wellPaged(files(s.out), 10, 'patched');
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await check(s, 10, 'settled');
  // The same kind of change by a build alone (no patch): the live release's boundaries still place the pages.
  first('razeni/nazev/strana/4/index.html').title = 'ZZZ Na konec';
  first('razeni/sejmuti/strana/3/index.html').removeAt = iso(s.at + 1);
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await check(s, 10, 'built');
});

test('the first notice of a page withdrawn, corrected, and turned personal-data, each patched and settled: as a full build', async () => {
  const s = patchBoard(70);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const kinds: [string, (n: FeedNotice) => void][] = [
    ['withdrawn', (n) => (n.removeAt = iso(s.at - 1))],
    ['corrected', (n) => (n.title = `${n.title} (opraveno)`)],
    ['personal data', (n) => (n.personalData = true)],
  ];
  for (const [what, change] of kinds) {
    for (const path of ['strana/2/index.html', 'razeni/nazev/strana/3/index.html', 'razeni/sejmuti/strana/4/index.html']) change(byId(s, idsOn(s.out, path)[0]!));
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest);
    assert.ok(r.patched, r.patched ? '' : r.why);
    wellPaged(files(s.out), 10, `${what}, patched`);
    s.manifest.snapshot.seq++;
    await s.build(s.manifest);
    await check(s, 10, `${what}, settled`);
  }
});

test('patch after patch without a settle, then the settle: every list as a full build, pages within their limits', async () => {
  const s = patchBoard(90);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  let seed = 7;
  const rnd = (k: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % k);
  let patched = 0;
  for (let round = 0; round < 5; round++) {
    for (let j = 0; j < 3; j++) {
      const n = s.notices[rnd(s.notices.length)]!;
      const kind = rnd(3);
      if (kind === 0) n.removeAt = iso(s.at - 1);
      else if (kind === 1) n.title = `${String.fromCharCode(65 + rnd(26))} ${n.title}`;
      else n.removeAt = iso(s.at + (1 + rnd(500)) * 3_600_000);
    }
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest);
    if (!r.patched) {
      // (More than MAX_CHANGED since the build: the delivery builds, as it should.)
      await s.build(s.manifest);
      continue;
    }
    patched++;
    wellPaged(files(s.out), 10, `round ${round}`);
    assert.deepEqual(listed(files(s.out)), listed(await s.fresh(s.manifest)), `round ${round}`);
  }
  assert.ok(patched >= 3, `${patched} rounds patched`);
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await check(s, 10, 'settled');
});

test('a category appearing (refused by the patch: built) and one emptying: the other lists keep their pages, as a full build', async () => {
  const s = patchBoard(100);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const page3 = idsOn(s.out, 'strana/3/index.html');
  // Pages of 10, then the first page loses 4 (6 left: kept).
  for (const id of idsOn(s.out, 'index.html').slice(0, 4)) byId(s, id).removeAt = iso(s.at - 1);
  s.notices[50]!.category = 'Nová kategorie';
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.equal(r.patched, false);
  await s.build(s.manifest);
  await check(s, 10, 'a category appears');
  assert.deepEqual(idsOn(s.out, 'strana/3/index.html'), page3, 'page 3 kept where it began');
  assert.equal(idsOn(s.out, 'index.html').length, 6, 'the first page kept with 6');
  // The new category's only notice withdrawn, and a whole old category: they empty.
  s.notices[50]!.removeAt = iso(s.at - 1);
  for (const n of s.notices) if (n.category === 'Volby') n.removeAt = iso(s.at - 1);
  s.manifest.snapshot.seq++;
  assert.equal((await s.patch(s.manifest)).patched, false);
  await s.build(s.manifest);
  await check(s, 10, 'categories empty');
});

for (const [name, edit] of [
  ['a Polish board (three language versions)', (m: FeedManifest) => (m.board = { ...m.board, locale: 'pl-PL' })],
  ['a board without a public URL', (m: FeedManifest) => (m.board = { ...m.board, publicUrl: '' })],
] as const) {
  test(`${name}: a withdrawal and a correction patched and settled, pages kept, as a full build`, async () => {
    const s = patchBoard(60, { pageSize: 10 }, edit);
    using _tmp = s.tmp;
    forgetReleases();
    await s.build(s.manifest);
    const page4 = idsOn(s.out, 'razeni/nazev/strana/4/index.html');
    byId(s, idsOn(s.out, 'strana/2/index.html')[0]!).removeAt = iso(s.at - 1);
    byId(s, idsOn(s.out, 'razeni/nazev/strana/2/index.html')[3]!).title = 'Nový název';
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest);
    assert.ok(r.patched, r.patched ? '' : r.why);
    s.manifest.snapshot.seq++;
    await s.build(s.manifest);
    const live = await check(s, 10, name);
    assert.deepEqual(idsOn(s.out, 'razeni/nazev/strana/4/index.html'), page4, 'a page the change was not on is kept');
    // Every language version pages alike.
    const versions = [...live.keys()].filter((p) => /^(en|cs)\/razeni\/nazev\/strana\/4\/index\.html$/.test(p));
    assert.equal(versions.length, name.startsWith('a Polish') ? 2 : 1);
    for (const p of versions) assert.deepEqual(idsOn(s.out, p), page4, p);
  });
}

test('a release built ahead (with the live pages) and swapped at its instant, then a thread that forgot it: even pages, and the pages past the end say the list became shorter', async () => {
  const s = patchBoard(40);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  // Four withdrawn from each page: pages of 6 are kept.
  for (const path of ['index.html', 'strana/2/index.html', 'strana/3/index.html', 'strana/4/index.html']) for (const id of idsOn(s.out, path).slice(0, 4)) byId(s, id).removeAt = iso(s.at - 1);
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  await check(s, 10, 'pages of six');
  assert.equal(idsOn(s.out, 'strana/4/index.html').length, 6);
  // Built ahead for the next removal instant (a notice of page 2 leaves then), and swapped in by the delivery at that instant.
  const leaving = byId(s, idsOn(s.out, 'strana/2/index.html')[1]!);
  const when = s.at + 3_600_000;
  leaving.removeAt = iso(when);
  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  const p = parts(s.manifest);
  const ahead = await prebuildMirrorJob({ blobDir: s.blobDir, outDir: s.out, digestDir: null, publicKey: null, settings: { pageSize: 10 }, manifest: p.bytes, at: when, large: false, hashes: p.hashes });
  assert.ok(ahead !== null);
  const swapped = await s.build(s.manifest, when);
  assert.equal(swapped.path, ahead.release, 'the release built ahead is swapped in');
  await check(s, 10, 'built ahead', when);
  assert.equal(idsOn(s.out, 'strana/2/index.html').length, 5, 'built ahead with the live pages');
  assert.ok((await liveLayout(s.out)) !== null, 'the thread knows the release it built ahead');
  // Another thread (or a restart): the lists are paged evenly (23 notices: 10, 10, 3); page 4 says the list became shorter.
  forgetReleases();
  s.manifest.snapshot.seq++;
  await s.build(s.manifest, when);
  const live = await check(s, 10, 'forgotten', when);
  assert.equal(idsOn(s.out, 'index.html').length, 10);
  assert.equal(idsOn(s.out, 'strana/3/index.html').length, 3);
  for (const path of ['strana/4/index.html', 'en/strana/4/index.html']) assert.ok(GONE.some((g) => live.get(path)!.toString('utf8').includes(g)), `${path} says the list became shorter`);
});

test('the archive on: a withdrawal is built (the patch refuses), the pages kept, as a full build', async () => {
  const s = patchBoard(50, { pageSize: 10, archive: true });
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const page4 = idsOn(s.out, 'strana/4/index.html');
  byId(s, idsOn(s.out, 'index.html')[1]!).removeAt = iso(s.at - 1);
  s.manifest.snapshot.seq++;
  assert.equal((await s.patch(s.manifest)).patched, false);
  await s.build(s.manifest);
  await check(s, 10, 'archive');
  assert.deepEqual(idsOn(s.out, 'strana/4/index.html'), page4, 'page 4 kept');
});

/** Every later list page (strana/N/) of a release: path → inode. */
function laterPages(release: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of readdirSync(release, { recursive: true, withFileTypes: true })) {
    const p = relative(release, join(e.parentPath, e.name));
    if (e.isFile() && isList(p) && p.includes('strana/')) m.set(p, statSync(join(release, p)).ino);
  }
  return m;
}

test('a correction moving a notice across pages by title and a notice posted now, patched and settled: the settle rewrites only the later pages they were or are on', async () => {
  const s = patchBoard(150);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const moved = byId(s, idsOn(s.out, 'razeni/nazev/strana/12/index.html')[4]!);
  moved.title = 'Oznámení č. 1: přesunuté mezi stránkami';
  const posted: FeedNotice = { ...s.notices[7]!, id: 'b-nove', title: 'Oznámení č. 77: nové', postAt: iso(s.at - 1), publishedAt: iso(s.at - 1) };
  s.manifest.notices.push(posted);
  s.manifest.snapshot.seq++;
  const before = await realpath(s.out);
  const on = (ids: string[]): Set<string> => new Set([...laterPages(before).keys()].filter((p) => ids.some((id) => idsOn(before, p).includes(id))));
  const was = on([moved.id]);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  const patched = laterPages(before);
  const is = on([moved.id, posted.id]);
  s.manifest.snapshot.seq++;
  const settled = await s.build(s.manifest);
  const after = laterPages(settled.path);
  assert.deepEqual([...after.keys()].sort(), [...patched.keys()].sort(), 'the same pages');
  const rewritten = [...after].filter(([p, ino]) => patched.get(p) !== ino).map(([p]) => p);
  for (const p of rewritten) assert.ok(was.has(p) || is.has(p), `${p} rewritten, though neither notice was or is on it`);
  assert.ok(rewritten.length > 0 && rewritten.length <= was.size + is.size, `${rewritten.length} later pages rewritten`);
  await check(s, 10, 'settled');
});

test('a build at a later instant, past scheduled removals (the first page by removal loses three), keeps the pages: as a full build at that instant', async () => {
  const s = patchBoard(60);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const page2 = idsOn(s.out, 'razeni/sejmuti/strana/2/index.html');
  // Notices 1, 2 and 4 are removed within five hours (bench/mirror-data.ts): the soonest removed.
  const later = s.at + 5 * 3_600_000 + 1;
  s.manifest.snapshot.seq++;
  await s.build(s.manifest, later);
  await check(s, 10, 'later', later);
  assert.equal(idsOn(s.out, 'razeni/sejmuti/index.html').length, 7, 'the first page by removal kept with 7');
  assert.deepEqual(idsOn(s.out, 'razeni/sejmuti/strana/2/index.html'), page2, 'the second kept as it was');
});
