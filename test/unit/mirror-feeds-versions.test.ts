/**
 * The machine-readable files in every language version, and the pages of categories that became
 * empty. The sitemap lists every version of each page, each with the others as hreflang
 * alternates (sitemaps.org with the xhtml:link extension), never a notice with personal data; the
 * English version has its own Atom feeds (board and category) with English words and the notices
 * as written, marked with their language; the OFN file stays one. A category that had notices
 * and is empty now still answers, saying so in plain words, and is in no filter, sitemap or feed.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { sitemaps } from '../../src-main/mirror/feeds.ts';
import { formerCategories } from '../../src-main/mirror/former.ts';
import { categoriesOf } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { isPostedAt } from '../../src-main/shared/domain.ts';
import { tempDir } from '../helpers/tmp.ts';

const BASE = 'https://deska.horni-lhota.example/';

async function build(out: string, mutate?: (m: FeedManifest) => void, locale?: string): Promise<FeedManifest> {
  const { manifest, files } = sampleBoard();
  if (locale) manifest.board = { ...manifest.board, locale };
  mutate?.(manifest);
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)! }, out);
  return manifest;
}

/** The sitemap's <url> entries: each <loc> and its alternates (hreflang → href). */
function sitemapUrls(xml: string): { loc: string; alternates: Map<string, string> }[] {
  return [...xml.matchAll(/<url>([\s\S]*?)<\/url>/g)].map((m) => ({
    loc: /<loc>([^<]+)<\/loc>/.exec(m[1]!)![1]!,
    alternates: new Map([...m[1]!.matchAll(/<xhtml:link rel="alternate" hreflang="([^"]+)" href="([^"]+)"\/>/g)].map((a) => [a[1]!, a[2]!])),
  }));
}

/** The file a mirror URL is served from. */
function fileOf(site: string, url: string): string {
  const path = url.slice(BASE.length);
  return join(site, path === '' || path.endsWith('/') ? `${path}index.html` : path);
}

test('the sitemap lists every language version of each page with its hreflang alternates, never a notice with personal data', async () => {
  using tmp = tempDir();
  const site = join(tmp.path, 'site');
  const manifest = await build(site, (m) => {
    m.notices.find((n) => n.id === '2026-0150')!.personalData = true;
  });
  const xml = readFileSync(join(site, 'sitemap.xml'), 'utf8');
  assert.match(xml, /<urlset xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9" xmlns:xhtml="http:\/\/www\.w3\.org\/1999\/xhtml">/);
  const urls = sitemapUrls(xml);
  const locs = new Set(urls.map((u) => u.loc));
  assert.equal(locs.size, urls.length, 'each page version once');
  for (const u of urls) {
    assert.deepEqual([...u.alternates.keys()], ['cs', 'en', 'x-default'], u.loc);
    // Each version lists itself among the alternates, and every alternate is listed as a page of its own.
    assert.ok([...u.alternates.values()].includes(u.loc), u.loc);
    for (const href of u.alternates.values()) assert.ok(locs.has(href), `${u.loc} → ${href}`);
    assert.equal(u.alternates.get('x-default'), u.alternates.get('cs'));
    assert.equal(u.alternates.get('en'), `${BASE}en/${u.alternates.get('cs')!.slice(BASE.length)}`);
    assert.ok(existsSync(fileOf(site, u.loc)), `${u.loc} is served`);
    // The English page is English, the Czech one Czech.
    assert.match(readFileSync(fileOf(site, u.loc), 'utf8'), u.loc.startsWith(`${BASE}en/`) ? /<html lang="en">/ : /<html lang="cs">/);
  }
  assert.ok(!xml.includes('2026-0150'), 'a notice with personal data is in no version');
  const shown = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT) && n.personalData !== true);
  for (const n of shown) {
    assert.ok(locs.has(`${BASE}oznameni/${n.id}/`) && locs.has(`${BASE}en/oznameni/${n.id}/`), n.id);
  }
  assert.ok(locs.has(`${BASE}en/kategorie/zamer-prodeje/`) && locs.has(`${BASE}en/o-desce/`) && locs.has(`${BASE}en/pristupnost/`));
});

test('over the URL limit of a sitemap file, sitemap.xml is an index of files that list the same pages, each page with its versions', () => {
  const { manifest } = sampleBoard();
  const shown = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  const categories = categoriesOf(shown);
  const [whole] = sitemaps(manifest.board, shown, categories);
  assert.equal(whole!.path, 'sitemap.xml');
  const all = sitemapUrls(whole!.content);
  const split = sitemaps(manifest.board, shown, categories, 7);
  assert.match(split[0]!.content, /^<\?xml version="1\.0" encoding="utf-8"\?>\n<sitemapindex xmlns="http:\/\/www\.sitemaps\.org\/schemas\/sitemap\/0\.9">/);
  const listed = [...split[0]!.content.matchAll(/<sitemap><loc>([^<]+)<\/loc><\/sitemap>/g)].map((m) => m[1]);
  assert.deepEqual(listed, split.slice(1).map((f) => `${BASE}${f.path}`));
  assert.ok(split.length > 2, `${split.length - 1} files`);
  const parts = split.slice(1).map((f) => sitemapUrls(f.content));
  for (const part of parts) {
    assert.ok(part.length <= 7 && part.length > 0);
    // Each page's versions are in the same file.
    const locs = new Set(part.map((u) => u.loc));
    for (const u of part) for (const href of u.alternates.values()) assert.ok(locs.has(href), `${u.loc} → ${href}`);
  }
  assert.deepEqual(parts.flat().map((u) => [u.loc, [...u.alternates]]), all.map((u) => [u.loc, [...u.alternates]]));
});

test('a Polish board: the sitemap has the Polish root, Czech and English, x-default the root', async () => {
  using tmp = tempDir();
  const site = join(tmp.path, 'site');
  await build(site, undefined, 'pl-PL');
  const urls = sitemapUrls(readFileSync(join(site, 'sitemap.xml'), 'utf8'));
  const root = urls.find((u) => u.loc === `${BASE}cs/`)!;
  assert.deepEqual(Object.fromEntries(root.alternates), { pl: BASE, cs: `${BASE}cs/`, en: `${BASE}en/`, 'x-default': BASE });
  // Feeds: the root's in Polish, the Czech and English versions' with the notices marked as Polish.
  assert.match(readFileSync(join(site, 'atom.xml'), 'utf8'), /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="pl">\n<id>https:\/\/deska\.horni-lhota\.example\/<\/id>\n<title>Tablica ogłoszeń – /);
  const cs = readFileSync(join(site, 'cs/atom.xml'), 'utf8');
  assert.match(cs, /xml:lang="cs">\n<id>https:\/\/deska\.horni-lhota\.example\/cs\/<\/id>\n<title>Úřední deska – /);
  assert.match(cs, /<title xml:lang="pl">/);
});

test('the English version has its own Atom feeds: English words, the notices as written and marked Czech, links to English pages', async () => {
  using tmp = tempDir();
  const site = join(tmp.path, 'site');
  const manifest = await build(site);
  const posted = manifest.notices.filter((n) => isPostedAt(n, SAMPLE_AT));
  const en = readFileSync(join(site, 'en/atom.xml'), 'utf8');
  assert.match(en, /<feed xmlns="http:\/\/www\.w3\.org\/2005\/Atom" xml:lang="en">/);
  assert.match(en, /<id>https:\/\/deska\.horni-lhota\.example\/en\/<\/id>\n<title>Official notice board – Obecní úřad Horní Lhota<\/title>/);
  assert.match(en, /<link rel="self" type="application\/atom\+xml" href="https:\/\/deska\.horni-lhota\.example\/en\/atom\.xml"\/>/);
  assert.equal(en.match(/<entry>/g)?.length, posted.length);
  for (const n of posted) {
    const entry = en.slice(en.indexOf(`<id>${BASE}en/oznameni/${n.id}/</id>`));
    assert.ok(entry.length < en.length, `${n.id} has an English entry`);
    const one = entry.slice(0, entry.indexOf('</entry>'));
    assert.ok(one.includes(`<link rel="alternate" type="text/html" href="${BASE}en/oznameni/${n.id}/"/>`), n.id);
    assert.match(one, /<title xml:lang="cs">/);
    assert.match(one, /<summary type="xhtml"><div xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">Posted \d/);
    assert.match(one, n.removeAt === null ? /, removal until revoked\./ : /, removal \d/);
    if (n.department) assert.ok(one.includes(`Issued by: <span xml:lang="cs">${n.department}</span>.`), n.id);
  }
  assert.doesNotMatch(en, /Vyvěšeno|Původce|sejmutí/, 'no Czech labels in the English feed');
  // The Czech feed keeps its words, unmarked (its content is in its own language).
  const cs = readFileSync(join(site, 'atom.xml'), 'utf8');
  assert.match(cs, /<summary>Vyvěšeno \d/);
  assert.doesNotMatch(cs, /xml:lang="cs">[^\n]*<\/title>|<span/);
  // Each category's English feed, and the English pages point at the English feeds.
  const cat = readFileSync(join(site, 'en/kategorie/zamer-prodeje/atom.xml'), 'utf8');
  assert.match(cat, /<title>Záměr prodeje – official notice board – Obecní úřad Horní Lhota<\/title>/);
  assert.equal(cat.match(/<entry>/g)?.length, posted.filter((n) => n.category === 'Záměr prodeje').length);
  const page = readFileSync(join(site, 'en/kategorie/zamer-prodeje/index.html'), 'utf8');
  assert.ok(page.includes('<link rel="alternate" type="application/atom+xml" title="Záměr prodeje – official notice board of Obecní úřad Horní Lhota (Atom)" href="../../../en/kategorie/zamer-prodeje/atom.xml">'));
  assert.ok(readFileSync(join(site, 'en/index.html'), 'utf8').includes('<li><a href="../en/atom.xml">News feed (Atom)</a></li>'));
  // The OFN file stays one, at the root (the standard is Czech).
  assert.ok(existsSync(join(site, 'opendata/uredni-deska.jsonld')));
  assert.ok(!existsSync(join(site, 'en/opendata')));
});

test('a category that became empty still answers, says so in plain words, links to all notices, and is in no filter, sitemap or feed', async () => {
  using tmp = tempDir();
  const site = join(tmp.path, 'site');
  await build(site);
  assert.ok(existsSync(join(site, 'kategorie/zamer-prodeje/index.html')));
  // The category's one notice goes (here: out of the manifest, as after its removal).
  const gone = (m: FeedManifest): void => {
    m.notices = m.notices.filter((n) => n.category !== 'Záměr prodeje');
  };
  await build(site, gone);
  for (const [prefix, words, all] of [
    ['', 'V této kategorii teď není vyvěšeno žádné oznámení.', 'Všechna oznámení na úřední desce'],
    ['en/', 'Nothing is posted in this category now.', 'All notices on the board'],
  ] as const) {
    for (const order of ['', 'razeni/sejmuti/', 'razeni/nazev/']) {
      const file = join(site, `${prefix}kategorie/zamer-prodeje/${order}index.html`);
      assert.ok(existsSync(file), `${prefix}kategorie/zamer-prodeje/${order} still answers`);
      const page = readFileSync(file, 'utf8');
      const home = `${'../'.repeat(`${prefix}kategorie/zamer-prodeje/${order}`.split('/').filter(Boolean).length)}${prefix}`;
      assert.ok(page.includes(`<p class="empty">${words} <a href="${home}">${all}</a>.</p>`), `${prefix}${order}`);
      assert.doesNotMatch(page, /<ul class="notices">/);
      assert.doesNotMatch(page, /href="[^"]*kategorie\/zamer-prodeje\/atom\.xml"/, 'no feed of its own');
    }
    const index = readFileSync(join(site, `${prefix}index.html`), 'utf8');
    assert.doesNotMatch(index, /kategorie\/zamer-prodeje\//, 'not in the filter');
    assert.ok(!existsSync(join(site, `${prefix}kategorie/zamer-prodeje/atom.xml`)));
    assert.doesNotMatch(readFileSync(join(site, `${prefix}atom.xml`), 'utf8'), /Záměr prodeje/);
    assert.doesNotMatch(readFileSync(join(site, `${prefix}hledani/index.html`), 'utf8'), /zamer-prodeje/);
  }
  assert.doesNotMatch(readFileSync(join(site, 'sitemap.xml'), 'utf8'), /zamer-prodeje/);
  // Remembered from build to build, not only the one after it emptied.
  await build(site, gone);
  assert.ok(existsSync(join(site, 'kategorie/zamer-prodeje/index.html')));
  // A notice in it again: the category is listed as before.
  await build(site);
  const back = readFileSync(join(site, 'kategorie/zamer-prodeje/index.html'), 'utf8');
  assert.match(back, /<ul class="notices">/);
  assert.ok(existsSync(join(site, 'kategorie/zamer-prodeje/atom.xml')));
  // A fresh output folder knows no former category (nothing links there yet).
  const fresh = join(tmp.path, 'fresh');
  await build(fresh, gone);
  assert.ok(!existsSync(join(fresh, 'kategorie/zamer-prodeje')));
  assert.deepEqual(readdirSync(join(fresh, 'kategorie')).sort(), readdirSync(join(site, 'kategorie')).filter((s) => s !== 'zamer-prodeje').sort());
});

test('formerCategories: empty remembered ones only, a current category keeps its slug, malformed memory is ignored', () => {
  const current = [{ name: 'Oznámení', slug: 'oznameni', count: 2 }];
  const { former, remember } = formerCategories(
    [
      { name: 'Oznámení', slug: 'oznameni' },
      { name: 'Rozpočet', slug: 'rozpocet' },
      { name: 'Oznameni', slug: 'oznameni' },
      { name: 'Zlé', slug: '../etc' },
      { name: 3, slug: 'x' } as unknown as { name: string; slug: string },
    ],
    current,
  );
  assert.deepEqual(former, [{ name: 'Rozpočet', slug: 'rozpocet', count: 0 }]);
  assert.deepEqual(remember, [{ name: 'Oznámení', slug: 'oznameni' }, { name: 'Rozpočet', slug: 'rozpocet' }]);
  assert.deepEqual(formerCategories(undefined, current).former, []);
});
