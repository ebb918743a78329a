/**
 * The browser's own keyboard shortcuts, which a kiosk swallows. One list for both shells: the
 * Electron shell refuses them before the page sees them (electron-guard.ts, before-input-event);
 * in the Chromium shell the page refuses what a page can (src-renderer/kiosk/lib/key-guard.ts,
 * preventDefault on keydown) and Chromium's policies (shells/chromium.ts) cover the rest.
 * Typing, Tab, Enter, Space, Escape and the arrows stay free for keyboard users.
 */

/** A key press as both shells see it (Electron's Input; a DOM KeyboardEvent mapped by the renderer). */
export interface KeyPress {
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
  shift: boolean;
}

/**
 * Function and browser keys: help, find next, reload, focus the toolbar, caret browsing, menu,
 * full screen (leaving kiosk), DevTools, and the media keyboard's browser keys.
 */
const FUNCTION_KEYS = new Set(['F1', 'F3', 'F5', 'F6', 'F7', 'F10', 'F11', 'F12', 'BrowserBack', 'BrowserForward', 'BrowserRefresh', 'BrowserStop', 'BrowserHome', 'BrowserSearch', 'BrowserFavorites', 'ContextMenu']);
/**
 * Keys that, with Ctrl/Cmd, are browser shortcuts: reload, DevTools (i, j, c with Shift), print,
 * close, find, open, save, view source, new window or tab, history, address bar, bookmarks,
 * downloads, search, quit, zoom (+, -, =, 0), history navigation ([, ]), tabs (Tab, PageUp/Down,
 * 1–9), clear browsing data (Shift+Delete) and the task manager's neighbours.
 */
const MODIFIED_KEYS = new Set([
  'r', 'i', 'j', 'p', 'w', 'f', 'g', 'o', 's', 'u', 'n', 't', 'h', 'l', 'q', 'd', 'b', 'e', 'k', 'm',
  '+', '-', '=', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '[', ']',
  'Tab', 'PageUp', 'PageDown', 'Delete', 'F4', 'F5',
]);
/** Ctrl+Shift+C (inspect element) besides the letters above. */
const SHIFTED_KEYS = new Set(['c']);

/** Whether a key press is a browser or window shortcut the kiosk swallows. */
export function isBlockedShortcut(input: KeyPress): boolean {
  const key = input.key.length === 1 ? input.key.toLowerCase() : input.key;
  if (FUNCTION_KEYS.has(key)) return true;
  if ((input.control || input.meta) && MODIFIED_KEYS.has(key)) return true;
  if ((input.control || input.meta) && input.shift && SHIFTED_KEYS.has(key)) return true;
  if (input.alt && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'F4' || key === 'Home')) return true;
  return false;
}
