/**
 * Starting a kiosk: profile → replica → sync agent + local schedule → request handler → shell.
 * The CLI (`deska kiosk --profile FILE`) calls startKiosk.
 */
import { systemClock, type Clock } from '../schedule/clock.ts';
import type { KioskChange } from '../shared/kiosk-api.ts';
import { folderFeedReader, httpFeedReader } from './feed-reader.ts';
import { createKioskHandler } from './handler.ts';
import { startLocalSchedule, visibleAt } from './local-schedule.ts';
import { loadProfile } from './profile.ts';
import { Replica } from './replica.ts';
import { SyncAgent, type SyncOutcome } from './sync.ts';

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
  /** This process's replica (null when the kiosk was handed over to an Electron process). */
  replica: Replica | null;
}

export async function startKiosk(opts: StartKioskOptions): Promise<RunningKiosk> {
  const log = opts.onLog ?? (() => undefined);
  const clock = opts.clock ?? systemClock;
  const profile = loadProfile(opts.profilePath);
  const dataDir = opts.dataDir ?? profile.dataDir;
  if (!dataDir) throw new Error(`Kiosk profile ${profile.file} has no "dataDir"; pass --data DIR.`);

  if (opts.shell === 'electron' && !(await import('./shells/electron.ts')).insideElectron()) {
    // Plain Node: hand over to an Electron process running this same function.
    const { spawnElectron } = await import('./shells/electron.ts');
    const child = spawnElectron(['--profile', profile.file, '--data', dataDir], log);
    return {
      url: 'deska://kiosk/kiosk/',
      stop: async () => void child.kill('SIGTERM'),
      syncNow: async () => 'unchanged' as const,
      replica: null,
    };
  }

  const replica = new Replica(dataDir);
  const listeners = new Set<(c: KioskChange) => void>();
  const emit = (c: KioskChange): void => {
    for (const fn of listeners) fn(c);
  };
  const iso = (ms: number): string => new Date(ms).toISOString();

  const reader = profile.feed.kind === 'http' ? httpFeedReader(profile.feed.url, fetch, profile.token) : folderFeedReader(profile.feed.path);
  // Record what is on screen now; true when a notice appeared or disappeared.
  const recordNow = (now: number): boolean =>
    replica.recordSightings(
      visibleAt(replica.notices(), now).map((n) => n.id),
      iso(now),
    );

  const agent: SyncAgent = new SyncAgent({
    profile,
    replica,
    reader,
    clock,
    log,
    onSynced: (outcome) => {
      if (outcome === 'applied') {
        schedule.rearm();
        recordNow(clock.now());
        emit({ reason: 'applied' });
        void agent.report();
      } else {
        emit({ reason: outcome === 'failed' ? 'failed' : 'recovered' });
        if (outcome === 'failed') void agent.report();
      }
    },
  });
  const schedule = startLocalSchedule(
    clock,
    () => replica.notices(),
    (now) => {
      // Also refreshes lastShownAt each sweep; only a change in what shows is pushed/reported.
      if (!recordNow(now)) return;
      emit({ reason: 'instant' });
      void agent.report();
    },
    60_000,
  );
  agent.start();

  const app = createKioskHandler({
    profile,
    replica,
    clock,
    rendererDir: opts.rendererDir,
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  });
  const fetchHandler = (req: Request): Response | Promise<Response> => app.fetch(req);

  const shutdownCore = async (): Promise<void> => {
    schedule.stop();
    await agent.stop();
    listeners.clear();
    replica.close();
  };

  try {
    if (opts.shell === 'electron') {
      const { startElectronShell } = await import('./shells/electron.ts');
      const shell = await startElectronShell(fetchHandler, log);
      return { url: 'deska://kiosk/kiosk/', replica, syncNow: () => agent.syncNow(), stop: async () => (await shell.stop(), await shutdownCore()) };
    }
    const { serveHeadless } = await import('./shells/headless.ts');
    const served = await serveHeadless(fetchHandler, { host: opts.host, port: opts.port });
    log(`kiosk ${profile.kioskId} serving ${served.url}`);
    let stopShell = async (): Promise<void> => undefined;
    if (opts.shell === 'chromium') {
      const { startChromiumShell } = await import('./shells/chromium.ts');
      const shell = startChromiumShell(served.url, clock, log);
      stopShell = () => shell.stop();
    }
    return {
      url: served.url,
      replica,
      syncNow: () => agent.syncNow(),
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
