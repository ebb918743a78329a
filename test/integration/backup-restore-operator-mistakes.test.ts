/**
 * `deska backup` / `deska restore` / `deska serve` as a tired operator uses them: --data pointing
 * at a file or at a folder that is not Deska's, a backup whose manifest was edited to leave out the
 * signing key, two restores within the same second, and the state a kill -9 leaves behind (a
 * half-made backup, a restore killed between moving DATA aside and putting the copy in place).
 * Every refusal is Czech, without a stack trace, and leaves the folders as they were.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createBackup, listBackups } from '../../src-main/backup/backup.ts';
import { restoreBackup } from '../../src-main/backup/restore.ts';
import { tempDir } from '../helpers/tmp.ts';

const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A pid that certainly no longer runs: a child that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function staleLock(dir: string): void {
  writeFileSync(join(dir, 'publisher.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: new Date().toISOString() }) + '\n');
}

function initData(dir: string): string {
  const data = join(dir, 'data');
  const r = deska(['init', '--data', data, '--demo']);
  assert.equal(r.code, 0, r.err);
  return data;
}

function noStack(s: string): void {
  assert.doesNotMatch(s, /\n\s+at |Error:|ENOENT|EISDIR/, 'no stack trace or error code');
}

test('restore with --data pointing at a file or at a folder that is not Deska data refuses and moves nothing', async () => {
  using dir = tempDir();
  const data = initData(dir.path);
  const b = await createBackup(data, { root: join(dir.path, 'zalohy'), now: Date.now() });

  // A typo: the database file itself instead of its folder.
  const db = join(data, 'deska.sqlite');
  const before = readFileSync(db);
  const r1 = deska(['restore', '--data', db, '--from', b.dir]);
  assert.equal(r1.code, 1);
  assert.match(r1.err, /je soubor, ne složka dat Deska/);
  noStack(r1.err);
  assert.deepEqual(readFileSync(db), before, 'the database file stays where it was');
  assert.deepEqual(readdirSync(data).filter((n) => n.startsWith('deska.sqlite.') || n.startsWith('.deska.sqlite')), []);

  // A folder with someone else's files.
  const other = join(dir.path, 'dokumenty');
  mkdirSync(other);
  writeFileSync(join(other, 'smlouva.txt'), 'cizí soubor');
  const r2 = deska(['restore', '--data', other, '--from', b.dir]);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /není složka dat Deska/);
  assert.deepEqual(readdirSync(other), ['smlouva.txt']);
  assert.deepEqual(
    readdirSync(dir.path).filter((n) => n.startsWith('dokumenty') || n.startsWith('.dokumenty')),
    ['dokumenty'],
    'nothing moved aside, no staging folder left',
  );
  assert.equal(deska(['audit', 'verify', '--data', data]).code, 0);
});

test('a backup whose manifest was edited to leave out the signing key is refused; a data folder without the key says so in Czech', async () => {
  using dir = tempDir();
  const data = initData(dir.path);
  const b = await createBackup(data, { root: join(dir.path, 'zalohy'), now: Date.now() });
  const manifestFile = join(b.dir, 'manifest.json');
  const m = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { path: string }[] };
  m.files = m.files.filter((f) => !f.path.startsWith('keys/'));
  writeFileSync(manifestFile, JSON.stringify(m));

  const v = deska(['backup', 'verify', '--data', data, '--from', b.dir]);
  assert.equal(v.code, 1);
  assert.match(v.err, /neobsahuje podpisový klíč desky keys\/board\.key/);
  const target = join(dir.path, 'obnova');
  const r = deska(['restore', '--data', target, '--from', b.dir]);
  assert.equal(r.code, 1);
  assert.match(r.err, /neprošla kontrolou/);
  assert.equal(existsSync(target), false, 'nothing restored without the key');

  // A manifest entry that names a folder instead of a file is a problem, not a crash.
  m.files.push({ path: 'blobs', sha256: '0'.repeat(64), size: 1 } as { path: string });
  writeFileSync(manifestFile, JSON.stringify(m));
  const v2 = deska(['backup', 'verify', '--data', data, '--from', b.dir]);
  assert.equal(v2.code, 1);
  assert.match(v2.err, /soubor blobs nesouhlasí s manifestem/);
  noStack(v2.err);

  // Entries that are not objects at all: problems, not a TypeError.
  writeFileSync(manifestFile, JSON.stringify({ ...m, files: [null, { path: 5 }] }));
  const v3 = deska(['backup', 'verify', '--data', data, '--from', b.dir]);
  assert.equal(v3.code, 1);
  assert.match(v3.err, /manifest uvádí neplatnou cestu/);
  assert.doesNotMatch(v3.err, /Cannot read|TypeError/);

  // A data folder whose key went missing: the publisher refuses to start, in Czech.
  renameSync(join(data, 'keys', 'board.key'), join(dir.path, 'board.key.bak'));
  const s = deska(['serve', '--data', data, '--port', '0']);
  assert.equal(s.code, 1);
  assert.match(s.err, /chybí podpisový klíč desky/);
  noStack(s.err);
});

test('two restores within the same second each keep the folder they replace', async () => {
  using dir = tempDir();
  const data = initData(dir.path);
  const b = await createBackup(data, { root: join(dir.path, 'zalohy'), now: Date.now() });
  const now = Date.now();
  const r1 = await restoreBackup(data, b.dir, { now });
  const r2 = await restoreBackup(data, b.dir, { now });
  assert.ok(r1.movedAside && r2.movedAside);
  assert.notEqual(r1.movedAside, r2.movedAside);
  assert.ok(existsSync(join(r1.movedAside, 'deska.sqlite')) && existsSync(join(r2.movedAside, 'deska.sqlite')));
  assert.deepEqual(readdirSync(dir.path).filter((n) => n.includes('.restoring-')), [], 'no staging folder left');
  assert.equal(deska(['audit', 'verify', '--data', data]).code, 0);
});

test('after a kill -9: a half-made backup is swept, and a restore cut between its two renames is named by serve and finished by restore', async () => {
  using dir = tempDir();
  const data = initData(dir.path);
  const root = join(dir.path, 'zalohy');
  const good = await createBackup(data, { root, now: Date.now() - 60_000 });

  // What a backup killed midway leaves: a .partial folder whose process is gone.
  const partial = join(root, '.deska-2026-01-01T00-00-00Z.partial');
  mkdirSync(partial);
  writeFileSync(join(partial, 'deska.sqlite'), 'nedokončená kopie');
  staleLock(partial);
  const b = deska(['backup', '--data', data, '--to', root]);
  assert.equal(b.code, 0, b.err);
  assert.deepEqual(readdirSync(root).filter((n) => n.endsWith('.partial')), [], 'the dead backup leftover is removed');
  assert.equal(listBackups(root).length, 2);

  // What a restore killed after moving DATA aside leaves: no DATA, the old one aside, the copy staged.
  const aside = `${data}.before-restore-2026-01-01T00-00-00Z`;
  renameSync(data, aside);
  const staging = join(dir.path, '.data.restoring-2026-01-01T00-00-00Z');
  mkdirSync(staging);
  writeFileSync(join(staging, 'deska.sqlite'), 'kopie');
  staleLock(staging);
  const s = deska(['serve', '--data', data, '--port', '0']);
  assert.equal(s.code, 1);
  assert.match(s.err, /obnova tedy nejspíš nedoběhla/);
  assert.ok(s.err.includes(aside), 'names the folder moved aside');
  noStack(s.err);

  const r = deska(['restore', '--data', data, '--from', good.dir]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(readdirSync(dir.path).filter((n) => n.includes('.restoring-')), [], 'the dead staging folder is removed');
  assert.ok(existsSync(join(aside, 'deska.sqlite')), 'the data moved aside is kept');
  assert.equal(deska(['audit', 'verify', '--data', data]).code, 0);
});
