/**
 * Incremental mirror builds on a real folder: a rebuild hard-links the notice pages whose notice
 * is unchanged from the live release, renders the changed and new ones, drops the removed ones,
 * and rewrites the index, feeds and open data; the old release stays whole until the swap.
 */
import assert from 'node:assert/strict';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { noticePage } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const page = (release: string, id: string): string => join(release, 'oznameni', id, 'index.html');

async function buildAt(out: string, manifest: FeedManifest, files: Map<string, Uint8Array>, at: number) {
  manifest.snapshot.seq += 1;
  return buildMirror({ manifest, at, readAttachment: async (sha) => files.get(sha)! }, out);
}

test('one change rewrites that notice page and the lists; unchanged pages are the same files; a removed notice leaves', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const first = await buildAt(out, manifest, files, SAMPLE_AT);
  // Each notice has a page in each language version (cs at the root, en/).
  assert.deepEqual([first.pagesWritten, first.pagesReused], [8, 0]);

  // A correction of one notice's title, and one hour later: the instant differs too.
  const edited = manifest.notices.find((n) => n.id === '2026-0150')!;
  edited.title = 'Záměr obce prodat pozemek parc. č. 415/3 (opraveno)';
  edited.revision += 1;
  const second = await buildAt(out, manifest, files, SAMPLE_AT + 3_600_000);
  assert.deepEqual([second.pagesWritten, second.pagesReused], [2, 6]);
  for (const id of ['2026-0142', '2026-0151', '2026-0099']) {
    assert.equal((await stat(page(second.path, id))).ino, (await stat(page(first.path, id))).ino, `${id}: the same file, not written again`);
  }
  assert.notEqual((await stat(page(second.path, '2026-0150'))).ino, (await stat(page(first.path, '2026-0150'))).ino);
  assert.match(await readFile(page(second.path, '2026-0150'), 'utf8'), /\(opraveno\)/);
  assert.doesNotMatch(await readFile(page(first.path, '2026-0150'), 'utf8'), /\(opraveno\)/, 'the old release is untouched');
  for (const f of ['index.html', 'atom.xml', 'opendata/uredni-deska.jsonld', 'kategorie/zamer-prodeje/index.html', 'kategorie/zamer-prodeje/atom.xml']) {
    assert.match(await readFile(join(out, f), 'utf8'), /\(opraveno\)/, `${f} shows the change`);
  }
  // Lists, feeds and pages the change does not touch are the same files, not written again.
  for (const f of ['kategorie/verejna-vyhlaska/index.html', 'kategorie/verejna-vyhlaska/atom.xml', 'kategorie/oznameni/razeni/nazev/index.html', 'o-desce/index.html', 'styl.css', 'opendata/datova-sada.jsonld']) {
    assert.equal((await stat(join(second.path, f))).ino, (await stat(join(first.path, f))).ino, `${f}: kept`);
  }
  assert.ok(second.filesReused > 0 && second.filesWritten < first.filesWritten, `${second.filesWritten} written, ${second.filesReused} kept`);

  // Six days on: one notice's removal instant has passed (its page leaves the mirror), the future
  // notice's posting too (its page is rendered), the other three pages are still reused.
  const removal = Date.parse(manifest.notices.find((n) => n.id === '2026-0151')!.removeAt!);
  const third = await buildAt(out, manifest, files, removal);
  assert.deepEqual(third.shownNoticeIds.includes('2026-0151'), false);
  await assert.rejects(stat(page(third.path, '2026-0151')), /ENOENT/);
  assert.equal(third.shownNoticeIds.includes('2026-0160'), true);
  assert.deepEqual([third.pagesWritten, third.pagesReused], [2, 6]);
  for (const f of ['index.html', 'atom.xml', 'sitemap.xml', 'opendata/uredni-deska.jsonld']) {
    assert.doesNotMatch(await readFile(join(out, f), 'utf8'), /2026-0151/, `${f} no longer names the removed notice`);
  }
  // What each kept release was built from lives outside the published folder, pruned with it.
  assert.deepEqual((await readdir(`${out}.builds`)).sort(), (await readdir(`${out}.releases`)).map((r) => `${r}.json`).sort());
  // (Pagefind's own pagefind-entry.json is published: the browser reads it.)
  assert.deepEqual((await readdir(out, { recursive: true })).filter((f) => f.endsWith('.json') && !f.startsWith('pagefind/')), []);
});

test('the search index is made anew when a notice changes or leaves, and kept (not remade) when nothing it holds changed', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const fragments = async (release: string): Promise<string[]> => (await readdir(join(release, 'pagefind/0/fragment'))).sort();
  const first = await buildAt(out, manifest, files, SAMPLE_AT);
  const old = await fragments(first.path);
  assert.equal(old.length, 4, 'one fragment per shown notice');
  assert.ok((await stat(join(first.path, 'pagefind/0/pagefind.js'))).size > 0);
  // An hour on, nothing posted or removed: the same index, linked.
  const same = await buildAt(out, manifest, files, SAMPLE_AT + 3_600_000);
  assert.equal((await stat(join(same.path, 'pagefind/0/pagefind-entry.json'))).ino, (await stat(join(first.path, 'pagefind/0/pagefind-entry.json'))).ino);
  assert.deepEqual(await fragments(same.path), old);
  // A correction: the index is made again and the notice's fragment changes.
  manifest.notices.find((n) => n.id === '2026-0150')!.title = 'Záměr obce prodat pozemek (opraveno)';
  const corrected = await buildAt(out, manifest, files, SAMPLE_AT + 7_200_000);
  assert.equal((await fragments(corrected.path)).filter((f) => !old.includes(f)).length, 1, 'the corrected notice\'s fragment is new');
  // A removal: the index holds one notice fewer.
  const removal = Date.parse(manifest.notices.find((n) => n.id === '2026-0151')!.removeAt!) - 1;
  const beforeRemoval = await buildAt(out, manifest, files, removal);
  const removed = await buildAt(out, manifest, files, removal + 1);
  assert.equal((await fragments(removed.path)).length, (await fragments(beforeRemoval.path)).length - 1);
});

test('a changed board is rendered anew on every page', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  await buildAt(out, manifest, files, SAMPLE_AT);
  manifest.board = { ...manifest.board, name: 'Obecní úřad Dolní Lhota' };
  const next = await buildAt(out, manifest, files, SAMPLE_AT);
  assert.deepEqual([next.pagesWritten, next.pagesReused], [8, 0]);
  assert.match(await readFile(page(next.path, '2026-0142'), 'utf8'), /Dolní Lhota/);
});

test('a notice page does not depend on the instant of the build (so it can be reused)', () => {
  const { manifest } = sampleBoard();
  const n = manifest.notices[0]!;
  const ctx = (at: number) => ({ board: manifest.board, at });
  assert.equal(noticePage(ctx(SAMPLE_AT), n), noticePage(ctx(SAMPLE_AT + 86_400_000 * 3), n));
});

test('a list that becomes shorter: its pages past the new end say so and link to the last page, in every version, until it grows again', async () => {
  using tmp = tempDir();
  const out = join(tmp.path, 'site');
  const { manifest, files } = sampleBoard();
  const settings = { pageSize: 1 };
  const build = (at: number) => {
    manifest.snapshot.seq += 1;
    return buildMirror({ manifest, at, settings, readAttachment: async (sha) => files.get(sha)! }, out);
  };
  const first = await build(SAMPLE_AT);
  const pages = first.shownNoticeIds.length;
  assert.ok(pages >= 3, `${pages} notices, one a page`);
  const last = `strana/${pages}/index.html`;
  assert.match(await readFile(join(out, last), 'utf8'), /class="notices"/);

  // A withdrawal: the list is one page shorter; its old last page stays, saying so, and is not indexed.
  const withdrawn = manifest.notices.find((n) => n.id === first.shownNoticeIds[0])!;
  withdrawn.removeAt = new Date(SAMPLE_AT + 1000).toISOString();
  await build(SAMPLE_AT + 2000);
  const gone = await readFile(join(out, last), 'utf8');
  assert.match(gone, /Tato strana seznamu už neexistuje/);
  assert.match(gone, new RegExp(`href="[./]*strana/${pages - 1}/"`), 'a link to the new last page');
  assert.match(gone, /<meta name="robots" content="noindex">/);
  assert.doesNotMatch(gone, /class="notices"/);
  assert.match(await readFile(join(out, 'en', last), 'utf8'), /This page of the list no longer exists/);
  await assert.rejects(stat(join(out, `strana/${pages + 1}/index.html`)), /ENOENT/, 'only pages that existed');
  // Carried on to the next release, and a normal page again once the list grows back.
  await build(SAMPLE_AT + 3000);
  assert.match(await readFile(join(out, last), 'utf8'), /Tato strana seznamu už neexistuje/);
  withdrawn.removeAt = null;
  await build(SAMPLE_AT + 4000);
  assert.match(await readFile(join(out, last), 'utf8'), /class="notices"/);
});
