/**
 * Backups as an operator uses them: `deska backup` while the publisher runs, `deska restore`
 * with it stopped, `deska audit verify` on the result, and a real kiosk that accepts the
 * restored publisher within one sync. Also the nightly node-cron job, retention, hard-linked
 * attachments, a tampered backup and a restore attempted while the publisher still runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createBackup, listBackups, pruneBackups } from '../../src-main/backup/backup.ts';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { startPublisher } from '../../src-main/publisher/server.ts';
import type { KioskState } from '../../src-main/shared/kiosk-api.ts';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { waitFor } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';
import { apiJson, startBoard, writeProfile, type Board } from '../e2e/harness.ts';

const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

async function createPublished(board: Board, title: string): Promise<string> {
  const form = new FormData();
  form.set(
    'metadata',
    JSON.stringify({
      title,
      description: 'Oznámení pro ověření zálohy a obnovy.',
      category: 'Veřejná vyhláška',
      department: 'Stavební úřad',
      referenceNumber: 'SÚ/7/2026',
      fileMark: '',
      postAt: new Date(Date.now() + 500).toISOString(),
      removeAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    }),
  );
  form.append('files', new Blob([Buffer.from(await makeDocumentPdf(title, [`${title}: žluťoučký kůň úpěl ďábelské ódy.`]))], { type: 'application/pdf' }), 'dokument.pdf');
  const created = await apiJson<{ id: string }>(board, `/boards/${board.init.board.id}/notices`, { method: 'POST', body: form });
  await apiJson(board, `/notices/${created.id}/publish`, { method: 'POST' });
  return created.id;
}

function inode(p: string): number {
  return statSync(p).ino;
}

test('backup while running, restore while stopped: the log verifies and the kiosk accepts the restored publisher in one sync', async () => {
  using dir = tempDir();
  const data = join(dir.path, 'data');
  const root = join(dir.path, 'zalohy');
  const board = await startBoard(dir.path);
  const logs: string[] = [];
  const kiosk = await startKiosk({ profilePath: writeProfile(board, 'lobby'), shell: 'headless', port: 0, onLog: (l) => logs.push(l) });
  let publisher = board.publisher;
  try {
    const kept = await createPublished(board, 'Veřejná vyhláška před zálohou');
    const state = async (): Promise<KioskState> => (await (await fetch(new URL('../api/state', kiosk.url))).json()) as KioskState;
    await waitFor(async () => (await kiosk.syncNow(), (await state()).notices.some((n) => n.id === kept)), 'the first notice on the kiosk', 20_000);

    const b1 = deska(['backup', '--data', data, '--to', root]);
    assert.equal(b1.code, 0, b1.err);
    assert.match(b1.out, /záloha hotova/);
    const [backup] = listBackups(root);
    assert.ok(backup, 'a complete backup is listed');

    const lost = await createPublished(board, 'Oznámení po záloze');
    await waitFor(async () => (await kiosk.syncNow(), (await state()).notices.some((n) => n.id === lost)), 'the second notice on the kiosk', 20_000);
    const seqBefore = kiosk.replica!.applied()!.seq;

    // Refused while the publisher runs; DATA untouched.
    const refused = deska(['restore', '--data', data, '--from', backup.dir]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /právě používá běžící publisher/);
    assert.ok(!readdirSync(dir.path).some((n) => n.includes('before-restore')));

    const url = new URL(publisher.url);
    await publisher.stop();
    const r = deska(['restore', '--data', data, '--from', backup.dir]);
    assert.equal(r.code, 0, r.err);
    const aside = readdirSync(dir.path).find((n) => n.startsWith('data.before-restore-'));
    assert.ok(aside, 'the replaced data folder is kept aside');
    assert.ok(existsSync(join(dir.path, aside, 'deska.sqlite')));

    const v = deska(['audit', 'verify', '--data', data]);
    assert.equal(v.code, 0, v.out + v.err);

    publisher = await startPublisher({ dataDir: data, port: Number(url.port), host: url.hostname, nightlyBackup: false });
    const actions = publisher.ctx.store.audit.list().map((e) => e.action);
    assert.ok(actions.includes('restored'), 'the restore is in the audit log');
    await waitFor(async () => (await kiosk.syncNow()) === 'applied' || kiosk.replica!.applied()!.seq < seqBefore, 'the kiosk applies the restored snapshot', 20_000);
    assert.ok(kiosk.replica!.applied()!.seq < seqBefore, 'the sequence number went back');
    const ids = (await state()).notices.map((n) => n.id);
    assert.ok(ids.includes(kept), 'the notice from before the backup is shown');
    assert.ok(!ids.includes(lost), 'the notice made after the backup is not in the restored board');
    assert.match(logs.join('\n'), /publisher restored from a backup/);
  } finally {
    await kiosk.stop();
    await publisher.stop().catch(() => undefined);
  }
});

test('a backup whose file was changed is refused, and the data folder stays as it was', async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path);
  const data = join(dir.path, 'data');
  try {
    await createPublished(board, 'Záměr prodeje pozemku');
  } finally {
    await board.publisher.stop();
  }
  const b = await createBackup(data, { root: join(dir.path, 'zalohy'), now: Date.now() });
  const blob = b.manifest.files.find((f) => f.path.startsWith('blobs/'))!;
  writeFileSync(join(b.dir, ...blob.path.split('/')), 'podvržený obsah');
  const v = deska(['backup', 'verify', '--data', data, '--from', b.dir]);
  assert.equal(v.code, 1);
  assert.match(v.err, new RegExp(`soubor ${blob.path} nesouhlasí`));
  const r = deska(['restore', '--data', data, '--from', b.dir]);
  assert.equal(r.code, 1);
  assert.match(r.err, /neprošla kontrolou/);
  assert.deepEqual(
    readdirSync(dir.path).filter((n) => n.startsWith('data')),
    ['data'],
    'nothing moved aside, no staging folder left',
  );
  assert.equal(deska(['audit', 'verify', '--data', data]).code, 0);
});

test('the nightly job backs up on its cron, records it in the audit log, and attachments are hard-linked between backups', async () => {
  using dir = tempDir();
  const data = join(dir.path, 'data');
  const root = join(dir.path, 'noc');
  const board = await startBoard(dir.path);
  await createPublished(board, 'Pozvánka na zasedání zastupitelstva');
  await board.publisher.stop();
  // Every second instead of 02:30, so the real node-cron job fires within the test.
  writeFileSync(join(data, 'backup.json'), JSON.stringify({ dir: root, keepDays: 3, cron: '* * * * * *' }));
  const p = await startPublisher({ dataDir: data, port: 0 });
  try {
    await waitFor(() => listBackups(root).length >= 2, 'two nightly backups', 20_000);
    const events = p.ctx.store.audit.list().filter((e) => e.action === 'backup-created');
    assert.ok(events.length >= 1);
    assert.equal(events[0]!.actor, 'system:backup');
    const [newer, older] = listBackups(root);
    const blob = readdirSync(join(older!.dir, 'blobs'), { recursive: true, withFileTypes: true }).find((e) => e.isFile())!;
    const rel = join(blob.parentPath, blob.name).slice(older!.dir.length);
    assert.equal(inode(join(newer!.dir, rel)), inode(join(older!.dir, rel)), 'the unchanged attachment is one file on disk');
  } finally {
    await p.stop();
  }
});

test('retention keeps the newest backup and those younger than keepDays; a crashed backup is never listed', async () => {
  using dir = tempDir();
  const data = join(dir.path, 'data');
  const root = join(dir.path, 'zalohy');
  const board = await startBoard(dir.path);
  await board.publisher.stop();
  const day = 86_400_000;
  const now = Date.parse('2026-11-22T02:30:00.000Z');
  for (const ago of [20, 10, 2, 1]) await createBackup(data, { root, now: now - ago * day });
  mkdirSync(join(root, '.deska-2026-11-22T02-30-00Z.partial')); // what kill -9 in the middle leaves
  const removed = pruneBackups(root, 3, now);
  assert.equal(removed.length, 2);
  assert.deepEqual(
    listBackups(root).map((b) => b.createdAt),
    [new Date(now - day).toISOString(), new Date(now - 2 * day).toISOString()],
  );
  // Everything older than keepDays: the newest is still kept.
  assert.equal(pruneBackups(root, 1, now + 30 * day).length, 1);
  assert.equal(listBackups(root).length, 1);
});

test('a backup that cannot be written fails with a reason in the audit log and leaves nothing half-made', async () => {
  using dir = tempDir();
  const data = join(dir.path, 'data');
  const board = await startBoard(dir.path);
  await board.publisher.stop();
  const blocked = join(dir.path, 'soubor-misto-slozky');
  writeFileSync(blocked, 'x');
  writeFileSync(join(data, 'backup.json'), JSON.stringify({ dir: blocked }));
  const p = await startPublisher({ dataDir: data, port: 0 });
  try {
    assert.equal(await p.backup!.runNow(), null);
    const failed = p.ctx.store.audit.list().filter((e) => e.action === 'backup-failed');
    assert.equal(failed.length, 1);
    assert.match(String(failed[0]!.detail.reason), /v cestě ke složce záloh je soubor, ne složka/);
    assert.equal(p.backup!.last()?.ok, false);
  } finally {
    await p.stop();
  }
  const bad = deska(['backup', '--data', data]);
  assert.equal(bad.code, 1);
  assert.doesNotMatch(bad.err, /\n\s+at /, 'no stack trace');
});
