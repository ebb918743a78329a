/**
 * The Electron kiosk's app-wide lockdown (electron-guard.ts), driven through objects of
 * Electron's shape: every web contents the app creates is guarded, navigation leaves the
 * kiosk's origin never, shortcuts, context menu and DevTools are off. Also the fuses.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import electronConfig from '../../electron.config.ts';
import { installAppGuards, isBlockedShortcut, type GuardedContents } from '../../src-main/kiosk/shells/electron-guard.ts';

class FakeContents extends EventEmitter {
  openHandler: (() => { action: string }) | null = null;
  devToolsClosed = 0;
  setWindowOpenHandler(h: () => { action: 'deny' }): void {
    this.openHandler = h;
  }
  closeDevTools(): void {
    this.devToolsClosed++;
  }
}

const ev = (url = '') => {
  const e = { url, prevented: false, preventDefault: () => (e.prevented = true) };
  return e;
};

test('every web contents the app creates is guarded: navigation, redirects and frames stay in deska://kiosk', () => {
  const app = new EventEmitter();
  const log: string[] = [];
  installAppGuards(app as never, 'deska://kiosk', (l) => log.push(l));
  for (const wc of [new FakeContents(), new FakeContents()]) {
    app.emit('web-contents-created', {}, wc as unknown as GuardedContents);
    for (const name of ['will-navigate', 'will-redirect', 'will-frame-navigate']) {
      const inside = ev('deska://kiosk/kiosk/');
      wc.emit(name, inside);
      assert.equal(inside.prevented, false, `${name} inside the kiosk is allowed`);
      for (const url of ['https://example.org/', 'file:///etc/passwd', 'deska://other/', 'javascript:alert(1)', 'not a url']) {
        const out = ev(url);
        wc.emit(name, out);
        assert.equal(out.prevented, true, `${name} to ${url} is refused`);
      }
    }
    assert.deepEqual(wc.openHandler?.(), { action: 'deny' });
    const menu = ev();
    wc.emit('context-menu', menu);
    assert.equal(menu.prevented, true);
    const webview = ev();
    wc.emit('will-attach-webview', webview);
    assert.equal(webview.prevented, true);
    wc.emit('devtools-opened');
    assert.equal(wc.devToolsClosed, 1);
    const reload = ev();
    wc.emit('before-input-event', reload, { type: 'keyDown', key: 'r', control: true, meta: false, alt: false, shift: false });
    assert.equal(reload.prevented, true);
    const letter = ev();
    wc.emit('before-input-event', letter, { type: 'keyDown', key: 'ř', control: false, meta: false, alt: false, shift: false });
    assert.equal(letter.prevented, false, 'typing is not a shortcut');
  }
  assert.ok(log.some((l) => l.includes('https://example.org/')));
});

test('browser and window shortcuts are swallowed; plain keys are not', () => {
  const k = (key: string, mods: Partial<Record<'control' | 'meta' | 'alt' | 'shift', boolean>> = {}) =>
    isBlockedShortcut({ key, control: false, meta: false, alt: false, shift: false, ...mods });
  for (const [key, mods] of [['F5', {}], ['F12', {}], ['I', { control: true, shift: true }], ['w', { meta: true }], ['p', { control: true }], ['F4', { alt: true }], ['ArrowLeft', { alt: true }], ['+', { control: true }]] as const)
    assert.equal(k(key, mods), true, `${key} ${JSON.stringify(mods)}`);
  for (const key of ['a', 'Ž', 'Backspace', ' ', 'ArrowLeft', 'Enter']) assert.equal(k(key), false, key);
});

test('the packaged binary has its fuses set: no run-as-node, no NODE_OPTIONS or inspect, asar only with integrity', () => {
  const f = electronConfig.electronFuses;
  assert.equal(f.runAsNode, false);
  assert.equal(f.enableNodeOptionsEnvironmentVariable, false);
  assert.equal(f.enableNodeCliInspectArguments, false);
  assert.equal(f.onlyLoadAppFromAsar, true);
  assert.equal(f.enableEmbeddedAsarIntegrityValidation, true);
  assert.equal(f.grantFileProtocolExtraPrivileges, false);
  assert.deepEqual(electronConfig.linux.target, ['AppImage', 'deb']);
});
