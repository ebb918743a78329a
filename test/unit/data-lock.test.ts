import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { acquireDataLock, dataLockHolder, LOCK_FILE } from '../../src-main/store/lock.ts';

const lockModule = pathToFileURL(resolve(import.meta.dirname, '../../src-main/store/lock.ts')).href;

/** A pid that surely ran and is gone now. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

/** Child processes that all try to take the folder at `at` (ms epoch) and hold it for `holdMs`. */
function contender(dir: string, at: number, holdMs: number): Promise<string> {
  const code = `
    import { acquireDataLock } from ${JSON.stringify(lockModule)};
    while (Date.now() < ${at}) {}
    let out;
    try { acquireDataLock(${JSON.stringify(dir)}, Date.now()); out = 'won'; } catch (e) { out = /jiný běžící publisher/.test(e.message) ? 'held' : 'error ' + e.message; }
    process.stdout.write(out);
    setTimeout(() => {}, ${holdMs});
  `;
  return new Promise((res, rej) => {
    const p = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', rej);
    p.on('exit', () => res(out));
  });
}

test('of eight publishers starting at once over a stale lock, exactly one takes the folder', async () => {
  for (const stale of ['dead-pid', 'torn', 'none']) {
    const dir = mkdtempSync(join(tmpdir(), 'deska-lock-'));
    try {
      if (stale === 'dead-pid') writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
      if (stale === 'torn') {
        writeFileSync(join(dir, LOCK_FILE), '{"pid": 12');
        const old = new Date(Date.now() - 60_000);
        (await import('node:fs')).utimesSync(join(dir, LOCK_FILE), old, old);
      }
      const at = Date.now() + 4000;
      const results = await Promise.all(Array.from({ length: 8 }, () => contender(dir, at, 3000)));
      assert.equal(results.filter((r) => r === 'won').length, 1, `${stale}: ${results.join(', ')}`);
      assert.equal(results.filter((r) => r === 'held').length, 7, `${stale}: ${results.join(', ')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});

test('a live holder is refused with a Czech message; the same process may take its own lock again; release removes it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deska-lock-'));
  try {
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
    assert.throws(() => acquireDataLock(dir, Date.now()), /už používá jiný běžící publisher \(PID \d+/);
    assert.equal(dataLockHolder(dir)?.pid, process.ppid, 'the live holder keeps its lock');
    rmSync(join(dir, LOCK_FILE));
    const lock = acquireDataLock(dir, Date.parse('2026-11-22T08:00:00Z'));
    const again = acquireDataLock(dir, Date.parse('2026-11-22T08:00:01Z'));
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    again.release();
    lock.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
