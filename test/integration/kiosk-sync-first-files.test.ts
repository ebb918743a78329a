/**
 * A kiosk's first sync of a board writes each verified attachment into its replica as soon as it
 * arrives, rather than holding every PDF until the snapshot is applied: while the last download
 * is still in flight, the earlier files are already on disk (so memory holds one file at a time)
 * and a sync cut short keeps what it fetched. Real loopback feed, real replica folder.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { generateBoardKeys, makePdf, makeSnapshot, sha256, startFeedServer, waitFor, writeProfile } from '../helpers/kiosk-feed.ts';
import { tempDir } from '../helpers/tmp.ts';

const NOW = '2026-11-21T09:00:00.000Z';

test('first sync: each verified PDF lands in the replica while the next is still downloading', async () => {
  using dir = tempDir();
  const keys = generateBoardKeys();
  const pdfs = [await makePdf('První vyhláška', 1), await makePdf('Druhá vyhláška', 1), await makePdf('Třetí vyhláška', 3)];
  const snapshot = makeSnapshot(keys, 1, pdfs.map((pdf, i) => ({ id: `n${i + 1}`, postAt: '2026-11-20T08:00:00.000Z', pdf })));
  const clock = new ManualClock(NOW);
  const feed = await startFeedServer(keys, snapshot, undefined, { now: () => clock.now() });
  const last = feed.stall(sha256(pdfs[2]!));
  const data = join(dir.path, 'data');
  const profilePath = writeProfile(dir.path, { feed: { url: feed.url }, publicKey: keys.publicKey, reportToken: 'kiosk-token' });
  const k = await startKiosk({ profilePath, shell: 'headless', dataDir: data, clock, rendererDir: join(dir.path, 'no-ui') });
  try {
    await last.started;
    // Mid-download of the third file: the first two are verified and written, nothing is applied yet.
    for (const pdf of pdfs.slice(0, 2)) {
      const file = join(data, 'files', sha256(pdf));
      assert.ok(existsSync(file), `${sha256(pdf).slice(0, 12)}… is in the replica before the snapshot is applied`);
      assert.deepEqual(new Uint8Array(readFileSync(file)), pdfs[pdfs.indexOf(pdf)]);
    }
    assert.equal(existsSync(join(data, 'files', sha256(pdfs[2]!))), false);
    assert.equal(k.replica!.applied(), null);
    last.release();
    await waitFor(() => k.replica!.applied()?.seq === 1, 'the snapshot applied');
    for (const pdf of pdfs) assert.deepEqual(new Uint8Array(k.replica!.readFile(sha256(pdf))!), pdf);
    assert.deepEqual(k.replica!.missingFiles(), []);
    // Each file was downloaded once.
    assert.deepEqual([...feed.fileRequests].sort(), pdfs.map(sha256).sort());
  } finally {
    last.release();
    await k.stop();
    await feed.close();
  }
});
