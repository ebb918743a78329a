/**
 * Language versions of the mirror: Czech at the root and English under en/ for a Czech board;
 * Polish at the root, Czech under cs/ and English under en/ for a Polish one. The mirror's own
 * words translate (i18next), notice content stays as written (marked with its language), every
 * page links to itself in the other versions (hreflang), and every link of every version leads to
 * a file of the release.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { test } from 'node:test';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { SEARCH_SCRIPT } from '../../src-main/mirror/search-script.ts';
import { tempDir } from '../helpers/tmp.ts';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => join(e.parentPath, e.name));
}

/** Every relative (or host-root) href and src of every page that names no file of the release. */
function brokenLinks(site: string): string[] {
  const broken: string[] = [];
  for (const file of htmlFiles(site)) {
    const page = readFileSync(file, 'utf8');
    for (const m of page.matchAll(/(?:href|src)="([^"]*)"/g)) {
      const url = m[1]!;
      if (/^(https?:|mailto:|#)/.test(url)) continue;
      // From the host's root (the 404 page's links; the sample's public URL is at the host's root).
      const target = url.startsWith('/') ? join(site, url.replace(/[?#].*$/, '')) : join(dirname(file), url.replace(/[?#].*$/, ''));
      const ok = existsSync(target) && (statSync(target).isFile() || existsSync(join(target, 'index.html')));
      if (!ok) broken.push(`${relative(site, file)} → ${url}`);
    }
  }
  return broken;
}

/** The languages the search index (its one shard, pagefind/0/) was made in, from Pagefind's own entry file. */
function searchLanguages(site: string): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(site, 'pagefind/0/pagefind-entry.json'), 'utf8')) as { languages: Record<string, unknown> }).languages;
}

async function build(dir: string, locale?: string, publicUrl?: string): Promise<string> {
  const { manifest, files } = sampleBoard();
  if (locale) manifest.board = { ...manifest.board, locale };
  if (publicUrl !== undefined) manifest.board = { ...manifest.board, publicUrl };
  const gone = manifest.notices.find((n) => n.id === '2026-0100')!;
  const out = join(dir, 'site');
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { archive: true }, archive: [{ ...gone, removedAt: gone.removeAt!, withdrawn: false }] }, out);
  return out;
}

test('a Czech board: Czech at the root, English under en/, each page linking the other (hreflang); notices as written', async () => {
  using tmp = tempDir();
  const site = await build(tmp.path);
  const cs = readFileSync(join(site, 'oznameni/2026-0150/index.html'), 'utf8');
  const en = readFileSync(join(site, 'en/oznameni/2026-0150/index.html'), 'utf8');
  assert.match(cs, /<html lang="cs">/);
  assert.match(en, /<html lang="en">/);
  assert.match(cs, /<link rel="alternate" hreflang="en" href="https:\/\/deska\.horni-lhota\.example\/en\/oznameni\/2026-0150\/">/);
  assert.match(en, /<link rel="alternate" hreflang="cs" href="https:\/\/deska\.horni-lhota\.example\/oznameni\/2026-0150\/">/);
  assert.match(en, /<link rel="alternate" hreflang="x-default" href="https:\/\/deska\.horni-lhota\.example\/oznameni\/2026-0150\/">/);
  assert.match(en, /<link rel="canonical" href="https:\/\/deska\.horni-lhota\.example\/en\/oznameni\/2026-0150\/">/);
  // The mirror's words translate; the notice is as the clerks wrote it, marked Czech.
  assert.match(en, /<dt>Posted<\/dt>/);
  assert.match(en, /<h1 lang="cs">Záměr obce prodat pozemek parc\. č\. 415\/3 v k\. ú\. Horní Lhota<\/h1>/);
  assert.match(en, /<p class="description" lang="cs">Obec Horní Lhota zveřejňuje záměr/);
  assert.doesNotMatch(en, /Vyvěšeno|Dokumenty|Přeskočit/);
  assert.match(cs, /<dt>Vyvěšeno<\/dt>/);
  assert.doesNotMatch(cs, /<(h1|dd|p|span)[^>]* lang="cs"/, 'on the Czech version nothing needs marking');
  // The language switch, in each language's own name.
  assert.match(en, /<a href="https:\/\/deska\.horni-lhota\.example\/oznameni\/2026-0150\/" lang="cs" hreflang="cs">Čeština<\/a>/);
  assert.match(en, /lang="en" hreflang="en" aria-current="page">English<\/a>/);
  for (const page of ['en/index.html', 'en/o-desce/index.html', 'en/pristupnost/index.html', 'en/hledani/index.html', 'en/digest/index.html', 'en/archiv/index.html', 'en/archiv/oznameni/2026-0100/index.html', 'en/kategorie/zamer-prodeje/index.html']) {
    assert.ok(existsSync(join(site, page)), page);
  }
  assert.match(readFileSync(join(site, 'en/pristupnost/index.html'), 'utf8'), /<h1>Accessibility statement<\/h1>/);
  assert.match(readFileSync(join(site, 'en/archiv/oznameni/2026-0100/index.html'), 'utf8'), /<strong>Removed from the official notice board<\/strong>/);
  // The search page's script gets its words and the version's place from the page.
  assert.match(readFileSync(join(site, 'en/hledani/index.html'), 'utf8'), /"prefix":"en\/","total":4,"content":"cs","searching":"Searching…"/);
  assert.ok(!existsSync(join(site, 'pl')), 'no Polish version on a Czech board');
  assert.deepEqual(Object.keys(searchLanguages(site)), ['cs']);
  assert.deepEqual(brokenLinks(site), []);
});

test('a Polish board: Polish at the root, Czech and English beside it; links resolve in every version, with and without a public URL', async () => {
  using tmp = tempDir();
  const site = await build(tmp.path, 'pl-PL');
  const pl = readFileSync(join(site, 'index.html'), 'utf8');
  assert.match(pl, /<html lang="pl">/);
  assert.match(pl, /<a href="\.\/">Tablica ogłoszeń<\/a>/);
  assert.match(pl, /hreflang="cs" href="https:\/\/deska\.horni-lhota\.example\/cs\/"/);
  assert.match(readFileSync(join(site, 'cs/index.html'), 'utf8'), /<html lang="cs">/);
  assert.match(readFileSync(join(site, 'en/o-desce/index.html'), 'utf8'), /<h1>What the official notice board is<\/h1>/);
  // Polish words, the notice marked as written in the board's language (Polish), not Czech.
  const en = readFileSync(join(site, 'en/oznameni/2026-0150/index.html'), 'utf8');
  assert.match(en, /<h1 lang="pl">/);
  assert.deepEqual(brokenLinks(site), []);
  // The search index is made in the notices' language, Polish: Pagefind's Polish stemming and word rules.
  assert.deepEqual(Object.keys(searchLanguages(site)), ['pl']);
  assert.ok(existsSync(join(site, 'pagefind/0/wasm.pl.pagefind')));

  using bare = tempDir();
  const relativeSite = await build(bare.path, 'pl-PL', '');
  const cs = readFileSync(join(relativeSite, 'cs/kategorie/zamer-prodeje/index.html'), 'utf8').replace(/\n/g, ' ');
  assert.match(cs, /<link rel="alternate" hreflang="pl" href="\.\.\/\.\.\/\.\.\/kategorie\/zamer-prodeje\/">/);
  assert.deepEqual(brokenLinks(relativeSite), []);
});

test('the search page\'s script is valid JavaScript (a module)', () => {
  using tmp = tempDir();
  const file = join(tmp.path, 'hledani.mjs');
  writeFileSync(file, SEARCH_SCRIPT);
  const r = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
