/**
 * Roles in the clerk app, in real Chromium against a real publisher (real SQLite, loopback HTTP,
 * the built app from dist/renderer). A clerk must first replace the one-time password, sees only
 * the board they have rights to, no admin screens, and submits a draft for approval (never
 * publishes). An approver sees their two boards of three, the "Ke schválení" queue, returns one
 * notice with a reason and approves another; on their own notice the approve button is disabled
 * and the reason said. An admin manages users (rights matrix, new user with a one-time password,
 * four eyes). axe-core finds no WCAG 2.1 AA violation; screenshots go to screenshots/.
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
import type { NoticeFields } from '../../src-main/shared/domain.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');
const ZONE = 'Europe/Prague';

let pub: RunningPublisher;
let browser: Browser;
let clerkOtp = '';
const ids: Record<string, string> = {};
const tmp = tempDir();

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = result.violations.map((v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe violations on ${where}`);
}

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: ZONE });
  return context.newPage();
}

async function signIn(page: Page, username: string, password: string, heading = 'Přehled'): Promise<void> {
  await page.goto(`${pub.url}/app/clerk/`);
  await page.getByLabel('Uživatelské jméno').fill(username);
  await page.getByLabel('Heslo').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByRole('heading', { name: heading, exact: true }).waitFor();
}

const shot = (page: Page, name: string): Promise<Buffer> => page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });

function fields(title: string): NoticeFields {
  const post = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  return { title, description: 'Text oznámení.', category: '', department: 'Stavební úřad', referenceNumber: '', fileMark: '', postAt: `${post}T07:00:00.000Z`, removeAt: null };
}

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npx vite build` first');
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', board: { id: 'lhota', name: 'Obecní úřad Lhota' } });
  const store = Store.open(tmp.path);
  const now = Date.now();
  store.createBoard({ id: 'zhurec', name: 'Obecní úřad Zhůřec', ico: '00054321', timeZone: ZONE, publicUrl: 'https://zhurec.example/' }, now);
  store.createBoard({ id: 'hora', name: 'Obecní úřad Hora', ico: '00054322', timeZone: ZONE, publicUrl: 'https://hora.example/' }, now);
  clerkOtp = store.rights.create({ username: 'referent', displayName: 'Karel Referent', department: 'Stavební úřad', admin: false, rights: { lhota: 'clerk' } }, 'admin', now).oneTimePassword;
  const apr = store.rights.create({ username: 'schvalovatel', displayName: 'Eva Schvalovatelová', department: '', admin: false, rights: { lhota: 'approver', zhurec: 'approver' } }, 'admin', now);
  store.rights.changePassword(apr.user.id, apr.oneTimePassword, 'Druha-osoba-2026', null, now);
  const lhota = store.board('lhota')!;
  for (const [key, title, author] of [['a', 'Stavební povolení – Polní 12', 'referent'], ['b', 'Územní rozhodnutí – Lesní', 'referent'], ['own', 'Oznámení schvalovatelky', 'schvalovatel']] as const) {
    ids[key] = store.notices.create(lhota, fields(title), [], author, now).id;
    if (key !== 'a') store.approvals.submit(ids[key]!, author, now);
  }
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

test('a clerk replaces the one-time password, sees one board and no admin screens, and submits a draft for approval', async () => {
  const page = await newPage();
  await signIn(page, 'referent', clerkOtp, 'Změnit heslo');
  await page.getByTestId('password-forced').waitFor();
  assert.equal(await page.getByTestId('nav-dashboard').count(), 0, 'nothing else until the password is changed');
  await page.getByLabel('Jednorázové heslo').fill(clerkOtp);
  await page.getByLabel('Nové heslo', { exact: true }).fill('kratke');
  await page.getByLabel('Nové heslo znovu').fill('kratke');
  await page.getByRole('button', { name: 'Změnit heslo' }).click();
  await page.getByTestId('password-error').waitFor();
  assert.match(await page.getByTestId('password-error').innerText(), /alespoň 10 znaků/);
  await expectNoAxeViolations(page, 'forced password change');
  await shot(page, 'clerk-roles-password-forced.png');
  await page.getByLabel('Nové heslo', { exact: true }).fill('Ctyri-oci-2026');
  await page.getByLabel('Nové heslo znovu').fill('Ctyri-oci-2026');
  await page.getByRole('button', { name: 'Změnit heslo' }).click();
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();

  // One board: no switcher, just its name; no admin navigation.
  assert.equal(await page.getByTestId('board-select').count(), 0);
  assert.equal(await page.locator('.board-name').innerText(), 'Obecní úřad Lhota');
  for (const nav of ['nav-tokens', 'nav-fleet', 'nav-users']) assert.equal(await page.getByTestId(nav).count(), 0, nav);
  await page.goto(`${pub.url}/app/clerk/#/lhota/uzivatele`);
  await page.getByTestId('route-forbidden').waitFor();
  await page.goto(`${pub.url}/app/clerk/#/zhurec`);
  await page.getByTestId('route-missing').waitFor();

  // Their draft: submit for approval (there is no approving or publishing for a clerk).
  await page.goto(`${pub.url}/app/clerk/#/lhota/oznameni/${ids.a}`);
  const panel = page.getByTestId('approval-panel');
  await panel.waitFor();
  assert.match(await page.getByTestId('approval-why').innerText(), /Jako referent oznámení nezveřejňujete: předložte ho ke schválení/);
  assert.equal(await page.getByTestId('approve').count(), 0);
  await page.getByTestId('save').waitFor();
  assert.equal(await page.getByTestId('publish').count(), 0, 'the form offers no "Zveřejnit…" to a clerk');
  await expectNoAxeViolations(page, 'clerk notice screen');
  await shot(page, 'clerk-roles-clerk-notice.png');
  await page.getByTestId('submit-approval').click();
  await page.getByTestId('status').filter({ hasText: 'Oznámení bylo předloženo ke schválení.' }).waitFor();
  assert.equal(pub.ctx.store.approvals.get(ids.a!)?.status, 'awaiting');
  await page.context().close();
});

test('an approver sees their boards, the approval queue, returns one notice with a reason and approves another, never their own', async () => {
  const page = await newPage();
  await signIn(page, 'schvalovatel', 'Druha-osoba-2026');
  const options = await page.getByTestId('board-select').locator('option').allInnerTexts();
  assert.deepEqual(options, ['Obecní úřad Lhota', 'Obecní úřad Zhůřec'], 'only the boards with rights');
  const queue = page.getByTestId('approval-queue');
  await queue.getByTestId('queue-item').first().waitFor();
  assert.equal(await queue.getByTestId('queue-item').count(), 3);
  await expectNoAxeViolations(page, 'approver dashboard');
  await shot(page, 'clerk-roles-approver-dashboard.png');

  // Return A with a reason.
  await queue.getByRole('link', { name: 'Stavební povolení – Polní 12' }).click();
  await page.getByTestId('approve').waitFor();
  assert.equal(await page.getByTestId('approve').isEnabled(), true);
  await page.getByTestId('return').click();
  await page.getByTestId('return-reason-input').fill('Doplňte číslo jednací.');
  await expectNoAxeViolations(page, 'return form');
  await shot(page, 'clerk-roles-return.png');
  await page.getByTestId('confirm-return').click();
  await page.getByTestId('status').filter({ hasText: 'Oznámení bylo vráceno autorovi.' }).waitFor();
  assert.deepEqual([pub.ctx.store.approvals.get(ids.a!)?.status, pub.ctx.store.approvals.get(ids.a!)?.reason], ['returned', 'Doplňte číslo jednací.']);

  // Approve B: it is published.
  await page.goto(`${pub.url}/app/clerk/#/lhota/oznameni/${ids.b}`);
  await page.getByTestId('approve').click();
  await page.getByTestId('status').filter({ hasText: 'Oznámení bylo schváleno a zveřejněno.' }).waitFor();
  assert.notEqual(pub.ctx.store.notices.get(ids.b!)?.publishedAt, null);

  // Their own: approving is disabled, and why.
  await page.goto(`${pub.url}/app/clerk/#/lhota/oznameni/${ids.own}`);
  await page.getByTestId('approve').waitFor();
  assert.equal(await page.getByTestId('approve').isDisabled(), true);
  assert.match(await page.getByTestId('approval-why').innerText(), /Vlastní oznámení nemůžete schválit/);
  await expectNoAxeViolations(page, 'own notice');
  await shot(page, 'clerk-roles-own-notice.png');

  // The list filter shows what awaits and what was returned.
  await page.getByTestId('nav-approvals').click();
  await page.getByRole('heading', { name: 'Ke schválení', exact: true }).waitFor();
  await page.getByTestId('returned-item').filter({ hasText: 'Doplňte číslo jednací.' }).waitFor();
  assert.equal(await page.getByTestId('queue-item').count(), 1);
  await expectNoAxeViolations(page, 'approval list');
  await page.context().close();
});

test('an admin manages users: the rights matrix, a new user with a one-time password, four eyes', async () => {
  const page = await newPage();
  await signIn(page, 'admin', 'spravce-heslo');
  assert.equal(await page.getByTestId('board-select').locator('option').count(), 3);
  await page.getByTestId('nav-users').click();
  await page.getByRole('heading', { name: 'Uživatelé', exact: true }).waitFor();
  await page.getByTestId('user-row').first().waitFor();
  assert.equal(await page.getByTestId('right-referent-lhota').inputValue(), 'clerk');

  await page.getByTestId('nu-username').fill('matrikarka');
  await page.getByTestId('nu-name').fill('Marie Matrikářová');
  await page.getByTestId('nu-dept').fill('Matrika');
  await page.getByTestId('nu-right-hora').selectOption('clerk');
  await page.getByTestId('create-user').click();
  const otp = page.getByTestId('one-time-password');
  await otp.waitFor();
  assert.match(await otp.locator('code').innerText(), /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  assert.equal(await page.getByTestId('right-matrikarka-hora').inputValue(), 'clerk');

  await page.getByTestId('right-referent-zhurec').selectOption('approver');
  await page.getByTestId('status').filter({ hasText: 'Práva uživatele referent byla změněna.' }).waitFor();
  await page.getByTestId('four-eyes-lhota').check();
  await page.getByTestId('status').filter({ hasText: 'Deska nyní vyžaduje schválení druhou osobou.' }).waitFor();
  const referent = pub.ctx.store.rights.list().find((u) => u.username === 'referent')!;
  assert.deepEqual(referent.rights, { lhota: 'clerk', zhurec: 'approver' });
  assert.equal(pub.ctx.store.rights.fourEyes('lhota'), true);
  await expectNoAxeViolations(page, 'users screen');
  await shot(page, 'clerk-roles-users.png');
  await page.context().close();
});
