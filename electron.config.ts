/**
 * Packaging and app configuration for the Electron kiosk (electron-builder's configuration
 * shape). The electron package (≥42) has no install script: `npm ci` succeeds offline and the
 * Electron binary is fetched at first run where its release host is reachable. Where it is not,
 * run the kiosk with `deska kiosk --shell chromium` (the system's Chromium, same handler).
 */
export interface ElectronAppConfig {
  appId: string;
  productName: string;
  /** The Electron main entry (registers deska:// before ready, then starts the kiosk). */
  main: string;
  directories: { output: string; buildResources: string };
  files: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  asarUnpack: string[];
  linux: { target: string[]; category: string; executableName: string; maintainer: string };
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
  main: 'src-main/kiosk/shells/electron-main.ts',
  directories: { output: 'dist/electron', buildResources: 'build' },
  files: ['src-main/**/*', 'dist/renderer/**/*', 'package.json', '!**/*.test.ts'],
  extraResources: [{ from: 'kiosk-profiles', to: 'kiosk-profiles', filter: ['*.json', 'README.md'] }],
  // The better-sqlite3 N-API binary loads from disk, not from inside the asar archive.
  asarUnpack: ['node_modules/better-sqlite3/**/*'],
  linux: { target: ['AppImage', 'deb'], category: 'Office', executableName: 'deska-kiosk', maintainer: 'Deska <deska@example.org>' },
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
