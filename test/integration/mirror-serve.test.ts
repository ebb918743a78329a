/**
 * The built mirror served over loopback HTTP: axe-core in real Chromium finds no WCAG 2.1 AA
 * violations, screenshots for review, and atomic publishing under concurrent reads.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdir, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { buildMirror } from '../../src-main/mirror/build.ts';
import { sampleBoard, SAMPLE_AT } from '../../src-main/mirror/sample.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.jsonld': 'application/ld+json; charset=utf-8',
  '.pdf': 'application/pdf',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

/**
 * A plain static server; reads go through the outDir symlink on every request. A missing path gets
 * the mirror's 404 page of its language version with status 404, as docs/nginx-mirror.conf does.
 */
function serveStatic(root: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      let path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
      if (path.includes('..')) return res.writeHead(400).end();
      if (path.endsWith('/')) path += 'index.html';
      const file = join(root, path);
      try {
        if ((await stat(file)).isDirectory()) return res.writeHead(301, { location: `${req.url}/` }).end();
        const body = await readFile(file);
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
      } catch {
        const version = /^\/(en|cs)\//.exec(path)?.[1];
        const page = await readFile(join(root, version ? `${version}/404.html` : '404.html')).catch(() => null);
        if (page === null) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        else res.writeHead(404, { 'content-type': TYPES['.html'] }).end(page);
      }
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
  }));
}

let browser: Browser;
const tmp = tempDir();
let site: { server: Server; url: string };
const { manifest, files } = sampleBoard();
const out = join(tmp.path, 'site');
// Twenty older notices in two more categories, 10 a page: the lists run to three pages.
const open = manifest.notices.find((n) => n.id === '2026-0099')!;
for (let i = 1; i <= 20; i++) {
  const postAt = new Date(Date.parse('2026-01-05T09:00:00Z') + i * 86_400_000).toISOString();
  // The newest of them with long metadata (its card must look like the others: see the card test).
  const long = i === 20 ? { department: 'Odbor výstavby, územního plánování a životního prostředí', referenceNumber: 'MUHL/OVÚPŽP/12345/2026-Nov/Kra' } : {};
  manifest.notices.push({ ...open, id: `2026-${String(i).padStart(4, '0')}`, title: `Starší oznámení č. ${i}`, category: i % 2 ? 'Rozpočet' : 'Oznámení', postAt, publishedAt: postAt, attachments: [], ...long });
}
const settings = { pageSize: 10, archive: true };
// The archive: the sample's removed notice, as the store would give it.
const gone = manifest.notices.find((n) => n.id === '2026-0100')!;
const archive = [{ ...gone, removedAt: gone.removeAt!, withdrawn: false }];

before(async () => {
  // A category that had a notice in the build before and has none now: its pages stay, saying so.
  const earlier = { ...manifest, snapshot: { ...manifest.snapshot, seq: manifest.snapshot.seq - 1 }, notices: [...manifest.notices, { ...open, id: '2026-0300', title: 'Výběrové řízení na referenta', category: 'Výběrová řízení' }] };
  await buildMirror({ manifest: earlier, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings, archive }, out);
  await buildMirror({ manifest, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings, archive }, out);
  site = await serveStatic(out);
  browser = await launchBrowser();
  await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  site?.server.close();
  tmp[Symbol.dispose]();
});

const PAGES: { name: string; path: string; lang?: string; status?: number }[] = [
  { name: 'index', path: '' },
  { name: 'notice', path: 'oznameni/2026-0142/' },
  { name: 'category', path: 'kategorie/rozpocet/' },
  { name: 'page-2-by-title', path: 'razeni/nazev/strana/2/' },
  { name: 'category-by-removal', path: 'kategorie/oznameni/razeni/sejmuti/' },
  { name: 'empty-category', path: 'kategorie/vyberova-rizeni/' },
  { name: 'en-empty-category', path: 'en/kategorie/vyberova-rizeni/', lang: 'en' },
  { name: 'about', path: 'o-desce/' },
  { name: 'accessibility', path: 'pristupnost/' },
  { name: 'digests', path: 'digest/' },
  { name: 'archive', path: 'archiv/' },
  { name: 'archived-notice', path: 'archiv/oznameni/2026-0100/' },
  { name: 'search', path: 'hledani/?q=zadost' },
  { name: 'en-index', path: 'en/', lang: 'en' },
  { name: 'en-notice', path: 'en/oznameni/2026-0142/', lang: 'en' },
  { name: 'en-accessibility', path: 'en/pristupnost/', lang: 'en' },
  { name: 'en-archived-notice', path: 'en/archiv/oznameni/2026-0100/', lang: 'en' },
  { name: 'en-search', path: 'en/hledani/?q=zadost', lang: 'en' },
  { name: 'search-no-hit', path: 'hledani/?q=neexistujiciheslo' },
  // A dead link, deep down: the server answers with the 404 page (its links start at the root).
  { name: 'not-found', path: 'oznameni/2026-9999/priloha/', status: 404 },
  { name: 'en-not-found', path: 'en/kategorie/neni/strana/3/', lang: 'en', status: 404 },
];

for (const p of PAGES) {
  test(`axe: no WCAG 2.1 A/AA violations on ${p.name}`, async () => {
    for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      const res = await page.goto(site.url + p.path);
      assert.equal(res?.status(), p.status ?? 200);
      // The 404 page, served at a depth it was not written for: its stylesheet still loads.
      if (p.status === 404) assert.ok(await page.evaluate(() => document.styleSheets.length === 1 && document.styleSheets[0]!.cssRules.length > 10), 'the 404 page is styled');
      // The search page is checked with its results (or its "nothing found") on it.
      if (p.name.includes('search')) await page.locator('#vysledky .search-status:not(:text("Hledám")):not(:text("Searching"))').waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), p.lang ?? 'cs');
      const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      assert.deepEqual(
        result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        [],
        `${p.name} at ${viewport.width}px`,
      );
      assert.ok(result.passes.length > 0, 'axe actually ran');
      if (['index', 'notice', 'category', 'empty-category', 'search', 'archived-notice', 'en-notice', 'en-search', 'not-found'].includes(p.name)) await page.screenshot({ path: join(SCREENSHOTS, `mirror-${p.name}-${viewport.width}.png`), fullPage: true });
      await context.close();
    }
  });
}

test('pages work without JavaScript and links resolve', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.url);
  await page.click('a[href="oznameni/2026-0142/"]');
  assert.match(await page.locator('h1').innerText(), /Chodník podél silnice/);
  const pdf = await page.locator('table.files a').first().getAttribute('href');
  const res = await fetch(new URL(pdf!, page.url()));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  await context.close();
});

/** Opens the search page from the front page's form, types `word` and returns the titles found. */
async function searchFor(base: string, word: string, requests: string[]): Promise<string[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(base);
  await page.getByLabel('Hledat v oznámeních').fill(word);
  await page.getByRole('button', { name: 'Hledat' }).click();
  await page.waitForURL(/\/hledani\/\?q=/);
  const status = page.locator('#vysledky .search-status:not(:text("Hledám"))');
  await status.waitFor();
  const titles = await page.locator('#vysledky ol.hits h2 a').allInnerTexts();
  if (titles.length > 0) {
    // A hit leads to the notice's page.
    await page.locator('#vysledky ol.hits h2 a').first().click();
    assert.match(page.url(), /\/oznameni\/[^/]+\/$/);
    assert.equal(await page.locator('h1').innerText(), titles[0]);
  }
  await context.close();
  return titles;
}

test('search: a word typed without diacritics finds the notice whose document holds it; nothing is asked of another site', async () => {
  const requests: string[] = [];
  // "zadost" is only in the extracted text of the sale notice's PDF ("Žádost o koupi …").
  assert.deepEqual(await searchFor(site.url, 'zadost', requests), ['Záměr obce prodat pozemek parc. č. 415/3 v k. ú. Horní Lhota']);
  // A title word, without its diacritics.
  assert.deepEqual(await searchFor(site.url, 'pozvanka', requests), ['Pozvánka na 12. zasedání zastupitelstva obce']);
  // Notices not shown now are not in the index: the removed one (its document's text) and the future one.
  assert.deepEqual(await searchFor(site.url, 'hospody', requests), []);
  assert.deepEqual(await searchFor(site.url, 'budouci', requests), []);
  assert.ok(requests.some((u) => u.includes('/pagefind/')), 'the index was read');
  assert.deepEqual(requests.filter((u) => !u.startsWith(site.url)), [], 'every request went to the mirror itself');
});

test('search in the English version finds the same notice and leads to its English page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${site.url}en/`);
  await page.getByLabel('Search the notices').fill('zadost');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.locator('#vysledky .search-status:not(:text("Searching"))').waitFor();
  assert.match(await page.locator('#vysledky .search-status').innerText(), /^Notices found: 1\./);
  await page.locator('#vysledky ol.hits h2 a').first().click();
  assert.ok(page.url().endsWith('/en/oznameni/2026-0150/'), page.url());
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await context.close();
});

test('search: after a notice is removed, its words find nothing', async () => {
  const own = join(tmp.path, 'removal');
  const removal = Date.parse(manifest.notices.find((n) => n.id === '2026-0151')!.removeAt!);
  await buildMirror({ manifest, at: removal - 1, readAttachment: async (sha) => files.get(sha)!, settings }, own);
  const s = await serveStatic(own);
  try {
    assert.deepEqual(await searchFor(s.url, 'zastupitelstva', []), ['Pozvánka na 12. zasedání zastupitelstva obce']);
    await buildMirror({ manifest: { ...manifest, snapshot: { ...manifest.snapshot, seq: 8 } }, at: removal, readAttachment: async (sha) => files.get(sha)!, settings }, own);
    assert.deepEqual(await searchFor(s.url, 'zastupitelstva', []), []);
    assert.deepEqual(await searchFor(s.url, 'zadost', []), ['Záměr obce prodat pozemek parc. č. 415/3 v k. ú. Horní Lhota'], 'the other notices are still found');
  } finally {
    s.server.close();
  }
});

test('search over an index in shards (1,200 notices): every shard is searched; a withdrawn notice is not found and only its shard is made again', async () => {
  const own = join(tmp.path, 'shards');
  const template = manifest.notices.find((n) => n.id === '2026-0142')!;
  // A word of its own per notice (four letters, none a prefix of another) and one they all share.
  const word = (i: number): string => `q${String.fromCharCode(97 + Math.floor(i / 676), 97 + (Math.floor(i / 26) % 26), 97 + (i % 26))}x`;
  const many = Array.from({ length: 1200 }, (_, i) => ({ ...template, id: `s-${String(i).padStart(4, '0')}`, title: `Sdílené oznámení ${word(i)}`, attachments: [] }));
  const big = { ...manifest, notices: many, snapshot: { ...manifest.snapshot, seq: 20 } };
  const first = await buildMirror({ manifest: big, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings }, own);
  const shards = JSON.parse(await readFile(join(own, 'pagefind/shards.json'), 'utf8')) as string[];
  assert.ok(shards.length > 1, `${shards.length} shards`);
  const s = await serveStatic(own);
  try {
    // Found in whichever shard they are: the first notice, the last, one in the middle.
    for (const i of [0, 599, 1199]) assert.deepEqual(await searchFor(s.url, word(i), []), [`Sdílené oznámení ${word(i)}`]);
    // The shared word finds all 1,200: every shard was merged into the search.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${s.url}hledani/?q=sdilene`);
    await page.locator('#vysledky .search-status:not(:text("Hledám"))').waitFor();
    assert.match(await page.locator('#vysledky .search-status').innerText(), /1200/);
    await context.close();

    // Notice 599 is withdrawn: gone from the search; the other shards are the same files.
    const withdrawn = many[599]!;
    const second = await buildMirror({ manifest: { ...big, notices: many.filter((n) => n !== withdrawn), snapshot: { ...big.snapshot, seq: 21 } }, at: SAMPLE_AT, readAttachment: async (sha) => files.get(sha)!, settings }, own);
    assert.deepEqual(await searchFor(s.url, word(599), []), []);
    assert.deepEqual(await searchFor(s.url, word(598), []), [`Sdílené oznámení ${word(598)}`]);
    const same: string[] = [];
    for (const sh of shards) {
      const a = await stat(join(first.path, 'pagefind', sh, 'pagefind-entry.json'));
      const b = await stat(join(second.path, 'pagefind', sh, 'pagefind-entry.json'));
      if (a.ino === b.ino) same.push(sh);
    }
    assert.equal(same.length, shards.length - 1, 'one shard made again, the others kept');
  } finally {
    s.server.close();
  }
});

test('search without JavaScript: the form leads to the search page, which lists the categories', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.url + 'kategorie/rozpocet/');
  await page.getByLabel('Hledat v oznámeních').fill('zadost');
  await page.getByRole('button', { name: 'Hledat' }).click();
  assert.ok(page.url().endsWith('/hledani/?q=zadost'), page.url());
  assert.match(await page.locator('main').innerText(), /potřebuje JavaScript/);
  await page.getByRole('link', { name: 'Rozpočet (10)' }).click();
  assert.match(await page.locator('h1').innerText(), /^Rozpočet/);
  await context.close();
});

test('without JavaScript: the category filter, the orders and the pages are plain links that lead where they say', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(site.url);
  assert.match(await page.locator('main').innerText(), /Vyvěšených oznámení: 24/);
  assert.equal(await page.locator('ul.notices > li').count(), 10);
  await page.getByRole('link', { name: 'Rozpočet (10)' }).click();
  assert.match(await page.locator('h1').innerText(), /^Rozpočet/);
  assert.equal(await page.locator('ul.notices > li').count(), 10);
  assert.equal(await page.locator('nav.pages').count(), 0, 'ten notices fit one page');
  await page.getByRole('link', { name: 'podle názvu' }).click();
  assert.ok(page.url().endsWith('/kategorie/rozpocet/razeni/nazev/'), page.url());
  const titles = await page.locator('ul.notices h3').allInnerTexts();
  assert.deepEqual(titles, [...titles].sort(new Intl.Collator('cs').compare));
  await page.getByRole('link', { name: 'Všechna (24)' }).click();
  assert.ok(page.url().endsWith('/razeni/nazev/'), 'the order is kept when the filter changes');
  await page.getByRole('link', { name: 'Další' }).click();
  assert.ok(page.url().endsWith('/razeni/nazev/strana/2/'), page.url());
  assert.equal(await page.getAttribute('nav.pages a[aria-current="page"]', 'aria-label'), 'Strana 2');
  await page.locator('ul.notices h3 a').first().click();
  assert.match(page.url(), /\/oznameni\/[^/]+\/$/);
  assert.equal(await page.locator('h1').count(), 1);
  await context.close();
});

test('list cards lay out their fields one way, short or long: label and value on a line at 1280 px, aligned columns at 390 px', async () => {
  for (const width of [1280, 390]) {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    await page.goto(site.url);
    // Each card's fields: where its label and the first line of its value are, and how many lines the value takes.
    const cards = await page.locator('ul.notices dl.meta').evaluateAll((dls) =>
      dls.map((dl) =>
        [...dl.querySelectorAll(':scope > div')].map((d) => {
          const t = d.querySelector('dt')!.getBoundingClientRect();
          const v = d.querySelector('dd')!;
          const first = v.getClientRects()[0]!;
          const lineHeight = parseFloat(getComputedStyle(v).lineHeight);
          return { text: v.textContent, dtLeft: t.left, dtTop: t.top, dtRight: t.right, ddLeft: first.left, ddTop: first.top, lines: Math.round(v.getBoundingClientRect().height / lineHeight) };
        }),
      ),
    );
    assert.equal(cards.length, 10);
    const fields = cards.flat();
    assert.ok(fields.some((f) => f.text === 'Odbor výstavby, územního plánování a životního prostředí'), 'the long values are on the page');
    for (const f of fields) {
      // Every value starts on its label's line, after it (never under it in one card and beside it in another).
      assert.ok(Math.abs(f.ddTop - f.dtTop) < 2 && f.ddLeft >= f.dtRight, `${width}px: ${f.text} beside its label`);
    }
    if (width === 390) {
      for (const card of cards) {
        // One column of labels and one of values, the same in every card; a long value wraps within its column.
        assert.equal(new Set(card.map((f) => Math.round(f.dtLeft))).size, 1, `labels aligned: ${card.map((f) => f.text).join(' | ')}`);
        assert.equal(new Set(card.map((f) => Math.round(f.ddLeft))).size, 1, `values aligned: ${card.map((f) => f.text).join(' | ')}`);
      }
      assert.equal(new Set(cards.map((c) => Math.round(c[0]!.ddLeft))).size, 1, 'the same columns in every card');
      assert.ok(fields.some((f) => f.lines > 1), 'a long value wraps (within its column)');
    } else {
      // Wide: no value wraps onto lines of its own; a card's fields flow on as few lines as fit.
      assert.ok(fields.every((f) => f.lines === 1), fields.filter((f) => f.lines > 1).map((f) => f.text).join());
    }
    await context.close();
  }
});

test('print: navigation and filters are hidden, the notices are not', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(site.url);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('nav.filters').isVisible(), false);
  assert.equal(await page.locator('nav.pages').isVisible(), false);
  assert.equal(await page.locator('ul.notices').isVisible(), true);
  await context.close();
});

test('atomic swap: concurrent readers never see a missing index or an index linking to a missing page', async () => {
  // Builds started/finished; a release can only be pruned by the second build after it was current.
  const builds = { started: 0, finished: 0 };
  let stop = false;
  const problems: string[] = [];
  let httpReads = 0;
  let consistentChecks = 0;

  // What a web server does: resolve outDir on every request. index.html must always be there.
  const httpReader = async (): Promise<void> => {
    while (!stop) {
      const res = await fetch(site.url);
      await res.arrayBuffer();
      if (res.status !== 200) problems.push(`GET / → ${res.status}`);
      httpReads++;
    }
  };
  // Every link of an index must exist in the release that index came from.
  const fsReader = async (): Promise<void> => {
    while (!stop) {
      const f0 = builds.finished;
      const release = await realpath(out);
      const index = await readFile(join(release, 'index.html'), 'utf8').catch(() => null);
      const missing: string[] = [];
      for (const m of index?.matchAll(/href="(oznameni\/[^"]+\/)"/g) ?? []) {
        if (!(await stat(join(release, m[1]!, 'index.html')).catch(() => null))) missing.push(m[1]!);
      }
      if (builds.started >= f0 + 2) continue; // the release may have been pruned meanwhile
      if (index === null) problems.push(`${release}: no index.html`);
      for (const m of missing) problems.push(`${release}: index links to missing ${m}`);
      consistentChecks++;
    }
  };
  const readers = [httpReader(), httpReader(), fsReader(), fsReader()];
  // Alternate between instants with different notice sets, so a stale index would show.
  for (let i = 0; i < 30; i++) {
    const at = SAMPLE_AT + (i % 2 === 0 ? 0 : 3 * 86_400_000);
    builds.started++;
    await buildMirror({ manifest: { ...manifest, snapshot: { ...manifest.snapshot, seq: 100 + i } }, at, readAttachment: async (sha) => files.get(sha)!, settings }, out);
    builds.finished++;
    await new Promise((r) => setImmediate(r));
  }
  stop = true;
  await Promise.all(readers);
  assert.ok(httpReads > 0 && consistentChecks > 0, `readers actually read (${httpReads} HTTP, ${consistentChecks} checks)`);
  assert.deepEqual(problems, []);
  assert.equal((await readdir(`${out}.releases`)).length, 2);
});
