/**
 * The clerk app shows an admin, in plain Czech, which board's channel is failing, since when and
 * why (real publisher whose second board's mirror path is a regular file, real Chromium); a clerk
 * does not see it. axe-core finds no WCAG 2.1 AA violation; the screenshot goes to screenshots/.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { initData } from '../../src-main/publisher/init.ts';
import { mirrorPath, RENDERER_DIR, startPublisher } from '../../src-main/publisher/server.ts';
import { Store } from '../../src-main/store/store.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../../screenshots');

test('an admin sees "Webové zrcadlo desky X se neaktualizovalo …: důvod"; a clerk does not; accessible', async () => {
  assert.ok(existsSync(join(RENDERER_DIR, 'clerk', 'index.html')), 'the clerk app is not built: run `npm run build` first');
  using tmp = tempDir();
  await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', board: { id: 'lhota', name: 'Obecní úřad Lhota' } });
  const store = Store.open(tmp.path);
  store.createBoard({ id: 'zhurec', name: 'Obecní úřad Zhůřec', ico: '00054321', timeZone: 'Europe/Prague', publicUrl: 'https://zhurec.example/' }, Date.now());
  store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', Date.now());
  store.close();
  mkdirSync(join(tmp.path, 'mirror'), { recursive: true });
  writeFileSync(mirrorPath(tmp.path, 'zhurec'), 'a file where the mirror folder should be');
  const pub = await startPublisher({ dataDir: tmp.path, port: 0, sweep: false, retry: { baseMs: 60_000, maxMs: 60_000 }, onLog: () => undefined });
  const browser = await launchBrowser();
  try {
    for (let i = 0; i < 400 && !pub.engine.status().boards.some((b) => b.channels.some((c) => c.state === 'failing')); i++) await sleep(25);
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'cs-CZ', timezoneId: 'Europe/Prague' })).newPage();
    const signIn = async (user: string, password: string): Promise<void> => {
      await page.goto(`${pub.url}/app/clerk/`);
      await page.getByLabel('Uživatelské jméno').fill(user);
      await page.getByLabel('Heslo').fill(password);
      await page.getByTestId('sign-in').click();
    };

    await signIn('admin', 'spravce-heslo');
    const failure = page.getByTestId('publication-failure');
    await failure.first().waitFor();
    assert.equal(await failure.count(), 1, 'only the broken board and channel');
    const text = await failure.innerText();
    assert.match(text, /^Webové zrcadlo desky Obecní úřad Zhůřec se neaktualizovalo ani jednou: Webové zrcadlo se nepodařilo zapsat: .*zhurec existuje a není symlink/);
    assert.match(text, /existuje a není symlink/);
    assert.equal(await failure.getAttribute('data-board'), 'zhurec');
    assert.doesNotMatch(await page.getByTestId('publication-status').innerText(), /Lhota se/, 'the healthy board is not listed');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'clerk-publication-status.png') });
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);

    await page.getByRole('button', { name: 'Odhlásit' }).click();
    await signIn('novakova', 'referentka-heslo');
    await page.getByRole('button', { name: 'Odhlásit' }).waitFor();
    await page.getByRole('heading').first().waitFor();
    assert.equal(await page.getByTestId('publication-status').count(), 0, 'a clerk does not see the admin status');
  } finally {
    await browser.close();
    await pub.stop();
  }
});
