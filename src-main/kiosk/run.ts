/**
 * Starting a kiosk: profile → replica → sync agent + local schedule → request handler → shell.
 * The CLI (`deska kiosk --profile FILE`) calls startKiosk.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock, type Clock, type TimerHandle } from '../schedule/clock.ts';
import type { KioskChange } from '../shared/kiosk-api.ts';
import { folderFeedReader, httpFeedReader } from './feed-reader.ts';
import { espeakSpeaker } from './speech.ts';
import { createKioskHandler } from './handler.ts';
import { startHealthJobs, type HealthJobs } from './health.ts';
import { startLocalSchedule } from './local-schedule.ts';
import { Presence } from './presence.ts';
import { loadProfileOrLastGood } from './profile.ts';
import { openReplica, type Replica } from './replica.ts';
import { SyncAgent, type SyncOutcome } from './sync.ts';

/** How often every attachment file in the replica is re-hashed (besides at start and on read). */
export const FILE_CHECK_MS = 6 * 3_600_000;
/** A status report to the publisher at least this often, so its fleet status knows the kiosk runs even when nothing changes. */
export const STATUS_REPORT_MS = 60_000;
/** The Chromium shell's watchdog: the browser is restarted after this long without a heartbeat while the screen is on. */
export const UI_SILENT_RESTART_MS = 45_000;

const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

export interface StartKioskOptions {
  profilePath: string;
  shell: 'electron' | 'chromium' | 'headless';
  /** Overrides the profile's dataDir. */
  dataDir?: string;
  port?: number;
  host?: string;
  clock?: Clock;
  onLog?: (line: string) => void;
  /** Built renderer (default dist/renderer). */
  rendererDir?: string;
}

export interface RunningKiosk {
  /** Where the UI is (http://127.0.0.1:…/kiosk/ or deska://kiosk/kiosk/). */
  url: string;
  stop(): Promise<void>;
  /** Runs a sync now and resolves with its outcome (tests, "sync now" buttons). */
  syncNow(): Promise<SyncOutcome>;
  /** Tells the screen to reload itself now, as the nightly reload does (tests, technicians). */
  reloadScreen(): void;
  /** This process's replica (null when the kiosk was handed over to an Electron process). */
  replica: Replica | null;
  /** The screen schedule and nightly reload jobs (null when handed over to an Electron process). */
  health: HealthJobs | null;
}

export async function startKiosk(opts: StartKioskOptions): Promise<RunningKiosk> {
  const log = opts.onLog ?? (() => undefined);
  const clock = opts.clock ?? systemClock;
  // A profile with problems: the last good one, where the kiosk kept a copy (the problems are logged).
  const { profile } = loadProfileOrLastGood(opts.profilePath, opts.dataDir, log);
  const dataDir = opts.dataDir ?? profile.dataDir;
  if (!dataDir) throw new Error(`Profil kiosku ${profile.file} neuvádí složku dat („dataDir“). Doplňte ji do profilu, nebo ji zadejte parametrem --data SLOŽKA.`);
  checkDataDir(dataDir);

  if (opts.shell === 'electron' && !(await import('./shells/electron.ts')).insideElectron()) {
    // Plain Node: hand over to an Electron process running this same function.
    const { spawnElectron } = await import('./shells/electron.ts');
    const child = spawnElectron(['--profile', profile.file, '--data', dataDir], log);
    return {
      url: 'deska://kiosk/kiosk/',
      stop: async () => void child.kill('SIGTERM'),
      syncNow: async () => 'unchanged' as const,
      reloadScreen: () => undefined,
      replica: null,
      health: null,
    };
  }

  const clockNow = (): number => clock.now();
  const replica = openReplica(dataDir, clockNow(), log);
  const listeners = new Set<(c: KioskChange) => void>();
  const emit = (c: KioskChange): void => {
    for (const fn of listeners) fn(c);
  };

  const reader =
    profile.feed.kind === 'http' ? httpFeedReader(profile.feed.url, fetch, { now: clockNow, token: profile.token }) : folderFeedReader(profile.feed.path);

  const presence: Presence = new Presence({
    profile,
    replica,
    clock,
    log,
    onChange: () => {
      emit({ reason: 'instant' });
      void agent.report();
    },
  });
  const boardZone = (): string => replica.applied()?.board.timeZone ?? 'Europe/Prague';
  const reloadScreen = (): void => emit({ reason: 'reload' });
  // Screen schedule (display off/on through the profile's commands) and the nightly reload, in
  // the board's zone: Prague until the first snapshot says otherwise, then re-created (onSynced).
  const health = startHealthJobs({
    schedule: profile.screenSchedule,
    displayCommands: profile.displayCommands,
    nightlyReload: profile.nightlyReload,
    timeZone: boardZone(),
    screenOn: () => presence.screenOn(),
    onScreenChange: () => {
      presence.tick();
      emit({ reason: 'instant' });
    },
    onReload: () => reloadScreen(),
    wakeMs: profile.idleTimeoutSeconds * 1000,
    log,
  });

  const agent: SyncAgent = new SyncAgent({
    profile,
    replica,
    reader,
    clock,
    log,
    version: VERSION,
    screenOn: () => presence.screenOn(),
    onFilesArrived: () => emit({ reason: 'applied' }),
    onSynced: (outcome) => {
      if (outcome === 'applied') {
        schedule.rearm();
        health.setTimeZone(boardZone());
        presence.tick();
        emit({ reason: 'applied' });
        void agent.report();
      } else {
        presence.tick();
        emit({ reason: outcome === 'failed' ? 'failed' : 'recovered' });
        if (outcome === 'failed') void agent.report();
      }
    },
  });
  // A damaged attachment found on read or by the periodic check is fetched again at once.
  replica.onFileDropped = (sha) => {
    log(`[replica] attachment ${sha.slice(0, 12)}… is damaged or missing; fetching it again`);
    emit({ reason: 'applied' });
    void agent.syncNow();
  };
  let fileCheckTimer: TimerHandle | null = null;
  let stopping = false;
  const checkFiles = (): void => {
    void replica
      .verifyFiles()
      .catch((e: unknown) => log(`[replica] file check failed: ${(e as Error).message}`))
      .finally(() => {
        if (!stopping) fileCheckTimer = clock.setTimeout(checkFiles, FILE_CHECK_MS);
      });
  };
  // The UI learns of postings and removals at their instants; what counts as shown is the
  // renderer's heartbeat (presence.ts), never this timetable.
  const schedule = startLocalSchedule(clock, () => replica.notices(), () => emit({ reason: 'instant' }), 60_000);
  presence.start();
  agent.start();
  // Tell the publisher at once that this kiosk runs (and what it found: a downtime, a reset replica).
  void agent.report();
  checkFiles();
  let statusTimer: TimerHandle | null = null;
  const statusReport = (): void => {
    statusTimer = clock.setTimeout(() => {
      if (stopping) return;
      void agent.report();
      statusReport();
    }, STATUS_REPORT_MS);
  };
  statusReport();

  const speech = espeakSpeaker(log);
  const app = createKioskHandler({
    profile,
    replica,
    clock,
    speech,
    rendererDir: opts.rendererDir,
    onHeartbeat: (hb) => presence.heartbeat(hb),
    onWake: () => void health.wake(),
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  });
  const fetchHandler = (req: Request): Response | Promise<Response> => app.fetch(req);

  const shutdownCore = async (): Promise<void> => {
    stopping = true;
    speech?.stop();
    health.stop();
    if (fileCheckTimer) clock.clearTimeout(fileCheckTimer);
    if (statusTimer) clock.clearTimeout(statusTimer);
    schedule.stop();
    presence.stop();
    await agent.stop();
    listeners.clear();
    replica.close();
  };

  try {
    if (opts.shell === 'electron') {
      const { startElectronShell } = await import('./shells/electron.ts');
      const shell = await startElectronShell(fetchHandler, log, () => presence.rendererGone());
      return { url: 'deska://kiosk/kiosk/', replica, health, syncNow: () => agent.syncNow(), reloadScreen, stop: async () => (await shell.stop(), await shutdownCore()) };
    }
    const { serveHeadless } = await import('./shells/headless.ts');
    // The Chromium shell on its fixed port, the one its policy allows (deska kiosk-policy).
    const port = opts.port ?? (opts.shell === 'chromium' ? (await import('./shells/chromium.ts')).KIOSK_CHROMIUM_PORT : undefined);
    const served = await serveHeadless(fetchHandler, { host: opts.host, port }).catch((e: unknown) => {
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      throw new Error(
        `Port ${port} je obsazen jiným programem: ukončete ho, nebo kiosk spusťte s jiným --port N (pro Chromium pak i "deska kiosk-policy --port N").\n` +
          `Port ${port} is taken by another program: stop it, or start the kiosk with another --port N (for Chromium also "deska kiosk-policy --port N").`,
      );
    });
    log(`kiosk ${profile.kioskId} serving ${served.url}`);
    let stopShell = async (): Promise<void> => undefined;
    if (opts.shell === 'chromium') {
      const { startChromiumShell } = await import('./shells/chromium.ts');
      const shell = startChromiumShell(served.url, clock, log);
      // A crashed or hung renderer ("Aw, Snap!" stays on screen, the browser process lives on)
      // sends no heartbeat: the browser is restarted; presence records the gap as an outage.
      let watchdog: TimerHandle | null = null;
      const watch = (): void => {
        watchdog = clock.setTimeout(() => {
          if (stopping) return;
          if (presence.silentMs() > UI_SILENT_RESTART_MS) {
            shell.restart('the kiosk screen stopped answering');
            presence.rendererGone();
          }
          watch();
        }, UI_SILENT_RESTART_MS / 3);
      };
      watch();
      stopShell = () => {
        if (watchdog) clock.clearTimeout(watchdog);
        return shell.stop();
      };
    }
    return {
      url: served.url,
      replica,
      health,
      syncNow: () => agent.syncNow(),
      reloadScreen,
      async stop() {
        await stopShell();
        await served.close();
        await shutdownCore();
      },
    };
  } catch (e) {
    await shutdownCore();
    throw e;
  }
}

/**
 * The kiosk's data folder must be a folder it can use; anything else is said in words a
 * technician understands, before the replica would fail with a system error in English.
 */
function checkDataDir(dataDir: string): void {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dataDir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return; // created by the replica
    if (code === 'ENOTDIR') throw new Error(`Složku dat kiosku ${dataDir} nelze použít: část cesty je soubor, ne složka. Opravte „dataDir“ v profilu kiosku nebo parametr --data.`);
    throw new Error(`Složku dat kiosku ${dataDir} nelze přečíst (${code ?? 'neznámá chyba'}). Zkontrolujte cestu a oprávnění.`);
  }
  if (!st.isDirectory()) {
    throw new Error(`Složka dat kiosku ${dataDir} je soubor, ne složka. Opravte „dataDir“ v profilu kiosku nebo parametr --data tak, aby ukazoval na složku (kiosk si ji případně vytvoří).`);
  }
}
