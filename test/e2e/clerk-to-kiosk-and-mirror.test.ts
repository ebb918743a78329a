/**
 * End to end, real Chromium: (a) a clerk creates a notice with a PDF in the clerk app, posting at
 * the next full minute and removal a minute later (the form takes minutes, as clerks enter them).
 * The kiosk shows it within 1 s after the posting instant and not before, and drops it within
 * 1 s after removal; the mirror page and the OFN file follow the same instants; the
 * certificate names them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { formatWall, toWallTime } from '../../src-main/shared/zone.ts';
import { ADMIN_PASSWORD, apiJson, kioskShows, startBoard, startBoardKiosk, watchPresence, writeProfile } from './harness.ts';

const TZ = 'Europe/Prague';
const TITLE = 'Veřejná vyhláška – stanovení přechodné úpravy provozu na silnici III/1234';

test('(a) clerk app → kiosk, mirror and OFN at the exact instants → certificate', { timeout: 240_000 }, async () => {
  using dir = tempDir();
  const board = await startBoard(dir.path);
  const kiosk = await startBoardKiosk(writeProfile(board, 'lobby'));
  const browser = await launchBrowser();
  try {
    // The clerk, in the clerk app.
    const clerk = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await clerk.goto(`${board.publisher.url}/app/clerk/`);
    await clerk.getByTestId('username').fill('admin');
    await clerk.getByTestId('password').fill(ADMIN_PASSWORD);
    await clerk.getByTestId('sign-in').click();
    await clerk.getByTestId('new-notice').click();

    const postAt = Math.ceil((Date.now() + 20_000) / 60_000) * 60_000;
    const removeAt = postAt + 60_000;
    const post = toWallTime(postAt, TZ);
    const remove = toWallTime(removeAt, TZ);
    await clerk.getByTestId('title').fill(TITLE);
    await clerk.getByTestId('description').fill('Úprava provozu po dobu opravy mostu ev. č. 1234-5.');
    await clerk.getByTestId('department').fill('Odbor dopravy');
    await clerk.getByTestId('reference-number').fill('OD/4411/2026');
    await clerk.getByTestId('file-mark').fill('SZ-OD/4400/2026');
    await clerk.getByTestId('post-date').fill(post.date);
    await clerk.getByTestId('post-time').fill(post.time.slice(0, 5));
    await clerk.getByTestId('remove-date').fill(remove.date);
    await clerk.getByTestId('remove-time').fill(remove.time.slice(0, 5));
    const pdf = await makeDocumentPdf('Opatření obecné povahy', ['Stanovení přechodné úpravy provozu: objížďka přes obec Dolní Lhota.']);
    await clerk.getByTestId('file-input').setInputFiles({ name: 'opatreni.pdf', mimeType: 'application/pdf', buffer: Buffer.from(pdf) });
    await clerk.getByTestId('save').click();
    await clerk.getByTestId('publish').waitFor();
    await clerk.getByTestId('publish').click();
    await clerk.getByTestId('confirm-publish').click();
    // Back on the list, under "Naplánované".
    await clerk.getByTestId('notice-row').filter({ hasText: TITLE }).waitFor();
    assert.equal(await clerk.getByTestId('tab-scheduled').getAttribute('aria-pressed'), 'true');
    await clerk.screenshot({ path: join(process.cwd(), 'screenshots', 'e2e-clerk-published.png') }).catch(() => undefined);

    const { notices } = await apiJson<{ notices: { id: string; title: string; postAt: string; removeAt: string }[] }>(board, `/boards/${board.init.board.id}/notices`);
    const notice = notices.find((n) => n.title === TITLE);
    assert.ok(notice, 'the notice exists in the API');
    assert.equal(Date.parse(notice.postAt), postAt, 'stored posting instant is the entered wall time in Prague');
    assert.equal(Date.parse(notice.removeAt), removeAt);
    assert.ok(Date.now() < postAt, 'published before its posting instant (test setup)');

    // The lobby kiosk, the mirror page and the OFN file, watched side by side.
    const lobby = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await lobby.goto(kiosk.url);
    await lobby.locator('h1').first().waitFor();
    const mirror = `${board.publisher.url}/mirror/${board.init.board.id}`;
    const until = removeAt + 4000;
    const [onKiosk, onMirror, inOfn] = await Promise.all([
      watchPresence(() => kioskShows(lobby, notice.id), until),
      watchPresence(async () => (await fetch(`${mirror}/oznameni/${notice.id}/`)).status === 200, until),
      watchPresence(async () => (await (await fetch(`${mirror}/opendata/uredni-deska.jsonld`)).text()).includes(notice.id), until),
    ]);
    for (const [name, seen] of [['kiosk', onKiosk], ['mirror page', onMirror], ['OFN file', inOfn]] as const) {
      assert.ok(seen.appeared !== null && seen.disappeared !== null, `${name}: appeared and disappeared`);
      assert.ok(seen.appeared >= postAt, `${name}: not before the posting instant (${seen.appeared - postAt} ms)`);
      assert.ok(seen.appeared <= postAt + 1000, `${name}: within 1 s of posting (${seen.appeared - postAt} ms)`);
      assert.ok(seen.disappeared >= removeAt, `${name}: not before the removal instant (${seen.disappeared - removeAt} ms)`);
      assert.ok(seen.disappeared <= removeAt + 1000, `${name}: within 1 s of removal (${seen.disappeared - removeAt} ms)`);
    }

    // The certificate names the instants, the channels and the attachment's hash.
    await new Promise((r) => setTimeout(r, 500));
    const res = await fetch(`${board.publisher.url}/api/v1/notices/${notice.id}/certificate`, {
      headers: { Authorization: `Bearer ${board.init.apiToken}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const text = (await pdfPageTexts(new Uint8Array(await res.arrayBuffer()))).join('\n');
    assert.match(text, /Potvrzení o vyvěšení a sejmutí/);
    assert.ok(text.includes(formatWall(postAt, TZ, true)), 'planned posting instant in board time');
    assert.ok(text.includes(formatWall(removeAt, TZ, true)), 'planned removal instant in board time');
    assert.match(text, /Kiosek[^\n]*lobby/, 'the kiosk channel is listed');
    assert.match(text, /Webové zrcadlo/, 'the mirror channel is listed');
    assert.ok(text.includes('admin'), 'the clerk who acted');
    const { createHash } = await import('node:crypto');
    assert.ok(text.replace(/\s/g, '').includes(createHash('sha256').update(pdf).digest('hex')), 'SHA-256 of the attachment');
  } finally {
    await browser.close();
    await kiosk.stop();
    await board.publisher.stop();
  }
});
