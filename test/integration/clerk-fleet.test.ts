/**
 * The clerk app's "Kiosky" screen for admins (real publisher, a real kiosk reporting over HTTP,
 * real Chromium): each kiosk with its state, last report, snapshot, version, clock and screen;
 * the alert banner above the notice list; a clerk sees neither. axe finds nothing; screenshots
 * go to screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { checkFleet } from '../../src-main/fleet/fleet.ts';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { RENDERER_DIR } from '../../src-main/publisher/server.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { waitFor } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ADMIN_PASSWORD, kioskToken, startBoard, writeProfile } from '../e2e/harness.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');

test('an admin sees every kiosk and the alert for a silent one; a clerk does not; accessible', async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npm run build` first');
  using dir = tempDir();
  const board = await startBoard(dir.path, { fleetAlerts: false }); // the tests run checkFleet at chosen instants; the real minute job would race them
  const { store } = board.publisher.ctx;
  store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', Date.now());
  kioskToken(board, 'vestibul');
  // A kiosk that last reported an hour ago (its row as an earlier report left it): silent past the threshold.
  store.evidence.upsertKiosk({
    id: 'chodba', boardId: 'demo', appliedSeq: 1, appliedAt: new Date(Date.now() - 3_600_000).toISOString(),
    lastReportAt: new Date(Date.now() - 3_600_000).toISOString(), lastError: null, clockOffsetMs: 7_200, screenOn: true, version: '0.1.0', sentAt: null,
  });
  const lobby = await startKiosk({ profilePath: writeProfile(board, 'lobby'), shell: 'headless', port: 0 });
  const browser = await launchBrowser();
  try {
    await waitFor(() => store.evidence.kiosks().some((k) => k.id === 'lobby' && k.appliedSeq === store.snapshots.latestSeq('demo')), 'lobby reports', 20_000);
    const raised = await checkFleet(store, join(dir.path, 'data'), Date.now(), () => undefined);
    assert.deepEqual(raised.map((n) => `${n.kioskId} ${n.health}`), ['chodba offline']);

    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
    const signIn = async (user: string, password: string): Promise<void> => {
      await page.goto(`${board.publisher.url}/app/clerk/`);
      await page.getByLabel('Uživatelské jméno').fill(user);
      await page.getByLabel('Heslo').fill(password);
      await page.getByTestId('sign-in').click();
    };
    await signIn('admin', ADMIN_PASSWORD);
    const banner = page.getByTestId('fleet-alerts');
    await banner.waitFor();
    assert.match(await banner.innerText(), /Kiosek chodba \(Obecní úřad Horní Lhota\) se naposledy ohlásil .*Zkontrolujte, zda je zapnutý a připojený k síti\./);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'clerk-fleet-alert.png') });

    await page.getByTestId('nav-fleet').click();
    const rows = page.getByTestId('fleet-kiosk');
    await rows.first().waitFor();
    const health = Object.fromEntries(await Promise.all((await rows.all()).map(async (r) => [await r.getAttribute('data-kiosk'), await r.getAttribute('data-health')])));
    assert.deepEqual(health, { chodba: 'offline', lobby: 'online', vestibul: 'never' });
    const chodba = await page.locator('[data-kiosk="chodba"]').innerText();
    assert.match(chodba, /nehlásí se/);
    assert.match(chodba, /\+7\.2 s/, 'the clock difference is shown');
    assert.match(await page.locator('tr[data-kiosk="lobby"]').innerText(), /v provozu.*0\.1\.0.*zapnutá/s);
    await page.screenshot({ path: join(SCREENSHOTS, 'clerk-fleet.png'), fullPage: true });
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

    await page.getByRole('button', { name: 'Odhlásit' }).click();
    await signIn('novakova', 'referentka-heslo');
    await page.getByRole('button', { name: 'Odhlásit' }).waitFor();
    await page.getByRole('heading').first().waitFor();
    assert.equal(await page.getByTestId('fleet-alerts').count(), 0, 'a clerk does not see kiosk alerts');
    assert.equal(await page.getByTestId('nav-fleet').count(), 0);
  } finally {
    await browser.close();
    await lobby.stop();
    await board.publisher.stop();
  }
});
