/**
 * The mirror's fast path (mirror/patch.ts) on real folders: a withdrawal, a correction and a
 * notice posted now, written into the live release in place, leave it showing exactly what a full
 * build at the same instant shows (every notice page, feed, sitemap, open-data file and document
 * byte for byte; each list the same notices in the same order, paged unevenly), and the build that
 * settles it gives a release byte for byte equal to a full build. What cannot be patched exactly
 * is refused with the reason.
 */
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { forgetReleases, liveLayout, MAX_CHANGED } from '../../src-main/mirror/patch.ts';
import { readBuildState } from '../../src-main/mirror/publish.ts';
import type { FeedNotice } from '../../src-main/shared/feed.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { files, idsOn, isList, listed, patchBoard } from '../helpers/mirror-patch.ts';


test('a withdrawal, a correction and a notice posted now, patched in place, show what a full build shows; the settling build equals it byte for byte', async () => {
  const s = patchBoard(120);
  using _tmp = s.tmp;
  forgetReleases();
  const first = await s.build(s.manifest);
  const release = await realpath(s.out);
  assert.equal(first.path, release);

  // One of each: withdrawn now, a title corrected (it moves in the title order), one posted a minute ago.
  const withdrawn = s.notices[37]!;
  withdrawn.removeAt = new Date(s.at - 1).toISOString();
  const corrected = s.notices[81]!;
  corrected.title = `Aaa opraveno: ${corrected.title}`;
  corrected.revision++;
  const posted: FeedNotice = { ...s.notices[6]!, id: 'b-nove', title: 'Nové oznámení', postAt: new Date(s.at - 60_000).toISOString(), publishedAt: new Date(s.at - 60_000).toISOString() };
  s.notices.push(posted);
  s.manifest.snapshot.seq++;

  const kept = (await readBuildState(s.out, release))!;
  assert.ok(kept.files![''] !== undefined && kept.files!['opendata/uredni-deska.jsonld'] !== undefined && kept.pages[corrected.id] !== undefined);
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.equal(r.changed, 3);
  assert.equal(await realpath(s.out), release, 'patched in place: no new release');
  const live = files(s.out);
  let want = await s.fresh(s.manifest);

  // Every file but the list pages: the same set, the same bytes (notice pages, feeds, sitemap, OFN, documents, search page).
  const others = (m: Map<string, Buffer>): string[] => [...m.keys()].filter((p) => !isList(p) && p !== 'pagefind/hidden.json').sort();
  assert.deepEqual(others(live), others(want));
  for (const p of others(want)) assert.ok(live.get(p)!.equals(want.get(p)!), `${p} differs from a full build`);
  // Each list (every category, order and language version): the same notices in the same order.
  assert.deepEqual(listed(live), listed(want));
  assert.ok(!live.has(`oznameni/${withdrawn.id}/index.html`) && !live.has(`en/oznameni/${withdrawn.id}/index.html`));
  for (const [p, bytes] of live) if (p !== 'pagefind/hidden.json') assert.ok(!bytes.includes(`oznameni/${withdrawn.id}/`), `${p} still links the withdrawn notice`);
  assert.match(live.get('oznameni/b-nove/index.html')!.toString(), /Nové oznámení/);
  // The search index still holds the withdrawn notice, and the corrected one as it was, until the settle: the search page hides them.
  assert.deepEqual(JSON.parse(readFileSync(join(s.out, 'pagefind', 'hidden.json'), 'utf8')), [withdrawn.id, corrected.id].sort());
  // What the patch touched is never reused from the release as its build state says.
  const state = (await readBuildState(s.out, release))!;
  // (A touched file keeps an entry, with a key no content has: the release has the file.)
  assert.notEqual(state.files![''], kept.files!['']);
  assert.equal(state.files!['strana/2/'] === kept.files!['strana/2/'] || state.files!['strana/3/'] === kept.files!['strana/3/'], true, 'untouched list pages keep their keys');
  assert.notEqual(state.files!['opendata/uredni-deska.jsonld'], kept.files!['opendata/uredni-deska.jsonld']);
  assert.ok(state.files!['opendata/uredni-deska.jsonld'] !== undefined);
  assert.equal(state.pages[corrected.id], undefined);
  assert.ok(state.pages[s.notices[3]!.id] !== undefined, 'untouched notice pages keep their keys');

  // The settling build: a new release, byte for byte a full build's that pages its lists where the live release's pages begin, no hidden list left.
  const layout = (await liveLayout(s.out))!;
  assert.ok(layout !== null, 'this thread knows the live release');
  want = await s.fresh(s.manifest, s.at, layout);
  s.manifest.snapshot.seq++;
  const settled = await s.build(s.manifest);
  assert.notEqual(settled.path, release);
  const after = files(s.out);
  assert.deepEqual([...after.keys()].sort(), [...want.keys()].sort());
  for (const [p, bytes] of want) assert.ok(after.get(p)!.equals(bytes), `${p} differs after the settle`);

  // And a patch over the settled release works the same (this thread built it).
  const again = s.notices[90]!;
  again.removeAt = new Date(s.at - 1).toISOString();
  const r2 = await s.patch(s.manifest);
  assert.ok(r2.patched, r2.patched ? '' : r2.why);
  assert.deepEqual(listed(files(s.out)), listed(await s.fresh(s.manifest)));
});

test('what cannot be patched exactly is refused with the reason, and nothing is written', async () => {
  const s = patchBoard(40);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const before = files(s.out);
  const refused = async (why: RegExp): Promise<void> => {
    const r = await s.patch(s.manifest);
    assert.equal(r.patched, false);
    assert.match(r.patched ? '' : r.why, why);
    const now = files(s.out);
    assert.deepEqual([...now.keys()].sort(), [...before.keys()].sort());
    for (const [p, b] of before) assert.ok(now.get(p)!.equals(b), `${p} was written by a refused patch`);
  };
  // A new category.
  const saved = s.notices[3]!.category;
  s.notices[3]!.category = 'Úplně nová kategorie';
  await refused(/category/);
  s.notices[3]!.category = saved;
  // Too many notices at once.
  const titles = s.notices.map((n) => n.title);
  for (const n of s.notices.slice(0, MAX_CHANGED + 1)) n.title += ' (změna)';
  await refused(/notices changed/);
  s.notices.forEach((n, i) => (n.title = titles[i]!));
  // Another board name (every page shows it).
  s.manifest.board = { ...s.manifest.board, name: 'Jiná obec' };
  await refused(/board/);
  s.manifest.board = { ...s.manifest.board, name: benchBoard(1).manifest.board.name };
  // A thread that did not build the live release (a new thread knows nothing).
  forgetReleases();
  await refused(/not built on this thread/);
});

test('a large file (the OFN file above 1 MB) is put in place by a symlink to a file of its own, whose predecessor goes; the settling build writes a plain file', async () => {
  const s = patchBoard(800);
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const ofn = join(s.out, 'opendata', 'uredni-deska.jsonld');
  assert.ok(lstatSync(ofn).isFile() && statSync(ofn).size > 1024 * 1024, 'a plain file above the threshold after a build');
  const targets = (): string[] => readdirSync(join(s.out, 'opendata')).filter((f) => /^uredni-deska\.v-[0-9a-f]+\.jsonld$/.test(f));
  s.notices[10]!.removeAt = new Date(s.at - 1).toISOString();
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  assert.ok(lstatSync(ofn).isSymbolicLink());
  const first = readlinkSync(ofn);
  assert.deepEqual(targets(), [first], 'a relative link to a file beside it');
  assert.ok(readFileSync(ofn).equals((await s.fresh(s.manifest)).get('opendata/uredni-deska.jsonld')!), 'the content a full build writes');

  s.notices[20]!.removeAt = new Date(s.at - 1).toISOString();
  assert.ok((await s.patch(s.manifest)).patched);
  const second = readlinkSync(ofn);
  assert.notEqual(second, first);
  for (let i = 0; i < 200 && targets().length > 1; i++) await new Promise((res) => setTimeout(res, 25));
  assert.deepEqual(targets(), [second], 'the first one is deleted once the second is live');
  assert.ok(readFileSync(ofn).equals((await s.fresh(s.manifest)).get('opendata/uredni-deska.jsonld')!));

  s.manifest.snapshot.seq++;
  await s.build(s.manifest);
  const settled = join(s.out, 'opendata', 'uredni-deska.jsonld');
  assert.ok(lstatSync(settled).isFile(), 'the settling build writes a plain file');
  assert.deepEqual(readdirSync(join(s.out, 'opendata')).filter((f) => f.includes('.v-')), []);
});

test('a patch refused for a list page it would empty, on a board whose OFN file is staged (above 1 MB), leaves no data file, and the live release as it was', async () => {
  // 800 notices, 799 a page: the default list's second page holds one notice; withdrawing it would empty that page (refused).
  const s = patchBoard(800, { pageSize: 799 });
  using _tmp = s.tmp;
  forgetReleases();
  await s.build(s.manifest);
  const ofn = join(s.out, 'opendata', 'uredni-deska.jsonld');
  assert.ok(statSync(ofn).size > 1024 * 1024, 'an OFN file above the threshold: staged');
  const before = files(s.out);
  const [last] = idsOn(s.out, 'strana/2/index.html');
  assert.ok(last !== undefined);
  s.notices.find((n) => n.id === last)!.removeAt = new Date(s.at - 1).toISOString();
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.equal(r.patched, false);
  assert.match(r.patched ? '' : r.why, /empty/);
  assert.deepEqual(readdirSync(join(s.out, 'opendata')).filter((f) => f.includes('.v-') || f.includes('.patch-')), [], 'no data file left beside the OFN file');
  assert.ok(lstatSync(ofn).isFile());
  const after = files(s.out);
  assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
  for (const [p, b] of before) assert.ok(after.get(p)!.equals(b), `${p} changed`);
});

test('a correction of the only notice of a category is patched (its page is empty only between leaving and coming back)', async () => {
  const s = patchBoard(40);
  using _tmp = s.tmp;
  forgetReleases();
  s.notices[4]!.category = 'Jediná kategorie';
  await s.build(s.manifest);
  s.notices[4]!.title = `Opraveno: ${s.notices[4]!.title}`;
  s.notices[4]!.revision++;
  s.manifest.snapshot.seq++;
  const r = await s.patch(s.manifest);
  assert.ok(r.patched, r.patched ? '' : r.why);
  const live = files(s.out);
  const want = await s.fresh(s.manifest);
  assert.deepEqual(listed(live), listed(want));
  assert.ok(live.get('kategorie/jedina-kategorie/index.html')!.toString().includes('Opraveno: '));
  // Withdrawn, it empties the category: that needs a build.
  s.notices[4]!.removeAt = new Date(s.at - 1).toISOString();
  const gone = await s.patch(s.manifest);
  assert.equal(gone.patched, false);
  assert.match(gone.patched ? '' : gone.why, /category/);
});

test('above 2,000 notices (the sitemap in buckets): patches one after another, and one at an instant past scheduled removals, show what a full build shows', async () => {
  const s = patchBoard(2100, { pageSize: 500 });
  using _tmp = s.tmp;
  forgetReleases();
  // A notice to be posted an hour after the first build's instant: the third patch passes its posting.
  const later: FeedNotice = { ...s.notices[9]!, id: 'b-pozdeji', title: 'Vyvěšeno později', postAt: new Date(s.at + 3_600_000).toISOString(), publishedAt: new Date(s.at).toISOString(), removeAt: null };
  s.notices.splice(1000, 0, later);
  await s.build(s.manifest);
  const same = async (when: number, what: string): Promise<void> => {
    const live = files(s.out);
    const want = await s.fresh(s.manifest, when);
    const others = (m: Map<string, Buffer>): string[] => [...m.keys()].filter((p) => !isList(p) && p !== 'pagefind/hidden.json').sort();
    assert.deepEqual(others(live), others(want), what);
    for (const p of others(want)) assert.ok(live.get(p)!.equals(want.get(p)!), `${what}: ${p} differs from a full build`);
    assert.deepEqual(listed(live), listed(want), what);
  };
  const patched = async (when: number, changes: number): Promise<void> => {
    s.manifest.snapshot.seq++;
    const r = await s.patch(s.manifest, when);
    assert.ok(r.patched, r.patched ? '' : r.why);
    assert.equal(r.changed, changes);
  };
  assert.ok(files(s.out).has('sitemap-16.xml'), 'the sitemap is in buckets');

  // 1: a withdrawal, a correction and a notice posted now, far apart in the manifest.
  s.notices[500]!.removeAt = new Date(s.at - 1).toISOString();
  s.notices[1500]!.title = `Opraveno: ${s.notices[1500]!.title}`;
  s.notices[1500]!.revision++;
  s.notices.push({ ...s.notices[6]!, id: 'b-nove', title: 'Nové oznámení', postAt: new Date(s.at - 60_000).toISOString(), publishedAt: new Date(s.at - 60_000).toISOString() });
  await patched(s.at, 3);
  await same(s.at, 'first patch');

  // 2: over the patched release (no settling build between): a withdrawal and a notice with personal data (left out of the sitemap).
  s.notices[1200]!.removeAt = new Date(s.at - 1).toISOString();
  s.notices.unshift({ ...s.notices[7]!, id: 'b-osobni', title: 'Oznámení s osobními údaji', personalData: true, postAt: new Date(s.at - 30_000).toISOString(), publishedAt: new Date(s.at - 30_000).toISOString() });
  await patched(s.at, 2);
  await same(s.at, 'second patch');

  // 3: three and a half hours on: two scheduled removals and the scheduled posting pass, with one withdrawal.
  const when = s.at + 3.5 * 3_600_000;
  s.notices[1800]!.removeAt = new Date(when - 1).toISOString();
  await patched(when, 4);
  await same(when, 'a patch past scheduled instants');
  assert.ok(files(s.out).get('oznameni/b-pozdeji/index.html') !== undefined, 'the scheduled posting is shown');
});
