/**
 * The Chromium shell's lockdown in the real Chromium (run `npx vite build` first): the kiosk's
 * policy (shells/chromium.ts) installed where Chromium reads it, and the shell's launch flags.
 *
 * Chromium reads mandatory policies from /etc/chromium/policies/managed only. So that no other
 * browser on this machine (other tests run at the same time) ever sees them, the browser runs in
 * a mount namespace of its own where a temporary folder stands in for /etc/chromium
 * (`unshare -m` and a bind mount: root, or a user allowed to, is needed; the test is skipped with
 * the reason otherwise).
 *
 * Playwright drives the browser through the DevTools protocol, which the policy's
 * DeveloperToolsAvailability: 2 and RemoteDebuggingAllowed: false refuse; the first test shows
 * exactly that, the next leaves those two out in order to look inside.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Page } from 'playwright-core';
import { DEFAULT_RENDERER_DIR } from '../../src-main/kiosk/handler.ts';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { KIOSK_CHROMIUM_FLAGS, kioskChromiumPolicy } from '../../src-main/kiosk/shells/chromium.ts';
import { CHROMIUM_PATH } from '../helpers/browser.ts';
import { generateBoardKeys, makePdf, makeSnapshot, startFeedServer, waitFor, writeProfile, type FeedServer } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();

/** Why the policy cannot be installed for one browser here, or null when it can. */
function cannotIsolate(): string | null {
  if (!existsSync('/etc/chromium')) return 'no /etc/chromium to stand in for';
  const r = spawnSync('unshare', ['-m', 'sh', '-c', 'mount --bind /tmp /etc/chromium'], { encoding: 'utf8' });
  return r.status === 0 ? null : `cannot give the browser its own /etc/chromium (unshare -m: ${r.stderr.trim() || r.status})`;
}
const skip = cannotIsolate() ?? false;

/** A Chromium launcher that sees `policy` as its mandatory policy, and nothing else does. */
function policyChromium(dir: string, policy: Record<string, unknown>): string {
  const etc = join(dir, 'etc-chromium');
  mkdirSync(join(etc, 'policies', 'managed'), { recursive: true });
  if (existsSync('/etc/chromium/master_preferences')) copyFileSync('/etc/chromium/master_preferences', join(etc, 'master_preferences'));
  writeFileSync(join(etc, 'policies', 'managed', 'deska-kiosk.json'), JSON.stringify(policy, null, 2));
  const exe = join(dir, 'chromium-with-policy');
  writeFileSync(exe, `#!/bin/sh\nexec unshare -m sh -c 'mount --bind "$0" /etc/chromium && exec "${CHROMIUM_PATH}" "$@"' '${etc}' "$@"\n`);
  chmodSync(exe, 0o755);
  return exe;
}

/** The shell's own flags; as root the sandbox cannot run, and there is no GPU here. */
const FLAGS = [...KIOSK_CHROMIUM_FLAGS, '--no-sandbox', '--disable-gpu'];

async function withKiosk(fn: (k: RunningKiosk, feed: FeedServer, dir: string) => Promise<void>): Promise<void> {
  assert.ok(existsSync(join(DEFAULT_RENDERER_DIR, 'kiosk/index.html')), 'build the renderer first: npx vite build');
  using dir = tempDir();
  const pdf = await makePdf('Veřejná vyhláška', 2);
  const feed = await startFeedServer(
    keys,
    makeSnapshot(keys, 1, [{ id: 'vyhlaska', title: 'Veřejná vyhláška o místním poplatku', postAt: new Date(Date.now() - 86_400_000).toISOString(), pdf }], undefined, new Date().toISOString()),
  );
  const k = await startKiosk({ profilePath: writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey }), shell: 'headless', dataDir: join(dir.path, 'data') });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot');
    await fn(k, feed, dir.path);
  } finally {
    await k.stop();
    await feed.close();
  }
}

test('with the policy the browser refuses DevTools and remote debugging: a DevTools client (Playwright) cannot drive it', { skip }, () =>
  withKiosk(async (k, _feed, dir) => {
    const whole = kioskChromiumPolicy(new URL(k.url).origin);
    // DeveloperToolsAvailability: 2 alone: the browser starts, but no page can be driven.
    const { RemoteDebuggingAllowed: _remote, ...devtoolsOff } = whole;
    const browser = await chromium.launch({ executablePath: policyChromium(join(dir, 'a'), devtoolsOff), args: FLAGS, headless: true });
    try {
      await assert.rejects(async () => (await browser.newPage()).goto(k.url));
    } finally {
      await browser.close();
    }
    // The whole policy: the browser refuses to open even the debugging pipe, and says why.
    await assert.rejects(
      chromium.launch({ executablePath: policyChromium(join(dir, 'b'), whole), args: FLAGS, headless: true, timeout: 30_000 }),
      /remote debugging is disallowed by the system admin/,
    );
  }));

/** How a navigation ended: "ok", or Chromium's net error. */
async function visit(page: Page, url: string): Promise<string> {
  try {
    await page.goto(url);
    return 'ok';
  } catch (e) {
    return /net::(ERR_\w+)/.exec((e as Error).message)?.[1] ?? (e as Error).message.split('\n')[0]!;
  }
}

test('with the policy the kiosk\'s own address works and nothing else does: other ports, other sites, the browser\'s own pages, files, page source', { skip }, () =>
  withKiosk(async (k, feed, dir) => {
    const { DeveloperToolsAvailability: _devtools, RemoteDebuggingAllowed: _remote, ...policy } = kioskChromiumPolicy(new URL(k.url).origin);
    // A profile folder of its own, as the shell gives it (and chrome:// pages need one).
    const ctx = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: policyChromium(dir, policy),
      args: FLAGS,
      headless: true,
      viewport: { width: 1920, height: 1080 },
    });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      assert.equal(await visit(page, k.url), 'ok');
      await page.getByTestId('notice-item').first().waitFor();
      // The publisher's feed on another loopback port (as on a village's single machine), another site, the browser's own pages, files.
      const urls = [feed.url, 'http://example.com/', 'chrome://settings/', 'chrome://history/', 'chrome://downloads/', 'chrome://policy/', 'chrome://version/', 'chrome://newtab/', 'chrome://extensions/', 'file:///etc/hostname', `view-source:${k.url}`];
      const results: string[] = [];
      for (const url of urls) {
        // A page each: a blocked browser page may take its tab down with it.
        const p = await ctx.newPage();
        results.push(`${url} ${await visit(p, url)}`);
        await p.close().catch(() => undefined);
      }
      assert.deepEqual(results, urls.map((u) => `${u} ERR_BLOCKED_BY_ADMINISTRATOR`));
      // Downloads (DownloadRestrictions: 3) are not checked here: Playwright takes over a
      // browser's downloads through the DevTools protocol, past the policy. The kiosk offers none.
    } finally {
      await ctx.close();
    }
  }));

/** Two fingers moving apart from `from` to `to` px around (x, y), through the browser's touch input. */
async function pinch(page: Page, x: number, y: number, from: number, to: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const points = (d: number): { x: number; y: number; id: number }[] => [
    { x: x - d, y, id: 1 },
    { x: x + d, y, id: 2 },
  ];
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(from) });
  for (let i = 1; i <= 8; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(from + ((to - from) * i) / 8) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('with the shell\'s flags two fingers never zoom the whole screen, and the document\'s own two-finger zoom works', () =>
  withKiosk(async (k) => {
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
    try {
      const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, hasTouch: true });
      await page.goto(k.url);
      await page.getByTestId('notice-item').first().waitFor();
      await pinch(page, 960, 300, 60, 300);
      assert.equal(await page.evaluate(() => visualViewport!.scale), 1, 'the screen is not zoomed');
      // The check can fail: where the page lets the browser pinch, the same fingers zoom it.
      // (--disable-pinch alone does not stop this here; the page's touch-action does.)
      await page.addStyleTag({ content: 'html, html * { touch-action: auto !important; }' });
      await pinch(page, 960, 300, 60, 300);
      await waitFor(async () => (await page.evaluate(() => visualViewport!.scale)) > 1, 'the browser\'s own pinch zoom');
      await page.goto(k.url);
      await page.getByTestId('notice-item').first().click();
      await page.getByTestId('page-of').waitFor();
      const zoom = page.locator('.zoom').first();
      assert.equal(await zoom.innerText(), '100 %');
      const box = (await page.getByTestId('pdf-page').boundingBox())!;
      await pinch(page, box.x + box.width / 2, Math.min(box.y + 150, 900), 60, 85);
      await waitFor(async () => (await zoom.innerText()) === '125 %', 'one zoom step in the document');
      assert.equal(await page.evaluate(() => visualViewport!.scale), 1, 'and the screen itself is not zoomed');
    } finally {
      await browser.close();
    }
  }));
