/**
 * kill -9 of a kiosk process in the middle of a sync: the real CLI (`deska kiosk --shell
 * headless`) as a child process, a real feed on loopback that sends half of a large attachment
 * and then stalls, SIGKILL, restart. The replica must hold the last good snapshot whole (never
 * a mix), and the restarted kiosk must finish the sync.
 */
import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { KioskState } from '../../src-main/shared/kiosk-api.ts';
import { generateBoardKeys, makePdf, makeSnapshot, sha256, startFeedServer, waitFor, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const CLI = resolve(import.meta.dirname, '../../src-main/cli.ts');

function startCli(profile: string): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, 'kiosk', '--profile', profile, '--shell', 'headless', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`kiosk did not start:\n${out}`)), 20_000);
    const check = (): void => {
      const m = /Deska kiosk \(headless\) on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ child, url: m[1]!, output: () => out });
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => rej(new Error(`kiosk exited (${code}):\n${out}`)));
  });
}

async function state(url: string): Promise<KioskState> {
  return (await (await fetch(new URL('../api/state', url))).json()) as KioskState;
}

test('kill -9 during a sync: the replica keeps the last good snapshot whole, and the restarted kiosk finishes the sync', { timeout: 90_000 }, async () => {
  using dir = tempDir();
  const keys = generateBoardKeys();
  const small = await makePdf('Veřejná vyhláška', 1);
  // A large attachment (8 MB): the feed sends half of it and then stalls until released.
  const large = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(8 * 1024 * 1024)]);
  const good = makeSnapshot(keys, 1, [
    { id: 'old-1', postAt: '2026-01-01T08:00:00.000Z', pdf: small },
    { id: 'old-2', postAt: '2026-01-01T08:00:00.000Z' },
  ]);
  const feed = await startFeedServer(keys, good);
  const data = join(dir.path, 'data');
  const profile = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, dataDir: 'data', pollSeconds: 3600 });
  let k = await startCli(profile);
  try {
    await waitFor(async () => (await state(k.url)).lastSync?.seq === 1, 'snapshot 1 in the child kiosk');
    await waitFor(() => feed.connections() > 0, 'push channel of the child');

    const stall = feed.stall(sha256(large));
    feed.publish(
      makeSnapshot(keys, 2, [
        { id: 'new-1', postAt: '2026-01-01T08:00:00.000Z', pdf: new Uint8Array(large) },
        { id: 'old-2', postAt: '2026-01-01T08:00:00.000Z' },
      ]),
    );
    feed.ping();
    await stall.started; // half of the large file is on its way to the kiosk
    const exited = new Promise((r) => k.child.once('exit', r));
    k.child.kill('SIGKILL');
    await exited;

    // What the dead kiosk left on disk: snapshot 1, whole.
    const db = new Database(join(data, 'kiosk.sqlite'), { readonly: true });
    try {
      assert.equal((db.prepare('SELECT seq FROM applied_manifest').get() as { seq: number }).seq, 1);
      assert.deepEqual((db.prepare('SELECT id FROM notices ORDER BY position').all() as { id: string }[]).map((r) => r.id), ['old-1', 'old-2']);
      assert.deepEqual((db.prepare('SELECT sha256 FROM files').all() as { sha256: string }[]).map((r) => r.sha256), [sha256(small)]);
    } finally {
      db.close();
    }
    stall.release();

    k = await startCli(profile);
    // Up at once with the last good state (it may already have the new one: never a mix).
    const first = await state(k.url);
    assert.ok(
      JSON.stringify(first.notices.map((n) => n.id)) === '["old-1","old-2"]' || JSON.stringify(first.notices.map((n) => n.id)) === '["new-1","old-2"]',
      `a broken mix on screen: ${first.notices.map((n) => n.id).join(', ')}`,
    );
    await waitFor(async () => (await state(k.url)).lastSync?.seq === 2, 'the restarted kiosk finishes the sync', 30_000);
    const after = await state(k.url);
    assert.deepEqual(after.notices.map((n) => n.id), ['new-1', 'old-2']);
    assert.deepEqual(after.notices[0]!.attachments.map((a) => a.available), [true]);
    const served = Buffer.from(await (await fetch(new URL(`../api/files/${sha256(large)}`, k.url))).arrayBuffer());
    assert.equal(sha256(served), sha256(large));
    assert.deepEqual(readdirSync(join(data, 'files')).filter((f) => f.endsWith('.tmp')), [], 'no partial download left behind');
  } finally {
    k.child.kill('SIGTERM');
    await feed.close();
  }
});
