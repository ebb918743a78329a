/**
 * The kiosk in the system's Chromium (Debian package "chromium"), for machines where the
 * Electron binary could not be fetched: the handler on loopback, Chromium full screen on it.
 *
 * Chromium's own shortcuts are locked down in three layers (docs/kiosk-setup.md, section 8):
 *   1. launch flags (below): kiosk mode, no history swipe, no pinch zoom of the whole UI;
 *   2. the page (src-renderer/kiosk/lib/key-guard.ts) prevents what Chromium lets a page
 *      prevent: reload, print, open, save, find, zoom, history keys, the context menu;
 *   3. enterprise policies (kioskChromiumPolicy, written by `deska kiosk-policy` into
 *      /etc/chromium/policies/managed/) for what Chromium keeps for itself: no DevTools, no
 *      address but the kiosk's (new windows and tabs open onto a blocked page), no incognito or
 *      guest window, no printing, downloads, file dialogs, task manager or chrome:// pages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Clock, TimerHandle } from '../../schedule/clock.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The loopback port the Chromium shell serves on unless told otherwise: fixed, so that the policy can allow exactly it. */
export const KIOSK_CHROMIUM_PORT = 8790;
/** Where Debian's and Ubuntu's Chromium read mandatory policies. */
export const CHROMIUM_POLICY_FILE = '/etc/chromium/policies/managed/deska-kiosk.json';

/**
 * Chromium's enterprise policies for a kiosk on `origin` (e.g. "http://127.0.0.1:8790").
 * Every name is one this Chromium knows (test/unit/kiosk-chromium-shell.test.ts looks for it
 * in the binary); values are those of the policy list at chromeenterprise.google/policies.
 */
export function kioskChromiumPolicy(origin: string): Record<string, unknown> {
  const u = new URL(origin);
  return {
    // Only the kiosk: every other address shows "blocked". "*" does not cover the browser's own
    // pages (settings, history, downloads…): they are listed by scheme.
    URLBlocklist: ['*', 'chrome://*', 'chrome-untrusted://*', 'devtools://*', 'view-source:*', 'file://*'],
    URLAllowlist: [`${u.protocol}//${u.host}`],
    // 2: DevTools never open (F12, Ctrl+Shift+I/J/C); nor does a remote debugging port.
    DeveloperToolsAvailability: 2,
    RemoteDebuggingAllowed: false,
    // 1: no incognito window (Ctrl+Shift+N); no guest window or new person.
    IncognitoModeAvailability: 1,
    BrowserGuestModeEnabled: false,
    BrowserAddPersonEnabled: false,
    ForceEphemeralProfiles: true,
    // Ctrl+P, Ctrl+S, Ctrl+O, downloads: nothing leaves the kiosk and no file dialog opens.
    PrintingEnabled: false,
    DownloadRestrictions: 3,
    AllowFileSelectionDialogs: false,
    // Shift+Esc's task manager cannot end the kiosk's page.
    TaskManagerEndProcessEnabled: false,
    // 2: no pop-ups, notifications, location, sensors, USB, serial, Bluetooth, HID, clipboard reading, fonts or window placement.
    DefaultPopupsSetting: 2,
    DefaultNotificationsSetting: 2,
    DefaultGeolocationSetting: 2,
    DefaultSensorsSetting: 2,
    DefaultWebUsbGuardSetting: 2,
    DefaultSerialGuardSetting: 2,
    DefaultWebBluetoothGuardSetting: 2,
    DefaultWebHidGuardSetting: 2,
    DefaultClipboardSetting: 2,
    DefaultLocalFontsSetting: 2,
    DefaultWindowManagementSetting: 2,
    DefaultFileSystemReadGuardSetting: 2,
    VideoCaptureAllowed: false,
    AudioCaptureAllowed: false,
    ScreenCaptureAllowed: false,
    // Nothing is offered, kept or sent: passwords, autofill, translation, spelling, sign-in, sync, history, bookmarks, search.
    PasswordManagerEnabled: false,
    AutofillAddressEnabled: false,
    AutofillCreditCardEnabled: false,
    TranslateEnabled: false,
    SpellcheckEnabled: false,
    BrowserSignin: 0,
    SyncDisabled: true,
    SavingBrowserHistoryDisabled: true,
    BookmarkBarEnabled: false,
    EditBookmarksEnabled: false,
    DefaultSearchProviderEnabled: false,
    SearchSuggestEnabled: false,
    MetricsReportingEnabled: false,
    UserFeedbackAllowed: false,
    FeedbackSurveysEnabled: false,
    PromotionsEnabled: false,
    BackgroundModeEnabled: false,
    DefaultBrowserSettingEnabled: false,
    AllowDinosaurEasterEgg: false,
    ExtensionInstallBlocklist: ['*'],
    BlockExternalExtensions: true,
    // The kiosk must stay full screen.
    FullscreenAllowed: true,
  };
}

/** Writes the policy file (the setup runs this as root); the directory is created, the file replaced whole. */
export function writeChromiumPolicy(file: string, origin: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(kioskChromiumPolicy(origin), null, 2)}\n`, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (e) {
    // Nothing half-written is left beside the target (e.g. --out naming a folder, a full disk).
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * The test flags (test/helpers/browser.ts) minus --no-sandbox and --disable-gpu: a visible
 * kiosk runs sandboxed and with GPU compositing. The rest keeps it quiet and offline-friendly,
 * and locks what flags can: no history swipe (--overscroll-history-navigation=0), no pinch zoom
 * of the whole UI (--disable-pinch; the PDF viewer's own two-finger zoom reads pointer events
 * and still works, see test/integration/kiosk-chromium-lockdown.test.ts), no crash bubble or
 * error dialogs, no translate bar.
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
