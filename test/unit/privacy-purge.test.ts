/**
 * The purge job's rules on a real store (SQLite file and blob folder in a temp dir), with the
 * clock given to each run: a withdrawal starts the retention, a notice without personal data or a
 * draft is never purged, a retention of 0 purges at the next run after removal, and a purge cut
 * off after its event (a crash) is finished by the next run; the node-cron job runs it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Board, NoticeFields } from '../../src-main/shared/domain.ts';
import cron from 'node-cron';
import { startPurgeJob } from '../../src-main/privacy/job.ts';
import { purgeDue } from '../../src-main/privacy/purge.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { setRetentionDays } from '../../src-main/privacy/settings.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const BOARD: Board = { id: 'b', name: 'Obec', ico: '12345678', timeZone: 'Europe/Prague', publicUrl: 'https://example.test/' };
const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const DAY = 86_400_000;
const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));

/** `deska audit verify` as an operator runs it. */
function auditVerify(dataDir: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, 'audit', 'verify', '--data', dataDir], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

function fields(title: string, personalData: boolean, removeAt: number | null): NoticeFields {
  return {
    title, description: 'Text', category: '', department: '', referenceNumber: '', fileMark: '',
    postAt: new Date(T0).toISOString(), removeAt: removeAt === null ? null : new Date(removeAt).toISOString(), personalData,
  };
}

function setup(): { store: Store; dir: string; file: (text: string) => { sha256: string; name: string; size: number }; [Symbol.dispose](): void } {
  const dir = tempDir();
  const store = Store.open(dir.path, () => T0);
  store.createBoard(BOARD, T0);
  return {
    store,
    dir: dir.path,
    file: (text) => ({ ...store.blobs.put(new TextEncoder().encode(`%PDF-1.4 ${text}`), 'application/pdf', T0), name: `${text}.pdf` }),
    [Symbol.dispose]: () => {
      store.close();
      dir[Symbol.dispose]();
    },
  };
}

test('a withdrawal starts the retention; ordinary notices and drafts are never purged', () => {
  using s = setup();
  const { store } = s;
  const a = s.file('a');
  const b = s.file('b');
  const c = s.file('c');
  const withdrawn = store.notices.create(BOARD, fields('Osobní', true, null), [a], 'u', T0);
  store.notices.publish(withdrawn.id, 'u', T0);
  store.notices.withdraw(withdrawn.id, 'chyba v adrese', 'u', T0 + DAY);
  // Its text is in the search index until the purge.
  store.db.prepare("INSERT INTO attachment_texts (sha256, status, text, extracted_at) VALUES (?, 'ok', 'Karel Dvořák, Horní Lhota 12', 'x')").run(a.sha256);
  const found = (): number => store.db.prepare("SELECT COUNT(*) FROM notice_search WHERE notice_search MATCH 'dvorak'").pluck().get() as number;
  assert.equal(found(), 1);
  const ordinary = store.notices.create(BOARD, fields('Běžné', false, T0 + DAY), [b], 'u', T0);
  store.notices.publish(ordinary.id, 'u', T0);
  store.notices.create(BOARD, fields('Koncept', true, T0 + DAY), [c], 'u', T0); // never published

  // Withdrawn 3 March 10:00 CET; 30 calendar days later is 2 April 10:00 CEST (summer time began
  // on 29 March), 08:00Z: 23 hours less than 30 × 24 h after, and never a moment before that wall time.
  const due = Date.parse('2026-04-02T08:00:00.000Z');
  assert.deepEqual(purgeDue(store, due - 1), [], 'default 30 days after the withdrawal, not before');
  const done = purgeDue(store, due);
  assert.equal(done[0]?.purgeNotBefore, '2026-04-02T08:00:00.000Z');
  assert.deepEqual(done.map((r) => r.noticeId), [withdrawn.id]);
  assert.equal(done[0]!.removedAt, new Date(T0 + DAY).toISOString());
  assert.ok(!existsSync(store.blobs.path(a.sha256)));
  assert.equal(found(), 0, 'the purged text left the search index');
  assert.equal(store.db.prepare('SELECT status FROM attachment_texts WHERE sha256 = ?').pluck().get(a.sha256), 'unavailable');
  assert.deepEqual(purgeDue(store, T0 + 400 * DAY), []);
  assert.ok(existsSync(store.blobs.path(b.sha256)) && existsSync(store.blobs.path(c.sha256)));
  assert.deepEqual(verifyStore(store).problems, []);

  // The command line: exit 0 with the purge as a note; a file gone without a purge event: exit 1.
  store.close();
  const ok = auditVerify(s.dir);
  assert.equal(ok.status, 0, ok.out);
  assert.match(ok.out, /smazané soubory příloh oznámení s osobními údaji/);
  rmSync(join(s.dir, 'blobs', b.sha256.slice(0, 2), b.sha256));
  const bad = auditVerify(s.dir);
  assert.equal(bad.status, 1, bad.out);
  assert.ok(bad.out.includes(b.sha256));
});

test('retention 0 purges at the first run after removal; a purge cut off after its event is finished by the next run', () => {
  using s = setup();
  const { store } = s;
  setRetentionDays(store.db, BOARD.id, 0, T0);
  const a = s.file('a');
  const n = store.notices.create(BOARD, fields('Osobní', true, T0 + DAY), [a], 'u', T0);
  store.notices.publish(n.id, 'u', T0);
  assert.deepEqual(purgeDue(store, T0 + DAY - 1), [], 'still posted');
  const bytes = new TextEncoder().encode('%PDF-1.4 a');
  assert.equal(purgeDue(store, T0 + DAY).length, 1);
  // As if the process died between the event's commit and the deletion: the file is back.
  writeFileSync(store.blobs.path(a.sha256), bytes);
  assert.deepEqual(purgeDue(store, T0 + DAY + 60_000), [], 'no second event');
  assert.ok(!existsSync(store.blobs.path(a.sha256)), 'the file the event names is deleted');
  assert.equal(store.db.prepare("SELECT COUNT(*) FROM events WHERE action = 'attachments-purged'").pluck().get(), 1);
});

test('the node-cron job runs hourly at minute 17 in the board zone and purges by the clock it is given', async () => {
  using s = setup();
  const { store } = s;
  const a = s.file('a');
  const n = store.notices.create(BOARD, fields('Osobní', true, T0 + DAY), [a], 'u', T0);
  store.notices.publish(n.id, 'u', T0);
  const clock = new ManualClock(T0 + DAY + 31 * DAY);
  const lines: string[] = [];
  const job = startPurgeJob({ store, clock, timeZone: BOARD.timeZone, onLog: (l) => lines.push(l) });
  try {
    const task = [...cron.getTasks().values()].find((t) => t.name === 'privacy-purge');
    assert.ok(task, 'registered with node-cron under its name');
    assert.ok(task.match(new Date('2026-11-22T09:17:00.000Z')) && !task.match(new Date('2026-11-22T09:18:00.000Z')));
    // Run now instead of waiting for minute 17 of the real clock; the job reads the manual clock.
    await task.execute();
    assert.equal(store.db.prepare("SELECT actor FROM events WHERE action = 'attachments-purged'").pluck().get(), 'system:privacy-purge');
    assert.ok(!existsSync(store.blobs.path(a.sha256)));
    assert.match(lines.join('\n'), /purged/);
  } finally {
    job.stop();
  }
  assert.ok(![...cron.getTasks().values()].some((t) => t.name === 'privacy-purge'), 'stopped');
});
