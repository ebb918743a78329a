/**
 * Electron's main entry for the kiosk: `electron src-main/kiosk/shells/electron-main.ts
 * --profile FILE [--data DIR]`. Registers the scheme before ready, then runs the kiosk.
 */
import { parseArgs } from 'node:util';
import { startKiosk } from '../run.ts';
import { registerKioskScheme } from './electron.ts';

const { values } = parseArgs({ options: { profile: { type: 'string' }, data: { type: 'string' } }, allowPositionals: true });
if (!values.profile) throw new Error('usage: electron-main.ts --profile FILE [--data DIR]');
await registerKioskScheme();
await startKiosk({ profilePath: values.profile, shell: 'electron', dataDir: values.data, onLog: (l) => console.log(l) });
