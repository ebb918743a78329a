/**
 * The kiosk's header and bar in real Chromium (run `npx vite build` first), against a real
 * signed feed on loopback: one place says how fresh the list is (the status line) in every
 * language; the chosen language is told by shape as well as colour in both themes; and the
 * page refuses the browser shortcuts a page can refuse.
 *
 * About the keys: Playwright's key presses are CDP input events sent to the page; they do not
 * pass through Chromium's browser-side accelerators (a headless browser has none), so this test
 * shows that the page prevents their default action, which is what makes a windowed Chromium
 * leave them alone. The shortcuts a page cannot refuse are covered by the policies, tested in
 * kiosk-chromium-lockdown.test.ts.
 */
import AxeBuilder from '@axe-core/playwright';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { generateBoardKeys, makeSnapshot, startFeedServer, waitFor, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const SHOTS = resolve(import.meta.dirname, '../../docs/screenshots');
const keys = generateBoardKeys();
let browser: Browser;

before(async () => {
  assert.ok(existsSync(join(DEFAULT_RENDERER_DIR, 'kiosk/index.html')), 'build the renderer first: npx vite build');
  browser = await launchBrowser();
});
after(() => browser?.close());

const snapshot = makeSnapshot(
  keys,
  1,
  [
    { id: 'a', title: 'Veřejná vyhláška o místním poplatku', postAt: new Date(Date.now() - 86_400_000).toISOString() },
    { id: 'b', title: 'Pozvánka na zasedání zastupitelstva', postAt: new Date(Date.now() - 2 * 86_400_000).toISOString() },
  ],
  undefined,
  new Date().toISOString(),
);

async function withKiosk(fn: (k: RunningKiosk, page: Page) => Promise<void>): Promise<void> {
  using dir = tempDir();
  const feed = await startFeedServer(keys, snapshot);
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, languages: ['cs', 'pl', 'en', 'de'] });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data') });
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'en-US', timezoneId: 'America/New_York' });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot');
    const page = await ctx.newPage();
    await page.goto(k.url);
    await page.getByTestId('notice-item').first().waitFor();
    await fn(k, page);
  } finally {
    await ctx.close();
    await k.stop();
    await feed.close();
  }
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  assert.deepEqual(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe violations on ${where}`);
}

/** How fresh the list is, in words, as each language says it (the status line's "checked" part and the old header's). */
const FRESHNESS: Record<string, RegExp> = {
  cs: /seznam ověřen|Aktualizováno|nenačteno/g,
  pl: /lista sprawdzona|Zaktualizowano|nie wczytano/g,
  en: /list checked|Updated|Not loaded/g,
  de: /Liste geprüft|Aktualisiert|nicht geladen/g,
};

test('one place says how fresh the list is, the status line, in every language', () =>
  withKiosk(async (_k, page) => {
    const line = page.getByTestId('status-line');
    await waitFor(async () => (await line.getAttribute('data-state')) === 'ok' && (await line.innerText()).includes('ověřen'), 'the status line');
    for (const lang of ['cs', 'pl', 'en', 'de']) {
      await page.getByTestId(`lang-${lang}`).click();
      await waitFor(async () => (await page.locator('html').getAttribute('lang')) === lang, `the page in ${lang}`);
      const header = await page.locator('.info').innerText();
      assert.equal(header.match(FRESHNESS[lang]!)?.length, 1, `freshness said once in ${lang}:\n${header}`);
      assert.match(await line.innerText(), FRESHNESS[lang]!, `the status line says it in ${lang}`);
      assert.equal(await page.getByTestId('clock').count(), 1, 'the clock stays');
    }
    await page.locator('.info').screenshot({ path: join(SHOTS, 'kiosk-header-landscape-de.png') });
  }));

/** What tells the chosen button apart, besides its colours. */
async function shapeOf(page: Page, testId: string): Promise<{ mark: string; bar: string; border: string }> {
  return page.getByTestId(testId).evaluate((el) => {
    const s = getComputedStyle(el);
    return { mark: getComputedStyle(el, '::before').content, bar: s.boxShadow, border: s.borderTopWidth };
  });
}

test('the chosen language is told by a check mark and a thick bar in both themes, not by colour alone; axe finds nothing', () =>
  withKiosk(async (_k, page) => {
    for (const theme of ['normal', 'high contrast']) {
      if (theme === 'high contrast') {
        await page.getByTestId('settings-open').click();
        await page.getByTestId('set-contrast').click();
        await page.getByTestId('settings-close').click();
        await page.locator('.app.hc').waitFor();
      }
      await page.getByTestId('lang-en').click();
      const chosen = await shapeOf(page, 'lang-en');
      assert.equal(await page.getByTestId('lang-en').getAttribute('aria-pressed'), 'true');
      assert.match(chosen.mark, /✓/, `${theme}: a check mark before the chosen language`);
      assert.match(chosen.bar, /inset/, `${theme}: a bar under the chosen language`);
      for (const other of ['lang-cs', 'lang-pl', 'lang-de']) {
        const o = await shapeOf(page, other);
        assert.equal(o.mark, 'none', `${theme}: no check mark on ${other}`);
        assert.doesNotMatch(o.bar, /inset/, `${theme}: no bar under ${other}`);
      }
      // The check mark is decoration: the button's name stays its language.
      assert.match((await page.getByTestId('lang-en').getAttribute('aria-pressed')) ?? '', /true/);
      assert.doesNotMatch(await page.getByRole('button', { name: /English/ }).innerText(), /✓/);
      await page.locator('nav.bar').screenshot({ path: join(SHOTS, `kiosk-language-chosen-${theme === 'normal' ? 'normal' : 'contrast'}-en.png`) });
      await expectNoAxeViolations(page, `the list in the ${theme} theme`);
      await page.getByTestId('settings-open').click();
      await expectNoAxeViolations(page, `the settings in the ${theme} theme`);
      await page.getByTestId('settings-close').click();
    }
  }));

test('the page refuses the browser shortcuts a page can refuse, and leaves typing, Tab, Enter and the arrows alone', () =>
  withKiosk(async (_k, page) => {
    // Heard after the guard (which listens first, in the capture phase): was the default prevented?
    await page.evaluate(() => {
      const w = window as unknown as { seen: string[]; samePage: boolean };
      w.seen = [];
      w.samePage = true;
      window.addEventListener('keydown', (e) => w.seen.push(`${e.key}:${e.defaultPrevented}`));
      window.addEventListener('wheel', (e) => w.seen.push(`wheel${e.ctrlKey ? '+ctrl' : ''}:${e.defaultPrevented}`));
      window.addEventListener('contextmenu', (e) => w.seen.push(`contextmenu:${e.defaultPrevented}`));
    });
    const refused = ['F5', 'Control+r', 'Control+Shift+R', 'F12', 'Control+Shift+I', 'Control+Shift+J', 'Control+Shift+C', 'Control+p', 'Control+o', 'Control+s', 'Control+f', 'Control+u', 'Control+Equal', 'Control+Minus', 'Control+0', 'Alt+ArrowLeft', 'Alt+ArrowRight', 'F11', 'F7', 'Control+l', 'Control+t', 'Control+n', 'Control+w', 'Alt+F4', 'Control+h', 'Control+j'];
    const free = ['Tab', 'Enter', 'ArrowDown', 'a', 'Escape', 'Control+c'];
    for (const key of [...refused, ...free]) await page.keyboard.press(key);
    await page.mouse.move(900, 600);
    await page.mouse.wheel(0, 100);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -100);
    await page.keyboard.up('Control');
    await page.mouse.click(900, 600, { button: 'right' });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const keydowns = seen.filter((s) => !s.startsWith('wheel') && !s.startsWith('contextmenu') && !/^(Control|Shift|Alt|Meta):/.test(s));
    assert.equal(keydowns.length, refused.length + free.length, seen.join(' '));
    keydowns.forEach((s, i) => assert.equal(s.endsWith(':true'), i < refused.length, `${[...refused, ...free][i]} → ${s}`));
    assert.ok(seen.includes('wheel:false'), 'plain scrolling is left alone');
    assert.ok(seen.includes('wheel+ctrl:true'), 'Ctrl + wheel (page zoom) is refused');
    assert.ok(seen.includes('contextmenu:true'), 'the context menu is refused');
    assert.equal(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage), true, 'the same page: nothing reloaded it');
  }));
