/**
 * Correcting a posted notice in the clerk app, in real Chromium against a real publisher
 * (ManualClock, real SQLite, the built app): the form explains both choices for the lawful period
 * with the dates the server computed (a restart on Saturday 7 November moves the end from
 * Wednesday 18 November, after the 17 November holiday, to Monday 23 November), refuses a
 * correction without a reason or a choice, and after saving shows the change register. axe finds
 * nothing; screenshots go to screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { initData } from '../../src-main/publisher/init.ts';
import { RENDERER_DIR, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');
const T0 = Date.parse('2026-11-02T08:00:00.000Z');
const T_FIX = Date.parse('2026-11-07T08:00:00.000Z');

let pub: RunningPublisher;
let browser: Browser;
let page: Page;
let id = '';
const tmp = tempDir();

async function expectNoAxeViolations(where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe violations on ${where}`);
}

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npm run build` first');
  const clock = new ManualClock(T0);
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false });
  const store = pub.ctx.store;
  store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', clock.now());
  const board = store.board('demo')!;
  const blob = store.blobs.put(Buffer.from('%PDF-1.7\n% rozhodnuti\n'), 'application/pdf', T0);
  const n = await pub.engine.commit('demo', () => store.notices.create(board, {
    title: 'Veřejná vyhláška – územní rozhodnutí o umístění stavby', description: 'Stavební úřad oznamuje vydání územního rozhodnutí.', category: 'Veřejná vyhláška',
    department: 'Stavební úřad', referenceNumber: 'SU/77/2026', fileMark: 'SZ SU/70/2026', postAt: new Date(T0).toISOString(), removeAt: '2026-11-19T23:00:00.000Z', type: 'cz-verejna-vyhlaska',
  }, [{ ...blob, name: 'rozhodnuti.pdf' }], 'novakova', T0));
  await pub.engine.commit('demo', () => store.notices.publish(n.id, 'novakova', T0));
  id = n.id;
  clock.set(T_FIX);
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
});

after(async () => {
  await browser?.close();
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('the correction form explains both choices for the period with the computed dates and refuses a correction without a reason', async () => {
  await page.goto(`${pub.url}/app/clerk/`);
  await page.getByLabel('Uživatelské jméno').fill('novakova');
  await page.getByLabel('Heslo').fill('referentka-heslo');
  await page.getByTestId('sign-in').click();
  await page.getByRole('heading', { name: 'Přehled' }).or(page.getByTestId('new-notice')).first().waitFor();
  await page.goto(`${pub.url}/app/clerk/#/demo/oznameni/${id}`);
  await page.getByTestId('notice-state').filter({ hasText: 'Vyvěšené' }).waitFor();
  assert.match(await page.getByTestId('change-register').innerText(), /Oznámení nebylo opraveno/);

  await page.getByTestId('correct').click();
  const form = page.getByTestId('correction');
  await form.waitFor();
  assert.equal(await page.getByTestId('c-title').inputValue(), 'Veřejná vyhláška – územní rozhodnutí o umístění stavby');
  const keep = await page.getByTestId('c-keep-help').innerText();
  assert.match(keep, /běží od 2\. 11\. 2026 09:00/);
  assert.match(keep, /musí viset do 18\. 11\. 2026 včetně, sejmout jej lze nejdříve 19\. 11\. 2026 00:00/);
  const restart = await page.getByTestId('c-restart-help').innerText();
  assert.match(restart, /15denní lhůta, po jejímž uplynutí se písemnost doručovaná veřejnou vyhláškou považuje za doručenou/);
  assert.match(restart, /od 7\. 11\. 2026 09:00/);
  assert.equal(await page.getByTestId('c-restart-last-day').innerText(), '23. 11. 2026');
  assert.match(restart, /Datum sejmutí se proto posune z 20\. 11\. 2026 00:00 na 24\. 11\. 2026 00:00/);
  await form.screenshot({ path: join(SCREENSHOTS, 'clerk-correction-form.png') });
  await expectNoAxeViolations('the correction form');

  // Neither a reason nor a choice: both fields say what is missing, and nothing is stored.
  await page.getByTestId('c-title').fill('Veřejná vyhláška – územní rozhodnutí o umístění stavby (oprava)');
  await page.getByTestId('c-save').click();
  await page.locator('#c-reason-error').waitFor();
  assert.match(await page.locator('#c-reason-error').innerText(), /Uveďte důvod opravy/);
  assert.match(await page.locator('#c-restart-error').innerText(), /Zvolte, zda po opravě běží lhůta vyvěšení znovu/);
  assert.equal(await page.getByTestId('c-reason').getAttribute('aria-invalid'), 'true');
  assert.deepEqual(pub.ctx.store.revisions.list(id), []);
  await form.screenshot({ path: join(SCREENSHOTS, 'clerk-correction-refused.png') });
  await expectNoAxeViolations('the correction form with errors');
});

test('a restarting correction is saved: the notice shows the new title, the removal moved, the register lists both versions', async () => {
  await page.getByTestId('c-reason').fill('Chybný název: chybělo označení opravy');
  await page.getByTestId('c-restart-yes').check();
  await page.getByTestId('c-save').click();
  await page.getByTestId('register-row').nth(1).waitFor();
  assert.equal(await page.getByTestId('correction').count(), 0, 'the form closes');
  assert.equal(await page.getByTestId('title').inputValue(), 'Veřejná vyhláška – územní rozhodnutí o umístění stavby (oprava)');
  assert.equal(await page.getByTestId('remove-date').inputValue(), '2026-11-24');
  const rows = await page.getByTestId('register-row').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /1 \(původní znění\)/);
  assert.match(rows[1]!, /novakova/);
  assert.match(rows[1]!, /Chybný název: chybělo označení opravy/);
  assert.match(rows[1]!, /běží znovu od 7\. 11\. 2026 09:00/);
  assert.match(rows[1]!, /Sejmutí: 20\. 11\. 2026 00:00 → 24\. 11\. 2026 00:00/);
  const stored = pub.ctx.store.notices.require(id);
  assert.equal(stored.removeAt, '2026-11-23T23:00:00.000Z');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-correction-register.png'), fullPage: true });
  await expectNoAxeViolations('the notice with its change register');
});
