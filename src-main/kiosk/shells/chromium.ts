/**
 * The kiosk in the system's Chromium (Debian package "chromium"), for machines where the
 * Electron binary could not be fetched: the handler on loopback, Chromium full screen on it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../../schedule/clock.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The test flags (test/helpers/browser.ts) minus --no-sandbox and --disable-gpu: a visible
 * kiosk runs sandboxed and with GPU compositing. The rest keeps it quiet and offline-friendly.
 */
export const KIOSK_CHROMIUM_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--no-default-browser-check',
  '--noerrdialogs',
  '--disable-translate',
  '--disable-features=Translate,TranslateUI',
  '--disable-pinch',
  '--overscroll-history-navigation=0',
  '--disable-session-crashed-bubble',
  '--password-store=basic',
];

export interface ChromiumShell {
  /** Ends the browser process (a hung or crashed renderer); the restart loop starts a fresh one. */
  restart(why: string): void;
  stop(): Promise<void>;
}

/** Spawns Chromium in kiosk mode on `url` and restarts it whenever it exits. */
export function startChromiumShell(url: string, clock: Clock, log: (line: string) => void, executable = CHROMIUM_PATH): ChromiumShell {
  if (!existsSync(executable)) throw new Error(`Chromium not found at ${executable}: install the "chromium" package or set CHROMIUM_PATH.`);
  let child: ChildProcess | null = null;
  let stopping = false;
  let restartTimer: TimerHandle | null = null;
  let profileDir: string | null = null;
  let quickExits = 0;
  const launch = (): void => {
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    // A fresh profile every start: no restored tabs, no crash bubble, nothing cached.
    profileDir = mkdtempSync(join(tmpdir(), 'deska-kiosk-chromium-'));
    const started = clock.now();
    child = spawn(executable, [...KIOSK_CHROMIUM_FLAGS, `--user-data-dir=${profileDir}`, '--kiosk', `--app=${url}`], { stdio: 'ignore' });
    log(`chromium started (pid ${child.pid})`);
    child.once('exit', (code, signal) => {
      child = null;
      if (stopping) return;
      quickExits = clock.now() - started < 10_000 ? quickExits + 1 : 0;
      const delay = Math.min(30_000, 1000 * 2 ** Math.min(quickExits, 5));
      log(`chromium exited (${signal ?? code}); restarting in ${delay / 1000} s`);
      restartTimer = clock.setTimeout(launch, delay);
    });
  };
  launch();
  return {
    restart(why) {
      if (stopping || !child) return;
      log(`chromium restarted: ${why}`);
      child.kill('SIGKILL');
    },
    async stop() {
      stopping = true;
      if (restartTimer) clock.clearTimeout(restartTimer);
      const c = child;
      if (c) {
        const gone = new Promise<void>((r) => c.once('exit', () => r()));
        c.kill('SIGTERM');
        await gone;
      }
      if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
