/**
 * The kiosk's health: the screen schedule's display commands, wake on touch, the nightly
 * reload's cron expression, the outage a crashed renderer leaves, and the Chromium shell's
 * restart of a browser whose page stopped answering.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dailyAt, runCommand, startHealthJobs } from '../../src-main/kiosk/health.ts';
import { Presence } from '../../src-main/kiosk/presence.ts';
import { loadProfile } from '../../src-main/kiosk/profile.ts';
import { openReplica } from '../../src-main/kiosk/replica.ts';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { startChromiumShell } from '../../src-main/kiosk/shells/chromium.ts';
import { generateBoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { HEARTBEAT_MS } from '../../src-main/shared/kiosk-api.ts';
import { toWallTime } from '../../src-main/shared/zone.ts';
import { BOARD, makeSnapshot, waitFor, writeFolderFeed, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();
const key = keys.publicKey;

/** The wall-clock time ("HH:MM") at which each job runs next, seen in `zone`. */
function nextAt(runs: Record<string, Date | null>, zone: string): Record<string, string> {
  return Object.fromEntries(Object.entries(runs).map(([name, d]) => [name, d ? toWallTime(d.getTime(), zone).time.slice(0, 5) : 'never']));
}

test('daily times become node-cron expressions with seconds', () => {
  assert.equal(dailyAt('03:30'), '0 30 3 * * *');
  assert.equal(dailyAt('22:05'), '0 5 22 * * *');
});

test('a display command runs for real; a missing one is a line for the log, not a crash', async () => {
  using dir = tempDir();
  const out = join(dir.path, 'out');
  assert.equal(await runCommand(['sh', '-c', `echo off > '${out}'`]), null);
  assert.equal(readFileSync(out, 'utf8').trim(), 'off');
  assert.match((await runCommand(['/nonexistent/xset', 'dpms', 'force', 'off'])) ?? '', /nonexistent\/xset dpms force off failed/);
});

test('started during screen-off hours the display goes off; a touch wakes it, and with no further touch it goes off again', async () => {
  const ran: string[] = [];
  const lines: string[] = [];
  let on = false;
  const jobs = startHealthJobs({
    schedule: { on: '07:00', off: '19:00' },
    displayCommands: { off: ['xset', 'dpms', 'force', 'off'], on: ['xset', 'dpms', 'force', 'on'] },
    nightlyReload: '03:30',
    timeZone: 'Europe/Prague',
    screenOn: () => on,
    onScreenChange: () => undefined,
    onReload: () => undefined,
    wakeMs: 200,
    log: (l) => lines.push(l),
    run: async (argv) => (ran.push(argv.join(' ')), null),
  });
  try {
    await waitFor(() => ran.length === 1, 'the display off at start');
    assert.deepEqual(ran, ['xset dpms force off']);
    assert.equal(jobs.display(), 'off');
    await jobs.wake();
    assert.deepEqual(ran, ['xset dpms force off', 'xset dpms force on']);
    await jobs.wake(); // a second touch only extends the time
    assert.equal(ran.length, 2);
    await waitFor(() => ran.length === 3, 'the display off again after the wake time');
    assert.equal(ran[2], 'xset dpms force off');
    // During opening hours a touch changes nothing.
    on = true;
    await jobs.wake();
    assert.equal(ran.length, 3);
    assert.ok(lines.some((l) => l.includes('touched during screen-off hours')));
  } finally {
    jobs.stop();
  }
});

test('a clock set right after the start (NTP on a board without a battery clock) or a jump past "on" does not leave the display off all day', async () => {
  const ran: string[] = [];
  const changes: boolean[] = [];
  let on = false; // the wrong clock at boot: off hours
  const jobs = startHealthJobs({
    schedule: { on: '07:00', off: '19:00' },
    displayCommands: { off: ['xset', 'dpms', 'force', 'off'], on: ['xset', 'dpms', 'force', 'on'] },
    nightlyReload: null,
    timeZone: 'Europe/Prague',
    screenOn: () => on,
    onScreenChange: (v) => void changes.push(v),
    onReload: () => undefined,
    wakeMs: 60_000,
    log: () => undefined,
    run: async (argv) => (ran.push(argv.join(' ')), null),
  });
  try {
    await waitFor(() => ran.length === 1, 'the display off at start');
    await jobs.reconcile();
    assert.deepEqual(ran, ['xset dpms force off'], 'nothing to put right');
    on = true; // NTP corrected the clock to opening hours: the cron job for 07:00 will not fire today
    await jobs.reconcile();
    assert.deepEqual(ran, ['xset dpms force off', 'xset dpms force on']);
    assert.deepEqual(changes, [true]);
    assert.equal(jobs.display(), 'on');
    // The other way (a jump past "off"), but never against a touch that woke the screen.
    on = false;
    await jobs.reconcile();
    assert.equal(jobs.display(), 'off');
    await jobs.wake();
    assert.equal(jobs.display(), 'on');
    await jobs.reconcile();
    assert.equal(jobs.display(), 'on', 'a woken display stays on for its wake time');
  } finally {
    jobs.stop();
  }
});

test('without display commands the schedule only tells the UI (nothing is run)', async () => {
  const ran: string[] = [];
  const jobs = startHealthJobs({
    schedule: { on: '07:00', off: '19:00' },
    displayCommands: null,
    nightlyReload: null,
    timeZone: 'Europe/Prague',
    screenOn: () => false,
    onScreenChange: () => undefined,
    onReload: () => undefined,
    wakeMs: 10,
    log: () => undefined,
    run: async (argv) => (ran.push(argv.join(' ')), null),
  });
  await jobs.wake();
  jobs.stop();
  assert.deepEqual(ran, []);
  assert.equal(jobs.display(), null);
});

test('a schedule whose "on" and "off" are the same time means always on: no screen jobs that would switch the display off and on at once', () => {
  const jobs = startHealthJobs({
    schedule: { on: '06:00', off: '06:00' },
    displayCommands: { off: ['true', 'off'], on: ['true', 'on'] },
    nightlyReload: '03:30',
    timeZone: 'Europe/Prague',
    screenOn: () => true,
    onScreenChange: () => undefined,
    onReload: () => undefined,
    wakeMs: 10,
    log: () => undefined,
    run: async () => null,
  });
  try {
    assert.deepEqual(Object.keys(jobs.nextRuns()), ['kiosk-nightly-reload']);
  } finally {
    jobs.stop();
  }
});

test('a job that cannot be scheduled (an unknown time zone) is logged, and the kiosk runs on', () => {
  const lines: string[] = [];
  const jobs = startHealthJobs({
    schedule: { on: '07:00', off: '19:00' },
    displayCommands: null,
    nightlyReload: '03:30',
    timeZone: 'Mars/Olympus_Mons',
    screenOn: () => true,
    onScreenChange: () => undefined,
    onReload: () => undefined,
    wakeMs: 10,
    log: (l) => lines.push(l),
  });
  jobs.stop();
  assert.ok(lines.some((l) => l.includes('kiosk-nightly-reload at 03:30 (Mars/Olympus_Mons) could not be scheduled')), lines.join('\n'));
});

test('profiles take display commands and the nightly reload time, and say plainly what is wrong', () => {
  using dir = tempDir();
  const base = { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key };
  const p = loadProfile(writeProfile(dir.path, { ...base, displayCommands: { off: ['xset', 'dpms', 'force', 'off'], on: ['xset', 'dpms', 'force', 'on'] }, nightlyReload: '04:15' }), {});
  assert.deepEqual(p.displayCommands, { off: ['xset', 'dpms', 'force', 'off'], on: ['xset', 'dpms', 'force', 'on'] });
  assert.equal(p.nightlyReload, '04:15');
  const d = loadProfile(writeProfile(dir.path, base), {});
  assert.equal(d.displayCommands, null);
  assert.equal(d.nightlyReload, '03:30', 'a nightly reload by default');
  assert.equal(loadProfile(writeProfile(dir.path, { ...base, nightlyReload: null }), {}).nightlyReload, null);
  assert.throws(() => loadProfile(writeProfile(dir.path, { ...base, displayCommands: { off: 'xset dpms force off', on: [] } }), {}), /"displayCommands"/);
  assert.throws(() => loadProfile(writeProfile(dir.path, { ...base, nightlyReload: '3:30' }), {}), /"nightlyReload"/);
});

test('a crashed renderer opens a "UI disconnected" outage at once; the next visible heartbeat closes it', () => {
  using dir = tempDir();
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  const profile = loadProfile(writeProfile(dir.path, { feed: { url: 'http://127.0.0.1:8080/feed/testov/' }, publicKey: key }), {});
  const replica = openReplica(join(dir.path, 'data'), clock.now());
  let changes = 0;
  const presence = new Presence({ profile, replica, clock, onChange: () => changes++ });
  try {
    presence.start();
    presence.heartbeat({ shown: [], visibility: 'visible' });
    assert.deepEqual(replica.openOutages(), []);
    clock.advance(1000);
    assert.equal(presence.silentMs(), 1000);
    presence.rendererGone();
    assert.deepEqual(replica.openOutages(), ['ui-disconnected']);
    assert.ok(changes > 0, 'reported');
    assert.equal(presence.silentMs(), 0, 'the restart starts a new wait');
    clock.advance(HEARTBEAT_MS);
    presence.heartbeat({ shown: [], visibility: 'visible' });
    assert.deepEqual(replica.openOutages(), []);
    const gap = replica.allOutages().find((o) => o.reason === 'ui-disconnected');
    assert.equal(gap?.from, '2026-11-21T09:00:01.000Z');
    assert.equal(gap?.to, '2026-11-21T09:00:06.000Z');
  } finally {
    presence.stop();
    replica.close();
  }
});

test('the Chromium shell restarts a browser whose page stopped answering', async () => {
  using dir = tempDir();
  const runs = join(dir.path, 'runs.log');
  const exe = join(dir.path, 'fake-chromium');
  // A browser that keeps running (as one with a crashed tab does) until it is killed.
  writeFileSync(exe, `#!/bin/sh\necho $$ >> '${runs}'\nexec sleep 60\n`);
  chmodSync(exe, 0o755);
  const clock = new ManualClock('2026-11-21T09:00:00Z');
  const lines: string[] = [];
  const shell = startChromiumShell('http://127.0.0.1:1234/kiosk/', clock, (l) => lines.push(l), exe);
  const pids = (): string[] => (existsSync(runs) ? readFileSync(runs, 'utf8').trim().split('\n').filter(Boolean) : []);
  try {
    await waitFor(() => pids().length === 1, 'the first start');
    shell.restart('the kiosk screen stopped answering');
    await waitFor(() => lines.some((l) => l.includes('restarting in')), 'the browser to end');
    clock.advance(60_000);
    await waitFor(() => pids().length === 2, 'the restart');
    assert.notEqual(pids()[0], pids()[1]);
    assert.ok(lines.some((l) => l === 'chromium restarted: the kiosk screen stopped answering'));
  } finally {
    await shell.stop();
  }
});

test('the jobs are re-created when the board\'s time zone becomes known or changes; the display follows the new zone\'s hours', () => {
  const ran: string[] = [];
  const lines: string[] = [];
  const changes: boolean[] = [];
  // The screen's hours as the zone says: whether it should be on is for the test to decide.
  let on = false;
  const jobs = startHealthJobs({
    schedule: { on: '07:00', off: '19:00' },
    displayCommands: { off: ['off'], on: ['on'] },
    nightlyReload: '03:30',
    timeZone: 'Europe/Prague',
    screenOn: () => on,
    onScreenChange: (x) => changes.push(x),
    onReload: () => undefined,
    wakeMs: 1000,
    log: (l) => lines.push(l),
    run: async (argv) => (ran.push(argv.join(' ')), null),
  });
  try {
    const wanted = { 'kiosk-screen-off': '19:00', 'kiosk-screen-on': '07:00', 'kiosk-nightly-reload': '03:30' };
    assert.equal(jobs.timeZone(), 'Europe/Prague');
    assert.deepEqual(nextAt(jobs.nextRuns(), 'Europe/Prague'), wanted);
    assert.deepEqual(ran, ['off'], 'started during off hours');
    // The first snapshot says the board is in New York: every job now runs at New York's times.
    on = true;
    jobs.setTimeZone('America/New_York');
    assert.equal(jobs.timeZone(), 'America/New_York');
    assert.deepEqual(nextAt(jobs.nextRuns(), 'America/New_York'), wanted);
    assert.notDeepEqual(nextAt(jobs.nextRuns(), 'Europe/Prague'), wanted);
    assert.deepEqual(changes, [true], 'the UI is told the screen is on by the new zone');
    assert.deepEqual(ran, ['off', 'on'], 'and the display is switched on');
    assert.ok(lines.some((l) => l.includes('time zone is America/New_York (was Europe/Prague)')), lines.join('\n'));
    // The same zone again changes nothing; a later change re-creates the jobs once more.
    jobs.setTimeZone('America/New_York');
    assert.deepEqual(changes, [true]);
    on = false;
    jobs.setTimeZone('Asia/Tokyo');
    assert.deepEqual(nextAt(jobs.nextRuns(), 'Asia/Tokyo'), wanted);
    assert.deepEqual(ran, ['off', 'on', 'off']);
    assert.equal(Object.keys(jobs.nextRuns()).length, 3, 'the old jobs are gone, not doubled');
  } finally {
    jobs.stop();
  }
});

test('a kiosk started before its first snapshot runs its jobs in Prague, then in the board\'s zone once a snapshot arrives', async () => {
  using dir = tempDir();
  const folder = join(dir.path, 'share');
  mkdirSync(folder);
  const profilePath = writeProfile(dir.path, { feed: { folder: 'share' }, publicKey: key, pollSeconds: 3600, nightlyReload: '04:15' });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data'), rendererDir: dir.path });
  try {
    assert.equal(k.replica!.applied(), null, 'no snapshot yet');
    assert.equal(k.health!.timeZone(), 'Europe/Prague');
    assert.deepEqual(nextAt(k.health!.nextRuns(), 'Europe/Prague'), { 'kiosk-nightly-reload': '04:15' });
    writeFolderFeed(folder, makeSnapshot(keys, 1, [], { ...BOARD, timeZone: 'America/New_York' }));
    assert.equal(await k.syncNow(), 'applied');
    assert.equal(k.health!.timeZone(), 'America/New_York');
    assert.deepEqual(nextAt(k.health!.nextRuns(), 'America/New_York'), { 'kiosk-nightly-reload': '04:15' });
    // The board moves (a snapshot with another zone): the jobs follow without a restart.
    writeFolderFeed(folder, makeSnapshot(keys, 2, [], { ...BOARD, timeZone: 'Pacific/Auckland' }));
    assert.equal(await k.syncNow(), 'applied');
    assert.equal(k.health!.timeZone(), 'Pacific/Auckland');
    assert.deepEqual(nextAt(k.health!.nextRuns(), 'Pacific/Auckland'), { 'kiosk-nightly-reload': '04:15' });
  } finally {
    await k.stop();
  }
});
