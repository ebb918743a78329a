/**
 * The kiosk in depth, in real Chromium (run `npx vite build` first), fed by a real signed feed
 * on loopback: four languages with their plurals and dates in the board's zone, browsing
 * (categories, sort, a virtualized list, Back to the same place, patches instead of refetching),
 * reading a PDF one page at a time with a text layer, offline search with the on-screen
 * keyboard, the QR code, on-screen settings and reach mode, idle warning and attract mode.
 * Screenshots go to docs/screenshots/ (committed; looked at by a human).
 */
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { signBytes } from '../../src-main/publication/signing.ts';
import type { FeedNotice } from '../../src-main/shared/feed.ts';
import { reachBand } from '../../src-main/shared/reach.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { feedNotice, generateBoardKeys, makePdf, makeSnapshot, sha256, startFeedServer, waitFor, writeProfile, type FeedServer, type Snapshot } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
// Speech here is the browser's (a stand-in voice list in the speech test), never espeak-ng's.
process.env.ESPEAK_NG = '/nonexistent/espeak-ng';
const keys = generateBoardKeys();
let browser: Browser;

before(async () => {
  assert.ok(existsSync(join(DEFAULT_RENDERER_DIR, 'kiosk/index.html')), 'build the renderer first: npx vite build');
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
});
after(() => browser?.close());

const DAY = 86_400_000;
const at = (d: number): string => new Date(Date.now() + d * DAY).toISOString();

/** A signed snapshot of the given feed notices (with their files: PDFs and extracted texts). */
function snapshot(seq: number, notices: FeedNotice[], files: Map<string, Uint8Array>): Snapshot {
  const base = makeSnapshot(keys, seq, [], undefined, new Date().toISOString());
  const manifest = { ...base.manifest, notices };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  return { manifest, bytes, signature: signBytes(bytes, keys.privatePem), files };
}

/** Five notices in three categories; one PDF of 5 pages whose text the feed also carries. */
async function makeBoard(): Promise<Snapshot> {
  const files = new Map<string, Uint8Array>();
  const withPdf = async (n: FeedNotice, pdf: Uint8Array, text?: string): Promise<FeedNotice> => {
    files.set(sha256(pdf), pdf);
    const a = { sha256: sha256(pdf), name: `${n.id}.pdf`, size: pdf.length, mediaType: 'application/pdf' as const };
    if (text === undefined) return { ...n, attachments: [a] };
    const t = new TextEncoder().encode(text);
    files.set(sha256(t), t);
    return { ...n, attachments: [{ ...a, textSha256: sha256(t), textSize: t.length }] };
  };
  const notices = [
    await withPdf(
      { ...feedNotice({ id: 'vyhlaska-up', title: 'Veřejná vyhláška: návrh změny č. 3 územního plánu Testov', postAt: at(-3), removeAt: at(12) }) },
      await makePdf('Veřejná vyhláška – územní plán', 5),
      'Hydrogeologický průzkum lokality Za Humny. Příliš žluťoučký kůň úpěl ďábelské ódy.',
    ),
    await withPdf(
      { ...feedNotice({ id: 'zamer-prodej', title: 'Záměr prodeje pozemku p. č. 1234/5 v k. ú. Testov', postAt: at(-1), removeAt: at(14) }), category: 'Majetek obce' },
      await makePdf('Záměr prodeje pozemku', 1),
    ),
    { ...feedNotice({ id: 'zastupitelstvo', title: 'Pozvánka na 12. zasedání zastupitelstva obce', postAt: at(-2), removeAt: at(5) }), category: 'Zastupitelstvo' },
    { ...feedNotice({ id: 'rozpocet', title: 'Schválený rozpočet obce Testov na rok 2027', postAt: at(-20), removeAt: null }), category: 'Majetek obce' },
    { ...feedNotice({ id: 'uzavirka', title: 'Oznámení o úplné uzavírce silnice III/12345 v obci Testov', postAt: at(-4), removeAt: at(20) }) },
  ];
  return snapshot(1, notices, files);
}
const BOARD_SNAPSHOT = await makeBoard();
const board = (): Snapshot => BOARD_SNAPSHOT;

async function withKiosk(s: Snapshot, fn: (k: RunningKiosk, feed: FeedServer) => Promise<void>, extra: Record<string, unknown> = {}): Promise<void> {
  using dir = tempDir();
  const feed = await startFeedServer(keys, s);
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, languages: ['cs', 'pl', 'en', 'de'], ...extra });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data') });
  try {
    await waitFor(() => k.replica!.applied()?.seq === s.manifest.snapshot.seq, 'first snapshot');
    await fn(k, feed);
  } finally {
    await k.stop();
    await feed.close();
  }
}

const LANDSCAPE = { width: 1920, height: 1080 };
const PORTRAIT = { width: 1080, height: 1920 };

/** The browser's own zone is New York: every date on screen must still be the board's (Prague). */
async function open(k: RunningKiosk, viewport = LANDSCAPE, extra: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport, locale: 'en-US', timezoneId: 'America/New_York', ...extra });
  const page = await ctx.newPage();
  await page.goto(k.url);
  await page.getByTestId('notice-item').first().waitFor();
  return page;
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

async function expectTouchTargets(page: Page, min = 44): Promise<void> {
  for (const b of await page.locator('button:visible, input:visible').all()) {
    const box = (await b.boundingBox())!;
    assert.ok(box.width >= min && box.height >= min, `control "${await b.getAttribute('aria-label') ?? await b.innerText()}" is ${box.width}×${box.height}`);
  }
}

test('four languages on screen: Czech and Polish plurals, dates in the language and the board\'s zone', () =>
  withKiosk(board(), async (k) => {
    const page = await open(k);
    const count = page.getByTestId('count');
    const chip = (c: string) => page.locator(`[data-testid="category"][data-category="${c}"]`);
    const expected: Record<string, [string, string, string]> = {
      cs: ['5 vyvěšených oznámení', '2 vyvěšená oznámení', '1 vyvěšené oznámení'],
      pl: ['5 wywieszonych ogłoszeń', '2 wywieszone ogłoszenia', '1 wywieszone ogłoszenie'],
      en: ['5 notices posted', '2 notices posted', '1 notice posted'],
      de: ['5 Bekanntmachungen ausgehängt', '2 Bekanntmachungen ausgehängt', '1 Bekanntmachung ausgehängt'],
    };
    const posted = Date.parse(board().manifest.notices.find((n) => n.id === 'zamer-prodej')!.postAt);
    for (const lang of ['cs', 'pl', 'en', 'de']) {
      await page.getByTestId(`lang-${lang}`).click();
      assert.equal(await page.locator('html').getAttribute('lang'), lang);
      await chip('').click();
      assert.equal(await count.innerText(), expected[lang]![0]);
      await chip('Majetek obce').click();
      assert.equal(await count.innerText(), expected[lang]![1]);
      await chip('Zastupitelstvo').click();
      assert.equal(await count.innerText(), expected[lang]![2]);
      await chip('').click();
      await page.locator('[data-notice-id="zamer-prodej"]').click();
      const locale = { cs: 'cs-CZ', pl: 'pl-PL', en: 'en-GB', de: 'de-DE' }[lang]!;
      const want = new Intl.DateTimeFormat(locale, { timeZone: 'Europe/Prague', day: 'numeric', month: 'numeric', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(posted);
      assert.equal(await page.getByTestId('detail-posted').innerText(), want, `${lang}: the posting instant in ${locale}, Prague time`);
      await page.getByTestId('text-layer').filter({ hasText: 'Záměr prodeje pozemku' }).first().waitFor();
      await page.screenshot({ path: join(SHOTS, `kiosk-detail-landscape-${lang}.png`) });
      await page.getByTestId('back').click();
      await page.screenshot({ path: join(SHOTS, `kiosk-home-landscape-${lang}.png`) });
    }
    await page.context().close();
  }));

test('1,000 notices: a small virtualized list, categories with counts, sort, Back to the same place, patches not refetches, evidence from the viewport', async () => {
  const notices: FeedNotice[] = [];
  const cats = ['Veřejná vyhláška', 'Majetek obce', 'Stavební řízení'];
  for (let i = 0; i < 1000; i++)
    notices.push({
      ...feedNotice({ id: `n${String(i).padStart(4, '0')}`, title: `Oznámení číslo ${i}`, postAt: at(-1 - i / 100), removeAt: at(2 + ((i * 37) % 100)) }),
      category: cats[i % 3]!,
    });
  await withKiosk(snapshot(1, notices, new Map()), async (k, feed) => {
    const stateRequests: string[] = [];
    const ctx = await browser.newContext({ viewport: LANDSCAPE });
    const page = await ctx.newPage();
    page.on('request', (r) => (r.url().includes('/api/state') ? stateRequests.push(r.url()) : undefined));
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
    assert.ok(nodes < 600, `the whole page has ${nodes} DOM nodes at 1,000 notices`);
    const items = await page.getByTestId('notice-item').count();
    assert.ok(items >= 8 && items < 40, `${items} items rendered`);
    await page.screenshot({ path: join(SHOTS, 'kiosk-list-1000-landscape.png') });

    // Evidence: only what is inside the list's viewport counts as shown.
    await waitFor(() => k.replica!.sightings().length > 0, 'sightings from the heartbeat');
    const seen = k.replica!.sightings().map((x) => x.noticeId);
    assert.ok(seen.length < 20, `${seen.length} notices reported as shown`);
    assert.ok(seen.every((id) => Number(id.slice(1)) < 20), `only the top of the list was on screen: ${seen.join(', ')}`);

    // Categories with counts; newest first by default; soonest removal on request.
    assert.equal(await page.locator('[data-testid="category"][data-category="Majetek obce"] .n').innerText(), '333');
    assert.equal(await page.locator('[data-testid="category"][data-category=""] .n').innerText(), '1\u00a0000', 'written the Czech way');
    assert.equal(await page.getByTestId('count').innerText(), '1\u00a0000 vyvěšených oznámení');
    assert.equal(await page.getByTestId('notice-item').first().getAttribute('data-notice-id'), 'n0000');
    await page.getByTestId('sort-removal').click();
    const soonest = [...notices].sort((a, b) => Date.parse(a.removeAt!) - Date.parse(b.removeAt!) || Date.parse(b.postAt) - Date.parse(a.postAt))[0]!.id;
    assert.equal(await page.getByTestId('notice-item').first().getAttribute('data-notice-id'), soonest);
    await page.getByTestId('sort-newest').click();

    // Scroll far down, open a notice, come back: the same place.
    const scroller = page.getByTestId('list-scroller');
    await scroller.evaluate((el) => (el.scrollTop = 40_000));
    await waitFor(async () => Number((await page.getByTestId('notice-item').first().getAttribute('data-notice-id'))!.slice(1)) > 300, 'items far down rendered after the scroll');
    const before = await scroller.evaluate((el) => el.scrollTop);
    const target = (await page.getByTestId('notice-item').nth(4).getAttribute('data-notice-id'))!;
    await page.locator(`[data-notice-id="${target}"]`).click();
    await page.getByTestId('notice-detail').waitFor();
    await waitFor(() => k.replica!.sightings().some((x) => x.noticeId === target && x.goneAt === null), 'the opened notice counts as shown');
    await page.getByTestId('back').click();
    await page.locator(`[data-notice-id="${target}"]`).waitFor();
    assert.equal(await scroller.evaluate((el) => el.scrollTop), before);

    // A new snapshot arrives as a patch over the event stream, not as a refetch of the state.
    const fresh = { ...feedNotice({ id: 'fresh', title: 'Čerstvě vyvěšené oznámení', postAt: at(-0.001), removeAt: at(30) }), category: 'Majetek obce' };
    feed.publish(snapshot(2, [...notices, fresh], new Map()));
    feed.ping();
    await waitFor(() => k.replica!.applied()?.seq === 2, 'snapshot 2');
    await waitFor(async () => (await page.locator('[data-testid="category"][data-category="Majetek obce"] .n').innerText()) === '334', 'the new count');
    assert.deepEqual(stateRequests, [], 'the whole state was never fetched again');
    await ctx.close();
  });
});

test('reading: page buttons and "page N of M", one canvas, a text layer, no axe findings in either theme', () =>
  withKiosk(board(), async (k) => {
    const page = await open(k, PORTRAIT);
    await page.locator('[data-notice-id="vyhlaska-up"]').click();
    const of = page.getByTestId('page-of');
    await of.waitFor();
    assert.equal(await of.innerText(), 'Strana 1 z 5');
    await waitFor(async () => (await page.getByTestId('text-layer').innerText()).includes('Strana 1: Veřejná vyhláška'), 'text layer of page 1');
    for (let i = 0; i < 3; i++) await page.getByTestId('next-page').click();
    assert.equal(await of.innerText(), 'Strana 4 z 5');
    await waitFor(async () => (await page.getByTestId('text-layer').innerText()).includes('Strana 4:'), 'text layer of page 4');
    assert.equal(await page.getByTestId('pdf-page').count(), 1, 'one canvas for the page on screen');
    // A swipe to the left turns to the next page; a double tap zooms to 200 % and back.
    const sheet = (await page.getByTestId('pdf-page').boundingBox())!;
    const [cx, cy] = [sheet.x + sheet.width / 2, sheet.y + 200];
    await page.mouse.move(cx + 150, cy);
    await page.mouse.down();
    await page.mouse.move(cx - 150, cy, { steps: 5 });
    await page.mouse.up();
    assert.equal(await of.innerText(), 'Strana 5 z 5');
    await page.getByTestId('prev-page').click();
    await page.mouse.click(cx, cy);
    await page.mouse.click(cx, cy);
    await waitFor(async () => (await page.locator('.zoom').first().innerText()) === '200 %', 'zoomed by a double tap');
    // The second double tap comes while the page is drawn again at 200 %: Playwright's second
    // click waits for the renderer to take the first, so the two can land more than 350 ms apart
    // (a single tap each). A person's taps carry their own time; here the taps are repeated
    // until they land as a double tap, which must then zoom back to 100 %.
    const zoomText = (): Promise<string> => page.locator('.zoom').first().innerText();
    for (let attempt = 0; attempt < 5 && (await zoomText()) !== '100 %'; attempt++) {
      await page.mouse.click(cx, cy);
      await page.mouse.click(cx, cy);
      await waitFor(async () => (await zoomText()) === '100 %', 'back to 100 % by a double tap', 1_000).catch(() => undefined);
    }
    assert.equal(await zoomText(), '100 %', 'back to 100 % by a double tap');
    await page.screenshot({ path: join(SHOTS, 'kiosk-detail-portrait.png') });
    await expectTouchTargets(page, 64);
    await expectNoAxeViolations(page, 'the detail');
    await page.getByTestId('settings-open').click();
    await page.getByTestId('set-contrast').click();
    await page.getByTestId('settings-close').click();
    await expectNoAxeViolations(page, 'the detail in high contrast');
    await page.screenshot({ path: join(SHOTS, 'kiosk-detail-portrait-hc.png') });
    // The QR code opens the notice's page on the web mirror.
    assert.equal(await page.getByTestId('qr').getAttribute('data-url'), 'https://deska.testov.example/oznameni/vyhlaska-up/');
    assert.ok((await page.locator('[data-testid="qr"] path').getAttribute('d'))!.length > 500, 'the code has modules');
    await page.context().close();
  }));

test('search: the on-screen keyboard in four layouts with diacritics, results as you type, no diacritics needed, attachment text found', () =>
  withKiosk(board(), async (k) => {
    const page = await open(k, PORTRAIT);
    await page.getByTestId('search-open').click();
    const key = (c: string) => page.locator(`[data-testid="keyboard"] [data-skbtn="${c}"]`).first();
    for (const [lang, letters] of [['cs', ['ř', 'ů', 'ě']], ['pl', ['ł', 'ą', 'ż']], ['de', ['ü', 'ö', 'ä']], ['en', ['q', 'w']]] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      for (const l of letters) assert.equal(await key(l).count(), 1, `${lang} layout has ${l}`);
    }
    await page.getByTestId('lang-cs').click();
    const status = page.getByTestId('search-status');
    // "uzemni" (no diacritics) finds "územního", typed key by key with results after each.
    for (const c of 'uzemni') await key(c).click();
    assert.equal(await page.getByTestId('search-input').inputValue(), 'uzemni');
    await waitFor(async () => (await page.getByTestId('notice-item').count()) === 1, 'one result');
    assert.equal(await page.getByTestId('notice-item').getAttribute('data-notice-id'), 'vyhlaska-up');
    assert.equal(await status.innerText(), '1 nalezené oznámení');
    await page.screenshot({ path: join(SHOTS, 'kiosk-search-keyboard-portrait.png') });
    await expectTouchTargets(page);
    await expectNoAxeViolations(page, 'the search screen');
    // Only in the attachment's text (as the signed feed carries it): "hydrogeologicky".
    await page.getByTestId('search-clear').click();
    for (const c of 'hydrogeo') await key(c).click();
    await waitFor(async () => (await status.innerText()) === '1 nalezené oznámení', 'found by the attachment text');
    assert.match(await page.getByTestId('snippet').innerText(), /Hydrogeologický/);
    // A result opens; Back returns to the search with its words.
    await page.getByTestId('notice-item').click();
    await page.getByTestId('back').click();
    assert.equal(await page.getByTestId('search-input').inputValue(), 'hydrogeo');
    await page.getByTestId('search-clear').click();
    for (const c of 'xyzq') await key(c).click();
    await waitFor(async () => (await status.innerText()) === 'Nic nenalezeno. Zkuste jiné slovo.', 'nothing found');
    // Evidence: with no result on screen, no notice is reported as shown any more.
    await waitFor(() => k.replica!.sightings().length > 0 && k.replica!.sightings().every((x) => x.goneAt !== null), 'every sighting closed');
    await page.context().close();
  }));

test('settings on screen: text size, high contrast, left-handed; reach mode from the profile keeps every control 380–1220 mm above the floor', async () => {
  for (const [orientation, viewport, screen] of [
    ['portrait', PORTRAIT, { diagonalInches: 55, mountingHeightMm: 500 }],
    ['landscape', LANDSCAPE, { diagonalInches: 43, mountingHeightMm: 300 }],
  ] as const) {
    await withKiosk(
      board(),
      async (k) => {
        const page = await open(k, viewport);
        const band = reachBand(screen, orientation)!;
        assert.equal(await page.getByTestId('kiosk').getAttribute('data-reach'), 'true');
        const mm = (y: number): number => screen.mountingHeightMm + band.heightMm * (1 - y / viewport.height);
        const check = async (where: string): Promise<void> => {
          for (const el of await page.locator('button:visible, input:visible').all()) {
            const box = (await el.boundingBox())!;
            // What a scrolling list clips away cannot be touched: only the part in its viewport counts.
            const clip = await el.evaluate((e) => e.closest('[data-testid="list-scroller"]')?.getBoundingClientRect().toJSON() as { y: number; height: number } | undefined);
            if (clip) {
              const y0 = Math.max(box.y, clip.y);
              const y1 = Math.min(box.y + box.height, clip.y + clip.height);
              if (y1 <= y0) continue;
              Object.assign(box, { y: y0, height: y1 - y0 });
            }
            if (box.y + box.height <= 0 || box.y >= viewport.height) continue;
            const [top, bottom] = [mm(box.y), mm(box.y + box.height)];
            assert.ok(top <= 1220.5 && bottom >= 379.5, `${where}: "${(await el.getAttribute('aria-label')) ?? (await el.innerText())}" spans ${Math.round(bottom)}–${Math.round(top)} mm`);
          }
        };
        await check(`${orientation} list`);
        await page.screenshot({ path: join(SHOTS, `kiosk-home-${orientation}-reach.png`) });
        await page.getByTestId('settings-open').click();
        await check(`${orientation} settings`);
        await page.screenshot({ path: join(SHOTS, `kiosk-settings-${orientation}-reach.png`) });
        await page.getByTestId('search-open').count();
        await page.getByTestId('settings-close').click();
        await page.getByTestId('search-open').click();
        await check(`${orientation} search`);
        await page.context().close();
      },
      { orientation, screen, accessibility: { reachMode: true, fontScale: 1, highContrast: false } },
    );
  }
  await withKiosk(board(), async (k) => {
    const page = await open(k);
    const size = (): Promise<number> => page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    const base = await size();
    await page.getByTestId('settings-open').click();
    await page.getByTestId('text-larger').click();
    await page.getByTestId('text-larger').click();
    assert.ok((await size()) > base * 1.25, 'text larger');
    await page.getByTestId('set-contrast').click();
    assert.match((await page.getByTestId('kiosk').getAttribute('class'))!, /\bhc\b/);
    await page.getByTestId('hand-left').click();
    await page.screenshot({ path: join(SHOTS, 'kiosk-settings-landscape.png') });
    await expectTouchTargets(page, 64);
    await expectNoAxeViolations(page, 'the settings');
    await page.getByTestId('settings-close').click();
    // Left-handed: the main controls move to the left edge.
    const searchBox = (await page.getByTestId('search-open').boundingBox())!;
    assert.ok(searchBox.x > 1920 / 2, 'left-handed puts the search button at the far end... of the reversed bar');
    const settingsBox = (await page.getByTestId('settings-open').boundingBox())!;
    assert.ok(settingsBox.x < 1920 / 2, 'and the settings at the left');
    await page.screenshot({ path: join(SHOTS, 'kiosk-home-landscape-hc-large-left.png') });
    await expectNoAxeViolations(page, 'the list in high contrast');
    await page.context().close();
  });
});

test('idle: a warning first, then home; after another idle period attract mode rotates the newest notices', () =>
  withKiosk(
    board(),
    async (k) => {
      const ctx = await browser.newContext({ viewport: LANDSCAPE });
      const page = await ctx.newPage();
      await page.clock.install();
      await page.goto(k.url);
      await page.getByTestId('notice-item').first().waitFor();
      await page.getByTestId('lang-pl').click();
      await page.locator('[data-notice-id="rozpocet"]').click();
      await page.getByTestId('notice-detail').waitFor();
      await page.clock.runFor(19_000);
      assert.equal(await page.getByTestId('idle-warning').count(), 0);
      await page.clock.runFor(2_000);
      const warning = page.getByTestId('idle-warning');
      await warning.waitFor();
      assert.match(await warning.innerText(), /za \d+ sekund/);
      await page.screenshot({ path: join(SHOTS, 'kiosk-idle-warning-landscape-pl.png') });
      await page.clock.runFor(10_000);
      await page.getByTestId('notice-item').first().waitFor();
      assert.equal(await page.getByTestId('notice-detail').count(), 0);
      assert.equal(await page.locator('html').getAttribute('lang'), 'cs', 'the language returned to the default');
      await page.clock.runFor(31_000);
      const attract = page.getByTestId('attract');
      await attract.waitFor();
      assert.equal(await attract.getAttribute('data-notice-id'), 'zamer-prodej', 'the newest first');
      await page.screenshot({ path: join(SHOTS, 'kiosk-attract-landscape.png') });
      await page.clock.runFor(8_000);
      await waitFor(async () => (await attract.getAttribute('data-notice-id')) === 'zastupitelstvo', 'the next newest');
      await attract.click();
      assert.equal(await page.getByTestId('attract').count(), 0);
      await ctx.close();
    },
    { idleTimeoutSeconds: 30 },
  ));

test('every screen in both themes: axe finds nothing; screenshots of each in every language', () =>
  withKiosk(board(), async (k) => {
    const page = await open(k);
    const screens: [string, () => Promise<void>][] = [
      ['home', async () => undefined],
      ['detail', async () => {
        await page.locator('[data-notice-id="vyhlaska-up"]').click();
        await page.getByTestId('text-layer').filter({ hasText: 'Strana 1' }).first().waitFor();
      }],
      ['search', async () => {
        await page.getByTestId('search-open').click();
        for (const c of 'pozem') await page.locator(`[data-testid="keyboard"] [data-skbtn="${c}"]`).first().click();
        await page.getByTestId('notice-item').first().waitFor();
      }],
      ['settings', async () => {
        await page.getByTestId('settings-open').click();
      }],
    ];
    const reset = async (): Promise<void> => {
      if (await page.getByTestId('settings-close').count()) await page.getByTestId('settings-close').click();
      if (await page.getByTestId('back').count()) await page.getByTestId('back').click();
      if (await page.getByTestId('home').count()) await page.getByTestId('home').click();
    };
    for (const theme of ['normal', 'hc'] as const) {
      for (const lang of ['cs', 'pl', 'en', 'de']) {
        await page.getByTestId(`lang-${lang}`).click();
        for (const [name, go] of screens) {
          await go();
          if (lang === 'cs') await expectNoAxeViolations(page, `${name} (${theme})`);
          await page.screenshot({ path: join(SHOTS, `kiosk-${name}-${theme}-${lang}.png`) });
          await reset();
        }
      }
      if (theme === 'normal') {
        await page.getByTestId('settings-open').click();
        await page.getByTestId('set-contrast').click();
        await page.getByTestId('settings-close').click();
      }
    }
    await page.context().close();
  }));

test('speech: with a voice for the language, the screen and a notice with its page text are read at the chosen volume, and stop', () =>
  withKiosk(board(), async (k) => {
    const ctx = await browser.newContext({ viewport: LANDSCAPE });
    // Headless Chromium has no voices: this stands in for the system's speech-dispatcher voice
    // list, and records what the kiosk hands the Web Speech API.
    await ctx.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      const spoken: { text: string; lang: string; volume: number }[] = [];
      w.__spoken = spoken;
      w.__cancelled = 0;
      w.SpeechSynthesisUtterance = class {
        text: string;
        voice: unknown = null;
        lang = '';
        volume = 1;
        constructor(text: string) {
          this.text = text;
        }
      };
      Object.defineProperty(window, 'speechSynthesis', {
        value: {
          getVoices: () => [{ lang: 'cs-CZ', name: 'Čeština' }],
          speak: (u: { text: string; lang: string; volume: number }) => spoken.push({ text: u.text, lang: u.lang, volume: u.volume }),
          cancel: () => (w.__cancelled = (w.__cancelled as number) + 1),
          addEventListener: () => undefined,
          removeEventListener: () => undefined,
        },
      });
    });
    const page = await ctx.newPage();
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    const spoken = (): Promise<{ text: string; lang: string; volume: number }[]> => page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string; volume: number }[] }).__spoken);
    await page.getByTestId('speak').click();
    const screen = (await spoken())[0]!;
    assert.match(screen.text, /^Obecní úřad Testov\. 5 vyvěšených oznámení\. Záměr prodeje pozemku/);
    assert.equal(screen.lang, 'cs-CZ');
    await page.locator('[data-notice-id="vyhlaska-up"]').click();
    await page.getByTestId('text-layer').filter({ hasText: 'Strana 1' }).first().waitFor();
    await page.getByTestId('settings-open').click();
    await page.locator('#volume').fill('0.4');
    await page.getByTestId('settings-close').click();
    await page.getByTestId('speak').click();
    const notice = (await spoken())[1]!;
    assert.match(notice.text, /^Veřejná vyhláška: návrh změny č\. 3 územního plánu Testov\. Veřejná vyhláška\. Původce: Stavební úřad\./);
    assert.match(notice.text, /Strana 1: Veřejná vyhláška – územní plán/, 'the page text from the text layer is read');
    assert.equal(notice.volume, 0.4);
    const before = await page.evaluate(() => (window as unknown as { __cancelled: number }).__cancelled);
    await page.getByTestId('speak-stop').click();
    assert.ok((await page.evaluate(() => (window as unknown as { __cancelled: number }).__cancelled)) > before);
    // No voice for Polish here: the speech buttons are not offered.
    await page.getByTestId('lang-pl').click();
    assert.equal(await page.getByTestId('speak').count(), 0);
    await ctx.close();
  }));

test('a document scrolled off screen gives its canvas back; one not yet scrolled to is not drawn', async () => {
  const a = await makePdf('První dokument', 2);
  const b = await makePdf('Druhý dokument', 2);
  const files = new Map([[sha256(a), a], [sha256(b), b]]);
  const n: FeedNotice = {
    ...feedNotice({ id: 'dva', title: 'Oznámení se dvěma dokumenty', postAt: at(-1), removeAt: at(10) }),
    attachments: [a, b].map((pdf, i) => ({ sha256: sha256(pdf), name: `dokument-${i + 1}.pdf`, size: pdf.length, mediaType: 'application/pdf' as const })),
  };
  await withKiosk(snapshot(1, [n], files), async (k) => {
    await waitFor(() => k.replica!.missingFiles().length === 0, 'both documents held');
    const page = await open(k);
    await page.locator('[data-notice-id="dva"]').click();
    const canvases = page.getByTestId('pdf-page');
    await waitFor(async () => (await canvases.count()) === 2, 'one canvas per document');
    const widths = (): Promise<number[]> => canvases.evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).width));
    await waitFor(async () => (await widths())[0]! > 0, 'the first document drawn');
    assert.equal((await widths())[1], 0, 'the second document, below the screen, is not drawn');
    await page.locator('section.pdf').nth(1).scrollIntoViewIfNeeded();
    await page.locator('.detail-scroll').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await waitFor(async () => {
      const [first, second] = await widths();
      return first === 0 && second! > 0;
    }, 'the second drawn, the first released');
    await page.context().close();
  });
});

test('page thumbnails: a strip for the document, only the visible ones drawn (small), a tap goes to that page', async () => {
  const pdf = await makePdf('Dlouhý dokument', 40);
  const n: FeedNotice = {
    ...feedNotice({ id: 'dlouhy', title: 'Územní plán: textová část (40 stran)', postAt: at(-1), removeAt: at(10) }),
    attachments: [{ sha256: sha256(pdf), name: 'uzemni-plan.pdf', size: pdf.length, mediaType: 'application/pdf' as const }],
  };
  await withKiosk(snapshot(1, [n], new Map([[sha256(pdf), pdf]])), async (k) => {
    await waitFor(() => k.replica!.missingFiles().length === 0, 'the document held');
    const page = await open(k);
    await page.locator('[data-notice-id="dlouhy"]').click();
    const thumbs = page.getByTestId('thumb');
    await page.getByTestId('thumbs').waitFor();
    assert.equal(await thumbs.count(), 40, 'a thumbnail button per page');
    const drawn = (): Promise<number[]> =>
      page.locator('[data-testid="thumb"] canvas').evaluateAll((cs) => cs.flatMap((c, i) => ((c as HTMLCanvasElement).width > 0 ? [i + 1] : [])));
    await waitFor(async () => (await drawn()).includes(1), 'the first thumbnails drawn');
    const first = await drawn();
    assert.ok(first.length < 40 && !first.includes(40), `only the thumbnails in view are drawn (${first.join(', ')})`);
    const w = await page.locator('[data-testid="thumb"] canvas').first().evaluate((c) => (c as HTMLCanvasElement).width);
    assert.ok(w > 0 && w <= 64 * 2, `drawn small (${w} px)`);
    // A tap on a thumbnail goes to its page, which is marked in the strip.
    await thumbs.nth(6).click();
    assert.equal(await page.getByTestId('page-of').innerText(), 'Strana 7 z 40');
    await waitFor(async () => (await page.getByTestId('pdf-page').getAttribute('data-page')) === '7', 'page 7 drawn');
    assert.equal(await page.locator('[data-testid="thumb"][aria-current="page"]').getAttribute('data-page'), '7');
    await page.screenshot({ path: join(SHOTS, 'kiosk-detail-thumbnails-landscape.png') });
    await expectNoAxeViolations(page, 'the detail with thumbnails');
    // The strip scrolled to its end: the last drawn, the first given back.
    await page.getByTestId('thumbs').evaluate((el) => (el.scrollLeft = el.scrollWidth));
    await waitFor(async () => {
      const d = await drawn();
      return d.includes(40) && !d.includes(1);
    }, 'the last thumbnails drawn, the first released');
    // The page buttons move the mark along; the strip keeps the current page in view.
    await page.getByTestId('prev-page').click();
    assert.equal(await page.locator('[data-testid="thumb"][aria-current="page"]').getAttribute('data-page'), '6');
    await waitFor(async () => (await drawn()).includes(6), 'the current page\'s thumbnail back in view');
    await page.context().close();
  });
});

test('a document\'s page is drawn before its thumbnails: the first thumbnail waits for the page', async () => {
  const pdf = await makePdf('Dlouhý dokument', 30);
  const n: FeedNotice = {
    ...feedNotice({ id: 'poradi', title: 'Územní plán: výkresy (30 stran)', postAt: at(-1), removeAt: at(10) }),
    attachments: [{ sha256: sha256(pdf), name: 'vykresy.pdf', size: pdf.length, mediaType: 'application/pdf' as const }],
  };
  await withKiosk(snapshot(1, [n], new Map([[sha256(pdf), pdf]])), async (k) => {
    await waitFor(() => k.replica!.missingFiles().length === 0, 'the document held');
    const page = await open(k);
    // Watch, in the page, the moment the first thumbnail starts drawing: is the page there yet?
    await page.evaluate(() => {
      const w = window as unknown as { pageAtFirstThumb?: number };
      new MutationObserver((_records, observer) => {
        if (!document.querySelector('[data-testid="thumb"] canvas[data-drawn]')) return;
        // Drawn: its pixels on the canvas and its text in the text layer.
        const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="pdf-page"]');
        w.pageAtFirstThumb = canvas && canvas.width > 0 ? (document.querySelector('[data-testid="text-layer"]')?.childElementCount ?? 0) : 0;
        observer.disconnect();
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-drawn'] });
    });
    await page.locator('[data-notice-id="poradi"]').click();
    await waitFor(() => page.evaluate(() => (window as unknown as { pageAtFirstThumb?: number }).pageAtFirstThumb !== undefined), 'a thumbnail drawn');
    const pageThen = await page.evaluate(() => (window as unknown as { pageAtFirstThumb: number }).pageAtFirstThumb);
    assert.ok(pageThen > 0, 'the page was drawn, with its text layer, when the first thumbnail started');
    await page.getByTestId('text-layer').filter({ hasText: 'Strana 1' }).first().waitFor();
    await page.context().close();
  });
});

test('pinch zoom on a page: two fingers apart zoom in a step at a time, together zoom out', () =>
  withKiosk(board(), async (k) => {
    const page = await open(k, LANDSCAPE, { hasTouch: true });
    await page.locator('[data-notice-id="vyhlaska-up"]').click();
    await page.getByTestId('page-of').waitFor();
    const zoom = page.locator('.zoom').first();
    assert.equal(await zoom.innerText(), '100 %');
    const box = (await page.getByTestId('pdf-page').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = Math.min(box.y + 150, 900);
    const cdp = await page.context().newCDPSession(page);
    const pinch = async (from: number, to: number): Promise<void> => {
      const points = (d: number) => [
        { x: cx - d, y: cy, id: 1 },
        { x: cx + d, y: cy, id: 2 },
      ];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(from) });
      for (let i = 1; i <= 8; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(from + ((to - from) * i) / 8) });
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };
    await pinch(60, 85); // apart by more than a third (not twice): one step
    await waitFor(async () => (await zoom.innerText()) === '125 %', 'one step in');
    await pinch(50, 200); // much further apart: several steps
    await waitFor(async () => (await zoom.innerText()) === '250 %', 'to the largest zoom');
    await pinch(200, 90); // together, to less than half: two steps out
    await waitFor(async () => (await zoom.innerText()) === '150 %', 'back out');
    assert.equal(await page.getByTestId('page-of').innerText(), 'Strana 1 z 5', 'a pinch does not turn the page');
    await page.context().close();
  }));
