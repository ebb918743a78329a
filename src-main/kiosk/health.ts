/**
 * The kiosk's health jobs, on node-cron in the board's time zone:
 *
 *   screen schedule  at the profile's "off" and "on" times the display is switched off and on
 *                    through the profile's `displayCommands` (e.g. `xset dpms force off|on` on
 *                    X11), where the platform allows; without commands the UI shows its dark
 *                    "outside opening hours" screen only. A touch during off hours wakes the
 *                    display (POST /api/wake) for the idle time, then it goes off again. The
 *                    evidence counts the off hours as "screen-off" with no sightings either way
 *                    (presence.ts), so a woken screen is never claimed as shown.
 *   nightly reload   at `nightlyReload` (default 03:30) the renderer is told to reload itself
 *                    (a fresh page every day: no slow leak survives a week in a lobby).
 *
 * The jobs run in the board's time zone, which the kiosk learns from its first snapshot: a kiosk
 * started before it (Europe/Prague until then) re-creates its jobs when the zone becomes known,
 * and again whenever a snapshot changes it (setTimeZone).
 *
 * A command that fails or is missing is logged; it never stops the kiosk.
 */
import { execFile } from 'node:child_process';
import type { ScreenSchedule } from '../shared/kiosk-api.ts';
import { schedule as cronSchedule, type CronJob } from '../schedule/cron.ts';

export interface DisplayCommands {
  /** argv of the command that switches the display off, e.g. ["xset", "dpms", "force", "off"]. */
  off: string[];
  /** argv of the command that switches it on again. */
  on: string[];
}

/** node-cron expression (with seconds) for "HH:MM" every day. */
export function dailyAt(hhmm: string): string {
  const [h, m] = hhmm.split(':').map((x) => Number.parseInt(x, 10));
  return `0 ${m} ${h} * * *`;
}

/** Runs a command (argv) with a time limit; resolves with a line for the log, never rejects. */
export function runCommand(argv: string[], timeoutMs = 10_000): Promise<string | null> {
  const [file, ...args] = argv;
  if (!file) return Promise.resolve('empty command');
  return new Promise((done) => {
    execFile(file, args, { timeout: timeoutMs, windowsHide: true }, (err, _out, stderr) => {
      done(err ? `${argv.join(' ')} failed: ${err.message.split('\n')[0]}${stderr ? ` (${String(stderr).trim().slice(0, 200)})` : ''}` : null);
    });
  });
}

export interface HealthJobsOptions {
  schedule: ScreenSchedule | null;
  displayCommands: DisplayCommands | null;
  /** "HH:MM" or null for no nightly reload. */
  nightlyReload: string | null;
  timeZone: string;
  /** Whether the screen should be on now (the profile's schedule, presence.screenOn). */
  screenOn: () => boolean;
  /** The screen schedule switched: re-evaluate the evidence and tell the UI. */
  onScreenChange: (on: boolean) => void;
  /** Time for the renderer's nightly reload. */
  onReload: () => void;
  /** How long a touch keeps the display on during off hours (the profile's idle time). */
  wakeMs: number;
  log: (line: string) => void;
  /** Runs a display command (tests pass a recorder). */
  run?: (argv: string[]) => Promise<string | null>;
}

export interface HealthJobs {
  /** A touch during off hours: display on for `wakeMs`, then off again if still off hours. */
  wake(): Promise<void>;
  /**
   * Puts the display where the schedule wants it now, if it is not (run every minute). The cron
   * jobs fire only at their times: a clock set right after the start (a board without a battery
   * clock, corrected by NTP), a jump or a DST night can pass an "on" or "off" time unseen.
   */
  reconcile(): Promise<void>;
  /** The display state last commanded ("on"/"off"), or null without display commands. */
  display(): 'on' | 'off' | null;
  /** The board's zone became known or changed: the jobs are re-created in it (nothing happens for the same zone). */
  setTimeZone(zone: string): void;
  /** The zone the jobs run in now. */
  timeZone(): string;
  /** When each job runs next, by name (tests, the log). */
  nextRuns(): Record<string, Date | null>;
  stop(): void;
}

export function startHealthJobs(o: HealthJobsOptions): HealthJobs {
  const run = o.run ?? runCommand;
  let jobs: { name: string; job: CronJob }[] = [];
  let zone = o.timeZone;
  let display: 'on' | 'off' | null = null;
  let wakeTimer: NodeJS.Timeout | null = null;
  let stopped = false;

  const setDisplay = async (want: 'on' | 'off', why: string): Promise<void> => {
    if (!o.displayCommands || stopped) return;
    display = want;
    const failed = await run(want === 'on' ? o.displayCommands.on : o.displayCommands.off);
    if (failed) o.log(`[health] display ${want} (${why}): ${failed}`);
    else o.log(`[health] display ${want} (${why})`);
  };
  const onError = (e: unknown): void => o.log(`[health] scheduled job failed: ${(e as Error).message}`);
  /** A job that cannot be scheduled (e.g. an unknown time zone) is logged; the kiosk runs on without it. */
  const add = (name: string, at: string, fn: () => void | Promise<void>): void => {
    try {
      jobs.push({ name, job: cronSchedule(name, dailyAt(at), zone, fn, onError) });
    } catch (e) {
      o.log(`[health] ${name} at ${at} (${zone}) could not be scheduled: ${(e as Error).message}`);
    }
  };
  /** (Re-)creates the jobs in the current zone. */
  const arm = (): void => {
    for (const j of jobs) j.job.stop();
    jobs = [];
    // "on" equal to "off" is always on (screenOnAt): both jobs at one instant would race the display off and on.
    if (o.schedule && o.schedule.on !== o.schedule.off) {
      add('kiosk-screen-off', o.schedule.off, async () => {
        o.onScreenChange(false);
        await setDisplay('off', 'screen schedule');
      });
      add('kiosk-screen-on', o.schedule.on, async () => {
        if (wakeTimer) clearTimeout(wakeTimer);
        o.onScreenChange(true);
        await setDisplay('on', 'screen schedule');
      });
    }
    if (o.nightlyReload) {
      add('kiosk-nightly-reload', o.nightlyReload, () => {
        o.log('[health] nightly reload of the kiosk screen');
        o.onReload();
      });
    }
  };

  arm();
  const reconcile = async (): Promise<void> => {
    if (!o.schedule || !o.displayCommands || stopped || wakeTimer) return;
    const want = o.screenOn() ? 'on' : 'off';
    // Never commanded and wanted on: the display is on as the machine started it.
    if (display === want || (display === null && want === 'on')) return;
    o.onScreenChange(want === 'on');
    await setDisplay(want, 'the clock passed a screen schedule time unseen');
  };
  // A check, not a schedule of its own: the real timer is right here.
  const reconcileTimer = setInterval(() => void reconcile(), 60_000);
  reconcileTimer.unref?.();
  // Started during off hours: off now, not only at the next "off" time.
  if (o.schedule && !o.screenOn()) void setDisplay('off', 'started during screen-off hours');

  return {
    async wake() {
      if (o.screenOn() || stopped) return;
      if (wakeTimer) clearTimeout(wakeTimer);
      wakeTimer = setTimeout(() => {
        wakeTimer = null;
        if (!o.screenOn()) void setDisplay('off', 'no touch since waking');
      }, o.wakeMs);
      wakeTimer.unref?.();
      if (display !== 'on') await setDisplay('on', 'touched during screen-off hours');
    },
    reconcile,
    display: () => display,
    setTimeZone(next) {
      if (stopped || next === zone) return;
      o.log(`[health] the board's time zone is ${next} (was ${zone}): screen schedule and nightly reload re-created in it`);
      zone = next;
      arm();
      // The screen may be on or off by the new zone's hours: the UI and the display follow at once.
      if (o.schedule) {
        const on = o.screenOn();
        o.onScreenChange(on);
        if (on && display === 'off') void setDisplay('on', 'screen schedule in the board\'s time zone');
        if (!on && display !== 'off') void setDisplay('off', 'screen schedule in the board\'s time zone');
      }
    },
    timeZone: () => zone,
    nextRuns: () => Object.fromEntries(jobs.map((j) => [j.name, j.job.nextRun()])),
    stop() {
      stopped = true;
      clearInterval(reconcileTimer);
      if (wakeTimer) clearTimeout(wakeTimer);
      for (const j of jobs) j.job.stop();
    },
  };
}
