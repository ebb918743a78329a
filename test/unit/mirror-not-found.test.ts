/**
 * The mirror's 404 page (404.html in each language version): plain words on what a visitor can
 * do, never an address, code or trace as the message; noindex and not in the sitemap; links from
 * the host's root, so they work at whatever depth a server answers with it, with a public URL at
 * the host's root, one under a path, and none. And our own static server's answer for a missing
 * mirror path (http/static.ts notFoundResponse): the page of the path's language version, status 404.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { notFoundResponse } from '../../src-main/http/static.ts';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { notFoundPage } from '../../src-main/mirror/pages.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { translator } from '../../src-main/mirror/i18n.ts';
import { tempDir } from '../helpers/tmp.ts';

async function build(dir: string, o: { publicUrl?: string; locale?: string; archive?: boolean } = {}): Promise<string> {
  const { manifest, files } = sampleBoard();
  manifest.board = { ...manifest.board, ...(o.publicUrl !== undefined && { publicUrl: o.publicUrl }), ...(o.locale && { locale: o.locale }) };
  const out = join(dir, 'site');
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings: { archive: o.archive ?? true } }, out);
  return out;
}

/** Every href, src and action of a page. */
function links(page: string): string[] {
  return [...page.matchAll(/(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!);
}

/** The words a visitor reads in the page's main part. */
function mainText(page: string): string {
  return page.slice(page.indexOf('<main'), page.indexOf('</main>')).replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
}

test('404.html in each language version: plain words, what to do, noindex, not in the sitemap, links from the host root that lead to files of the mirror', async () => {
  using tmp = tempDir();
  const site = await build(tmp.path);
  const cs = readFileSync(join(site, '404.html'), 'utf8');
  const en = readFileSync(join(site, 'en/404.html'), 'utf8');
  assert.match(cs, /<html lang="cs">/);
  assert.match(en, /<html lang="en">/);
  for (const page of [cs, en]) {
    assert.match(page, /<meta name="robots" content="noindex">/);
    const words = mainText(page);
    // Never an address, a path, a code or a trace as the message.
    assert.doesNotMatch(words, /https?:|\/|\b404\b|\.html|error|stack|\.(?:ts|js):\d/i, words);
  }
  assert.match(mainText(cs), /sejm/);
  assert.match(mainText(cs), /seznam všech vyvěšených oznámení/);
  assert.match(mainText(cs), /Vyhledejte oznámení/);
  assert.match(mainText(cs), /archivu sejmutých oznámení/);
  assert.match(mainText(en), /removed/);
  assert.match(cs, /<a href="\/">seznam všech vyvěšených oznámení<\/a>/);
  assert.match(cs, /<a href="\/hledani\/">Vyhledejte oznámení<\/a>/);
  assert.match(cs, /<a href="\/archiv\/">archivu sejmutých oznámení<\/a>/);
  assert.match(en, /<a href="\/en\/hledani\/">Search the notices<\/a>/);
  assert.match(cs, /<link rel="stylesheet" href="\/styl\.css">/);
  assert.match(en, /<link rel="stylesheet" href="\/styl\.css">/);
  for (const [name, page] of [['404.html', cs], ['en/404.html', en]] as const) {
    for (const url of links(page)) {
      if (/^(https:\/\/deska\.horni-lhota\.example\/|#obsah$)/.test(url)) continue;
      assert.ok(url.startsWith('/'), `${name}: ${url} starts at the host's root`);
      const target = join(site, url);
      assert.ok(existsSync(target) && (statSync(target).isFile() || existsSync(join(target, 'index.html'))), `${name}: ${url} leads to a file of the mirror`);
    }
  }
  assert.doesNotMatch(readFileSync(join(site, 'sitemap.xml'), 'utf8'), /404/);
});

test('a public URL under a path: links start with its path; no public URL: at the host root; no archive: no archive link', () => {
  const { manifest } = sampleBoard();
  const under = notFoundPage({ board: { ...manifest.board, publicUrl: 'http://127.0.0.1:8080/mirror/demo/' }, at: SAMPLE_AT, settings: { archive: true } });
  const rooted = links(under).filter((u) => !/^(https?:|#)/.test(u));
  assert.ok(rooted.length > 8);
  for (const u of rooted) assert.ok(u.startsWith('/mirror/demo/'), u);
  assert.match(under, /href="\/mirror\/demo\/styl\.css"/);

  const bare = notFoundPage({ board: { ...manifest.board, publicUrl: '' }, at: SAMPLE_AT, settings: {} });
  const all = links(bare).filter((u) => u !== '#obsah');
  for (const u of all) assert.match(u, /^\/(?!\/)/, u);
  assert.doesNotMatch(bare, /archiv/);
  assert.doesNotMatch(bare, /rel="canonical"/);

  const en = notFoundPage({ board: { ...manifest.board, publicUrl: '' }, at: SAMPLE_AT, t: translator('en') });
  assert.match(en, /<a href="\/en\/">list of all notices posted now<\/a>/);
  assert.match(en, /hreflang="cs" href="\/404\.html"/);
});

test('a Polish board: Polish 404 page at the root, Czech and English beside it', async () => {
  using tmp = tempDir();
  const site = await build(tmp.path, { locale: 'pl-PL' });
  assert.match(readFileSync(join(site, '404.html'), 'utf8'), /<html lang="pl">[\s\S]*<a href="\/hledani\/">Wyszukaj ogłoszenie<\/a>/);
  assert.match(readFileSync(join(site, 'cs/404.html'), 'utf8'), /<html lang="cs">[\s\S]*<a href="\/cs\/">seznam všech vyvěšených oznámení<\/a>/);
  assert.match(readFileSync(join(site, 'en/404.html'), 'utf8'), /<html lang="en">/);
});

test("our static server: a missing mirror path answers 404 with the page of the path's language version", async () => {
  using tmp = tempDir();
  const site = await build(tmp.path);
  const cases: [string, RegExp][] = [
    ['oznameni/2026-9999/', /<html lang="cs">/],
    ['kategorie/nic/strana/9/', /<html lang="cs">/],
    ['en/oznameni/2026-9999/', /<html lang="en">/],
    ['en/nic', /<html lang="en">/],
    // A version the board does not have, a folder with no 404 page, odd paths: the root's page.
    ['pl/oznameni/x/', /<html lang="cs">/],
    ['soubory/nic.pdf', /<html lang="cs">/],
    ['%E0%A4%A/x', /<html lang="cs">/],
    ['../../etc/passwd', /<html lang="cs">/],
    ['..%2F..%2Fetc/x', /<html lang="cs">/],
  ];
  for (const [path, lang] of cases) {
    const res = await notFoundResponse(site, path, { 'Access-Control-Allow-Origin': '*' });
    assert.ok(res, path);
    assert.equal(res.status, 404, path);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', path);
    assert.equal(res.headers.get('access-control-allow-origin'), '*', path);
    const body = await res.text();
    assert.match(body, lang, path);
    assert.match(body, /<meta name="robots" content="noindex">/, path);
  }
  // A folder with no mirror (not built yet): nothing to answer with; the caller's own 404.
  assert.equal(await notFoundResponse(join(tmp.path, 'none'), 'x/'), null);
});
