/**
 * The clerk app in real Chromium against a real publisher (startPublisher, real SQLite, loopback
 * HTTP, the built app from dist/renderer): sign in, create a notice with a PDF through the file
 * input, save, publish, find it under its state; axe-core finds no WCAG 2.1 AA violations on the
 * sign-in, list and form screens. Screenshots go to screenshots/ (gitignored) for a human look.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { initData } from '../../src-main/publisher/init.ts';
import { RENDERER_DIR, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { toWallTime } from '../../src-main/shared/zone.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');
const ZONE = 'Europe/Prague';

let pub: RunningPublisher;
let browser: Browser;
let page: Page;
const tmp = tempDir();

async function czechPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return Buffer.from(await doc.save());
}

async function expectNoAxeViolations(where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npm run build` first');
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo' });
  pub = await startPublisher({ dataDir: tmp.path, sweep: false });
  pub.ctx.store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', Date.now());
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: ZONE })).newPage();
});

after(async () => {
  await browser?.close();
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('sign-in screen: a wrong password shows an error tied to the fields; accessible', async () => {
  await page.goto(`${pub.url}/app/clerk/`);
  await page.getByRole('heading', { name: 'Přihlášení' }).waitFor();
  await expectNoAxeViolations('sign-in');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-sign-in.png') });

  await page.getByLabel('Uživatelské jméno').fill('novakova');
  await page.getByLabel('Heslo').fill('spatne');
  await page.getByTestId('sign-in').click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Nesprávné uživatelské jméno nebo heslo/);
  assert.equal(await page.getByLabel('Heslo').getAttribute('aria-describedby'), 'signin-error');
  await expectNoAxeViolations('sign-in with error');
});

test('signs in, creates a notice with a PDF through the file picker, saves, publishes; it shows under Naplánované', async () => {
  await page.getByLabel('Heslo').fill('referentka-heslo');
  await page.getByTestId('sign-in').click();
  // The dashboard comes first; the notice list is one link away.
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
  await page.getByTestId('nav-notices').click();
  await page.getByRole('heading', { name: 'Oznámení' }).waitFor();
  await page.getByText('V kategorii „Koncepty“ nejsou žádná oznámení.').waitFor();
  await expectNoAxeViolations('empty list');

  await page.getByTestId('new-notice').click();
  await page.getByRole('heading', { name: 'Nové oznámení' }).waitFor();
  const tomorrow = toWallTime(Date.now() + 86_400_000, ZONE).date;
  const inTwoWeeks = toWallTime(Date.now() + 16 * 86_400_000, ZONE).date;
  await page.getByTestId('title').fill('Oznámení o zahájení územního řízení – chodník Na Výsluní');
  await page.getByTestId('description').fill('Stavební úřad oznamuje zahájení územního řízení o umístění stavby chodníku.');
  await page.getByTestId('category').selectOption('Veřejná vyhláška');
  await page.getByTestId('department').fill('Stavební úřad');
  await page.getByTestId('reference-number').fill('MÚ/1234/2026');
  await page.getByTestId('file-mark').fill('SÚ/55/2026');
  await page.getByTestId('post-date').fill(tomorrow);
  await page.getByTestId('post-time').fill('08:00');
  await page.getByTestId('remove-date').fill(inTwoWeeks);
  await page.getByTestId('remove-time').fill('08:00');
  const pdf = await czechPdf('Veřejná vyhláška – územní řízení');
  await page.getByTestId('file-input').setInputFiles({ name: 'vyhláška.pdf', mimeType: 'application/pdf', buffer: pdf });
  await page.getByText('vyhláška.pdf').waitFor();
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-form.png'), fullPage: true });
  await expectNoAxeViolations('filled form');

  await page.getByTestId('save').click();
  await page.getByTestId('notice-state').filter({ hasText: 'Koncept' }).waitFor();
  await page.getByTestId('status').filter({ hasText: 'Koncept byl uložen.' }).waitFor();
  const [draft] = pub.ctx.store.notices.list('demo');
  assert.ok(draft);
  assert.equal(draft.title, 'Oznámení o zahájení územního řízení – chodník Na Výsluní');
  assert.equal(draft.category, 'Veřejná vyhláška');
  assert.equal(draft.referenceNumber, 'MÚ/1234/2026');
  assert.deepEqual(toWallTime(Date.parse(draft.postAt!), ZONE), { date: tomorrow, time: '08:00:00' });
  assert.deepEqual(draft.attachments.map((a) => [a.name, a.size]), [['vyhláška.pdf', pdf.length]]);

  await page.getByTestId('publish').click();
  const dialog = page.getByRole('dialog', { name: 'Zveřejnit oznámení?' });
  await dialog.waitFor();
  const [y, m, d] = tomorrow.split('-');
  assert.match(await page.getByTestId('confirm-post-at').innerText(), new RegExp(`^${Number(d)}\\. ${Number(m)}\\. ${y} 08:00:00 SE(L)?Č \\(UTC\\+0[12]:00\\)$`));
  await expectNoAxeViolations('publish dialog');
  await page.getByTestId('confirm-publish').click();

  await page.getByTestId('tab-scheduled').and(page.locator('[aria-pressed="true"]')).waitFor();
  const row = page.locator(`[data-testid="notice-row"][data-notice-id="${draft.id}"]`);
  await row.waitFor();
  assert.match(await row.innerText(), /Stavební úřad/);
  assert.match(await row.innerText(), new RegExp(`${Number(d)}\\. ${Number(m)}\\. ${y} 08:00`));
  assert.equal(pub.ctx.store.notices.get(draft.id)!.publishedAt !== null, true);
  await expectNoAxeViolations('list');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-list.png') });
});

test('the form hints how a time in the daylight-saving gap resolves', async () => {
  await page.getByTestId('new-notice').click();
  await page.getByTestId('post-date').fill('2027-03-28');
  await page.getByTestId('post-time').fill('02:30');
  const hint = page.getByTestId('post-dst');
  await hint.waitFor();
  assert.match(await hint.innerText(), /neexistuje.*Použije se 28\. 3\. 2027 03:30 SELČ/);
  await page.getByTestId('post-time').fill('09:00');
  await hint.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: '← Zpět na seznam' }).click();
});

test('a notice whose posting time has passed is posted at once and shows under Vyvěšené; a refused file shows inline', async () => {
  await page.getByTestId('new-notice').click();
  const yesterday = toWallTime(Date.now() - 86_400_000, ZONE).date;
  await page.getByTestId('title').fill('Pozvánka na zasedání zastupitelstva');
  await page.getByTestId('post-date').fill(yesterday);
  await page.getByTestId('post-time').fill('08:00');
  // Not a PDF, whatever its name says: the server refuses it and the form says why, by the field.
  await page.getByTestId('file-input').setInputFiles({ name: 'pozvanka.pdf', mimeType: 'application/pdf', buffer: Buffer.from('GIF89a…') });
  await page.getByTestId('save').click();
  const fileError = page.locator('#files-error');
  await fileError.waitFor();
  assert.match(await fileError.innerText(), /Soubor „pozvanka\.pdf“ není dokument PDF/);
  assert.equal(await page.getByTestId('file-input').getAttribute('aria-describedby'), 'files-error');
  assert.equal(pub.ctx.store.notices.list('demo').length, 1, 'the refused upload created nothing');
  await page.getByRole('button', { name: 'Odebrat pozvanka.pdf' }).click();
  await page.getByTestId('file-input').setInputFiles({ name: 'pozvanka.pdf', mimeType: 'application/pdf', buffer: await czechPdf('Pozvánka') });

  await page.getByTestId('publish').click();
  await page.getByRole('dialog', { name: 'Zveřejnit oznámení?' }).waitFor();
  assert.equal(await page.getByTestId('confirm-post-at').innerText(), 'ihned po potvrzení');
  await page.getByTestId('confirm-publish').click();
  await page.getByTestId('tab-posted').and(page.locator('[aria-pressed="true"]')).waitFor();
  const posted = pub.ctx.store.notices.list('demo').find((n) => n.title === 'Pozvánka na zasedání zastupitelstva')!;
  await page.locator(`[data-testid="notice-row"][data-notice-id="${posted.id}"]`).waitFor();

  await page.getByTestId('tab-scheduled').click();
  assert.equal(await page.getByTestId('notice-row').count(), 1);
});

test('withdrawing needs a reason; the certificate link opens a PDF', async () => {
  await page.getByTestId('tab-posted').click();
  await page.getByTestId('notice-row').getByRole('button').first().click();
  await page.getByTestId('notice-state').filter({ hasText: 'Vyvěšené' }).waitFor();
  const href = await page.getByTestId('certificate').getAttribute('href');
  const cert = await page.request.get(new URL(href!, page.url()).toString());
  assert.equal(cert.status(), 200);
  assert.equal(cert.headers()['content-type'], 'application/pdf');

  await page.getByTestId('withdraw').click();
  await page.getByTestId('confirm-withdraw').click();
  await page.locator('#withdraw-error').waitFor();
  await page.getByTestId('withdraw-reason').fill('Zasedání se přesouvá na jiný termín.');
  await page.getByTestId('confirm-withdraw').click();
  await page.getByTestId('tab-withdrawn').and(page.locator('[aria-pressed="true"]')).waitFor();
  assert.equal(await page.getByTestId('notice-row').count(), 1);
});
