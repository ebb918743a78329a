/**
 * The page's part of the kiosk lockdown, for the Chromium shell (in Electron the shell already
 * refused these before the page saw them). Chromium sends most of its shortcuts to the page
 * first and acts only when the page did not prevent them: reload (F5, Ctrl+R), print, open,
 * save, find, zoom (Ctrl with +, -, 0 or the wheel), history (Alt+←/→), caret browsing, the
 * context menu of a long press. The ones Chromium keeps for itself (new window or tab, close,
 * quit, and the DevTools keys) never reach a page; its policies handle those
 * (src-main/kiosk/shells/chromium.ts, docs/kiosk-setup.md).
 */
import { isBlockedShortcut } from '../../../src-main/shared/kiosk-keys.ts';

/** Installs the guard on `target` (the window) in the capture phase; returns its removal. */
export function installKeyGuard(target: Window): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if (isBlockedShortcut({ key: e.key, control: e.ctrlKey, meta: e.metaKey, alt: e.altKey, shift: e.shiftKey })) e.preventDefault();
  };
  // Ctrl + wheel (or a touchpad's pinch, which Chromium sends as one) zooms the whole page.
  const onWheel = (e: WheelEvent): void => {
    if (e.ctrlKey) e.preventDefault();
  };
  const onMenu = (e: Event): void => e.preventDefault();
  target.addEventListener('keydown', onKey, { capture: true });
  target.addEventListener('wheel', onWheel, { capture: true, passive: false });
  target.addEventListener('contextmenu', onMenu, { capture: true });
  return () => {
    target.removeEventListener('keydown', onKey, { capture: true });
    target.removeEventListener('wheel', onWheel, { capture: true });
    target.removeEventListener('contextmenu', onMenu, { capture: true });
  };
}
