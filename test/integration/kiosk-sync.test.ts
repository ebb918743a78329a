/**
 * Kiosk sync against a real loopback feed server (signed manifests, real PDFs) and a real
 * watched folder; the kiosk's own handler is queried over real HTTP.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startKiosk, type RunningKiosk } from '../../src-main/kiosk/run.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { KioskState } from '../../src-main/shared/kiosk-api.ts';
import {
  generateBoardKeys,
  makePdf,
  makeSnapshot,
  sha256,
  startFeedServer,
  waitFor,
  writeFolderFeed,
  writeProfile,
  type FeedServer,
} from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = '2026-11-21T09:00:00.000Z';
const keys = generateBoardKeys();
const pdf1 = await makePdf('Veřejná vyhláška 1');
const pdf2 = await makePdf('Záměr prodeje 2', 1);

const first = () =>
  makeSnapshot(keys, 1, [
    { id: 'n1', title: 'Veřejná vyhláška o územním plánu', postAt: '2026-11-20T08:00:00.000Z', pdf: pdf1 },
    { id: 'future', postAt: '2026-11-25T08:00:00.000Z' },
  ]);
const second = () =>
  makeSnapshot(keys, 2, [
    { id: 'n1', title: 'Veřejná vyhláška o územním plánu', postAt: '2026-11-20T08:00:00.000Z', pdf: pdf1 },
    { id: 'n2', title: 'Záměr prodeje pozemku', postAt: '2026-11-21T08:30:00.000Z', pdf: pdf2 },
  ]);

async function state(k: RunningKiosk): Promise<KioskState> {
  const res = await fetch(new URL('../api/state', k.url));
  assert.equal(res.status, 200);
  return (await res.json()) as KioskState;
}

async function withKiosk(
  fn: (k: RunningKiosk, feed: FeedServer, clock: ManualClock) => Promise<void>,
  profileExtra: Record<string, unknown> = {},
): Promise<void> {
  using dir = tempDir();
  const clock = new ManualClock(NOW);
  // The test publisher runs on the kiosk's clock: no clock difference unless a test makes one.
  const feed = await startFeedServer(keys, first(), undefined, { now: () => clock.now() });
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, reportToken: 'kiosk-token', ...profileExtra });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data'), clock, rendererDir: join(dir.path, 'no-ui') });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot');
    await fn(k, feed, clock);
  } finally {
    await k.stop();
    await feed.close();
  }
}

async function heartbeat(k: RunningKiosk, shown: string[], visibility: 'visible' | 'hidden' = 'visible'): Promise<void> {
  const res = await fetch(new URL('../api/heartbeat', k.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shown, visibility }) });
  assert.equal(res.status, 204);
}

test('a signed snapshot is applied and served: posted notices by the kiosk clock, PDFs, a report', () =>
  withKiosk(async (k, feed) => {
    const s = await state(k);
    assert.equal(s.board?.id, 'testov');
    assert.deepEqual(s.notices.map((n) => n.id), ['n1'], 'the future notice is not shown yet');
    assert.equal(s.nextChangeAt, Date.parse('2026-11-25T08:00:00.000Z'));
    assert.deepEqual(s.lastSync, { seq: 1, appliedAt: NOW, confirmedAt: NOW });
    assert.deepEqual(s.health, { stale: false, recovered: false, syncFailing: false, clockOff: false });
    const file = await fetch(new URL(`../api/files/${sha256(pdf1)}`, k.url));
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), pdf1);
    assert.equal((await fetch(new URL(`../api/files/${'0'.repeat(64)}`, k.url))).status, 404);
    const res = await fetch(new URL('../api/state', k.url));
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.doesNotMatch(res.headers.get('content-security-policy') ?? '', /unsafe-eval/);
    await waitFor(() => feed.reports.length > 0, 'a kiosk report');
    const r = feed.reports.at(-1)!;
    assert.equal(r.auth, 'Bearer kiosk-token');
    assert.equal(r.body.appliedSeq, 1);
    assert.deepEqual(r.body.sightings, [], 'no renderer has shown anything yet');
    assert.equal(r.body.clockOffsetMs, 0);
    assert.equal(r.body.screenOn, true);
    assert.equal(r.body.sentAt, NOW);
    assert.match(r.body.version ?? '', /^\d+\.\d+\.\d+/);
    // The renderer's heartbeat is what counts; a claimed notice that is not posted is ignored.
    const before = feed.reports.length;
    await heartbeat(k, ['n1', 'future']);
    await waitFor(() => feed.reports.length > before, 'a report after the first sighting');
    assert.deepEqual(feed.reports.at(-1)!.body.sightings.map((x) => [x.noticeId, x.firstShownAt]), [['n1', NOW]]);
  }));

test('an SSE ping makes the kiosk sync at once (the fallback poll never fires on this clock)', () =>
  withKiosk(async (k, feed) => {
    await waitFor(() => feed.connections() > 0, 'push channel');
    feed.publish(second());
    feed.ping();
    await waitFor(() => k.replica!.applied()?.seq === 2, 'snapshot 2 after the ping');
    assert.deepEqual((await state(k)).notices.map((n) => n.id), ['n1', 'n2']);
  }));

for (const [name, tamper, expected] of [
  [
    'a tampered manifest',
    (feed: FeedServer) => {
      const s = second();
      const bytes = new TextEncoder().encode(new TextDecoder().decode(s.bytes).replace('Záměr prodeje', 'Zámek prodeje'));
      feed.publish({ ...s, bytes });
    },
    /Podpis seznamu oznámení nesouhlasí/,
  ],
  [
    'a tampered signature',
    (feed: FeedServer) => {
      const s = second();
      feed.publish({ ...s, signature: makeSnapshot(generateBoardKeys(), 2, []).signature });
    },
    /Podpis seznamu oznámení nesouhlasí/,
  ],
  [
    'a snapshot of another board',
    (feed: FeedServer) => {
      const s = makeSnapshot(keys, 2, [], { id: 'jina-obec', name: 'Jiná obec', ico: '87654321', timeZone: 'Europe/Prague', publicUrl: 'https://x.example/' });
      feed.publish(s);
    },
    /patří jiné desce/,
  ],
] as const) {
  test(`${name} is refused: the last good snapshot stays and the error is shown`, () =>
    withKiosk(async (k, feed) => {
      tamper(feed);
      assert.equal(await k.syncNow(), 'failed');
      const s = await state(k);
      assert.equal(s.lastSync?.seq, 1);
      assert.deepEqual(s.notices.map((n) => n.id), ['n1']);
      assert.equal(s.health.syncFailing, true);
      assert.match(k.replica!.lastError()?.message ?? '', expected);
      await waitFor(() => expected.test(feed.reports.at(-1)?.body.lastError ?? ''), 'the refusal in the report');
      // Once the publisher serves a good snapshot again, the error clears.
      feed.publish(second());
      assert.equal(await k.syncNow(), 'applied');
      assert.equal((await state(k)).health.syncFailing, false);
      assert.equal(k.replica!.lastError(), null);
    }));
}

test('malformed JSON, even correctly signed, is refused', () =>
  withKiosk(async (k, feed) => {
    const bytes = new TextEncoder().encode('{"format": "deska-feed/1", "notices": ');
    const signed = makeSnapshot(keys, 9, []);
    const { signBytes } = await import('../../src-main/publication/signing.ts');
    feed.publish({ ...signed, bytes, signature: signBytes(bytes, keys.privatePem) });
    assert.equal(await k.syncNow(), 'failed');
    assert.match(k.replica!.lastError()?.message ?? '', /není platný JSON/);
    assert.equal((await state(k)).lastSync?.seq, 1);
  }));

test('with the publisher down the kiosk keeps serving its replica and says so', () =>
  withKiosk(async (k, feed) => {
    await feed.close();
    assert.equal(await k.syncNow(), 'failed');
    const s = await state(k);
    assert.deepEqual(s.notices.map((n) => n.id), ['n1']);
    assert.equal(s.health.syncFailing, true);
    assert.equal(s.health.stale, false, 'still within the snapshot\'s validity: no public warning');
    assert.match(k.replica!.lastError()?.message ?? '', /^Zdroj oznámení je nedostupný \(http:\/\/127\.0\.0\.1/);
    assert.equal((await fetch(new URL(`../api/files/${sha256(pdf1)}`, k.url))).status, 200);
  }));

test('the replica survives a restart with the publisher gone', async () => {
  using dir = tempDir();
  const feed = await startFeedServer(keys, first());
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey });
  const clock = new ManualClock(NOW);
  const opts = { profilePath, shell: 'headless' as const, dataDir: join(dir.path, 'data'), clock, rendererDir: dir.path };
  const k1 = await startKiosk(opts);
  await waitFor(() => k1.replica!.applied()?.seq === 1, 'first snapshot');
  await k1.stop();
  await feed.close();
  const k2 = await startKiosk(opts);
  try {
    assert.deepEqual((await state(k2)).notices.map((n) => n.id), ['n1']);
  } finally {
    await k2.stop();
  }
});

test('a folder feed is watched: a new snapshot written to the folder is applied', async () => {
  using dir = tempDir();
  const folder = join(dir.path, 'share');
  writeFolderFeed(folder, first());
  const profilePath = writeProfile(dir.path, { feed: { folder: 'share' }, publicKey: keys.publicKey, pollSeconds: 3600 });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: join(dir.path, 'data'), rendererDir: dir.path });
  try {
    await waitFor(() => k.replica!.applied()?.seq === 1, 'first snapshot from the folder');
    // Give chokidar its initial scan before writing (the watcher reports only changes).
    await new Promise((r) => setTimeout(r, 300));
    writeFolderFeed(folder, second());
    await waitFor(() => k.replica!.applied()?.seq === 2, 'snapshot 2 via the folder watch');
    assert.deepEqual((await state(k)).notices.map((n) => n.id), ['n1', 'n2']);
    // A corrupted manifest in the folder is refused like over HTTP.
    writeFileSync(join(folder, 'manifest.json'), '{"broken": true}');
    await waitFor(() => /Podpis/.test(k.replica!.lastError()?.message ?? ''), 'the refusal of the corrupted folder manifest');
    assert.equal(k.replica!.applied()?.seq, 2);
  } finally {
    await k.stop();
  }
});
