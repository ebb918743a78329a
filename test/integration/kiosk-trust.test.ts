/**
 * Kiosks never go blank and never go stale in silence, and count only what a renderer showed:
 * a real kiosk (startKiosk, headless) on a ManualClock, a real signed feed on loopback, real
 * SQLite replica files. The renderer's heartbeat is posted over HTTP as the UI posts it.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { KioskReport } from '../../src-main/shared/feed.ts';
import type { KioskState } from '../../src-main/shared/kiosk-api.ts';
import { generateBoardKeys, makePdf, makeSnapshot, sha256, startFeedServer, waitFor, writeFolderFeed, writeProfile, type FeedServer } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = '2026-11-21T09:00:00.000Z';
const keys = generateBoardKeys();
const pdfA = await makePdf('Veřejná vyhláška A', 1);
const pdfB = await makePdf('Záměr prodeje B', 1);
const POSTED = '2026-11-20T08:00:00.000Z';

const first = () =>
  makeSnapshot(keys, 10, [
    { id: 'a', title: 'Veřejná vyhláška A', postAt: POSTED, pdf: pdfA },
    { id: 'withdrawn', title: 'Oznámení, které úřad zrušil', postAt: POSTED },
  ]);

async function state(k: RunningKiosk): Promise<KioskState> {
  return (await (await fetch(new URL('../api/state', k.url))).json()) as KioskState;
}

async function heartbeat(k: RunningKiosk, shown: string[], visibility: 'visible' | 'hidden' = 'visible'): Promise<void> {
  const res = await fetch(new URL('../api/heartbeat', k.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shown, visibility }) });
  assert.equal(res.status, 204);
}

interface Ctx {
  k: RunningKiosk;
  feed: FeedServer;
  clock: ManualClock;
  logs: string[];
  dir: string;
  lastReport(): KioskReport | undefined;
}

async function withKiosk(fn: (c: Ctx) => Promise<void>, o: { profile?: Record<string, unknown>; publisherAheadMs?: number; snapshot?: ReturnType<typeof first> } = {}): Promise<void> {
  using dir = tempDir();
  const clock = new ManualClock(NOW);
  const feed = await startFeedServer(keys, o.snapshot ?? first(), undefined, { now: () => clock.now() + (o.publisherAheadMs ?? 0) });
  const logs: string[] = [];
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, reportToken: 't', ...o.profile });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data'), clock, rendererDir: join(dir.path, 'no-ui'), onLog: (l) => logs.push(l) });
  try {
    await waitFor(() => k.replica!.applied() !== null, 'first snapshot');
    await fn({ k, feed, clock, logs, dir: dir.path, lastReport: () => feed.reports.at(-1)?.body });
  } finally {
    await k.stop();
    await feed.close();
  }
}

test('a bad attachment holds back only its notice: a withdrawal in the same snapshot applies; the file comes later', () =>
  withKiosk(async ({ k, feed, logs, lastReport }) => {
    // Snapshot 11: notice "b" gets a file whose bytes on the feed are wrong, and "withdrawn" is gone.
    feed.publish(makeSnapshot(keys, 11, [
      { id: 'a', title: 'Veřejná vyhláška A', postAt: POSTED, pdf: pdfA },
      { id: 'b', title: 'Záměr prodeje B', postAt: POSTED, pdf: pdfB },
    ]));
    feed.files.set(sha256(pdfB), pdfA);
    assert.equal(await k.syncNow(), 'applied');
    const s = await state(k);
    assert.deepEqual(s.notices.map((n) => n.id), ['a', 'b'], 'the withdrawal reached the lobby; b shows with its metadata');
    assert.equal(s.notices.find((n) => n.id === 'b')!.title, 'Záměr prodeje B');
    assert.deepEqual(s.notices.map((n) => n.attachments.map((x) => x.available)), [[true], [false]]);
    assert.equal((await fetch(new URL(`../api/files/${sha256(pdfB)}`, k.url))).status, 404);
    assert.equal(s.health.syncFailing, false, 'the snapshot itself was fine');
    assert.match(logs.join('\n'), /Příloha „b\.pdf“ oznámení b se nepodařila stáhnout \(obsah neodpovídá otisku SHA-256/);
    await waitFor(() => /b\.pdf/.test(lastReport()?.lastError ?? ''), 'the failed attachment in the report');
    // The publisher serves the right bytes again: the next sync (nothing else changed) fetches them.
    feed.files.set(sha256(pdfB), pdfB);
    assert.equal(await k.syncNow(), 'unchanged');
    assert.deepEqual((await state(k)).notices.map((n) => n.attachments.map((x) => x.available)), [[true], [true]]);
    assert.deepEqual(new Uint8Array(await (await fetch(new URL(`../api/files/${sha256(pdfB)}`, k.url))).arrayBuffer()), pdfB);
  }));

test('a damaged file in the replica is never served and is repaired from the feed', () =>
  withKiosk(async ({ k, feed }) => {
    const file = k.replica!.filePath(sha256(pdfA));
    writeFileSync(file, 'bit rot in the lobby PC');
    const before = feed.fileRequests.length;
    assert.equal((await fetch(new URL(`../api/files/${sha256(pdfA)}`, k.url))).status, 404, 'damaged bytes are never served');
    await waitFor(() => k.replica!.hasFile(sha256(pdfA)), 'the repair');
    assert.ok(feed.fileRequests.slice(before).includes(sha256(pdfA)), 'fetched again from the feed');
    assert.deepEqual(new Uint8Array(await (await fetch(new URL(`../api/files/${sha256(pdfA)}`, k.url))).arrayBuffer()), pdfA);
  }));

test('a publisher restored from a backup (seq back, createdAt newer) is accepted within one sync and logged', () =>
  withKiosk(async ({ k, feed, logs }) => {
    feed.publish(makeSnapshot(keys, 3, [{ id: 'after-restore', postAt: POSTED }], undefined, '2026-11-21T08:55:00.000Z'));
    assert.equal(await k.syncNow(), 'applied');
    assert.equal(k.replica!.applied()?.seq, 3);
    assert.deepEqual((await state(k)).notices.map((n) => n.id), ['after-restore']);
    assert.match(logs.join('\n'), /publisher restored from a backup: seq went back from 10 to 3/);
  }));

test('a replayed older snapshot is refused, never applied, and reported', () =>
  withKiosk(async ({ k, feed, lastReport }) => {
    feed.publish(makeSnapshot(keys, 11, [{ id: 'a', postAt: POSTED, pdf: pdfA }], undefined, '2026-11-21T08:30:00.000Z'));
    assert.equal(await k.syncNow(), 'applied');
    // An attacker (or a stale cache) serves the older, validly signed snapshot 10 again.
    feed.publish(first());
    assert.equal(await k.syncNow(), 'failed');
    assert.equal(k.replica!.applied()?.seq, 11);
    assert.deepEqual((await state(k)).notices.map((n) => n.id), ['a']);
    await waitFor(() => /starší snímek \(č\. 10 .*odmítnut/.test(lastReport()?.lastError ?? ''), 'the refusal in the report');
    // Polling again does not sneak it in either.
    assert.equal(await k.syncNow(), 'failed');
    assert.equal(k.replica!.applied()?.seq, 11);
  }));

test('past validUntil the kiosk says the board may be out of date; log, report and a "stale" outage', () =>
  withKiosk(
    async ({ k, feed, clock, logs }) => {
      assert.equal((await state(k)).health.stale, false);
      await feed.close(); // the kiosk loses its feed…
      clock.advance(3 * 3_600_000); // …and its snapshot runs out at 10:00.
      await k.syncNow();
      const s = await state(k);
      assert.equal(s.health.stale, true);
      assert.deepEqual(s.notices.map((n) => n.id), ['a', 'withdrawn'], 'the last good notices stay on screen');
      assert.equal(s.lastSync?.confirmedAt, NOW, 'not "updated now"');
      assert.match(logs.join('\n'), /stale: snapshot 10 was valid until 2026-11-21T10:00:00.000Z/);
      const stale = k.replica!.allOutages().find((o) => o.reason === 'stale');
      assert.deepEqual(stale && { from: stale.from, to: stale.to }, { from: '2026-11-21T10:00:00.000Z', to: null });
    },
    { snapshot: makeSnapshot(keys, 10, [{ id: 'a', postAt: POSTED, pdf: pdfA }, { id: 'withdrawn', postAt: POSTED }], undefined, '2026-11-21T08:00:00.000Z', '2026-11-21T10:00:00.000Z') },
  ));

test('a validly signed but 10-day-old snapshot is applied and shown as possibly out of date, never as "updated now"', () =>
  withKiosk(
    async ({ k, feed, lastReport }) => {
      const s = await state(k);
      assert.equal(s.health.stale, true);
      assert.equal(s.lastSync?.confirmedAt, null);
      await waitFor(() => feed.reports.length > 0 && /platil jen do 2026-11-12T08:00:00.000Z/.test(lastReport()?.lastError ?? ''), 'stale detail in the report');
    },
    { snapshot: makeSnapshot(keys, 10, [{ id: 'a', postAt: POSTED }], undefined, '2026-11-11T08:00:00.000Z', '2026-11-12T08:00:00.000Z') },
  ));

test('clock: a publisher 60 s ahead is measured, logged, reported and flagged for staff', () =>
  withKiosk(
    async ({ k, feed, logs, lastReport }) => {
      const s = await state(k);
      assert.equal(s.health.clockOff, true);
      assert.match(logs.join('\n'), /the kiosk's clock is 60\.0 s behind the publisher's/);
      await waitFor(() => feed.reports.length > 0, 'a report');
      assert.equal(lastReport()?.clockOffsetMs, -60_000);
      assert.match(lastReport()?.lastError ?? '', /Hodiny kiosku se od hodin úřadu liší o -60\.0 s/);
    },
    { publisherAheadMs: 60_000 },
  ));

test('clock: a folder feed does not measure it (null), and nothing is flagged', async () => {
  using dir = tempDir();
  writeFolderFeed(join(dir.path, 'share'), first());
  const profilePath = writeProfile(dir.path, { feed: { folder: 'share' }, publicKey: keys.publicKey, pollSeconds: 3600 });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data'), clock: new ManualClock(NOW), rendererDir: dir.path });
  try {
    await waitFor(() => k.replica!.applied() !== null, 'first snapshot');
    assert.equal(k.replica!.status().clockOffsetMs, null);
    assert.equal((await state(k)).health.clockOff, false);
  } finally {
    await k.stop();
  }
});

test('sightings come only from a visible renderer\'s heartbeat; without one the UI counts as disconnected', () =>
  withKiosk(async ({ k, clock, feed, lastReport }) => {
    clock.advance(60_000);
    assert.deepEqual(k.replica!.sightings(), [], 'no browser, no sightings');
    const gap = k.replica!.allOutages().find((o) => o.reason === 'ui-disconnected');
    assert.deepEqual(gap && { from: gap.from, to: gap.to }, { from: NOW, to: null });
    // A hidden page renders nothing a visitor sees.
    await heartbeat(k, ['a'], 'hidden');
    assert.deepEqual(k.replica!.sightings(), []);
    await heartbeat(k, ['a']);
    const at = new Date(clock.now()).toISOString();
    assert.deepEqual(k.replica!.sightings().map((s) => [s.noticeId, s.firstShownAt]), [['a', at]]);
    await waitFor(() => lastReport()?.outages?.some((o) => o.reason === 'ui-disconnected' && o.to === at) ?? false, 'the closed gap in a report');
    // The renderer stops showing "a" (e.g. withdrawn): gone at that heartbeat.
    clock.advance(5_000);
    await heartbeat(k, []);
    assert.equal(k.replica!.sightings()[0]!.goneAt, new Date(clock.now()).toISOString());
    assert.ok(feed.reports.every((r) => r.body.sightings.every((s) => s.noticeId !== 'withdrawn')), 'never rendered, never reported');
  }));

test('screen-off hours are an outage, and heartbeats then record nothing', () =>
  withKiosk(
    async ({ k, clock }) => {
      // 09:00 UTC is 10:00 in Prague: outside 06:00–09:30 wall time the screen is off.
      await heartbeat(k, ['a']);
      assert.deepEqual(k.replica!.sightings(), []);
      const off = k.replica!.allOutages().find((o) => o.reason === 'screen-off');
      assert.deepEqual(off && { from: off.from, to: off.to }, { from: NOW, to: null });
      assert.equal(k.replica!.allOutages().some((o) => o.reason === 'ui-disconnected'), false);
      clock.set('2026-11-22T05:00:10.000Z'); // 06:00:10 in Prague: on again
      await heartbeat(k, ['a']);
      assert.deepEqual(k.replica!.sightings().map((s) => s.noticeId), ['a']);
      const closed = k.replica!.allOutages().find((o) => o.reason === 'screen-off');
      assert.equal(closed?.to?.slice(0, 16), '2026-11-22T05:00');
    },
    { profile: { screenSchedule: { on: '06:00', off: '09:30' } } },
  ));

test('a kiosk that was down is found at the next start; reports are retried until delivered', async () => {
  using dir = tempDir();
  const clock = new ManualClock(NOW);
  const feed = await startFeedServer(keys, first(), undefined, { now: () => clock.now() });
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey });
  const opts = { profilePath, shell: 'headless' as const, dataDir: join(dir.path, 'data'), clock, rendererDir: dir.path };
  try {
    const k1 = await startKiosk(opts);
    await waitFor(() => k1.replica!.applied() !== null, 'first snapshot');
    await k1.stop();
    clock.advance(2 * 3_600_000);
    feed.reportStatus = 503;
    const delivered = feed.reports.length;
    const logs: string[] = [];
    const k2 = await startKiosk({ ...opts, onLog: (l) => logs.push(l) });
    try {
      const down = k2.replica!.allOutages().find((o) => o.reason === 'kiosk-down');
      assert.deepEqual(down && { from: down.from, to: down.to }, { from: NOW, to: '2026-11-21T11:00:00.000Z' });
      await waitFor(() => logs.some((l) => /report not delivered \(HTTP 503\); retrying in 5 s/.test(l)), 'a refused report');
      assert.equal(feed.reports.length, delivered);
      feed.reportStatus = null;
      clock.advance(5_000); // the retry timer
      await waitFor(() => feed.reports.some((r) => r.body.outages?.some((o) => o.reason === 'kiosk-down')), 'the retried report');
      await waitFor(() => !k2.replica!.undeliveredOutages().some((o) => o.reason === 'kiosk-down'), 'marked delivered');
    } finally {
      await k2.stop();
    }
  } finally {
    await feed.close();
  }
});

test('a corrupted replica at start: moved aside and kept, the kiosk serves, re-syncs and says so', async () => {
  using dir = tempDir();
  const clock = new ManualClock(NOW);
  const feed = await startFeedServer(keys, first(), undefined, { now: () => clock.now() });
  const data = join(dir.path, 'data');
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey });
  const opts = { profilePath, shell: 'headless' as const, dataDir: data, clock, rendererDir: dir.path };
  try {
    const k1 = await startKiosk(opts);
    await waitFor(() => k1.replica!.applied() !== null, 'first snapshot');
    await k1.stop();
    writeFileSync(join(data, 'kiosk.sqlite'), Buffer.alloc(64 * 1024, 0x5a));
    const logs: string[] = [];
    const k2 = await startKiosk({ ...opts, onLog: (l) => logs.push(l) });
    try {
      assert.equal((await state(k2)).health.recovered, true);
      await waitFor(() => k2.replica!.applied()?.seq === 10, 're-synced');
      assert.deepEqual((await state(k2)).notices.map((n) => n.id), ['a', 'withdrawn']);
      assert.ok(readdirSync(data).some((f) => /^kiosk\.sqlite\.damaged-20261121T090000Z$/.test(f)), 'the damaged file is kept');
      assert.match(logs.join('\n'), /replica .* is damaged .* moved aside to .*kiosk\.sqlite\.damaged-/);
      await waitFor(() => feed.reports.some((r) => /Replika kiosku byla poškozená/.test(r.body.lastError ?? '')), 'the reset in a report');
    } finally {
      await k2.stop();
    }
  } finally {
    await feed.close();
  }
});

test('reports carry only what the publisher has not accepted; a report refused for its content is logged, not retried for ever', () =>
  withKiosk(async ({ k, clock, feed, logs }) => {
    await heartbeat(k, ['a']);
    clock.advance(5_000);
    await heartbeat(k, []);
    await waitFor(() => feed.reports.some((r) => r.body.sightings.some((s) => s.noticeId === 'a' && s.goneAt !== null)), 'the closed sighting in a report');
    await waitFor(() => k.replica!.undeliveredSightings().length === 0, 'marked delivered');
    const before = feed.reports.length;
    feed.reportStatus = 422;
    await heartbeat(k, ['a']);
    await waitFor(() => logs.some((l) => /report refused by the publisher \(HTTP 422/.test(l)), 'the refusal logged');
    assert.deepEqual(k.replica!.undeliveredSightings(), [], 'a refused report is not sent again');
    assert.equal(k.replica!.sightings().find((s) => s.noticeId === 'a')?.goneAt, null, 'the kiosk keeps its own record');
    feed.reportStatus = null;
    clock.advance(5_000);
    await heartbeat(k, []);
    const goneAt = new Date(clock.now()).toISOString();
    await waitFor(() => feed.reports.slice(before).some((r) => r.body.sightings.some((s) => s.noticeId === 'a' && s.goneAt === goneAt)), 'the next change is delivered');
  }));
