/**
 * The Chromium shell: its restart loop (a visible Chromium needs a display, which test machines
 * lack, so a stand-in executable records its arguments and exits, as a crashed browser would),
 * its enterprise policy and launch flags, the shortcut list shared with the Electron shell, and
 * a taken port. The policy at work in the real Chromium: test/integration/kiosk-chromium-lockdown.test.ts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { isBlockedShortcut } from '../../src-main/shared/kiosk-keys.ts';
import { KIOSK_CHROMIUM_FLAGS, KIOSK_CHROMIUM_PORT, kioskChromiumPolicy, startChromiumShell } from '../../src-main/kiosk/shells/chromium.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { waitFor, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

test('chromium is started in kiosk mode on the URL, sandboxed, with a fresh profile, and restarted when it exits', async () => {
  using dir = tempDir();
  const log = join(dir.path, 'runs.log');
  const exe = join(dir.path, 'fake-chromium');
  writeFileSync(exe, `#!/bin/sh\necho "$@" >> '${log}'\n`);
  chmodSync(exe, 0o755);
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  const lines: string[] = [];
  const shell = startChromiumShell('http://127.0.0.1:1234/kiosk/', clock, (l) => lines.push(l), exe);
  const runs = (): string[] => readFileSync(log, 'utf8').trim().split('\n');
  await waitFor(() => lines.some((l) => l.includes('restarting')), 'the first exit');
  const args = runs()[0]!;
  assert.match(args, /--kiosk/);
  assert.match(args, /--app=http:\/\/127\.0\.0\.1:1234\/kiosk\//);
  assert.match(args, /--user-data-dir=\S+deska-kiosk-chromium-/);
  assert.doesNotMatch(args, /--no-sandbox/);
  clock.advance(60_000);
  await waitFor(() => runs().length === 2, 'the restart');
  assert.notEqual(runs()[1]!.match(/--user-data-dir=(\S+)/)?.[1], args.match(/--user-data-dir=(\S+)/)?.[1], 'a fresh profile');
  await shell.stop();
});

/** The real Chromium behind Debian's /usr/bin/chromium wrapper script. */
const CHROMIUM_BINARY = process.env.CHROMIUM_BINARY ?? '/usr/lib/chromium/chromium';
const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));

test('the kiosk policy allows the kiosk\'s own address only and turns off what Chromium keeps for itself', () => {
  const p = kioskChromiumPolicy('http://127.0.0.1:8790');
  // "*" alone leaves the browser's own pages open (seen in kiosk-chromium-lockdown.test.ts): they are listed too.
  assert.deepEqual(p.URLBlocklist, ['*', 'chrome://*', 'chrome-untrusted://*', 'devtools://*', 'view-source:*', 'file://*']);
  assert.deepEqual(p.URLAllowlist, ['http://127.0.0.1:8790'], 'the port too: not the publisher on the same machine');
  assert.equal(p.DeveloperToolsAvailability, 2, 'DevTools never');
  assert.equal(p.RemoteDebuggingAllowed, false, 'nor a debugging port or pipe');
  assert.equal(p.IncognitoModeAvailability, 1, 'no incognito window');
  assert.equal(p.BrowserGuestModeEnabled, false);
  assert.equal(p.PrintingEnabled, false);
  assert.equal(p.DownloadRestrictions, 3, 'no downloads');
  assert.equal(p.AllowFileSelectionDialogs, false, 'Ctrl+O and Ctrl+S open no file dialog');
  assert.equal(p.TaskManagerEndProcessEnabled, false);
  assert.equal(p.FullscreenAllowed, true, 'the kiosk stays full screen');
  assert.deepEqual(kioskChromiumPolicy('http://127.0.0.1:9000/kiosk/').URLAllowlist, ['http://127.0.0.1:9000']);
});

test('every policy name is one this Chromium knows (found in its binary)', { skip: !existsSync(CHROMIUM_BINARY) && `no Chromium at ${CHROMIUM_BINARY}` }, () => {
  assert.ok(statSync(CHROMIUM_BINARY).size > 10_000_000, 'the browser itself, not a wrapper script');
  const names = Object.keys(kioskChromiumPolicy('http://127.0.0.1:8790'));
  // One pass of grep over the binary for all names as whole words; a misspelt or retired policy is missing.
  const r = spawnSync('grep', ['-a', '-o', '-w', '-F', ...names.flatMap((n) => ['-e', n]), CHROMIUM_BINARY], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const found = new Set(r.stdout.split('\n'));
  assert.deepEqual(names.filter((n) => !found.has(n)), [], 'policies this Chromium does not know');
  // The check can fail: a name Chromium never had is not found.
  const bogus = spawnSync('grep', ['-a', '-c', '-w', '-F', '-e', 'DeskaKioskNoSuchPolicy', CHROMIUM_BINARY], { encoding: 'latin1' });
  assert.equal(bogus.stdout.trim(), '0');
});

test('deska kiosk-policy prints the policy, or writes it for the setup, for the shell\'s fixed port', () => {
  using dir = tempDir();
  const printed = spawnSync(process.execPath, [CLI, 'kiosk-policy'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(printed.status, 0, printed.stderr);
  assert.deepEqual(JSON.parse(printed.stdout), kioskChromiumPolicy(`http://127.0.0.1:${KIOSK_CHROMIUM_PORT}`));
  const out = join(dir.path, 'etc/chromium/policies/managed/deska-kiosk.json');
  const written = spawnSync(process.execPath, [CLI, 'kiosk-policy', '--port', '8799', '--out', out], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(written.status, 0, written.stderr);
  assert.deepEqual((JSON.parse(readFileSync(out, 'utf8')) as { URLAllowlist: string[] }).URLAllowlist, ['http://127.0.0.1:8799']);
  assert.equal(statSync(out).mode & 0o777, 0o644, 'readable by the kiosk user');
  const bad = spawnSync(process.execPath, [CLI, 'kiosk-policy', '--port', 'x'], { encoding: 'utf8', timeout: 60_000 });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /--port must be a port number/);
});

test('the launch flags lock what flags can: kiosk mode, no history swipe, no pinch zoom of the whole UI', () => {
  assert.ok(KIOSK_CHROMIUM_FLAGS.includes('--overscroll-history-navigation=0'));
  assert.ok(KIOSK_CHROMIUM_FLAGS.includes('--disable-pinch'));
  assert.ok(!KIOSK_CHROMIUM_FLAGS.includes('--no-sandbox'));
});

test('one list of browser shortcuts for both shells: Chromium\'s own keys are refused, typing and moving about are not', () => {
  const k = (key: string, mods: Partial<{ control: boolean; meta: boolean; alt: boolean; shift: boolean }> = {}): boolean =>
    isBlockedShortcut({ key, control: false, meta: false, alt: false, shift: false, ...mods });
  const ctrl = { control: true };
  for (const [key, mods] of [
    ['t', ctrl], ['n', ctrl], ['N', { control: true, shift: true }], ['w', ctrl], ['l', ctrl], ['F12', {}], ['I', { control: true, shift: true }], ['C', { control: true, shift: true }],
    ['F4', { alt: true }], ['p', ctrl], ['o', ctrl], ['s', ctrl], ['F5', {}], ['r', ctrl], ['+', ctrl], ['-', ctrl], ['0', ctrl], ['ArrowLeft', { alt: true }],
    ['Tab', ctrl], ['PageDown', ctrl], ['1', ctrl], ['h', ctrl], ['j', ctrl], ['d', ctrl], ['F11', {}], ['F7', {}], ['BrowserBack', {}], ['ContextMenu', {}],
  ] as const)
    assert.equal(k(key, mods), true, `${key} ${JSON.stringify(mods)}`);
  for (const [key, mods] of [['a', {}], ['ž', {}], ['Tab', {}], ['Tab', { shift: true }], ['Enter', {}], [' ', {}], ['ArrowDown', {}], ['Escape', {}], ['Backspace', {}], ['c', ctrl], ['v', ctrl]] as const)
    assert.equal(k(key, mods), false, `${key} ${JSON.stringify(mods)}`);
});

test('a kiosk whose port is taken says so plainly, in Czech and English, and how to choose another', async () => {
  using dir = tempDir();
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
  const port = (taken.address() as AddressInfo).port;
  try {
    const profilePath = writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:9/feed/testov/' }, publicKey: generateBoardKeys().publicKey, pollSeconds: 3600 });
    await assert.rejects(startKiosk({ profilePath, shell: 'headless', port, dataDir: join(dir.path, 'data'), rendererDir: dir.path }), (e: Error) => {
      assert.match(e.message, new RegExp(`Port ${port} je obsazen jiným programem`));
      assert.match(e.message, new RegExp(`Port ${port} is taken by another program: .*--port N`));
      return true;
    });
  } finally {
    taken.close();
  }
});
