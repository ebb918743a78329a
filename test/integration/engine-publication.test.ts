import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { PublicationEngine } from '../../src-main/publication/engine.ts';
import { generateBoardKeys, verifyBytes, type BoardKeys } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { Board, Notice, NoticeFields } from '../../src-main/shared/domain.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { fromWallTime } from '../../src-main/shared/zone.ts';
import type { StoredSnapshot } from '../../src-main/store/snapshots.ts';
import { Store } from '../../src-main/store/store.ts';
import { tempDir } from '../helpers/tmp.ts';

const ZONE = 'Europe/Prague';
const BOARD: Board = { id: 'lhota', name: 'Obecní úřad Lhota', ico: '00012345', timeZone: ZONE, publicUrl: 'https://lhota.example/deska/' };
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-03-28T12:00:00.000Z');
/** 02:30 on the spring-forward night: no such wall time, so 03:30 CEST = 01:30Z. */
const SPRING = fromWallTime({ date: '2026-03-29', time: '02:30' }, ZONE);
/** 02:30 on the autumn night: the later occurrence, 02:30 CET = 01:30Z. */
const AUTUMN = fromWallTime({ date: '2026-10-25', time: '02:30' }, ZONE);
const iso = (ms: number): string => new Date(ms).toISOString();

interface Harness {
  store: Store;
  clock: ManualClock;
  engine: PublicationEngine;
  keys: BoardKeys;
  snapshots: StoredSnapshot[];
  mirror: string;
  feed: string;
  logs: string[];
  pdf: { sha256: string; size: number; name: string };
  [Symbol.asyncDispose](): Promise<void>;
}

async function harness(dir: string, start = T0): Promise<Harness> {
  const store = Store.open(join(dir, 'data'), () => start);
  store.createBoard(BOARD, start);
  const pdf = { ...store.blobs.put(await makeDocumentPdf('Veřejná vyhláška', ['Text vyhlášky.']), 'application/pdf', start), name: 'vyhlaska.pdf' };
  const clock = new ManualClock(start);
  const keys = generateBoardKeys();
  const mirror = join(dir, 'mirror');
  const feed = join(dir, 'feed');
  const logs: string[] = [];
  const engine = new PublicationEngine({
    store,
    clock,
    privateKeyPem: keys.privatePem,
    mirrorDir: () => mirror,
    feedFolder: () => feed,
    sweep: false,
    onLog: (l) => logs.push(l),
  });
  const snapshots: StoredSnapshot[] = [];
  engine.onSnapshot((_b, s) => snapshots.push(s));
  return {
    store, clock, engine, keys, snapshots, mirror, feed, logs, pdf,
    async [Symbol.asyncDispose]() {
      await engine.stop();
      store.close();
    },
  };
}

function fields(title: string, postAt: number, removeAt: number | null): NoticeFields {
  return {
    title, description: 'Popis.', category: 'Veřejná vyhláška', department: 'Stavební úřad',
    referenceNumber: '', fileMark: '', postAt: iso(postAt), removeAt: removeAt === null ? null : iso(removeAt),
  };
}

function publishNotice(h: Harness, title: string, postAt: number, removeAt: number | null): Notice {
  const n = h.store.notices.create(BOARD, fields(title, postAt, removeAt), [h.pdf], 'jana', h.clock.now());
  return h.store.notices.publish(n.id, 'jana', h.clock.now());
}

const manifestOf = (s: StoredSnapshot): FeedManifest => JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
const idsIn = (s: StoredSnapshot): string[] => manifestOf(s).notices.map((n) => n.id);

/** Every file of the published mirror, with its text. */
async function mirrorText(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const file = join(e.parentPath, e.name);
    parts.push(`== ${relative(dir, file)}\n${e.name.endsWith('.pdf') ? '' : await readFile(file, 'utf8')}`);
  }
  return parts.join('\n');
}

/** Waits for the engine's asynchronous work after a timer fired; counts turns, not time. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await sleep(1);
  }
  assert.fail(`never happened: ${what}`);
}

/** Moves the clock and waits until the timer's tick has produced `snapshots` snapshots and re-armed. */
async function moveTo(h: Harness, to: number, snapshots: number): Promise<void> {
  h.clock.set(to);
  await until(() => h.snapshots.length >= snapshots, `${snapshots} snapshots at ${iso(to)}`);
  await h.engine.idle();
  await until(() => h.engine.nextDue === null || h.engine.nextDue > h.clock.now(), 're-armed');
}

function events(h: Harness, noticeId: string, action: 'posted' | 'removed') {
  return h.store.audit.list(noticeId).filter((e) => e.action === action);
}

test('spring gap posting at 01:30Z exactly, autumn removal at the later 02:30, signed snapshots, mirror evidence', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  await h.engine.start();
  await h.engine.idle();
  assert.equal(h.snapshots.length, 1);
  const n = publishNotice(h, 'Budoucí vyhláška o uzavírce', SPRING, AUTUMN);
  await h.engine.changed(BOARD.id);
  assert.equal(h.snapshots.length, 2);
  assert.equal(h.engine.nextDue, SPRING);
  assert.equal(SPRING, Date.parse('2026-03-29T01:30:00.000Z'));

  // Scheduled: in the feed (within the horizon) for kiosks, nowhere in the public mirror.
  assert.deepEqual(idsIn(h.snapshots[1]!), [n.id]);
  const feedManifest = await readFile(join(h.feed, 'manifest.json'));
  assert.deepEqual(feedManifest, h.snapshots[1]!.manifest);
  assert.equal(verifyBytes(feedManifest, await readFile(join(h.feed, 'manifest.json.sig'), 'utf8'), h.keys.publicKey), true);
  assert.deepEqual(await readFile(join(h.feed, 'files', h.pdf.sha256)), await readFile(h.store.blobs.path(h.pdf.sha256)));
  let site = await mirrorText(h.mirror);
  assert.match(site, /== index\.html/);
  assert.doesNotMatch(site, new RegExp(`${n.id}|Budoucí vyhláška|${h.pdf.sha256}`));
  assert.deepEqual(h.store.evidence.forNotice(n.id), []);

  // One millisecond before: nothing.
  h.clock.set(SPRING - 1);
  for (let i = 0; i < 20; i++) await sleep(1);
  assert.equal(h.snapshots.length, 2);
  assert.deepEqual(events(h, n.id, 'posted'), []);

  await moveTo(h, SPRING, 3);
  const [posted, ...again] = events(h, n.id, 'posted');
  assert.deepEqual(again, []);
  assert.equal(posted!.at, '2026-03-29T01:30:00.000Z');
  assert.equal(posted!.actor, 'system:schedule');
  assert.deepEqual(posted!.detail, { scheduledAt: '2026-03-29T01:30:00.000Z', cause: 'timer', stage: 'due' });
  site = await mirrorText(h.mirror);
  assert.match(site, new RegExp(`== oznameni/${n.id}/index\\.html`));
  assert.match(site, /Budoucí vyhláška o uzavírce/);
  assert.deepEqual(h.store.evidence.forNotice(n.id).map((s) => [s.channel, s.firstShownAt, s.goneAt]), [[`mirror:${h.mirror}`, '2026-03-29T01:30:00.000Z', null]]);
  assert.equal(h.engine.nextDue, AUTUMN, 'next: the removal');

  // The first 02:30 of the autumn night (CEST, 00:30Z) is not the removal instant.
  h.clock.set(AUTUMN - HOUR);
  for (let i = 0; i < 20; i++) await sleep(1);
  assert.deepEqual(events(h, n.id, 'removed'), []);
  h.clock.set(AUTUMN - 1);
  for (let i = 0; i < 20; i++) await sleep(1);
  assert.deepEqual(events(h, n.id, 'removed'), []);
  assert.equal(h.snapshots.length, 3);

  await moveTo(h, AUTUMN, 4);
  const [removed, ...twice] = events(h, n.id, 'removed');
  assert.deepEqual(twice, []);
  assert.equal(removed!.at, '2026-10-25T01:30:00.000Z');
  assert.deepEqual(removed!.detail, { scheduledAt: '2026-10-25T01:30:00.000Z', cause: 'timer', stage: 'due' });
  assert.deepEqual(idsIn(h.snapshots[3]!), []);
  assert.doesNotMatch(await mirrorText(h.mirror), new RegExp(`${n.id}|Budoucí vyhláška`));
  const [sighting] = h.store.evidence.forNotice(n.id);
  assert.equal(sighting!.firstShownAt, '2026-03-29T01:30:00.000Z');
  assert.equal(sighting!.goneAt, '2026-10-25T01:30:00.000Z');

  // One snapshot per change and per instant, numbered 1.., each signed over its exact bytes.
  assert.deepEqual(h.snapshots.map((s) => [s.seq, s.createdAt]), [
    [1, iso(T0)],
    [2, iso(T0)],
    [3, '2026-03-29T01:30:00.000Z'],
    [4, '2026-10-25T01:30:00.000Z'],
  ]);
  for (const s of h.snapshots) {
    assert.equal(manifestOf(s).snapshot.seq, s.seq);
    assert.equal(verifyBytes(s.manifest, s.signature, h.keys.publicKey), true, `snapshot ${s.seq}`);
    const forged = Buffer.from(s.manifest);
    forged[forged.length - 2]! ^= 1;
    assert.equal(verifyBytes(forged, s.signature, h.keys.publicKey), false);
  }
  assert.deepEqual(h.store.audit.verify().problems, []);
  assert.deepEqual(h.logs, []);
});

test('a notice beyond the horizon enters the feed when its posting comes within it, still not on the mirror', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  await h.engine.start();
  await h.engine.idle();
  const far = publishNotice(h, 'Vzdálené oznámení', T0 + 30 * DAY, null);
  await h.engine.changed(BOARD.id);
  assert.deepEqual(idsIn(h.snapshots.at(-1)!), []);
  const entry = T0 + 30 * DAY - 7 * DAY + 1;
  assert.equal(h.engine.nextDue, entry);
  await moveTo(h, entry, 3);
  assert.deepEqual(idsIn(h.snapshots.at(-1)!), [far.id]);
  assert.doesNotMatch(await mirrorText(h.mirror), /Vzdálené oznámení/);
  assert.deepEqual(events(h, far.id, 'posted'), []);
  assert.equal(h.engine.nextDue, T0 + 30 * DAY);
});

test('after a long sleep the sweep logs every missed posting and removal exactly once, with its scheduled instant', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  await h.engine.start();
  await h.engine.idle();
  const list = [
    publishNotice(h, 'První', T0 + 1 * DAY, T0 + 2 * DAY),
    publishNotice(h, 'Druhé', T0 + 1 * DAY + HOUR, T0 + 3 * DAY),
    publishNotice(h, 'Třetí', T0 + 2 * DAY + HOUR, T0 + 40 * DAY),
    publishNotice(h, 'Čtvrté', T0 + 2 * DAY + 2 * HOUR, null),
  ];
  await h.engine.changed(BOARD.id);
  const wake = T0 + 10 * DAY;
  // The machine sleeps through five instants; on waking, the overdue timer runs once, then the sweep.
  await moveTo(h, wake, 3);
  await h.engine.tick(h.clock.now(), 'sweep');
  await h.engine.idle();
  await h.engine.tick(h.clock.now(), 'sweep');
  await h.engine.idle();
  h.clock.set(wake + 60_000);
  await h.engine.tick(h.clock.now(), 'sweep');
  await h.engine.idle();

  for (const n of list) {
    const posted = events(h, n.id, 'posted');
    assert.equal(posted.length, 1, `${n.title} posted once`);
    assert.equal(posted[0]!.detail.scheduledAt, n.postAt);
    const removed = events(h, n.id, 'removed');
    const due = n.removeAt !== null && Date.parse(n.removeAt) <= wake;
    assert.equal(removed.length, due ? 1 : 0, `${n.title} removed ${due ? 'once' : 'not yet'}`);
    if (due) assert.equal(removed[0]!.detail.scheduledAt, n.removeAt);
    assert.ok(Date.parse(posted[0]!.at) >= Date.parse(n.postAt!), 'never logged before its instant');
  }
  const latest = h.snapshots.at(-1)!;
  assert.deepEqual(idsIn(latest).sort(), [list[2]!.id, list[3]!.id].sort());
  const site = await mirrorText(h.mirror);
  assert.match(site, /Třetí/);
  assert.match(site, /Čtvrté/);
  assert.doesNotMatch(site, /První|Druhé/);
  assert.equal(h.engine.nextDue, T0 + 40 * DAY);
  assert.deepEqual(h.store.audit.verify().problems, []);
});

test('withdrawing a posted notice removes it from the next snapshot and the mirror, and it is never "removed" later', async () => {
  using tmp = tempDir();
  await using h = await harness(tmp.path);
  const n = publishNotice(h, 'Chybné oznámení', T0, T0 + 15 * DAY);
  const keep = publishNotice(h, 'Platné oznámení', T0, null);
  await h.engine.start();
  await h.engine.idle();
  assert.deepEqual(idsIn(h.snapshots.at(-1)!).sort(), [n.id, keep.id].sort());
  assert.match(await mirrorText(h.mirror), /Chybné oznámení/);

  h.clock.set(T0 + HOUR);
  h.store.notices.withdraw(n.id, 'chybná příloha', 'vedouci', h.clock.now());
  await h.engine.changed(BOARD.id);
  assert.deepEqual(idsIn(h.snapshots.at(-1)!), [keep.id]);
  assert.doesNotMatch(await mirrorText(h.mirror), /Chybné oznámení/);
  assert.equal(h.store.evidence.forNotice(n.id)[0]!.goneAt, iso(T0 + HOUR));
  assert.equal(h.engine.nextDue, null, 'the withdrawn removal instant is not scheduled');
  h.clock.set(T0 + 20 * DAY);
  await h.engine.tick(h.clock.now(), 'sweep');
  await h.engine.idle();
  assert.deepEqual(events(h, n.id, 'removed'), []);
  assert.equal(events(h, n.id, 'posted').length, 1);
});
