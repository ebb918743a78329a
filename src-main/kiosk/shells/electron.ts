/**
 * The Electron shell: a thin window around the same request handler. Only imported (dynamically)
 * when the kiosk runs with --shell electron. The renderer gets no Node, no preload, a sandbox,
 * and content only from deska://, which forwards every Request to the Hono handler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { installAppGuards } from './electron-guard.ts';

export const KIOSK_SCHEME = 'deska';

type FetchHandler = (req: Request) => Response | Promise<Response>;

export interface ElectronShell {
  stop(): Promise<void>;
}

/** True inside Electron's main process. */
export const insideElectron = (): boolean => typeof process.versions.electron === 'string';

/**
 * Must run before the app is ready: makes deska:// a standard, secure origin that can fetch
 * and stream (the UI's /api/events).
 */
export async function registerKioskScheme(): Promise<void> {
  const { protocol } = await import('electron');
  protocol.registerSchemesAsPrivileged([
    { scheme: KIOSK_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, corsEnabled: false } },
  ]);
}

/** Opens the kiosk window in this Electron main process. */
export async function startElectronShell(handler: FetchHandler, log: (line: string) => void, onRendererGone: () => void = () => undefined): Promise<ElectronShell> {
  const { app, BrowserWindow, Menu, powerSaveBlocker, protocol, session } = await import('electron');
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    throw new Error('Another Deska kiosk is already running on this machine.');
  }
  if (!app.isReady()) await registerKioskScheme();
  const origin = `${KIOSK_SCHEME}://kiosk`;
  // Every web contents the app creates, from the first: navigation, new windows, DevTools,
  // context menu and shortcuts (electron-guard.ts).
  installAppGuards(app, origin, (line) => log(`[guard] ${line}`));
  await app.whenReady();
  Menu.setApplicationMenu(null);
  // A lobby screen must not blank or sleep while the kiosk runs (the screen schedule turns it off).
  const blocker = powerSaveBlocker.start('prevent-display-sleep');

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  // The handler's paths are the same as on loopback: deska://kiosk/kiosk/, deska://kiosk/api/state …
  protocol.handle(KIOSK_SCHEME, (req) => handler(req));

  let stopping = false;
  let win: InstanceType<typeof BrowserWindow> | null = null;
  const open = (): void => {
    win = new BrowserWindow({
      kiosk: true,
      fullscreen: true,
      autoHideMenuBar: true,
      backgroundColor: '#000000',
      webPreferences: {
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        spellcheck: false,
        devTools: false,
        // No middle-click "open in a new window" (Electronegativity's AUXCLICK check).
        disableBlinkFeatures: 'Auxclick',
      },
    });
    const wc = win.webContents;
    wc.on('render-process-gone', (_e, details) => {
      log(`renderer gone (${details.reason}); reloading`);
      if (stopping) return;
      // Recorded as an outage until the reloaded page's first heartbeat (presence.ts).
      onRendererGone();
      wc.reload();
    });
    win.on('closed', () => {
      win = null;
      if (!stopping) open();
    });
    void win.loadURL(`${origin}/kiosk/`);
  };
  app.on('second-instance', () => win?.focus());
  app.on('window-all-closed', () => {
    /* keep running: the window is reopened above */
  });
  open();
  log('electron window open');
  return {
    async stop() {
      stopping = true;
      if (powerSaveBlocker.isStarted(blocker)) powerSaveBlocker.stop(blocker);
      protocol.unhandle(KIOSK_SCHEME);
      win?.destroy();
      app.quit();
    },
  };
}

/**
 * Path of the Electron binary installed by the "electron" package, or null when it was never
 * fetched (no access to its release host). Reads the package's path.txt instead of importing
 * it, because importing "electron" from plain Node tries to download the binary.
 */
export function electronBinary(): string | null {
  try {
    const pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
    const rel = readFileSync(join(pkgDir, 'path.txt'), 'utf8').trim();
    const bin = join(pkgDir, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export const ELECTRON_MISSING =
  'The Electron binary is not installed (it is fetched on first run only where its release host is reachable). ' +
  'Start the kiosk with "--shell chromium" to use the system Chromium instead.';

/** From plain Node: relaunch this kiosk inside Electron (electron-main.ts), or explain why not. */
export function spawnElectron(args: string[], log: (line: string) => void): ChildProcess {
  const bin = electronBinary();
  if (!bin) throw new Error(ELECTRON_MISSING);
  const entry = resolve(import.meta.dirname, 'electron-main.ts');
  const child = spawn(bin, [entry, ...args], { stdio: 'inherit' });
  log(`electron started (pid ${child.pid})`);
  return child;
}
