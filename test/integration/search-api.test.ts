/**
 * Search through the real publisher (loopback HTTP, SQLite in a temp folder, ManualClock):
 * uploaded PDFs get their text extracted once per SHA-256 in worker threads (pdf.js), the API
 * finds notices by words in them without diacritics, refuses malformed queries with 400, keeps
 * each token to its boards, and the signed feed names each attachment's text file.
 * Responses are checked against openapi.json.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeDocumentPdf } from '../../src-main/demo/pdf.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { SearchPage } from '../../src-main/search/search.ts';
import { TextIndexer } from '../../src-main/search/indexer.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { checkResponse } from '../helpers/openapi.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = Date.parse('2026-11-21T08:00:00.000Z');
const tmp = tempDir();
let pub: RunningPublisher;
let clock: ManualClock;
let admin: string;
let kioskToken: string;

async function api<T>(path: string, o: { token?: string; method?: string; body?: BodyInit } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${pub.url}/api/v1${path}`, { method: o.method ?? 'GET', headers: { authorization: `Bearer ${o.token ?? admin}` }, body: o.body });
  const body = (await res.json()) as T;
  if (path.startsWith('/search')) checkResponse('GET', '/search', res.status, res.headers.get('content-type'), body);
  return { status: res.status, body };
}

async function createNotice(title: string, pdf: Uint8Array, extra: Record<string, unknown> = {}): Promise<string> {
  const form = new FormData();
  form.set('metadata', JSON.stringify({ title, description: 'Viz příloha.', category: 'Oznámení', department: 'Stavební úřad', postAt: new Date(T0 + 3_600_000).toISOString(), removeAt: new Date(T0 + 16 * 86_400_000).toISOString(), ...extra }));
  form.append('files', new Blob([Buffer.from(pdf)], { type: 'application/pdf' }), 'dokument.pdf');
  const r = await api<{ id: string }>('/boards/demo/notices', { method: 'POST', body: form });
  assert.equal(r.status, 201);
  return r.body.id;
}

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', kioskIds: ['lobby'], now: clock.now() });
  admin = init.apiToken;
  kioskToken = init.kioskTokens.lobby!;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false });
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

describe('search API', () => {
  let first = '';
  let second = '';

  test('a PDF is extracted once per SHA-256: two notices with the same file, one extraction, both found by its text without diacritics', async () => {
    const pdf = await makeDocumentPdf('Oznámení o zahájení řízení', ['Stavebník požádal o vydání společného povolení pro stavbu Hasičská zbrojnice Horní Lhota na pozemku parc. č. 1234/5.']);
    first = await createNotice('Oznámení o zahájení řízení', pdf, { referenceNumber: 'MULH/1234/2026' });
    await pub.search.drain();
    const once = pub.search.extractions;
    second = await createNotice('Totéž oznámení podruhé', pdf);
    await pub.search.drain();
    assert.equal(pub.search.extractions, once, 'the second notice reuses the stored text');
    const rows = pub.ctx.store.db.prepare('SELECT status, text_sha256 FROM attachment_texts').all() as { status: string; text_sha256: string | null }[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.status, 'ok');

    const r = await api<SearchPage>('/search?q=hasicska%20zbrojnice');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.results.map((h) => h.noticeId).sort(), [first, second].sort());
    assert.match(r.body.results[0]!.snippets.attachments!, /<mark>Hasičská<\/mark> <mark>zbrojnice<\/mark>/);
    assert.equal(r.body.results[0]!.board, 'demo');
  });

  test('filters over HTTP: state, board, dates (days in the board zone), paging', async () => {
    await api(`/notices/${first}/publish`, { method: 'POST' });
    clock.set(T0 + 2 * 3_600_000);
    const posted = await api<SearchPage>('/search?q=zbrojnice&state=posted');
    assert.deepEqual(posted.body.results.map((h) => h.noticeId), [first]);
    assert.equal(posted.body.results[0]!.state, 'posted');
    const drafts = await api<SearchPage>('/search?q=zbrojnice&state=draft,withdrawn&board=demo');
    assert.deepEqual(drafts.body.results.map((h) => h.noticeId), [second]);
    assert.equal((await api<SearchPage>('/search?q=zbrojnice&from=2026-11-21&to=2026-11-21')).body.results.length, 2);
    assert.equal((await api<SearchPage>('/search?q=zbrojnice&from=2026-11-22')).body.results.length, 0);
    const page = await api<SearchPage>('/search?q=zbrojnice&limit=1');
    assert.equal(page.body.results.length, 1);
    assert.equal(page.body.hasMore, true);
    assert.equal((await api<SearchPage>('/search?q=zbrojnice&limit=1&offset=1')).body.hasMore, false);
  });

  test('malformed queries are a 400 with a Czech message, never a 500', async () => {
    for (const [query, message] of [
      ['q=', /Zadejte, co hledáte/],
      ['q=%22*()%3A', /Zadejte, co hledáte/],
      [`q=${'x'.repeat(201)}`, /příliš dlouhý/],
      ['q=a&state=vyveseno', /Neznámý stav/],
      ['q=a&from=2026-02-30', /neexistuje/],
      ['q=a&from=zitra', /Datum „od“/],
      ['q=a&from=2026-11-22&to=2026-11-21', /před datem/],
      ['q=a&limit=0', /limit/],
      ['q=a&offset=-1', /offset/],
    ] as const) {
      const r = await api<{ error: { message: string } }>(`/search?${query}`);
      assert.equal(r.status, 400, query);
      assert.match(r.body.error.message, message, query);
    }
    for (const q of ['NEAR(zbrojnice', 'title:x OR', '"unclosed', 'a AND NOT', '^*zbrojnice']) {
      const r = await api(`/search?q=${encodeURIComponent(q)}`);
      assert.equal(r.status, 200, q);
    }
  });

  test('tokens: a kiosk token has no access, an integration token searches only its boards', async () => {
    assert.equal((await api('/search?q=zbrojnice', { token: kioskToken })).status, 403);
    const store = pub.ctx.store;
    const adminUser = store.db.prepare("SELECT id FROM users WHERE role = 'admin'").pluck().get() as string;
    store.createBoard({ id: 'ves', name: 'Obec Ves', ico: '00054321', timeZone: 'Europe/Prague', publicUrl: 'https://ves.example/' }, clock.now());
    const other = store.users.createToken({ name: 'spisovka-ves', kind: 'integration', userId: adminUser, boards: ['ves'] }, clock.now()).token;
    assert.deepEqual((await api<SearchPage>('/search?q=zbrojnice', { token: other })).body.results, []);
    assert.equal((await api('/search?q=zbrojnice&board=demo', { token: other })).status, 403);
    assert.equal((await api('/search?q=zbrojnice&board=nikde')).status, 404);
    const own = store.users.createToken({ name: 'spisovka-demo', kind: 'integration', userId: adminUser, boards: ['demo'] }, clock.now()).token;
    assert.equal((await api<SearchPage>('/search?q=zbrojnice', { token: own })).body.results.length, 2);
    const unauthenticated = await fetch(`${pub.url}/api/v1/search?q=x`);
    assert.equal(unauthenticated.status, 401);
  });

  test('the signed feed names the text of each attachment, served by hash like the attachment', async () => {
    await pub.engine.idle();
    const res = await fetch(`${pub.url}/feed/demo/manifest.json`, { headers: { authorization: `Bearer ${kioskToken}` } });
    assert.equal(res.status, 200);
    const manifest = (await res.json()) as FeedManifest;
    const notice = manifest.notices.find((n) => n.id === first);
    const att = notice?.attachments[0];
    assert.ok(att?.textSha256, 'the attachment names its text file');
    const text = await fetch(`${pub.url}/feed/demo/files/${att.textSha256}`, { headers: { authorization: `Bearer ${kioskToken}` } });
    assert.equal(text.status, 200);
    assert.match(text.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await text.text();
    assert.match(body, /Hasičská zbrojnice\s+Horní Lhota/);
    assert.equal(Buffer.byteLength(body), att.textSize);
  });

  test('a PDF that cannot be read is recorded as "text not available" and does not stop publishing', async () => {
    const store = pub.ctx.store;
    const broken = store.blobs.put(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), 'application/pdf', clock.now());
    const indexer = new TextIndexer({ store, clock, timeoutMs: 20_000 });
    await indexer.drain();
    const row = store.db.prepare('SELECT status, error FROM attachment_texts WHERE sha256 = ?').get(broken.sha256) as { status: string; error: string | null };
    assert.equal(row.status, 'unavailable');
    assert.ok(row.error && row.error.length > 0);
    // The notice with it publishes as any other, and is still found by its title.
    const board = store.board('demo')!;
    const n = store.notices.create(board, { title: 'Nečitelná příloha', description: '—', category: 'Oznámení', department: '', referenceNumber: '', fileMark: '', postAt: new Date(clock.now() + 60_000).toISOString(), removeAt: null }, [{ ...broken, name: 'x.pdf' }], 'test', clock.now());
    assert.equal(store.notices.publish(n.id, 'test', clock.now()).publishedAt !== null, true);
    assert.equal((await api<SearchPage>('/search?q=necitelna')).body.results[0]?.noticeId, n.id);
  });
});
