/**
 * Display evidence (kiosk sightings and outages) is in the hash chain: reports accepted over
 * HTTP on loopback, then the data folder copied and changed directly in SQLite, then
 * `deska audit verify` run as an operator runs it. An edited, inserted or deleted sighting or
 * outage row is reported; the untouched copy verifies.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kioskToken, startBoard, type Board } from '../e2e/harness.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const CLI = fileURLToPath(new URL('../../src-main/cli.ts', import.meta.url));
const tmp = tempDir();
let board: Board;
let data = '';
let noticeId = '';
let postAt = '';

function deska(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

async function api<T>(method: string, path: string, body?: FormData): Promise<{ status: number; body: T }> {
  const res = await fetch(`${board.publisher.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${board.init.apiToken}` }, body });
  return { status: res.status, body: (await res.json()) as T };
}

async function postReport(lastShownAt: string, outageTo: string | null): Promise<void> {
  const res = await fetch(`${board.publisher.url}/feed/${board.init.board.id}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${kioskToken(board, 'lobby')}` },
    body: JSON.stringify({
      kioskId: 'lobby',
      board: board.init.board.id,
      appliedSeq: 1,
      appliedAt: postAt,
      lastError: null,
      sightings: [{ noticeId, firstShownAt: postAt, lastShownAt, goneAt: null }],
      outages: [{ from: postAt, to: outageTo, reason: 'screen-off' }],
    }),
  });
  assert.equal(res.status, 204, await res.text());
}

before(async () => {
  board = await startBoard(tmp.path);
  data = join(tmp.path, 'data');
  try {
    await prepare();
  } finally {
    await board.publisher.stop();
  }
});

async function prepare(): Promise<void> {
  const form = new FormData();
  form.append('metadata', new Blob([JSON.stringify({ title: 'Oznámení o konání zasedání', description: 'Zasedání se koná v sále radnice.', postAt: new Date(Date.now() - 120_000).toISOString() })], { type: 'application/json' }));
  const created = await api<{ id: string }>('POST', `/boards/${board.init.board.id}/notices`, form);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const published = await api<{ id: string; postAt: string }>('POST', `/notices/${created.body.id}/publish`);
  assert.equal(published.status, 200, JSON.stringify(published.body));
  noticeId = published.body.id;
  postAt = published.body.postAt;
  // Two reports: the second widens the sighting and closes the outage (rows changed, not added).
  await postReport(postAt, null);
  await postReport(new Date().toISOString(), new Date().toISOString());
}

after(() => tmp[Symbol.dispose]());

let cases = 0;
function copy(tamper: (s: Store) => void = () => {}): string {
  const dir = join(tmp.path, `case-${++cases}`);
  cpSync(data, dir, { recursive: true });
  const store = Store.open(dir);
  try {
    store.db.exec('PRAGMA foreign_keys = OFF');
    tamper(store);
  } finally {
    store.close();
  }
  return dir;
}

function expectProblem(dir: string, pattern: RegExp): void {
  const r = deska(['audit', 'verify', '--data', dir]);
  assert.equal(r.code, 1, `exit code; stdout:\n${r.out}\nstderr:\n${r.err}`);
  assert.match(r.err, pattern);
}

test('accepted reports leave the store verifiable, with one evidence event per report and not one per sighting', () => {
  const r = deska(['audit', 'verify', '--data', copy()]);
  assert.equal(r.code, 0, r.err);
  const store = Store.open(copy());
  try {
    const evidence = store.audit.list().filter((e) => e.action === 'evidence' && e.actor === 'kiosk:lobby');
    assert.equal(evidence.length, 2);
  } finally {
    store.close();
  }
});

test('a sighting edited directly in SQLite (its first showing moved) is reported', () => {
  expectProblem(
    copy((s) => s.db.prepare("UPDATE sightings SET first_shown_at = '2020-01-01T00:00:00.000Z' WHERE channel = 'kiosk:lobby'").run()),
    /důkazy o zobrazení „kiosk:lobby“ \(zobrazení a výpadky\) změněny přímo v databázi: záznam byl změněn/,
  );
});

test('a sighting inserted directly in SQLite is reported', () => {
  expectProblem(
    copy((s) => s.db.prepare("INSERT INTO sightings VALUES (?, 'kiosk:lobby', ?, ?, NULL)").run('n-jiny', postAt, postAt)),
    /„kiosk:lobby“.*přibyl/,
  );
});

test('a sighting of a channel that never reported, inserted directly, is reported', () => {
  expectProblem(
    copy((s) => s.db.prepare("INSERT INTO sightings VALUES (?, 'kiosk:falesny', ?, ?, NULL)").run(noticeId, postAt, postAt)),
    /„kiosk:falesny“.*bez záznamu v auditním logu/,
  );
});

test('a sighting deleted directly in SQLite is reported', () => {
  expectProblem(copy((s) => s.db.prepare("DELETE FROM sightings WHERE channel = 'kiosk:lobby'").run()), /„kiosk:lobby“.*ubyl/);
});

test('an outage edited, or deleted, directly in SQLite is reported', () => {
  expectProblem(copy((s) => s.db.prepare("UPDATE outages SET to_at = NULL WHERE channel = 'kiosk:lobby'").run()), /„kiosk:lobby“.*záznam byl změněn/);
  expectProblem(copy((s) => s.db.prepare("DELETE FROM outages WHERE channel = 'kiosk:lobby'").run()), /„kiosk:lobby“.*ubyl/);
});

test('an edit whose cached digest was forged too is caught at the next report: the running digest starts from the log', () => {
  const dir = copy((s) => {
    s.db.prepare("UPDATE sightings SET first_shown_at = '2020-01-01T00:00:00.000Z' WHERE channel = 'kiosk:lobby'").run();
    s.db.prepare("UPDATE evidence_heads SET digest = '0000000000000000000000000000000000000000000000000000000000000001'").run();
    // A later accepted write through the application anchors the channel again.
    s.evidence.recordOutage({ channel: 'kiosk:lobby', from: new Date().toISOString(), to: null, reason: 'stale' }, new Date().toISOString());
  });
  expectProblem(dir, /„kiosk:lobby“.*změněny přímo v databázi/);
});
