/**
 * Electron packaging without Electron: the electron-builder configuration (electron.config.ts)
 * written as JSON for --config, with its entry present and its fuses, and the reading of
 * Electronegativity's report (scripts/electronegativity.ts; the check itself is
 * `npm run electronegativity`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import electronConfig from '../../electron.config.ts';
import { isHigh, parseReport } from '../../scripts/electronegativity.ts';
import { tempDir } from '../helpers/tmp.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('electron.config.ts writes electron-builder JSON: AppImage and deb, the main entry, the fuses', () => {
  using dir = tempDir();
  const out = join(dir.path, 'electron-builder.json');
  const run = spawnSync(process.execPath, [join(ROOT, 'electron.config.ts'), out], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const json = JSON.parse(readFileSync(out, 'utf8')) as typeof electronConfig;
  assert.deepEqual(json, JSON.parse(JSON.stringify(electronConfig)));
  assert.deepEqual(json.linux.target, ['AppImage', 'deb']);
  assert.ok(existsSync(join(ROOT, json.extraMetadata.main)), 'the packaged main entry exists');
  assert.equal('main' in json, false, 'electron-builder has no top-level "main" (it is extraMetadata.main)');
  assert.deepEqual(Object.keys(json.electronFuses).sort(), [
    'enableCookieEncryption',
    'enableEmbeddedAsarIntegrityValidation',
    'enableNodeCliInspectArguments',
    'enableNodeOptionsEnvironmentVariable',
    'grantFileProtocolExtraPrivileges',
    'loadBrowserProcessSpecificV8Snapshot',
    'onlyLoadAppFromAsar',
    'runAsNode',
  ]);
  assert.ok(json.deb.depends.includes('espeak-ng'));
});

// Electronegativity 1.10.3's CSV, as it reports a shell with context isolation off.
const REPORT = `issue, severity, confidence, filename, location, sample, description, url
CSP_GLOBAL_CHECK,"MEDIUM","CERTAIN","N/A","0:0",N/A,"No CSP has been detected in the target application",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK
CONTEXT_ISOLATION_JS_CHECK,"HIGH","FIRM","electron.ts","66:8","contextIsolation: false,","Review the use of the contextIsolation option",https://github.com/doyensec/electronegativity/wiki/CONTEXT_ISOLATION_JS_CHECK
`;

test('an Electronegativity report is read finding by finding; high and critical ones fail the check', () => {
  const findings = parseReport(REPORT);
  assert.deepEqual(
    findings.map((f) => [f.issue, f.severity, f.file, f.location]),
    [
      ['CSP_GLOBAL_CHECK', 'MEDIUM', 'N/A', '0:0'],
      ['CONTEXT_ISOLATION_JS_CHECK', 'HIGH', 'electron.ts', '66:8'],
    ],
  );
  assert.deepEqual(findings.filter(isHigh).map((f) => f.issue), ['CONTEXT_ISOLATION_JS_CHECK']);
  assert.deepEqual(parseReport(REPORT.split('\n')[0]!), []);
});
