/**
 * The machine-readable files joined from per-notice fragments kept across builds (memo.ts
 * FragmentMemo; feeds.ts feedFiles, ofn.ts ofnText): after a change (a notice withdrawn, one
 * corrected, one posted now) a warm memo gives every feed, the sitemap and the OFN file byte for
 * byte as a fresh one does, on the sample boards and on a generated board of 2,000 notices; the
 * memo drops what the last build did not use and empties for another board. Atom feeds carry the
 * newest 100 postings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchBoard } from '../../bench/mirror-data.ts';
import { renderMirror } from '../../src-main/mirror/build.ts';
import { FEED_MAX_ENTRIES, feedFiles, sitemaps } from '../../src-main/mirror/feeds.ts';
import { boardMemo, forgetBoardMemo, FragmentMemo, type FragmentFile } from '../../src-main/mirror/memo.ts';
import { ofnFile, ofnText, toOfn } from '../../src-main/mirror/ofn.ts';
import { categoriesOf, categoryName } from '../../src-main/mirror/pages.ts';
import { OFN_PATH } from '../../src-main/mirror/paths.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { MirrorSettings } from '../../src-main/mirror/settings.ts';
import { sha256Hex } from '../../src-main/publication/signing.ts';
import { publicManifest } from '../../src-main/privacy/public.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import type { FeedManifest, FeedNotice } from '../../src-main/shared/feed.ts';
import { createOfnValidator } from '../helpers/ofn-validator.ts';

const SETTINGS: MirrorSettings = { opendata: { location: 'Obecní úřad <Horní Lhota>, Náves 1' } };
/** A key like build.ts's: changes with the notice. */
const keyOf = (n: FeedNotice): string => sha256Hex(JSON.stringify(n));

/** Every file the memo is used for, by path: Atom feeds and sitemap (also split into files of 301 URLs) and the OFN text. */
function outputs(manifest: FeedManifest, at: number, memo?: FragmentMemo, key?: (n: FeedNotice) => string | undefined): Map<string, string> {
  return new Map([...files(manifest, at, memo, key)].map(([path, f]) => [path, f.content]));
}

/** The same files, unread (their content is joined when first read). */
function files(manifest: FeedManifest, at: number, memo?: FragmentMemo, key?: (n: FeedNotice) => string | undefined): Map<string, FragmentFile> {
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  const categories = categoriesOf(shown);
  const out = new Map<string, FragmentFile>();
  for (const f of feedFiles(manifest.board, at, shown, categories, memo, key)) out.set(f.path, f);
  for (const f of sitemaps(manifest.board, shown, categories, 301, memo, key)) out.set(`split:${f.path}`, f);
  out.set(OFN_PATH, ofnFile(manifest, at, SETTINGS, memo, key));
  assert.equal(out.get(OFN_PATH)!.content, ofnText(manifest, at, SETTINGS, memo, key));
  return out;
}

function assertSameFiles(actual: Map<string, string>, expected: Map<string, string>, where: string): void {
  assert.deepEqual([...actual.keys()], [...expected.keys()], where);
  for (const [path, content] of expected) assert.ok(actual.get(path) === content, `${where}: ${path} differs from a fresh render`);
}

/** One notice withdrawn now, another gone from the manifest, one corrected now, one posted now. */
function change(manifest: FeedManifest, at: number): void {
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  const [withdrawn, gone, corrected] = [shown[0]!, shown[1]!, shown.at(-1)!];
  withdrawn.removeAt = new Date(at).toISOString();
  manifest.notices = manifest.notices.filter((n) => n !== gone);
  const fixedAt = new Date(at).toISOString();
  corrected.register = [
    ...(corrected.register ?? [{ revision: corrected.revision, at: corrected.postAt, actor: 'referentka', reason: '', restartsPeriod: false, periodStartAt: corrected.postAt, lawfulRemoveAt: null, contentSha256: sha256Hex('a'), changes: [] }]),
    { revision: corrected.revision + 1, at: fixedAt, actor: 'referentka', reason: 'Překlep.', restartsPeriod: false, periodStartAt: corrected.postAt, lawfulRemoveAt: null, contentSha256: sha256Hex('b'), changes: [{ field: 'title', from: corrected.title, to: `${corrected.title} (opraveno) <&>` }] },
  ];
  corrected.title = `${corrected.title} (opraveno) <&>`;
  corrected.revision += 1;
  manifest.notices.push({ ...corrected, id: 'nove-1', title: 'Oznámení vyvěšené právě teď', category: 'Nová kategorie', postAt: fixedAt, publishedAt: fixedAt, removeAt: null, register: undefined, revision: 1 });
}

const BOARDS: [string, () => { manifest: FeedManifest; at: number }][] = [
  ['the sample board', () => ({ manifest: sampleBoard().manifest, at: SAMPLE_AT })],
  [
    'the sample board in Polish',
    () => {
      const { manifest } = sampleBoard();
      manifest.board = { ...manifest.board, locale: 'pl-PL' };
      return { manifest, at: SAMPLE_AT };
    },
  ],
  ['a board of 2,000 notices', () => benchBoard(2000, { corrected: true })],
];

for (const [name, make] of BOARDS) {
  test(`${name}: after a change, a warm memo gives every feed, the sitemap and the OFN file byte for byte as a fresh render`, () => {
    const { manifest, at } = make();
    for (const key of [keyOf, undefined]) {
      const memo = new FragmentMemo('board');
      const m: FeedManifest = structuredClone(manifest);
      assertSameFiles(outputs(m, at, memo, key), outputs(m, at), `${name}, cold`);
      memo.sweep();
      const shownBefore = m.notices.filter((n) => isPostedAt(n, at)).length;
      assert.equal(memo.size, shownBefore, 'one record per shown notice');
      // Unchanged: the same records serve the next build.
      // change() withdraws the first two shown notices and corrects the last: the third stays as it is.
      const unchanged = m.notices.filter((n) => isPostedAt(n, at))[2]!;
      const record = memo.fragments(key?.(unchanged) ?? JSON.stringify(unchanged), unchanged);
      assert.ok(record.atom[m.board.locale === 'pl-PL' ? 'pl' : 'cs'] !== undefined && record.ofn !== undefined && record.sitemap !== undefined, 'fragments kept');

      change(m, at);
      const warm = outputs(m, at, memo, key);
      const fresh = outputs(m, at);
      assertSameFiles(warm, fresh, `${name}, warm`);
      assert.match(warm.get('atom.xml')!, /Oznámení vyvěšené právě teď/);
      assert.match(warm.get(OFN_PATH)!, /\(opraveno\) \\u003c&>/);
      assert.ok(!warm.get(OFN_PATH)!.includes('<'), 'no "<" in the OFN text');
      assert.match(warm.get('sitemap.xml')!, /oznameni\/nove-1\//);
      assert.ok(memo.fragments(key?.(unchanged) ?? JSON.stringify(unchanged), unchanged) === record, 'an unchanged notice is not rendered again');
      // The withdrawn, the gone and the corrected notice's old fragments were not used: dropped.
      assert.equal(memo.sweep(), 3);
      assert.equal(memo.size, m.notices.filter((n) => isPostedAt(n, at)).length);
      // A build after the sweep still gives the same bytes.
      assertSameFiles(outputs(m, at, memo, key), fresh, `${name}, after the sweep`);
    }
  });
}

test('the OFN text of a changed 2,000-notice board, joined from kept items, is compact JSON valid against the official schema', () => {
  const validator = createOfnValidator();
  const { manifest, at } = benchBoard(2000, { corrected: true });
  const memo = new FragmentMemo('board');
  ofnText(manifest, at, SETTINGS, memo, keyOf);
  memo.sweep();
  change(manifest, at);
  const text = ofnText(manifest, at, SETTINGS, memo, keyOf);
  const doc = JSON.parse(text) as { informace: { url: string }[] };
  const r = validator.validate(doc);
  assert.ok(r.valid, JSON.stringify(r.errors, null, 1));
  // Exactly what build.ts wrote before the memo: the document stringified whole, "<" escaped, one line.
  assert.equal(text, `${JSON.stringify(toOfn(manifest, at, SETTINGS)).replace(/</g, '\\u003c')}\n`);
  assert.deepEqual(doc, toOfn(manifest, at, SETTINGS));
  assert.equal(doc.informace.length, manifest.notices.filter((n) => isPostedAt(n, at)).length);
  assert.ok(doc.informace.some((i) => i.url.endsWith('/oznameni/nove-1/')));
});

test('each Atom feed carries the newest 100 postings, newest first; its <updated> is the newest of those; a change further down leaves it as it was', () => {
  const { manifest, at } = benchBoard(250, { corrected: true });
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  const categories = categoriesOf(shown);
  const files = new Map(feedFiles(manifest.board, at, shown, categories).map((f) => [f.path, f.content]));
  const ids = (xml: string): string[] => [...xml.matchAll(/<entry>\n<id>https:\/\/deska\.horni-lhota\.example\/(?:en\/)?oznameni\/([^/]+)\/<\/id>/g)].map((m) => m[1]!);
  const newest = [...shown].sort((a, b) => Date.parse(b.postAt) - Date.parse(a.postAt) || (a.id < b.id ? -1 : 1));
  assert.equal(FEED_MAX_ENTRIES, 100);
  for (const prefix of ['', 'en/']) {
    assert.deepEqual(ids(files.get(`${prefix}atom.xml`)!), newest.slice(0, 100).map((n) => n.id), `${prefix}atom.xml`);
    for (const c of categories) {
      const inCategory = newest.filter((n) => categoryName(n) === c.name);
      assert.ok(inCategory.length > 0);
      assert.deepEqual(ids(files.get(`${prefix}kategorie/${c.slug}/atom.xml`)!), inCategory.slice(0, 100).map((n) => n.id), `${prefix}${c.slug}`);
    }
  }
  // benchBoard: every 10th notice corrected 10 minutes after its posting; b-00000 is the newest and corrected.
  assert.match(files.get('atom.xml')!, /<updated>2026-11-21T13:15:00\+01:00<\/updated>\n<author>/);
  // A correction of a notice below the newest 100: the board's feed keeps its bytes, its category's does not, and the OFN file has it.
  const old = manifest.notices.find((n) => n.id === 'b-00200')!;
  old.title = 'Opravený název starého oznámení';
  old.register = [...(old.register ?? []), { ...old.register![0]!, revision: 3, at: new Date(at).toISOString() }];
  const again = new Map(feedFiles(manifest.board, at, shown, categories).map((f) => [f.path, f.content]));
  assert.equal(again.get('atom.xml'), files.get('atom.xml'));
  assert.equal(again.get('en/atom.xml'), files.get('en/atom.xml'));
  const slug = categories.find((c) => c.name === categoryName(old))!.slug;
  assert.notEqual(again.get(`kategorie/${slug}/atom.xml`), files.get(`kategorie/${slug}/atom.xml`));
  assert.match(ofnText(manifest, at), /Opravený název starého oznámení/);
  assert.match(again.get('sitemap.xml')!, /oznameni\/b-00249\//, 'the sitemap lists every notice');
});

test('the memo drops what the last build did not use, and holds at most its limit of notices without a sweep', () => {
  const { manifest, at } = benchBoard(30);
  const memo = new FragmentMemo('board');
  outputs(manifest, at, memo, keyOf);
  assert.equal(memo.sweep(), 0);
  assert.equal(memo.size, 30);
  // Ten notices leave: the next sweep drops their fragments.
  manifest.notices = manifest.notices.slice(10);
  outputs(manifest, at, memo, keyOf);
  assert.equal(memo.sweep(), 10);
  assert.equal(memo.size, 20);
  const gone = benchBoard(30).manifest.notices[0]!;
  const r = memo.fragments(keyOf(gone), gone);
  assert.ok(r.ofn === undefined && r.sitemap === undefined && Object.keys(r.atom).length === 0, 'rendered anew, not kept');

  // Never swept: past its limit, it drops what the builds before the running one used.
  const small = new FragmentMemo('board', { limit: 25 });
  for (let i = 0; i < 5; i++) {
    const m = structuredClone(manifest);
    for (const n of m.notices) n.title = `${n.title} ${i}`;
    assertSameFiles(outputs(m, at, small, keyOf), outputs(m, at), `build ${i}`);
    assert.ok(small.size <= 25, `${small.size} kept`);
  }
});

test('another board key empties the memo; so does another board record under the same key; boards never share a memo', () => {
  const { manifest } = sampleBoard();
  const at = SAMPLE_AT;
  const memo = new FragmentMemo('a');
  outputs(manifest, at, memo, keyOf);
  assert.ok(memo.size > 0);
  assert.equal(memo.reset('a'), false);
  assert.ok(memo.size > 0, 'the same key keeps it');
  assert.equal(memo.reset('b'), true);
  assert.equal(memo.boardKey, 'b');
  assert.equal(memo.size, 0);

  // The same notices (the same keys) on a board with another address: nothing of the old address is kept.
  outputs(manifest, at, memo, keyOf);
  const moved: FeedManifest = { ...manifest, board: { ...manifest.board, publicUrl: 'https://jinde.example/deska/' } };
  const warm = outputs(moved, at, memo, keyOf);
  assertSameFiles(warm, outputs(moved, at), 'another address');
  assert.ok(![...warm.values()].some((c) => c.includes('deska.horni-lhota.example')));

  const one = boardMemo('mirror-memo-test', 'k1');
  assert.equal(boardMemo('mirror-memo-test', 'k1'), one);
  outputs(manifest, at, one, keyOf);
  assert.ok(one.size > 0);
  assert.equal(boardMemo('mirror-memo-test', 'k2'), one);
  assert.equal(one.size, 0, 'a new board key (settings, renderer) empties it');
  assert.notEqual(boardMemo('mirror-memo-test-2', 'k2'), one);
  forgetBoardMemo('mirror-memo-test');
  assert.notEqual(boardMemo('mirror-memo-test', 'k2'), one, 'forgotten: a new memo');
});

test('a build that reuses the board memo writes the files a fresh render gives, after a change', async () => {
  const { manifest, files, at } = benchBoard(300);
  const render = async (m: FeedManifest): Promise<Map<string, string>> => {
    const out = new Map<string, string>();
    await renderMirror({ manifest: m, at, readAttachment: async (sha) => files.get(sha)!, settings: SETTINGS }, (file, data) => {
      // The OFN file is written as bytes (its items are kept in UTF-8).
      if (file.endsWith('atom.xml') || file.startsWith('sitemap') || file === OFN_PATH) out.set(file, typeof data === 'string' ? data : Buffer.from(data).toString('utf8'));
    }, { search: false });
    return out;
  };
  await render(manifest);
  change(manifest, at);
  const built = await render(manifest);
  const pub = publicManifest(manifest);
  const expected = outputs(pub, at);
  expected.delete('split:sitemap.xml');
  for (const k of [...expected.keys()]) if (k.startsWith('split:')) expected.delete(k);
  assert.deepEqual([...built.keys()].sort(), [...expected.keys()].sort());
  for (const [path, content] of expected) assert.ok(built.get(path) === content, path);
});

test('each file is keyed by what it is joined from: the same key, the same bytes; a file the change does not touch keeps its key and is never joined', () => {
  const { manifest, at } = benchBoard(1000, { corrected: true });
  const memo = new FragmentMemo('board');
  const before = files(manifest, at, memo, keyOf);
  const keysBefore = new Map([...before].map(([p, f]) => [p, f.key]));
  const contentBefore = new Map([...before].map(([p, f]) => [p, f.content]));
  memo.sweep();
  // A fresh memo with the same keys gives the same file keys (they are made of the notices' keys, not of the memo's state).
  for (const [p, f] of files(manifest, at, new FragmentMemo('other'), keyOf)) assert.equal(f.key, keysBefore.get(p), p);

  // A title corrected below the newest 100 postings of the board and of its category.
  const old = manifest.notices.find((n) => n.id === 'b-00992')!;
  old.title = `${old.title} (opraveno)`;
  old.revision += 1;
  const after = files(manifest, at, memo, keyOf);
  const changed: string[] = [];
  for (const [p, f] of after) {
    if (f.key === keysBefore.get(p)) continue;
    changed.push(p);
  }
  // The OFN file lists every notice; the sitemap lists pages (their addresses did not change), the feeds the newest 100.
  assert.deepEqual(changed, [OFN_PATH]);
  // The unchanged files were never joined: the corrected notice's entries were not even rendered.
  const r = memo.fragments(keyOf(old), old);
  assert.deepEqual(r.atom, {});
  assert.equal(r.sitemap, undefined);
  assert.notEqual(r.ofn, undefined);
  for (const [p, f] of after) if (f.key === keysBefore.get(p)) assert.ok(f.content === contentBefore.get(p), `${p}: the same key, the same bytes`);
  assert.notEqual(after.get(OFN_PATH)!.content, contentBefore.get(OFN_PATH));

  // A notice posted now: every feed it is in, the sitemap and the OFN file change; nothing else.
  manifest.notices.push({ ...old, id: 'nove-2', category: 'Rozpočet', postAt: new Date(at).toISOString(), publishedAt: new Date(at).toISOString() });
  const third = files(manifest, at, memo, keyOf);
  const moved = [...third].filter(([p, f]) => f.key !== after.get(p)?.key).map(([p]) => p);
  // Split into files of 150 pages: the new page is on the last (the index still lists seven files).
  assert.deepEqual(moved.sort(), ['atom.xml', 'en/atom.xml', 'en/kategorie/rozpocet/atom.xml', 'kategorie/rozpocet/atom.xml', OFN_PATH, 'sitemap.xml', 'split:sitemap-7.xml'].sort());
  for (const [p, f] of third) if (!moved.includes(p)) assert.ok(f.content === after.get(p)!.content, `${p}: the same key, the same bytes`);

  // Without a memo or keys (notices known by id only), a feed's or the OFN file's key is its content's hash; the sitemap's is made of its pages as ever.
  for (const [p, f] of files(manifest, at)) {
    if (p.includes('sitemap')) assert.equal(f.key, third.get(p)!.key, p);
    else assert.equal(f.key, `sha256:${sha256Hex(third.get(p)!.content)}`, p);
  }
});
