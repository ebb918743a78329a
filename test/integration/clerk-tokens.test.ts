/**
 * The clerk app's token screen in real Chromium against a real publisher (real SQLite, loopback
 * HTTP, the built app from dist/renderer): an admin creates a kiosk token and sees its secret
 * once, the secret really reads the board's feed, revoking it (after a confirmation dialog that
 * Escape closes) shuts the feed at once; API errors show by their field; the public-feed switch
 * opens and closes the feed; a clerk never sees the screen. axe-core finds no WCAG 2.1 AA
 * violation on the form, the secret box, the dialog and the list. Screenshots go to screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { initData } from '../../src-main/publisher/init.ts';
import { RENDERER_DIR, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { Store } from '../../src-main/store/store.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');
const ZONE = 'Europe/Prague';

let pub: RunningPublisher;
let browser: Browser;
const tmp = tempDir();

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

async function newPage(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'cs-CZ', timezoneId: ZONE });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pub.url });
  return context.newPage();
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${pub.url}/app/clerk/`);
  await page.getByLabel('Uživatelské jméno').fill(username);
  await page.getByLabel('Heslo').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
}

const feedStatus = async (secret?: string): Promise<number> =>
  (await fetch(`${pub.url}/feed/lhota/manifest.json`, { headers: secret ? { authorization: `Bearer ${secret}` } : {} })).status;

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npx vite build` first');
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', board: { id: 'lhota', name: 'Obecní úřad Lhota' } });
  const store = Store.open(tmp.path);
  store.createBoard({ id: 'zhurec', name: 'Obecní úřad Zhůřec', ico: '00054321', timeZone: ZONE, publicUrl: 'https://zhurec.example/' }, Date.now());
  store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', Date.now());
  store.close();
  pub = await startPublisher({ dataDir: tmp.path, port: 0, sweep: false, onLog: () => undefined });
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('a clerk sees neither the token screen nor its navigation', async () => {
  const page = await newPage(1366, 900);
  await signIn(page, 'novakova', 'referentka-heslo');
  assert.equal(await page.getByTestId('nav-tokens').count(), 0);
  assert.equal(await page.getByRole('heading', { name: 'Tokeny a přístup k feedu' }).count(), 0);
  await page.context().close();
});

test('an admin creates a kiosk token: errors by field, the secret once, it reads the feed; revoking shuts the feed', async () => {
  const page = await newPage(1366, 900);
  await signIn(page, 'admin', 'spravce-heslo');
  await page.getByTestId('nav-tokens').click();
  await page.getByRole('heading', { name: 'Tokeny a přístup k feedu' }).waitFor();
  // initData made the admin token "správa"; it is listed like any other.
  await page.getByTestId('token-row').filter({ hasText: 'správa' }).waitFor();
  assert.equal(await page.getByTestId('nav-tokens').getAttribute('aria-current'), 'page');

  // The API's own Czech words, under the field they are about, which gets the focus.
  await page.getByTestId('token-kiosk-id').fill('Vestibul 1');
  await page.getByTestId('create-token').click();
  const nameError = page.locator('#token-name-error');
  await nameError.waitFor();
  assert.match(await nameError.innerText(), /^Zadejte název tokenu/);
  assert.equal(await page.getByTestId('token-name').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-name');

  await page.getByTestId('token-name').fill('Kiosek ve vestibulu');
  await page.getByTestId('create-token').click();
  const kioskError = page.locator('#token-kiosk-id-error');
  await kioskError.waitFor();
  assert.match(await kioskError.innerText(), /smí obsahovat jen malá písmena bez diakritiky, číslice a pomlčky/);
  assert.equal(await page.getByTestId('token-kiosk-id').getAttribute('aria-describedby'), 'token-kiosk-id-error token-kiosk-id-hint');
  assert.equal(await nameError.count(), 0, 'the fixed field no longer shows its error');
  assert.equal(pub.ctx.store.users.tokens().length, 1, 'nothing was created');
  await expectNoAxeViolations(page, 'token form with an error');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-form.png'), fullPage: true });

  await page.getByTestId('token-kiosk-id').fill('vestibul');
  await page.getByTestId('create-token').click();
  const secretBox = page.getByTestId('secret-box');
  await secretBox.waitFor();
  const secret = await page.getByTestId('token-secret').innerText();
  assert.match(secret, /^deska_[A-Za-z0-9_-]{32}$/);
  assert.match(await secretBox.innerText(), /Klíč se zobrazuje jen teď a znovu už ho neuvidíte\./);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'secret-title', 'the focus moves to the secret');
  await page.getByTestId('copy-secret').click();
  await page.getByTestId('copied').filter({ hasText: 'Klíč je zkopírovaný do schránky.' }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  const made = pub.ctx.store.users.tokens().find((t) => t.name === 'Kiosek ve vestibulu');
  assert.ok(made);
  assert.deepEqual([made.name, made.kind, made.board, made.kioskId], ['Kiosek ve vestibulu', 'kiosk', 'lhota', 'vestibul']);
  const row = page.locator(`[data-testid="token-row"][data-token-id="${made.id}"]`);
  await row.waitFor();
  await expectNoAxeViolations(page, 'secret box');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-secret.png'), fullPage: true });

  // The secret really is a kiosk token of this board.
  assert.equal(await feedStatus(secret), 200);
  assert.equal(await feedStatus(), 401, 'the feed is not public');

  // Once dismissed, the secret is nowhere on the page, nor after a reload (the list never has it).
  await page.getByTestId('secret-done').click();
  await page.getByTestId('token-form').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-name');
  assert.ok(!(await page.content()).includes(secret));
  await page.reload();
  await page.getByTestId('nav-tokens').click();
  await row.waitFor();
  assert.ok(!(await page.content()).includes(secret));
  const cells = await row.locator('th, td').allInnerTexts();
  assert.equal(cells[0], 'Kiosek ve vestibulu');
  assert.equal(cells[1], 'kiosek');
  assert.equal(cells[2], 'deska Obecní úřad Lhota, kiosek „vestibul“');
  assert.match(cells[3]!, /^\d{1,2}\. \d{1,2}\. \d{4} \d{2}:\d{2} \(admin\)$/);
  assert.match(cells[4]!, /^\d{1,2}\. \d{1,2}\. \d{4} \d{2}:\d{2}$/, 'last used: the feed read above');
  assert.equal(cells[5], '1×');
  assert.equal(cells[6], 'aktivní');

  // Escape closes the confirmation without revoking; the focus returns to the row's button.
  const revoke = row.getByRole('button', { name: 'Zrušit token Kiosek ve vestibulu' });
  await revoke.click();
  const dialog = page.getByRole('dialog', { name: 'Zrušit token „Kiosek ve vestibulu“?' });
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Zpět', 'the safe choice has the focus');
  assert.match(await dialog.innerText(), /kiosek \(deska Obecní úřad Lhota, kiosek „vestibul“\) přestane platit okamžitě/);
  await expectNoAxeViolations(page, 'revoke dialog');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Zrušit token Kiosek ve vestibulu');
  assert.equal(pub.ctx.store.users.token(made.id)!.revokedAt, null);
  assert.equal(await feedStatus(secret), 200);

  await revoke.click();
  await page.getByTestId('confirm-revoke').click();
  await dialog.waitFor({ state: 'hidden' });
  await row.getByTestId('token-state').filter({ hasText: /^zrušen dne \d{1,2}\. \d{1,2}\. \d{4} \d{2}:\d{2}$/ }).waitFor();
  assert.equal(await row.getByRole('button').count(), 0, 'a revoked token has nothing to revoke');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'tokens-title');
  await page.getByTestId('status').filter({ hasText: 'Token „Kiosek ve vestibulu“ je zrušený' }).waitFor();
  assert.notEqual(pub.ctx.store.users.token(made.id)!.revokedAt, null);
  assert.equal(await feedStatus(secret), 401, 'the revoked secret reads nothing');
  await expectNoAxeViolations(page, 'list with a revoked token');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-list.png'), fullPage: true });
  await page.context().close();
});

test('an integration token without boards shows the API error at the board choice; with boards it is listed by their names', async () => {
  const page = await newPage(1366, 900);
  await signIn(page, 'admin', 'spravce-heslo');
  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('kind-integration').check();
  await page.getByTestId('token-name').fill('Spisová služba');
  await page.getByTestId('create-token').click();
  const boardsError = page.locator('#token-boards-error');
  await boardsError.waitFor();
  assert.match(await boardsError.innerText(), /^Token integrace potřebuje seznam desek „boards“/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'token-boards-first');

  await page.getByLabel('Obecní úřad Zhůřec', { exact: true }).check();
  await page.getByLabel('Obecní úřad Lhota', { exact: true }).check();
  await page.getByTestId('create-token').click();
  const secret = await page.getByTestId('token-secret').innerText();
  const made = pub.ctx.store.users.tokens().find((t) => t.name === 'Spisová služba')!;
  assert.deepEqual(made.boards, ['lhota', 'zhurec']);
  const row = page.locator(`[data-testid="token-row"][data-token-id="${made.id}"]`);
  await row.waitFor();
  assert.deepEqual((await row.locator('th, td').allInnerTexts()).slice(0, 3), ['Spisová služba', 'integrace', 'desky Obecní úřad Lhota, Obecní úřad Zhůřec']);
  const boards = await fetch(`${pub.url}/api/v1/boards`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(boards.status, 200, 'the integration secret works on the API');
  assert.equal(await feedStatus(secret), 403, 'but it is no kiosk token');
  await page.context().close();
});

test('the public-feed switch is off by default, opens the feed to anyone and closes it again', async () => {
  const page = await newPage(1366, 900);
  await signIn(page, 'admin', 'spravce-heslo');
  await page.getByTestId('nav-tokens').click();
  const toggle = page.getByLabel('Feed desky Obecní úřad Lhota je veřejný');
  await toggle.waitFor();
  assert.equal(await toggle.isChecked(), false);
  assert.match(await page.locator('#feed-explain').innerText(), /kdokoli bez tokenu, a to včetně naplánovaných oznámení až 7 dní před jejich vyvěšením/);

  await toggle.check();
  await page.getByTestId('status').filter({ hasText: 'Feed desky Obecní úřad Lhota je nyní veřejný.' }).waitFor();
  assert.equal(pub.ctx.store.users.feedPublic('lhota'), true);
  assert.equal(pub.ctx.store.users.feedPublic('zhurec'), false, 'only that board');
  assert.equal(await feedStatus(), 200);
  await page.reload();
  await page.getByTestId('nav-tokens').click();
  assert.equal(await page.getByLabel('Feed desky Obecní úřad Lhota je veřejný').isChecked(), true, 'the setting comes from GET /boards');

  await page.getByLabel('Feed desky Obecní úřad Lhota je veřejný').uncheck();
  await page.getByTestId('status').filter({ hasText: 'Feed desky Obecní úřad Lhota čtou nyní jen její kiosky.' }).waitFor();
  assert.equal(await feedStatus(), 401);
  await page.context().close();
});

test('390 px wide: the tokens are cards, the long secret wraps inside its box; accessible', async () => {
  const page = await newPage(390, 844);
  await signIn(page, 'admin', 'spravce-heslo');
  await page.getByTestId('nav-tokens').click();
  await page.getByTestId('token-name').fill('Kiosek na nádraží');
  await page.getByTestId('token-kiosk-id').fill('nadrazi-2');
  await page.getByTestId('create-token').click();
  await page.getByTestId('secret-box').waitFor();
  const overflow = await page.evaluate(() => {
    const box = document.querySelector('[data-testid="secret-box"]')!.getBoundingClientRect();
    const code = document.getElementById('token-secret')!.getBoundingClientRect();
    return { page: document.documentElement.scrollWidth > window.innerWidth, secret: code.right > box.right };
  });
  assert.deepEqual(overflow, { page: false, secret: false }, 'nothing sticks out sideways');
  await expectNoAxeViolations(page, 'secret box at 390 px');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-secret-390.png'), fullPage: true });
  await page.getByTestId('secret-box').screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-secret-390-box.png') });
  await page.getByTestId('secret-done').click();
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-tokens-form-390.png'), fullPage: true });
  await page.context().close();
});
