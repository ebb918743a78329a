/**
 * The kiosk UI in real Chromium, served by startKiosk({ shell: 'headless' }) from the built
 * renderer (run `npx vite build` first), fed by a real signed feed on loopback.
 * Screenshots go to screenshots/ (gitignored) for a human to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { generateBoardKeys, makePdf, makeSnapshot, startFeedServer, waitFor, writeProfile, type FeedServer, type NoticeSpec } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHOTS = resolve(import.meta.dirname, '../../screenshots');
const keys = generateBoardKeys();
let browser: Browser;

before(async () => {
  assert.ok(existsSync(join(DEFAULT_RENDERER_DIR, 'kiosk/index.html')), 'build the renderer first: npx vite build');
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchBrowser();
});
after(() => browser?.close());

const day = (d: number): string => new Date(Date.now() + d * 86_400_000).toISOString();

async function notices(): Promise<NoticeSpec[]> {
  return [
    { id: 'vyhlaska-up', title: 'Veřejná vyhláška: návrh změny č. 3 územního plánu Testov', postAt: day(-3), removeAt: day(12), pdf: await makePdf('Veřejná vyhláška – územní plán', 2) },
    { id: 'zamer-prodej', title: 'Záměr prodeje pozemku p. č. 1234/5 v k. ú. Testov', postAt: day(-1), removeAt: day(14), pdf: await makePdf('Záměr prodeje pozemku', 1) },
    { id: 'zastupitelstvo', title: 'Pozvánka na 12. zasedání zastupitelstva obce', postAt: day(-2), removeAt: day(5), pdf: await makePdf('Pozvánka na zasedání', 1) },
    { id: 'rozpocet', title: 'Schválený rozpočet obce Testov na rok 2027', postAt: day(-20), removeAt: null, pdf: await makePdf('Rozpočet 2027', 1) },
    { id: 'uzavirka', title: 'Oznámení o úplné uzavírce silnice III/12345 v obci Testov z důvodu rekonstrukce mostu', postAt: day(-4), removeAt: day(20) },
  ];
}

async function withKiosk(orientation: 'landscape' | 'portrait', fn: (k: RunningKiosk, feed: FeedServer) => Promise<void>, extra: Record<string, unknown> = {}): Promise<void> {
  using dir = tempDir();
  const feed = await startFeedServer(keys, makeSnapshot(keys, 1, await notices(), undefined, new Date().toISOString()));
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, orientation, languages: ['cs', 'en'], ...extra });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data') });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot');
    await fn(k, feed);
  } finally {
    await k.stop();
    await feed.close();
  }
}

/** Counts canvas pixels that are not (near) white: a rendered page has text on it. */
async function inkedPixels(page: Page): Promise<number> {
  return page.locator('[data-testid="pdf-page"]').first().evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const ctx = canvas.getContext('2d');
    if (!ctx || canvas.width === 0) return 0;
    const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i]! < 128 && d[i + 1]! < 128 && d[i + 2]! < 200) n++;
    return n;
  });
}

for (const [orientation, viewport] of [
  ['landscape', { width: 1920, height: 1080 }],
  ['portrait', { width: 1080, height: 1920 }],
] as const) {
  test(`${orientation}: list, detail drawing one PDF page at a time with "page N of M", back`, () =>
    withKiosk(orientation, async (k) => {
      const page = await browser.newPage({ viewport });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(k.url.replace('/kiosk/', '/'));
      const items = page.getByTestId('notice-item');
      await items.first().waitFor();
      assert.equal(await items.count(), 5);
      await page.screenshot({ path: join(SHOTS, `kiosk-list-${orientation}.png`) });

      await page.locator('[data-notice-id="vyhlaska-up"]').click();
      const pages = page.getByTestId('pdf-page');
      await waitFor(async () => (await inkedPixels(page)) > 500, 'ink on the first rendered page');
      assert.equal(await pages.count(), 1, 'one canvas: only the page on screen is drawn');
      assert.equal(await page.getByTestId('page-of').innerText(), 'Strana 1 z 2');
      await page.getByTestId('next-page').click();
      await waitFor(async () => (await pages.getAttribute('data-page')) === '2', 'page 2 drawn');
      assert.equal(await page.getByTestId('page-of').innerText(), 'Strana 2 z 2');
      assert.equal(await page.getByTestId('next-page').isDisabled(), true);
      await page.screenshot({ path: join(SHOTS, `kiosk-detail-${orientation}.png`) });

      // Every control is at least 64 CSS px in both directions.
      for (const b of await page.locator('button:visible').all()) {
        const box = (await b.boundingBox())!;
        assert.ok(box.width >= 64 && box.height >= 64, `button "${await b.innerText()}" is ${box.width}×${box.height}`);
      }

      await page.getByTestId('back').click();
      await items.first().waitFor();
      assert.deepEqual(errors, []);
      await page.close();
    }));
}

test('reach mode keeps every control in the lower 60 % of the screen', () =>
  withKiosk('portrait', async (k) => {
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    await page.getByTestId('reach-toggle').click();
    assert.equal(await page.getByTestId('kiosk').getAttribute('data-reach'), 'true');
    await page.locator('[data-notice-id="zamer-prodej"]').click();
    await page.getByTestId('pdf-page').first().waitFor();
    await page.screenshot({ path: join(SHOTS, 'kiosk-detail-portrait-reach.png') });
    const limit = 1920 * 0.4;
    for (const el of await page.locator('button:visible, [data-testid="pdf-page"]').all()) {
      const box = (await el.boundingBox())!;
      // Scrolled-away content is not reachable either way; what is on screen must be low.
      if (box.y + box.height <= 0) continue;
      assert.ok(box.y >= limit - 1, `an operable element starts at y=${box.y}, above ${limit}`);
    }
    await page.close();
  }));

test('a refused snapshot keeps the last good notices; the status line says in plain words that the office is out of reach, no technical detail', () =>
  withKiosk('landscape', async (k, feed) => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    await waitFor(() => feed.connections() > 0, 'push channel');
    feed.publish({ ...makeSnapshot(keys, 2, []), signature: makeSnapshot(generateBoardKeys(), 2, []).signature });
    feed.ping();
    // The status line, the one place for how fresh the list is, says it plainly.
    const line = page.locator('[data-testid="status-line"][data-state="offline"]');
    await line.waitFor();
    assert.match(await line.innerText(), /^Bez spojení s úřadem · seznam ověřen /);
    assert.doesNotMatch(await page.locator('body').innerText(), /Podpis|manifest|https?:|HTTP/);
    assert.match(k.replica!.lastError()?.message ?? '', /Podpis seznamu oznámení nesouhlasí/, 'the detail is in the report and the log');
    assert.equal(await page.getByTestId('notice-item').count(), 5);
    await page.screenshot({ path: join(SHOTS, 'kiosk-list-landscape-sync-error.png') });
    await page.close();
  }));

test('a notice appears on screen at its posting instant without a reload, and not before', () =>
  withKiosk('landscape', async (k, feed) => {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    const postAt = Date.now() + 2500;
    const s = makeSnapshot(keys, 2, [...(await notices()), { id: 'soon', title: 'Právě vyvěšené oznámení', postAt: new Date(postAt).toISOString() }], undefined, new Date().toISOString());
    feed.publish(s);
    feed.ping();
    await waitFor(() => k.replica!.applied()?.seq === 2, 'snapshot 2');
    const soon = page.locator('[data-notice-id="soon"]');
    await soon.waitFor({ timeout: 10_000 });
    assert.ok(Date.now() >= postAt, 'the notice was on screen before its posting instant');
    await page.close();
  }));

test('after idleTimeoutSeconds without a touch the detail returns to the list', () =>
  withKiosk(
    'landscape',
    async (k) => {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
      // Playwright's fake clock: the UI's timers run on it, so the wait is simulated, not slept.
      await page.clock.install();
      await page.goto(k.url);
      await page.getByTestId('notice-item').first().waitFor();
      await page.locator('[data-notice-id="rozpocet"]').click();
      await page.getByTestId('notice-detail').waitFor();
      await page.clock.runFor(29_000);
      assert.equal(await page.getByTestId('notice-detail').count(), 1, 'still open before the timeout');
      await page.clock.runFor(2_000);
      await page.getByTestId('notice-item').first().waitFor();
      assert.equal(await page.getByTestId('notice-detail').count(), 0);
      await page.close();
    },
    { idleTimeoutSeconds: 30 },
  ));
