/**
 * The Chromium shell's restart loop. A visible Chromium needs a display, which test machines
 * lack, so a stand-in executable records its arguments and exits (as a crashed browser would).
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startChromiumShell } from '../../src-main/kiosk/shells/chromium.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { waitFor } from '../helpers/kiosk-feed.ts';
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
