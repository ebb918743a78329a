/**
 * What an operator sees when a command is pointed at the wrong thing: a Czech sentence that says
 * what is wrong and what to do, exit code 1, no stack trace and no English system error.
 * Real child processes of the `deska` command on real files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../helpers/tmp.ts';

const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));
const tmp = tempDir();
after(() => tmp[Symbol.dispose]());

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function plainCzechFailure(r: { code: number; err: string }, pattern: RegExp): void {
  assert.equal(r.code, 1, r.err);
  assert.match(r.err, pattern);
  assert.doesNotMatch(r.err, /\n\s+at |Error:|file is not a database|EEXIST|ENOTDIR|SqliteError/, `no stack trace or English system error:\n${r.err}`);
}

test('audit verify on a deska.sqlite that is not an SQLite database', () => {
  const data = join(tmp.path, 'not-sqlite');
  mkdirSync(data);
  writeFileSync(join(data, 'deska.sqlite'), 'Toto není databáze, ale textový soubor.\n'.repeat(200));
  plainCzechFailure(deska(['audit', 'verify', '--data', data]), /deska\.sqlite není databáze SQLite, nebo je poškozený\. Audit nelze ověřit\./);
});

test('audit verify with --data pointing at a file', () => {
  const file = join(tmp.path, 'soubor.txt');
  writeFileSync(file, 'x');
  plainCzechFailure(deska(['audit', 'verify', '--data', file]), /je soubor, ne složka dat/);
});

test('a kiosk whose data folder is a file', () => {
  const file = join(tmp.path, 'kiosk-data');
  writeFileSync(file, 'x');
  const profile = join(tmp.path, 'profile.json');
  writeFileSync(
    profile,
    JSON.stringify({
      kioskId: 'lobby',
      board: 'demo',
      feed: { url: 'http://127.0.0.1:9/feed/demo/' },
      publicKeyFile: join(tmp.path, 'board.pub'),
      dataDir: file,
      orientation: 'landscape',
      languages: ['cs'],
      idleTimeoutSeconds: 90,
      screenSchedule: null,
      accessibility: { reachMode: false, fontScale: 1, highContrast: false },
    }),
  );
  writeFileSync(join(tmp.path, 'board.pub'), `ed25519:${'A'.repeat(43)}=`);
  const r = deska(['kiosk', '--profile', profile, '--shell', 'headless']);
  plainCzechFailure(r, /Složka dat kiosku .*kiosk-data je soubor, ne složka/);
});
