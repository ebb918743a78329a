/**
 * Packaging and app configuration for the Electron kiosk, in electron-builder's configuration
 * shape (every key below is one of electron-builder's). The electron package (≥42) has no
 * install script: `npm ci` succeeds offline and the Electron binary is fetched at first run
 * where its release host is reachable. Where it is not, run the kiosk with
 * `deska kiosk --shell chromium` (the system's Chromium, same handler).
 *
 * Packaging (on a machine that can download Electron; electron-builder is not a dependency):
 *
 *   npx vite build && node electron.config.ts dist/electron-builder.json
 *   npx electron-builder@26 --config dist/electron-builder.json --linux AppImage deb
 *
 * Run as a script, this file writes the configuration as JSON (electron-builder reads JSON
 * without a TypeScript loader). The fuses are flipped in the packaged binary by
 * electron-builder's `electronFuses` option (it applies @electron/fuses) and are exactly the
 * `electronFuses` below.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ElectronAppConfig {
  appId: string;
  productName: string;
  /** package.json fields overridden in the packaged app: `main`, the Electron main entry (registers deska:// before ready, then starts the kiosk). */
  extraMetadata: { main: string };
  directories: { output: string; buildResources: string };
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  asarUnpack: string[];
  linux: { target: string[]; category: string; executableName: string; maintainer: string; synopsis: string };
  /** The Debian package: what the kiosk needs from the system besides Electron's own libraries. */
  deb: { depends: string[]; packageCategory: string };
  appImage: { artifactName: string };
  /** The custom protocol the window loads the kiosk UI from. */
  protocols: { name: string; schemes: string[] }[];
  /**
   * Electron fuses flipped in the packaged binary (electron-builder's `electronFuses`, which
   * applies @electron/fuses FuseV1Options at packaging): no running as plain Node, no
   * NODE_OPTIONS or --inspect, the app only from its integrity-checked asar, no extra file://
   * privileges.
   */
  electronFuses: {
    runAsNode: boolean;
    enableCookieEncryption: boolean;
    enableNodeOptionsEnvironmentVariable: boolean;
    enableNodeCliInspectArguments: boolean;
    enableEmbeddedAsarIntegrityValidation: boolean;
    onlyLoadAppFromAsar: boolean;
    loadBrowserProcessSpecificV8Snapshot: boolean;
    grantFileProtocolExtraPrivileges: boolean;
  };
}

export const electronConfig = {
  appId: 'cz.deska.kiosk',
  productName: 'Deska kiosek',
  extraMetadata: { main: 'src-main/kiosk/shells/electron-main.ts' },
  directories: { output: 'dist/electron', buildResources: 'build' },
  files: ['src-main/**/*', 'dist/renderer/**/*', 'docs/kiosk-profile.schema.json', 'package.json', '!**/*.test.ts'],
  extraResources: [{ from: 'kiosk-profiles', to: 'kiosk-profiles', filter: ['*.json', 'README.md'] }],
  // The better-sqlite3 N-API binary loads from disk, not from inside the asar archive.
  asarUnpack: ['node_modules/better-sqlite3/**/*'],
  linux: {
    target: ['AppImage', 'deb'],
    category: 'Office',
    executableName: 'deska-kiosk',
    maintainer: 'Deska <deska@example.org>',
    synopsis: 'Lobby kiosk of the Deska official notice board',
  },
  // Electron's own libraries (electron-builder's defaults), plus fonts with Czech and Polish
  // letters and espeak-ng for speech where the browser has no voice.
  deb: {
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0', 'fonts-dejavu-core', 'espeak-ng'],
    packageCategory: 'misc',
  },
  appImage: { artifactName: 'deska-kiosk-${version}-${arch}.AppImage' },
  protocols: [{ name: 'Deska kiosk', schemes: ['deska'] }],
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
} as const satisfies ElectronAppConfig;

export default electronConfig;

// `node electron.config.ts [FILE]`: the configuration as JSON for electron-builder's --config.
if (import.meta.main) {
  const out = resolve(process.argv[2] ?? 'dist/electron-builder.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(electronConfig, null, 2)}\n`);
  console.log(`electron-builder configuration written to ${out}`);
}
