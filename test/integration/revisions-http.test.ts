/**
 * Corrections over real loopback HTTP (startPublisher on port 0, real SQLite, ManualClock): the
 * API refuses a correction without a reason or a decision on the period, keeps the notice's id,
 * shows the latest revision on every surface (API, signed feed, mirror page with its "Změny
 * oznámení" register, which axe in real Chromium finds clean) and lists every revision on the
 * certificate. Responses are checked against openapi.json.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { Browser } from 'playwright-core';
import type { NoticeView } from '../../src-main/shared/api-types.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import type { NoticeRevision, RevisionsResponse } from '../../src-main/shared/revisions.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { checkResponse } from '../helpers/openapi.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
/** Monday 2 November 2026, 09:00 in Prague; 15 days end on the 17th (a holiday), so on Wednesday the 18th. */
const T0 = '2026-11-02T08:00:00.000Z';
/** Saturday 7 November, 09:00: restarted, 15 days end on Sunday the 22nd, so on Monday the 23rd. */
const T_FIX = Date.parse('2026-11-07T08:00:00.000Z');

let pub: RunningPublisher;
let clock: ManualClock;
let token = '';
let kioskToken = '';
let browser: Browser;
const tmp = tempDir();

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

function form(metadata: unknown, files: { name: string; bytes: Uint8Array }[] = []): FormData {
  const f = new FormData();
  f.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
  for (const file of files) f.append('files', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  return f;
}

async function call<T>(method: string, template: string, id: string, body?: FormData | null, auth = true): Promise<{ status: number; body: T }> {
  const res = await fetch(`${pub.url}/api/v1${template.replace('{id}', id).replace('{board}', 'demo')}`, {
    method,
    headers: auth ? { authorization: `Bearer ${token}` } : {},
    body: body ?? undefined,
  });
  const type = res.headers.get('content-type');
  const parsed: unknown = type?.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
  checkResponse(method, template, res.status, type, type?.startsWith('application/json') ? parsed : undefined);
  return { status: res.status, body: parsed as T };
}

const code = (b: unknown): string => (b as { error: { code: string } }).error.code;
const message = (b: unknown): string => (b as { error: { message: string } }).error.message;
let id = '';
let firstSha = '';

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now(), kioskIds: ['vestibul'], board: { publicUrl: 'https://deska.example.cz/' } });
  token = init.apiToken;
  kioskToken = init.kioskTokens.vestibul!;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false });
  mkdirSync(SCREENSHOTS, { recursive: true });
  browser = await launchBrowser();
  const created = await call<NoticeView>('POST', '/boards/{board}/notices', '', form({
    title: 'Veřejná vyhláška – územní rozhodnutí', description: 'Oznámení o vydání rozhodnutí.', category: 'Veřejná vyhláška', department: 'Stavební úřad',
    referenceNumber: 'SU/77/2026', fileMark: 'SZ SU/70/2026', type: 'cz-verejna-vyhlaska', postAt: '2026-11-02T09:00:00+01:00', removeAt: '2026-11-20T00:00:00+01:00',
  }, [{ name: 'rozhodnuti.pdf', bytes: await pdf('Rozhodnutí') }]));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  id = created.body.id;
  firstSha = created.body.attachments[0]!.sha256;
  const published = await fetch(`${pub.url}/api/v1/notices/${id}/publish`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  assert.equal(published.status, 200);
});

after(async () => {
  await browser?.close();
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('a correction needs a reason and a decision on the period; refused ones change nothing', async () => {
  clock.set(T_FIX - 3600_000);
  const before = await call<NoticeView>('GET', '/notices/{id}', id);
  const noReason = await call('POST', '/notices/{id}/revisions', id, form({ title: 'Nový název', restartPeriod: false }));
  assert.equal(noReason.status, 422);
  assert.equal(code(noReason.body), 'reason_required');
  assert.match(message(noReason.body), /^Uveďte důvod opravy/);
  const noChoice = await call('POST', '/notices/{id}/revisions', id, form({ title: 'Nový název', reason: 'Překlep' }));
  assert.equal(noChoice.status, 422);
  assert.equal(code(noChoice.body), 'restart_required');
  assert.match(message(noChoice.body), /lhůta běží znovu ode dne opravy/);
  const postAt = await call('POST', '/notices/{id}/revisions', id, form({ postAt: '2026-11-07T09:00:00+01:00', reason: 'Jiné vyvěšení', restartPeriod: true }));
  assert.equal(postAt.status, 422);
  assert.equal(code(postAt.body), 'post_at_fixed');
  assert.equal((await call('POST', '/notices/{id}/revisions', id, form({ title: 'X', reason: 'Překlep', restartPeriod: false }), false)).status, 401);
  assert.equal((await call('POST', '/notices/{id}/revisions', 'nic', form({ title: 'X', reason: 'Překlep', restartPeriod: false }))).status, 404);
  assert.deepEqual((await call<NoticeView>('GET', '/notices/{id}', id)).body, before.body);
  const none = await call<RevisionsResponse>('GET', '/notices/{id}/revisions', id);
  assert.deepEqual(none.body.revisions, []);
  // What the form shows before the clerk decides: the lawful removal without and with a restart.
  assert.deepEqual(none.body.preview?.keep, { periodStartAt: '2026-11-02T08:00:00.000Z', lastDay: '2026-11-18', lawfulRemoveAt: '2026-11-18T23:00:00.000Z', removeAt: '2026-11-19T23:00:00.000Z' });
  assert.equal(none.body.preview?.restart.lastDay, '2026-11-23');
});

test('a restarting correction with a replaced document: same id, latest revision everywhere, the register on the feed, mirror and certificate', async () => {
  clock.set(T_FIX);
  const r = await call<{ notice: NoticeView; revision: NoticeRevision }>('POST', '/notices/{id}/revisions', id, form(
    { title: 'Veřejná vyhláška – územní rozhodnutí (opravené)', reason: 'Chybná příloha: vyvěšeno rozhodnutí bez odůvodnění', restartPeriod: true, removeAttachments: [firstSha] },
    [{ name: 'rozhodnuti-opravene.pdf', bytes: await pdf('Rozhodnutí s odůvodněním') }],
  ));
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.notice.id, id);
  assert.equal(r.body.notice.title, 'Veřejná vyhláška – územní rozhodnutí (opravené)');
  assert.equal(r.body.notice.removeAt, '2026-11-23T23:00:00.000Z', 'the removal moved to the restarted lawful removal');
  assert.equal(r.body.notice.lawful?.lastDay, '2026-11-23', 'the lawful period counts from the correction');
  assert.equal(r.body.revision.revision, 2);
  assert.equal(r.body.revision.restartsPeriod, true);
  const list = await call<RevisionsResponse>('GET', '/notices/{id}/revisions', id);
  assert.deepEqual(list.body.revisions.map((x) => [x.revision, x.content.attachments.map((a) => a.name)]), [[1, ['rozhodnuti.pdf']], [2, ['rozhodnuti-opravene.pdf']]]);

  await pub.engine.idle();
  // The signed feed carries the latest content and the register for kiosks.
  const feed = await fetch(`${pub.url}/feed/demo/manifest.json`, { headers: { authorization: `Bearer ${kioskToken}` } });
  const manifest = (await feed.json()) as FeedManifest;
  const n = manifest.notices.find((x) => x.id === id)!;
  assert.equal(n.title, 'Veřejná vyhláška – územní rozhodnutí (opravené)');
  assert.deepEqual(n.register?.map((e) => [e.revision, e.reason, e.restartsPeriod]), [[1, '', false], [2, 'Chybná příloha: vyvěšeno rozhodnutí bez odůvodnění', true]]);
  assert.equal(n.register?.[1]?.contentSha256, list.body.revisions[1]!.contentSha256);

  // The mirror page at the same URL shows the latest content and the register; axe finds nothing.
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const res = await page.goto(`${pub.url}/mirror/demo/oznameni/${id}/`);
  assert.equal(res?.status(), 200);
  assert.match(await page.locator('h1').innerText(), /\(opravené\)/);
  const register = page.locator('section[aria-labelledby="zmeny-oznameni"]');
  assert.equal(await register.locator('h2').innerText(), 'Změny oznámení');
  const rows = await register.locator('tbody tr').allInnerTexts();
  assert.equal(rows.length, 2);
  assert.match(rows[0]!, /1 \(původní znění\)/);
  assert.match(rows[1]!, /Chybná příloha: vyvěšeno rozhodnutí bez odůvodnění/);
  assert.match(rows[1]!, /Název: „Veřejná vyhláška – územní rozhodnutí“ → „Veřejná vyhláška – územní rozhodnutí \(opravené\)“/);
  assert.match(rows[1]!, /Dokumenty: přidáno „rozhodnuti-opravene\.pdf“; odebráno „rozhodnuti\.pdf“/);
  assert.match(rows[1]!, /běží znovu od 7\. 11\. 2026 09:00/);
  assert.match(rows[1]!, new RegExp(list.body.revisions[1]!.contentSha256));
  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    await page.setViewportSize(viewport);
    const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    assert.deepEqual(axe.violations.map((v) => `${v.id}: ${v.nodes.map((x) => x.target.join(' ')).join(', ')}`), [], `${viewport.width}px`);
    await page.screenshot({ path: join(SCREENSHOTS, `mirror-change-register-${viewport.width}.png`), fullPage: true });
  }
  await page.context().close();
  // Atom readers see the entry as updated at the correction.
  const atom = await (await fetch(`${pub.url}/mirror/demo/atom.xml`)).text();
  assert.match(atom, new RegExp(`<id>[^<]*${id}/</id>[\\s\\S]*?<updated>2026-11-07T09:00:00\\+01:00</updated>`));
  // A missing mirror page (a removed notice's old address): the mirror's 404 page, status 404.
  const missing = await fetch(`${pub.url}/mirror/demo/en/oznameni/neni-${id}/`);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await missing.text(), /<html lang="en">[\s\S]*<meta name="robots" content="noindex">[\s\S]*We could not find this page/);

  // The certificate lists each revision with its instant, author, reason and content hash.
  const cert = await call<Uint8Array>('GET', '/notices/{id}/certificate', id);
  assert.equal(cert.status, 200);
  const text = (await pdfPageTexts(cert.body)).join('\n').replace(/\s+/g, ' ');
  assert.match(text, /Opravy oznámení \(rejstřík změn\)/);
  assert.match(text, /Revize 1 \(původní znění\)/);
  assert.match(text, /Revize 2 \(oprava\)/);
  assert.match(text, /Chybná příloha: vyvěšeno rozhodnutí bez odůvodnění/);
  assert.match(text, /běží znovu od 7\. 11\. 2026 09:00/);
  for (const rev of list.body.revisions) assert.ok(text.includes(rev.contentSha256), `hash of revision ${rev.revision} on the certificate`);
  assert.match(text, /opraveno/);
});

test('a correction of a notice not yet posted, or one that would shorten the period, is refused', async () => {
  const draft = await call<NoticeView>('POST', '/boards/{board}/notices', '', form({ title: 'Koncept', description: 'Text' }));
  const r = await call('POST', '/notices/{id}/revisions', draft.body.id, form({ title: 'Y', reason: 'Překlep', restartPeriod: false }));
  assert.equal(r.status, 409);
  assert.equal(code(r.body), 'not_posted');
  const shorter = await call('POST', '/notices/{id}/revisions', id, form({ type: 'general', reason: 'Jiný typ', restartPeriod: false }));
  assert.equal(shorter.status, 422);
  assert.equal(code(shorter.body), 'period_shortened');
  assert.equal((await call<RevisionsResponse>('GET', '/notices/{id}/revisions', id)).body.revisions.length, 2);
});
