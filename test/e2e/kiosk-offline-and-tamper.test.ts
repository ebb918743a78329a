/**
 * End to end, real Chromium: (b) with the publisher stopped the kiosk still posts and removes
 * on time from its replica; (c) a tampered manifest is refused whole (the kiosk keeps the last
 * good snapshot; staff see a plain-words line, the detail goes to the log and the report); a
 * swapped attachment file holds back only its own notice's document.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { signBytes } from '../../src-main/publication/signing.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { apiJson, kioskShows, startBoard, startBoardKiosk, watchPresence, writeProfile, type Board } from './harness.ts';

async function createPublished(board: Board, title: string, postAt: number, removeAt: number): Promise<string> {
  const form = new FormData();
  form.set(
    'metadata',
    JSON.stringify({
      title,
      description: 'Testovací oznámení pro ověření vyvěšení a sejmutí.',
      category: 'Veřejná vyhláška',
      department: 'Stavební úřad',
      referenceNumber: 'SÚ/1/2026',
      fileMark: '',
      postAt: new Date(postAt).toISOString(),
      removeAt: new Date(removeAt).toISOString(),
    }),
  );
  form.append('files', new Blob([Buffer.from(await makeDocumentPdf(title, ['Žluťoučký kůň úpěl ďábelské ódy.']))], { type: 'application/pdf' }), 'vyhlaska.pdf');
  const created = await apiJson<{ id: string }>(board, `/boards/${board.init.board.id}/notices`, { method: 'POST', body: form });
  await apiJson(board, `/notices/${created.id}/publish`, { method: 'POST' });
  return created.id;
}

test('(b) publisher down: the kiosk posts and removes on time from its own replica', async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path);
  const kiosk = await startBoardKiosk(writeProfile(board, 'lobby'));
  const browser = await launchBrowser();
  try {
    const postAt = Date.now() + 6000;
    const removeAt = postAt + 4000;
    const id = await createPublished(board, 'Oznámení vyvěšené bez spojení s úřadem', postAt, removeAt);
    // The kiosk has the future notice in its replica before the publisher goes away.
    await kiosk.syncNow();
    assert.ok(kiosk.replica?.notices().some((n) => n.id === id), 'kiosk replica holds the scheduled notice');
    await board.publisher.stop();

    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await page.goto(kiosk.url);
    await page.locator('h1').first().waitFor();
    const seen = await watchPresence(() => kioskShows(page, id), removeAt + 3000);
    assert.ok(seen.appeared !== null, 'the notice appeared on the kiosk');
    assert.ok(seen.appeared >= postAt, `not posted early (seen ${seen.appeared - postAt} ms after posting instant)`);
    assert.ok(seen.appeared <= postAt + 1000, `posted within 1 s (took ${seen.appeared - postAt} ms)`);
    assert.ok(seen.disappeared !== null, 'the notice was removed from the kiosk');
    assert.ok(seen.disappeared >= removeAt, `not removed early (${seen.disappeared - removeAt} ms)`);
    assert.ok(seen.disappeared <= removeAt + 1000, `removed within 1 s (took ${seen.disappeared - removeAt} ms)`);
  } finally {
    await browser.close();
    await kiosk.stop();
    await board.publisher.stop().catch(() => undefined);
  }
});

test('(c) a tampered manifest is refused whole; a swapped file holds back only its own document', async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path);
  const id = await createPublished(board, 'Oznámení o ověřeném obsahu', Date.now() - 1000 + 2000, Date.now() + 3_600_000);
  await new Promise((r) => setTimeout(r, 1500));
  const feedDir = join(dir.path, 'data', 'feed', board.init.board.id);
  const kiosk = await startBoardKiosk(writeProfile(board, 'entrance', 'folder'));
  const browser = await launchBrowser();
  try {
    await board.publisher.stop();
    const page = await browser.newPage({ viewport: { width: 1080, height: 1920 } });
    await page.goto(kiosk.url);
    await page.locator(`[data-testid="notice-item"][data-notice-id="${id}"]`).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('[data-testid="status-line"][data-state="offline"]').count(), 0, 'no warning while the feed is good');

    // 1. Someone edits the manifest on the share without the board's key.
    const manifestFile = join(feedDir, 'manifest.json');
    const good = readFileSync(manifestFile);
    const forged = JSON.parse(good.toString('utf8')) as FeedManifest;
    forged.notices[0]!.title = 'Podvržený název';
    forged.snapshot.seq += 100;
    writeFileSync(manifestFile, JSON.stringify(forged));
    await page.locator('[data-testid="status-line"][data-state="offline"]').waitFor({ timeout: 10_000 });
    assert.match(kiosk.replica?.lastError()?.message ?? '', /Podpis/, 'the detail is in the log and the report');
    assert.doesNotMatch(await page.locator('body').innerText(), /Podpis|manifest|SHA/);
    assert.equal(await page.getByText('Podvržený název').count(), 0, 'forged title never shown');
    assert.ok(await kioskShows(page, id), 'last good snapshot still shown');

    // 2. A correctly signed manifest whose new attachment file was swapped on the share.
    writeFileSync(manifestFile, good);
    const signed = JSON.parse(good.toString('utf8')) as FeedManifest;
    const realPdf = Buffer.from(await makeDocumentPdf('Příloha', ['Skutečný obsah.']));
    const sha = createHash('sha256').update(realPdf).digest('hex');
    signed.snapshot.seq += 300;
    signed.notices.push({ ...signed.notices[0]!, id: 'druhe-oznameni', title: 'Druhé oznámení', attachments: [{ sha256: sha, name: 'priloha.pdf', size: realPdf.length, mediaType: 'application/pdf' }] });
    writeFileSync(join(feedDir, 'files', sha), Buffer.from('%PDF-1.7 swapped on the share'));
    const bytes = Buffer.from(JSON.stringify(signed));
    writeFileSync(join(feedDir, 'manifest.json.sig'), signBytes(bytes, readFileSync(join(dir.path, 'data', 'keys', 'board.key'), 'utf8')));
    writeFileSync(manifestFile, bytes);
    // The snapshot applies; only the notice whose file is bad waits for its document.
    await page.locator('[data-notice-id="druhe-oznameni"]', { hasText: 'Dokument se stahuje' }).waitFor({ timeout: 10_000 });
    assert.ok(await kioskShows(page, id), 'the other notice is unaffected');
    assert.equal(await page.locator('[data-testid="status-line"][data-state="offline"]').count(), 0, 'the snapshot itself was good');
    assert.doesNotMatch(await page.locator('body').innerText(), /SHA|otisk/);
    await page.screenshot({ path: join(process.cwd(), 'screenshots', 'kiosk-tampered.png') }).catch(() => undefined);
  } finally {
    await browser.close();
    await kiosk.stop();
    await board.publisher.stop().catch(() => undefined);
  }
});
