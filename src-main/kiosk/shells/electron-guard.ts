/**
 * App-wide lockdown of the Electron kiosk, kept apart from the window code so that it is type
 * checked against Electron's own types and tested without the Electron binary (with objects of
 * the same shape). Applied to every web contents the app ever creates ("web-contents-created"),
 * not only the kiosk window:
 *   - navigation, redirects and frame navigation leave the kiosk's origin never
 *     (will-navigate, will-redirect, will-frame-navigate); new windows and <webview> are refused;
 *   - DevTools, the context menu and the browser's keyboard shortcuts are off (reload, DevTools,
 *     zoom, print, close, find, view source, history navigation);
 *   - permission requests are refused (the session does that in electron.ts).
 */
import type { Event, Input } from 'electron';
import { isBlockedShortcut } from '../../shared/kiosk-keys.ts';

/** The parts of Electron's WebContents the guard uses. */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: { preventDefault(): void; url: string }) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'context-menu', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'before-input-event', listener: (event: { preventDefault(): void }, input: Pick<Input, 'type' | 'key' | 'control' | 'meta' | 'alt' | 'shift'>) => void): unknown;
  on(event: 'devtools-opened', listener: () => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  closeDevTools(): void;
}

/** The part of Electron's App the guard uses. */
export interface GuardedApp {
  on(event: 'web-contents-created', listener: (event: Event, contents: GuardedContents) => void): unknown;
}

/** Whether `url` stays inside the kiosk's origin (e.g. "deska://kiosk"). */
export function insideOrigin(url: string, origin: string): boolean {
  try {
    // Compared by scheme and host: the origin of a custom scheme (and of file:) is "null".
    const [u, o] = [new URL(url), new URL(origin)];
    return u.protocol === o.protocol && u.host === o.host && u.host !== '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

export { isBlockedShortcut };

/** Locks down every web contents the app creates; `log` hears what was refused. */
export function installAppGuards(app: GuardedApp, origin: string, log: (line: string) => void): void {
  app.on('web-contents-created', (_event, wc) => guardContents(wc, origin, log));
}

export function guardContents(wc: GuardedContents, origin: string, log: (line: string) => void): void {
  const refuse = (what: string) => (e: { preventDefault(): void; url: string }) => {
    if (insideOrigin(e.url, origin)) return;
    e.preventDefault();
    log(`refused ${what} to ${e.url}`);
  };
  wc.on('will-navigate', refuse('navigation'));
  wc.on('will-redirect', refuse('redirect'));
  wc.on('will-frame-navigate', refuse('frame navigation'));
  wc.on('will-attach-webview', (e) => e.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('context-menu', (e) => e.preventDefault());
  wc.on('before-input-event', (e, input) => {
    if (input.type === 'keyDown' && isBlockedShortcut(input)) e.preventDefault();
  });
  wc.on('devtools-opened', () => wc.closeDevTools());
}
