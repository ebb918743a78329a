/**
 * The kiosk's health on screen, in real Chromium (run `npx vite build` first) against a real
 * signed feed on loopback: the status line in plain words (connected, offline, when the list was
 * last checked), the nightly reload, and the screen schedule: outside its hours the display-off
 * command runs, the evidence records "screen-off" and no sightings, and a touch wakes the display.
 */
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { toWallTime } from '../../src-main/shared/zone.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { generateBoardKeys, makeSnapshot, startFeedServer, waitFor, writeProfile, type FeedServer } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const keys = generateBoardKeys();
let browser: Browser;

before(async () => {
  assert.ok(existsSync(join(DEFAULT_RENDERER_DIR, 'kiosk/index.html')), 'build the renderer first: npx vite build');
  browser = await launchBrowser();
});
after(() => browser?.close());

const snapshot = makeSnapshot(keys, 1, [
  { id: 'a', title: 'Veřejná vyhláška o místním poplatku', postAt: new Date(Date.now() - 86_400_000).toISOString() },
  { id: 'b', title: 'Pozvánka na zasedání zastupitelstva', postAt: new Date(Date.now() - 2 * 86_400_000).toISOString() },
]);

async function withKiosk(extra: Record<string, unknown>, fn: (k: RunningKiosk, feed: FeedServer, dir: string) => Promise<void>): Promise<void> {
  using dir = tempDir();
  const feed = await startFeedServer(keys, snapshot);
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, languages: ['cs', 'en'], ...extra });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data') });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot');
    await fn(k, feed, dir.path);
  } finally {
    await k.stop();
    await feed.close();
  }
}

async function open(k: RunningKiosk): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US', timezoneId: 'America/New_York' });
  const page = await ctx.newPage();
  await page.goto(k.url);
  return page;
}

test('the status line says in plain words whether the kiosk is connected and when the list was last checked; then that it is offline', () =>
  withKiosk({}, async (k, feed) => {
    const page = await open(k);
    await page.getByTestId('notice-item').first().waitFor();
    const line = page.getByTestId('status-line');
    await waitFor(async () => (await line.innerText()).includes('ověřen'), 'the status line');
    assert.equal(await line.getAttribute('data-state'), 'ok');
    assert.match(await line.innerText(), /^Spojení s úřadem v pořádku · seznam ověřen (nyní|před \d+ (sekundami|minutou|minutami))$/);
    await page.getByTestId('lang-en').click();
    assert.match(await line.innerText(), /^Connected to the office · list checked (now|\d+ (seconds?|minutes?) ago)$/);
    await page.screenshot({ path: join(SHOTS, 'kiosk-status-line-landscape-en.png') });
    assert.deepEqual((await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map((v) => v.id), []);

    // The publisher goes away: the last verified list stays, the status line says so.
    await feed.close();
    assert.equal(await k.syncNow(), 'failed');
    await waitFor(async () => (await line.getAttribute('data-state')) === 'offline', 'the offline status');
    assert.match(await line.innerText(), /^No connection to the office · list checked /);
    const text = await line.innerText();
    assert.doesNotMatch(text, /https?:|127\.0\.0\.1|\d{3}\b|error/i, 'no addresses or codes on screen');
    await page.getByTestId('lang-cs').click();
    assert.match(await line.innerText(), /^Bez spojení s úřadem · seznam ověřen /);
    await page.screenshot({ path: join(SHOTS, 'kiosk-status-line-offline-landscape-cs.png') });
  }));

test('the nightly reload reloads the screen, which comes back with the list', () =>
  withKiosk({}, async (k) => {
    const page = await open(k);
    await page.getByTestId('notice-item').first().waitFor();
    await page.evaluate(() => ((window as unknown as { beforeReload: boolean }).beforeReload = true));
    const navigated = page.waitForEvent('framenavigated');
    k.reloadScreen();
    await navigated;
    await page.getByTestId('notice-item').first().waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { beforeReload?: boolean }).beforeReload ?? false), false, 'a fresh page');
  }));

/** "HH:MM" in Prague, `minutes` from now. */
const pragueIn = (minutes: number): string => toWallTime(Date.now() + minutes * 60_000, 'Europe/Prague').time.slice(0, 5);

test('outside the screen schedule: display off through the profile\'s command, "screen-off" in the evidence and no sightings; a touch wakes the display', async () => {
  using bin = tempDir();
  const log = join(bin.path, 'display.log');
  const xset = join(bin.path, 'xset');
  writeFileSync(xset, `#!/bin/sh\necho "$@" >> '${log}'\n`);
  chmodSync(xset, 0o755);
  const commands = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  // On an hour from now, off since an hour ago: now is off hours, whatever the time of day.
  await withKiosk(
    { screenSchedule: { on: pragueIn(60), off: pragueIn(-60) }, displayCommands: { off: [xset, 'dpms', 'force', 'off'], on: [xset, 'dpms', 'force', 'on'] } },
    async (k) => {
      await waitFor(() => commands().length === 1, 'the display-off command');
      assert.deepEqual(commands(), ['dpms force off']);
      const page = await open(k);
      const off = page.getByTestId('screen-off');
      await off.waitFor();
      await page.screenshot({ path: join(SHOTS, 'kiosk-screen-off-landscape-cs.png') });
      // The renderer's heartbeats arrive, but nothing counts as shown while the screen is off.
      await page.waitForTimeout(200);
      await page.evaluate(() => fetch('../api/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shown: ['a', 'b'], visibility: 'visible' }) }));
      assert.deepEqual(k.replica!.sightings(), []);
      assert.ok(k.replica!.openOutages().includes('screen-off'));
      // A touch: the display comes on, the list is there; still "screen-off" in the evidence.
      await off.click();
      await waitFor(() => commands().length === 2, 'the display-on command');
      assert.equal(commands()[1], 'dpms force on');
      await page.getByTestId('notice-item').first().waitFor();
      await page.evaluate(() => fetch('../api/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shown: ['a'], visibility: 'visible' }) }));
      assert.deepEqual(k.replica!.sightings(), [], 'a woken screen during off hours is never claimed as shown');
    },
  );
});
