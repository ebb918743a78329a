/**
 * Restarts in the middle of inbox imports: a real publisher process is killed with SIGKILL again
 * and again while it imports, then started once more. Every package becomes exactly one notice,
 * every package file is still there, nothing is rejected or duplicated. And the precise worst
 * moment (committed, not yet moved on) is rebuilt by hand and resumed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { inboxPath } from '../../src-main/inbox/folder.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { Store } from '../../src-main/store/store.ts';
import { filesUnder, metadata, pdf, writeFolderPackage, writeZipPackage } from '../helpers/inbox-packages.ts';
import { tempDir } from '../helpers/tmp.ts';

const CHILD = resolve(import.meta.dirname, '../helpers/inbox-child.ts');
const N = 12;

/** Children still running: killed when the file's tests end, a timed-out test's too (else the test process never exits). */
const children = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** Runs the child until it has imported `killAfter` packages (then SIGKILL, after a random few ms) or until all are done. */
function runChild(data: string, killAfter: number | null): Promise<{ imported: number; killed: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, data], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.add(child);
    let imported = 0;
    let killed = false;
    let buf = '';
    const allDone = (): boolean => readdirSync(inboxPath(data, 'demo')).every((n) => ['processing', 'processed', 'duplicates', 'rejected'].includes(n)) &&
      readdirSync(join(inboxPath(data, 'demo'), 'processing')).length === 0;
    // Once started, the inbox may finish without another log line (everything was imported in an
    // earlier run, or the last package was only moved on at start): poll, and stop the child with
    // SIGTERM when the inbox is done, so a round with nothing left to import does not hang.
    let started = false;
    const poll = setInterval(() => {
      if (started && !killed && allDone()) {
        clearInterval(poll);
        child.kill('SIGTERM');
      }
    }, 250);
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines) {
        if (l === 'started') started = true;
        if (/ imported as notice /.test(l)) imported++;
        if (killAfter !== null && imported >= killAfter && !killed) {
          killed = true;
          setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
        }
        if ((l === 'started' || / imported as notice /.test(l)) && killAfter === null && allDone()) child.kill('SIGTERM');
      }
    });
    child.on('error', fail);
    child.on('exit', () => {
      children.delete(child);
      clearInterval(poll);
      done({ imported, killed });
    });
  });
}

test('SIGKILL during imports, again and again: every package becomes exactly one notice and no file is lost', { timeout: 180_000 }, async () => {
  using dir = tempDir();
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo' });
  const box = inboxPath(dir.path, 'demo');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(box, { recursive: true });
  const bytes = await pdf('Dokument');
  for (let i = 0; i < N; i++) {
    if (i % 2 === 0) writeZipPackage(box, `p${String(i).padStart(2, '0')}`, metadata(`K-${i}`), { 'dokument.pdf': bytes });
    else writeFolderPackage(box, `p${String(i).padStart(2, '0')}`, metadata(`K-${i}`), { 'dokument.pdf': bytes });
  }
  const filesBefore = filesUnder(box).length;

  let kills = 0;
  for (let round = 0; round < N && kills < 6; round++) {
    const r = await runChild(dir.path, 1);
    if (r.killed) kills++;
    else break;
  }
  assert.ok(kills >= 3, `killed ${kills} times mid-run`);
  await runChild(dir.path, null);

  const store = Store.open(dir.path);
  try {
    const byInbox = store.db.prepare("SELECT COUNT(*) FROM notices WHERE created_by = 'inbox:ginis'").pluck().get() as number;
    assert.equal(byInbox, N, 'one notice per package');
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM inbox_items').pluck().get(), N);
    assert.equal(store.db.prepare("SELECT COUNT(DISTINCT external_key) FROM inbox_items").pluck().get(), N);
    assert.deepEqual(store.audit.verify().problems, []);
  } finally {
    store.close();
  }
  const processed = readdirSync(join(box, 'processed'));
  assert.equal(processed.filter((n) => n.endsWith('.imported.txt')).length, N);
  assert.deepEqual(readdirSync(join(box, 'rejected')), []);
  assert.deepEqual(readdirSync(join(box, 'duplicates')), []);
  assert.deepEqual(readdirSync(join(box, 'processing')), []);
  // Every file of every package is still there (plus one receipt per package).
  assert.equal(filesUnder(box).length, filesBefore + N);
});

test('a package whose import committed just before the crash is moved on at the next start, not imported again', async () => {
  using dir = tempDir();
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now: clock.now() });
  let pub = await startPublisher({ dataDir: dir.path, clock, sweep: false, inbox: { watch: false } });
  const box = inboxPath(dir.path, 'demo');
  writeFolderPackage(box, 'hotovo', metadata('C-1'), { 'dokument.pdf': await pdf('x') });
  const [first] = await pub.inbox!.scanNow();
  await pub.stop();
  // The state a crash between the commit and the rename leaves: the package still in processing/.
  renameSync(join(box, 'processed/hotovo'), join(box, 'processing/hotovo'));
  renameSync(join(box, 'processed/hotovo.ready'), join(box, 'processing/hotovo.ready'));
  pub = await startPublisher({ dataDir: dir.path, clock, sweep: false, inbox: { watch: false } });
  try {
    assert.deepEqual(pub.inbox!.outcomes.map((o) => [o.name, o.result, o.noticeId]), [['hotovo', 'imported', first!.noticeId]]);
    assert.equal(pub.ctx.store.db.prepare("SELECT COUNT(*) FROM notices WHERE created_by LIKE 'inbox:%'").pluck().get(), 1);
    assert.ok(existsSync(join(box, 'processed/hotovo/metadata.json')));
    assert.ok(existsSync(join(box, 'processed/hotovo.ready')));
    assert.deepEqual(readdirSync(join(box, 'duplicates')), []);
  } finally {
    await pub.stop();
  }
});

test('a package claimed just before the crash, its ready marker still in the inbox: at the next start it is imported and the marker follows it', async () => {
  using dir = tempDir();
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now: clock.now() });
  const box = inboxPath(dir.path, 'demo');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(box, 'processing'), { recursive: true });
  writeZipPackage(box, 'napul', metadata('C-2'), { 'dokument.pdf': await pdf('x') });
  assert.ok(existsSync(join(box, 'napul.zip.ready')));
  // The state a crash between claiming the package and moving its marker leaves.
  renameSync(join(box, 'napul.zip'), join(box, 'processing/napul.zip'));
  const pub = await startPublisher({ dataDir: dir.path, clock, sweep: false, inbox: { watch: false } });
  try {
    assert.deepEqual(pub.inbox!.outcomes.map((o) => [o.name, o.result]), [['napul.zip', 'imported']]);
    assert.ok(existsSync(join(box, 'processed/napul.zip')));
    assert.ok(existsSync(join(box, 'processed/napul.zip.ready')), 'the marker followed its package');
    assert.deepEqual(readdirSync(box).sort(), ['duplicates', 'processed', 'processing', 'rejected']);
  } finally {
    await pub.stop();
  }
});

test('markers in the inbox that name no package claimed (".ready", "..ready", a name with control characters, one whose package never came) stay where they are', async () => {
  using dir = tempDir();
  const clock = new ManualClock('2026-11-21T08:00:00.000Z');
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now: clock.now() });
  const box = inboxPath(dir.path, 'demo');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(join(box, 'processing'), { recursive: true });
  const odd = ['.ready', '..ready', 'a\u0001b\nc.zip.ready', 'nikdy.zip.ready'];
  for (const n of odd) writeFileSync(join(box, n), '');
  const pub = await startPublisher({ dataDir: dir.path, clock, sweep: false, inbox: { watch: false } });
  try {
    assert.deepEqual(pub.inbox!.outcomes, []);
    assert.deepEqual(readdirSync(box).filter((n) => n.endsWith('.ready')).sort(), [...odd].sort());
    for (const d of ['processing', 'processed', 'duplicates', 'rejected']) assert.deepEqual(readdirSync(join(box, d)), [], d);
  } finally {
    await pub.stop();
  }
});
