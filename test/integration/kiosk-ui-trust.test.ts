/**
 * What the public sees when something is wrong, in real Chromium (run `npx vite build` first):
 * plain words only (no URL, no error code, no hash wording), axe finds no WCAG 2.1 AA
 * violations, and the renderer's heartbeat is what records sightings. Screenshots go to
 * screenshots/ for a human to look at.
 */
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { generateBoardKeys, makePdf, makeSnapshot, sha256, startFeedServer, waitFor, writeProfile, type FeedServer, type Snapshot } from '../helpers/kiosk-feed.ts';
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
const pdfA = await makePdf('Veřejná vyhláška – územní plán', 1);
const pdfB = await makePdf('Záměr prodeje pozemku', 1);

function board(validUntil = '2100-01-01T00:00:00.000Z', createdAt = new Date().toISOString()): Snapshot {
  return makeSnapshot(
    keys,
    1,
    [
      { id: 'vyhlaska', title: 'Veřejná vyhláška: návrh změny č. 3 územního plánu Testov', postAt: day(-3), removeAt: day(12), pdf: pdfA },
      { id: 'zamer', title: 'Záměr prodeje pozemku p. č. 1234/5 v k. ú. Testov', postAt: day(-1), removeAt: day(14), pdf: pdfB },
      { id: 'uzavirka', title: 'Oznámení o úplné uzavírce silnice III/12345', postAt: day(-4), removeAt: day(20) },
    ],
    undefined,
    createdAt,
    validUntil,
  );
}

async function withKiosk(
  snapshot: Snapshot,
  fn: (k: RunningKiosk, feed: FeedServer, data: string) => Promise<void>,
  prepare?: (data: string) => void,
): Promise<void> {
  using dir = tempDir();
  const feed = await startFeedServer(keys, snapshot);
  const data = join(dir.path, 'data');
  prepare?.(data);
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, languages: ['cs', 'en'] });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: data });
  try {
    await fn(k, feed, data);
  } finally {
    await k.stop();
    await feed.close();
  }
}

/** AxeBuilder needs a page from an explicit context. */
async function newPage(): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

/** Nothing technical on the public screen. */
async function expectPlainWords(page: Page): Promise<void> {
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /https?:\/\/|HTTP \d|SHA|otisk|manifest|\bseq\b|Error|ECONN|\.sig\b/i, `technical text on screen:\n${text}`);
}

test('a stale snapshot: the public is told in plain words the board may be out of date', () =>
  withKiosk(board('2026-01-01T00:00:00.000Z', '2025-12-31T00:00:00.000Z'), async (k) => {
    const page = await newPage();
    await page.goto(k.url);
    const banner = page.getByTestId('stale');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Tato obrazovka se nemohla spojit s úřadem\. Oznámení nemusí být aktuální; úplnou úřední desku najdete na podatelně úřadu\./);
    const line = page.getByTestId('status-line');
    assert.equal(await line.getAttribute('data-state'), 'stale');
    assert.match(await line.innerText(), /^Oznámení nemusí být aktuální · seznam zatím nebyl ověřen$/, 'never "checked now"');
    assert.equal(await page.getByTestId('notice-item').count(), 3, 'the last good notices stay on screen');
    await expectPlainWords(page);
    await page.screenshot({ path: join(SHOTS, 'kiosk-stale-landscape.png') });
    await expectNoAxeViolations(page, 'the stale warning');
    await page.context().close();
  }));

test('a notice whose document failed shows its details and "Dokument se stahuje"; the rest is unaffected', () =>
  withKiosk(board(), async (k, feed) => {
    const page = await newPage();
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    // The publisher's copy of the second document goes bad; a new snapshot withdraws "uzavirka".
    const next = makeSnapshot(keys, 2, [
      { id: 'vyhlaska', title: 'Veřejná vyhláška: návrh změny č. 3 územního plánu Testov', postAt: day(-3), removeAt: day(12), pdf: pdfA },
      { id: 'zamer', title: 'Záměr prodeje pozemku p. č. 1234/5 v k. ú. Testov', postAt: day(-1), removeAt: day(14), pdf: pdfB },
      { id: 'novy', title: 'Oznámení o konání veřejného projednání', postAt: day(-1), removeAt: day(10), pdf: await makePdf('Veřejné projednání', 1) },
    ], undefined, new Date().toISOString());
    const bad = [...next.files.keys()].find((sha) => sha !== sha256(pdfA) && sha !== sha256(pdfB))!;
    feed.publish(next);
    feed.files.set(bad, pdfA);
    feed.ping();
    await page.locator('[data-notice-id="novy"]').waitFor();
    assert.equal(await page.locator('[data-notice-id="uzavirka"]').count(), 0, 'the withdrawal reached the screen');
    assert.match(await page.locator('[data-notice-id="novy"]').innerText(), /Dokument se stahuje/);
    await page.locator('[data-notice-id="novy"]').click();
    const pending = page.getByTestId('document-pending');
    await pending.waitFor();
    assert.match(await pending.innerText(), /Dokument se stahuje/);
    assert.equal(await page.getByTestId('zoom-in').count() + (await page.getByTestId('zoom-out').count()), 0, 'no zoom while there is no document to zoom');
    assert.match(await page.getByTestId('notice-detail').innerText(), /Oznámení o konání veřejného projednání/);
    await expectPlainWords(page);
    await page.screenshot({ path: join(SHOTS, 'kiosk-document-pending-landscape.png') });
    await expectNoAxeViolations(page, 'a notice whose document is being downloaded');
    // Once the feed has the right bytes, the document appears without a reload.
    feed.files.set(bad, (await makePdf('Veřejné projednání', 1)) as Uint8Array);
    feed.ping();
    await k.syncNow();
    await page.getByTestId('pdf-page').first().waitFor({ timeout: 15_000 });
    await page.getByTestId('zoom-in').waitFor();
    assert.equal(await page.getByTestId('zoom-in').isEnabled(), true, 'zoom appears with the document');
    await page.context().close();
  }));

test('a corrupted replica at start: the screen says the notices are loading, then shows them; sightings only with a renderer', () =>
  withKiosk(
    board(),
    async (k, feed, data) => {
      assert.ok(k.replica!.recovery, 'the damaged replica was set aside');
      // Hold the feed back so the loading screen can be seen.
      feed.current = { ...feed.current, signature: makeSnapshot(generateBoardKeys(), 1, []).signature };
      await k.syncNow();
      const page = await newPage();
      await page.goto(k.url);
      const loading = page.getByTestId('loading');
      await loading.waitFor();
      assert.match(await loading.innerText(), /Oznámení se načítají…/);
      await expectPlainWords(page);
      await page.screenshot({ path: join(SHOTS, 'kiosk-loading-after-corrupt-replica.png') });
      await expectNoAxeViolations(page, 'the loading screen');
      assert.deepEqual(k.replica!.sightings(), []);
      feed.publish(board());
      await k.syncNow();
      await page.getByTestId('notice-item').first().waitFor();
      // The renderer's heartbeat (sent on change) records what it rendered.
      await waitFor(() => k.replica!.sightings().length === 3, 'sightings from the heartbeat');
      assert.ok(existsSync(data));
      await page.context().close();
    },
    (data) => {
      mkdirSync(data, { recursive: true });
      writeFileSync(join(data, 'kiosk.sqlite'), Buffer.from('garbage, not a database '.repeat(500)));
    },
  ));
