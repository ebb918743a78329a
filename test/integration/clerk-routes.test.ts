/**
 * The clerk app's URLs and dashboard in real Chromium against a real publisher: every screen and
 * notice has a URL, the browser's back and forward buttons move between them, a pasted link
 * opens its screen after sign-in, and the dashboard lists (in the board's zone) a notice posting
 * today, one taken down on another day of this week and one whose lawful period ends soon.
 * Dates follow the board's locale (pl-PL for a Polish board). Screenshots go to screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import type { Board, NoticeFields } from '../../src-main/shared/domain.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { RENDERER_DIR, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { fromWallTime, toWallTime } from '../../src-main/shared/zone.ts';
import { Store } from '../../src-main/store/store.ts';
import { addDays } from '../../src-renderer/clerk/dashboard.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');
const ZONE = 'Europe/Prague';
// The browser runs in another zone on purpose: the dashboard must count days in the board's.
const BROWSER_ZONE = 'America/New_York';
const DAY = 86_400_000;

let pub: RunningPublisher;
let browser: Browser;
const tmp = tempDir();
const ids = { today: '', removedThisWeek: '', endingSoon: '', polish: '' };

const at = (day: string, time: string): string => new Date(fromWallTime({ date: day, time }, ZONE)).toISOString();
const fields = (title: string, postAt: string, removeAt: string | null, type = 'general'): NoticeFields => ({
  title, description: 'Text oznámení.', category: 'Oznámení', department: 'Správní odbor', referenceNumber: '', fileMark: '', postAt, removeAt, type,
});

before(async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npm run build` first');
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', board: { id: 'lhota', name: 'Obecní úřad Lhota' } });
  const store = Store.open(tmp.path);
  store.createBoard({ id: 'wisla', name: 'Urząd Miejski w Wiśle', ico: '00054321', timeZone: 'Europe/Warsaw', publicUrl: 'https://wisla.example/', country: 'PL', locale: 'pl-PL' }, Date.now());
  const lhota = store.board('lhota')!;
  const now = Date.now();
  const today = toWallTime(now, ZONE).date;
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const monday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7 === 0;
  // Another day of this week (Monday to Sunday): tomorrow on a Monday, else yesterday.
  const otherDay = monday ? addDays(today, 1) : addDays(today, -1);
  const seed = (b: Board, f: NoticeFields, since: number): string => {
    const n = store.notices.create(b, f, [], 'test', since);
    return store.notices.publish(n.id, 'test', since).id;
  };
  const startOfToday = fromWallTime({ date: today, time: '00:00' }, ZONE);
  ids.today = seed(lhota, fields('Oznámení o přerušení dodávky vody', at(today, '00:01'), null), startOfToday);
  ids.removedThisWeek = seed(lhota, fields('Pozvánka na veřejné projednání', new Date(now - 10 * DAY).toISOString(), at(otherDay, '12:00')), now - 10 * DAY);
  // A public decree (15 days) posted 12 days ago ends within the next 7 days (weekend and holiday moves included).
  ids.endingSoon = seed(lhota, fields('Veřejná vyhláška o stanovení místní úpravy provozu', new Date(now - 12 * DAY).toISOString(), null, 'cz-verejna-vyhlaska'), now - 12 * DAY);
  ids.polish = seed(store.board('wisla')!, fields('Obwieszczenie o wszczęciu postępowania', new Date(now - 12 * DAY).toISOString(), null, 'pl-obwieszczenie'), now - 12 * DAY);
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

async function newPage(width = 1366, height = 900): Promise<Page> {
  return (await browser.newContext({ viewport: { width, height }, locale: 'en-US', timezoneId: BROWSER_ZONE })).newPage();
}

async function signIn(page: Page, url = `${pub.url}/app/clerk/`): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Uživatelské jméno').fill('admin');
  await page.getByLabel('Heslo').fill('spravce-heslo');
  await page.getByTestId('sign-in').click();
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe violations on ${where}`);
}

const hash = (page: Page): string => new URL(page.url()).hash;

test('the dashboard comes first and lists today, this week and lawful periods ending soon, in the board zone; accessible', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
  assert.equal(hash(page), '#/lhota', 'the dashboard of the first board has its URL');
  assert.equal(await page.getByTestId('nav-dashboard').getAttribute('aria-current'), 'page');

  await page.locator(`[data-testid="dash-posts-today"] [data-notice-id="${ids.today}"]`).waitFor();
  await page.locator(`[data-testid="dash-removed-week"] [data-notice-id="${ids.removedThisWeek}"]`).waitFor();
  const ending = page.locator(`[data-testid="dash-ending"] [data-notice-id="${ids.endingSoon}"]`);
  await ending.waitFor();
  assert.match(await ending.innerText(), /poslední den lhůty \d{1,2}\. \d{1,2}\. \d{4}, sejmout lze nejdříve \d{1,2}\. \d{1,2}\. \d{4} 00:00; datum sejmutí není zadáno/);
  assert.equal(await page.locator(`[data-testid="dash-posts-today"] [data-notice-id="${ids.removedThisWeek}"]`).count(), 0);
  assert.equal(await page.locator(`[data-notice-id="${ids.polish}"]`).count(), 0, 'only the selected board');
  await expectNoAxeViolations(page, 'dashboard');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-dashboard.png'), fullPage: true });

  await ending.getByRole('link').click();
  await page.getByRole('heading', { name: 'Oznámení', exact: true }).waitFor();
  assert.equal(hash(page), `#/lhota/oznameni/${ids.endingSoon}`);
  await page.getByTestId('lawful').waitFor();
  await page.goBack();
  await page.locator(`[data-testid="dash-ending"] [data-notice-id="${ids.endingSoon}"]`).waitFor();
});

test('390 px wide: the dashboard fits the screen; accessible', async () => {
  const page = await newPage(390, 844);
  await signIn(page);
  await page.locator(`[data-testid="dash-posts-today"] [data-notice-id="${ids.today}"]`).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, 'nothing sticks out sideways');
  await expectNoAxeViolations(page, 'dashboard 390 px');
  await page.screenshot({ path: join(SCREENSHOTS, 'clerk-dashboard-390.png'), fullPage: true });
});

test('list → tab → notice: back and forward move between them; the URL names each screen', async () => {
  const page = await newPage();
  await signIn(page);
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
  await page.getByTestId('nav-notices').click();
  await page.getByText('V kategorii „Koncepty“ nejsou žádná oznámení.').waitFor();
  assert.equal(hash(page), '#/lhota/oznameni');
  await page.getByTestId('tab-posted').click();
  assert.equal(hash(page), '#/lhota/oznameni?stav=vyvesene');
  const row = page.locator(`[data-testid="notice-row"][data-notice-id="${ids.endingSoon}"]`);
  await row.getByRole('button').click();
  await page.getByRole('heading', { name: 'Oznámení', exact: true }).waitFor();
  assert.equal(hash(page), `#/lhota/oznameni/${ids.endingSoon}`);
  assert.match(await page.title(), /^Oznámení · Obecní úřad Lhota – Deska$/);

  await page.goBack();
  await page.getByTestId('tab-posted').and(page.locator('[aria-pressed="true"]')).waitFor();
  await row.waitFor();
  await page.goBack();
  await page.getByTestId('tab-draft').and(page.locator('[aria-pressed="true"]')).waitFor();
  await page.goBack();
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
  await page.goForward();
  await page.goForward();
  await page.getByTestId('tab-posted').and(page.locator('[aria-pressed="true"]')).waitFor();
  await page.goForward();
  await page.getByRole('heading', { name: 'Oznámení', exact: true }).waitFor();
  await page.getByTestId('notice-state').filter({ hasText: 'Vyvěšené' }).waitFor();
  assert.equal(hash(page), `#/lhota/oznameni/${ids.endingSoon}`);

  // A new notice: …/nove, and its first save puts its id in the URL in place.
  await page.getByRole('link', { name: 'Přehled' }).click();
  await page.getByTestId('new-notice').click();
  await page.getByRole('heading', { name: 'Nové oznámení' }).waitFor();
  assert.equal(hash(page), '#/lhota/oznameni/nove');
  await page.getByTestId('title').fill('Koncept s adresou');
  await page.getByTestId('save').click();
  await page.getByTestId('notice-state').filter({ hasText: 'Koncept' }).waitFor();
  assert.match(hash(page), /^#\/lhota\/oznameni\/[0-9a-f-]{36}$/);
  await page.goBack();
  await page.getByRole('heading', { name: 'Přehled', exact: true }).waitFor();
});

test('a pasted link opens its screen after sign-in; an unknown board says so', async () => {
  const page = await newPage();
  await signIn(page, `${pub.url}/app/clerk/#/lhota/oznameni/${ids.removedThisWeek}`);
  await page.getByRole('heading', { name: 'Oznámení', exact: true }).waitFor();
  await page.waitForFunction(() => (document.querySelector('[data-testid="title"]') as HTMLInputElement | null)?.value === 'Pozvánka na veřejné projednání');
  assert.equal(hash(page), `#/lhota/oznameni/${ids.removedThisWeek}`);

  await page.goto(`${pub.url}/app/clerk/#/lhota/oznameni?stav=vyvesene`);
  await page.getByTestId('tab-posted').and(page.locator('[aria-pressed="true"]')).waitFor();

  await page.goto(`${pub.url}/app/clerk/#/neexistuje/oznameni`);
  assert.match(await page.getByTestId('route-missing').innerText(), /Úřední deska „neexistuje“ neexistuje, nebo k ní nemáte přístup/);
  await expectNoAxeViolations(page, 'unknown board');
});

test('the board is in the URL; a Polish board shows dates the Polish way', async () => {
  const page = await newPage();
  await signIn(page, `${pub.url}/app/clerk/#/wisla`);
  const ending = page.locator(`[data-testid="dash-ending"] [data-notice-id="${ids.polish}"]`);
  await ending.waitFor();
  // pl-PL: "21.11.2026" (no spaces), not the Czech "21. 11. 2026" nor the browser's en-US "11/21/2026".
  assert.match(await ending.innerText(), /poslední den lhůty \d{2}\.\d{2}\.\d{4}, sejmout lze nejdříve \d{2}\.\d{2}\.\d{4}, 00:00/);
  assert.equal(await page.getByTestId('board-select').inputValue(), 'wisla');
  await page.getByTestId('board-select').selectOption('lhota');
  await page.locator(`[data-testid="dash-ending"] [data-notice-id="${ids.endingSoon}"]`).waitFor();
  assert.equal(hash(page), '#/lhota');
  assert.match(await page.locator(`[data-testid="dash-ending"] [data-notice-id="${ids.endingSoon}"]`).innerText(), /\d{1,2}\. \d{1,2}\. \d{4}/);
  await page.goBack();
  await ending.waitFor();
});
