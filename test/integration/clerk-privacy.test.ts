/**
 * The clerk form's privacy part in real Chromium against a real publisher (ManualClock, real
 * SQLite, the built app): the "contains personal data" checkbox with its explanation, saving it,
 * uploading a redacted copy of a saved attachment and removing it again, a refusal shown in the
 * form; axe finds nothing; screenshots go to screenshots/ (looked at).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { Browser, Page } from 'playwright-core';
import { initData } from '../../src-main/publisher/init.ts';
import { RENDERER_DIR, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { sha256Hex } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');

let pub: RunningPublisher;
let browser: Browser;
let page: Page;
const tmp = tempDir();

async function pdfFile(name: string, text: string): Promise<{ path: string; bytes: Uint8Array }> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  const bytes = await doc.save({ useObjectStreams: false });
  const path = join(tmp.path, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

async function expectNoAxeViolations(where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npx vite build` first');
  const clock = new ManualClock('2026-11-22T09:00:00.000Z');
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false, inbox: false });
  pub.ctx.store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', clock.now());
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
});

after(async () => {
  await browser?.close();
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('the form marks a notice as containing personal data, explains what that means, and takes a redacted copy of a saved attachment', async () => {
  const full = await pdfFile('rozhodnuti.pdf', 'Rozhodnutí pro Jana Nováka, Horní Lhota 12');
  const copy = await pdfFile('rozhodnuti-zacerneno.pdf', 'Rozhodnutí pro ███ ███, Horní Lhota ███');
  await page.goto(`${pub.url}/app/clerk/`);
  await page.getByLabel('Uživatelské jméno').fill('novakova');
  await page.getByLabel('Heslo').fill('referentka-heslo');
  await page.getByTestId('sign-in').click();
  await page.getByTestId('new-notice').click();
  await page.getByRole('heading', { name: 'Nové oznámení' }).waitFor();

  await page.getByTestId('title').fill('Oznámení o uložení písemnosti – Jan Novák');
  const box = page.getByLabel('Oznámení obsahuje osobní údaje');
  assert.equal(await box.isChecked(), false);
  const help = await page.locator('#personal-data-help').innerText();
  assert.match(help, /nenabídne vyhledávačům/);
  assert.match(help, /po 30 dnech smažou/);
  assert.match(await page.getByTestId('privacy').innerText(), /po uložení konceptu/);
  await box.check();
  await page.getByTestId('file-input').setInputFiles(full.path);
  await page.getByTestId('save').click();
  await page.getByTestId('notice-state').waitFor();
  await page.getByTestId('redacted-row').waitFor();
  const [saved] = pub.ctx.store.notices.list('demo');
  assert.ok(saved);
  assert.equal(saved.personalData, true, 'the flag is saved');
  assert.match(await page.getByTestId('redacted-row').innerText(), /web: úplný dokument/);
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-privacy-flag.png'), fullPage: true });
  await expectNoAxeViolations('form with the personal-data flag');

  // The redacted copy: uploaded at once for the saved attachment, shown beside it.
  await page.getByLabel('Začerněná kopie přílohy rozhodnuti.pdf (PDF)').setInputFiles(copy.path);
  await page.getByTestId('redacted-copy').waitFor();
  assert.match(await page.getByTestId('redacted-copy').innerText(), /rozhodnuti-zacerneno\.pdf/);
  const stored = pub.ctx.store.notices.require(saved.id).attachments[0]!;
  assert.equal(stored.sha256, sha256Hex(full.bytes));
  assert.equal(stored.redacted?.sha256, sha256Hex(copy.bytes));
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-privacy-redacted-copy.png'), fullPage: true });
  await expectNoAxeViolations('form with a redacted copy');

  // The form keeps the clerk's unsaved edits across the upload.
  await page.getByTestId('title').fill('Oznámení o uložení písemnosti');
  await page.getByRole('button', { name: 'Odebrat kopii přílohy rozhodnuti.pdf' }).click();
  await page.getByTestId('redacted-input').waitFor({ state: 'attached' });
  assert.equal(pub.ctx.store.notices.require(saved.id).attachments[0]!.redacted, undefined);
  assert.equal(await page.getByTestId('title').inputValue(), 'Oznámení o uložení písemnosti');

  // The same file as the attachment is refused with the server's message in the form.
  await page.getByTestId('redacted-input').setInputFiles(full.path);
  const err = page.getByTestId('privacy-error');
  await err.waitFor();
  assert.match(await err.innerText(), /totožná s dokumentem/);
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-privacy-refusal.png'), fullPage: true });
  await expectNoAxeViolations('form with a refused copy');
});

test('an admin sets the board retention of files with personal data on the admin screen; the clerk form then states it', async () => {
  const admin = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
  await admin.goto(`${pub.url}/app/clerk/`);
  await admin.getByLabel('Uživatelské jméno').fill('admin');
  await admin.getByLabel('Heslo').fill('spravce-heslo');
  await admin.getByTestId('sign-in').click();
  await admin.getByTestId('nav-tokens').click();
  const field = admin.getByLabel('Deska Obecní úřad Horní Lhota (dní)');
  await admin.waitForFunction(() => (document.querySelector('[data-testid="retention-demo"]') as HTMLInputElement | null)?.value === '30');
  await field.fill('-3');
  await admin.getByRole('button', { name: 'Uložit' }).click();
  assert.match(await admin.locator('#retention-demo-error').innerText(), /od 0 do 3650/);
  await field.fill('14');
  await admin.getByRole('button', { name: 'Uložit' }).click();
  await admin.waitForFunction(() => (document.querySelector('.retention button') as HTMLButtonElement | null)?.disabled === true);
  assert.equal(pub.ctx.store.db.prepare("SELECT retention_days FROM board_privacy WHERE board_id = 'demo'").pluck().get(), 14);
  await admin.getByRole('heading', { name: 'Osobní údaje: lhůta uchování souborů' }).scrollIntoViewIfNeeded();
  await admin.screenshot({ path: join(SCREENSHOTS, 'clerk-privacy-retention.png'), fullPage: true });
  const result = await new AxeBuilder({ page: admin }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  // The clerk's form now tells the new period.
  await page.reload();
  await page.getByTestId('privacy').waitFor();
  await page.waitForFunction(() => /po 14 dnech smažou/.test(document.querySelector('#personal-data-help')?.textContent ?? ''));
});
