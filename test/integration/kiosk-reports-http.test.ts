/**
 * Kiosk reports and the certificate through a real publisher on loopback: POST
 * /feed/{board}/reports, then GET /api/v1/notices/{id}/certificate (rendered in a worker
 * thread). Each kiosk has its own token of this board and reports only as itself.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kioskToken, startBoard, type Board } from '../e2e/harness.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { tempDir } from '../helpers/tmp.ts';

const tmp = tempDir();
let board: Board;
let noticeId = '';
let postAt = '';
let lobbyToken = '';

async function api<T>(method: string, path: string, body?: FormData | unknown): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = { authorization: `Bearer ${board.init.apiToken}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${board.publisher.url}/api/v1${path}`, { method, headers, body: payload });
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: (type.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer())) as T };
}

async function postReport(body: unknown, token = lobbyToken): Promise<{ status: number; message: string }> {
  const res = await fetch(`${board.publisher.url}/feed/${board.init.board.id}/reports`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, message: text ? ((JSON.parse(text) as { error?: { message: string } }).error?.message ?? '') : '' };
}

/** The kiosk sightings of the notice (the publisher records its own mirror's too). */
async function sightings(): Promise<unknown[]> {
  return (await api<{ sightings: { channel: string }[] }>('GET', `/notices/${noticeId}/events`)).body.sightings.filter((s) => s.channel.startsWith('kiosk:'));
}

before(async () => {
  board = await startBoard(tmp.path);
  lobbyToken = kioskToken(board, 'lobby');
  const form = new FormData();
  form.append('metadata', new Blob([JSON.stringify({ title: 'Pozvánka na zasedání zastupitelstva', description: 'Zasedání se koná v sále radnice.', postAt: new Date(Date.now() - 60_000).toISOString() })], { type: 'application/json' }));
  const created = await api<{ id: string }>('POST', `/boards/${board.init.board.id}/notices`, form);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const published = await api<{ id: string; postAt: string }>('POST', `/notices/${created.body.id}/publish`);
  assert.equal(published.status, 200, JSON.stringify(published.body));
  noticeId = published.body.id;
  postAt = published.body.postAt;
});

after(async () => {
  await board.publisher.stop();
  tmp[Symbol.dispose]();
});

function report(over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    kioskId: 'lobby',
    board: board.init.board.id,
    appliedSeq: 3,
    appliedAt: new Date(now - 1000).toISOString(),
    lastError: null,
    sightings: [{ noticeId, firstShownAt: postAt, lastShownAt: new Date(now).toISOString(), goneAt: null }],
    outages: [{ from: postAt, to: new Date(now).toISOString(), reason: 'screen-off' }],
    sentAt: new Date(now).toISOString(),
    clockOffsetMs: 40,
    screenOn: true,
    version: 'test',
    ...over,
  };
}

test('a report with a sighting before the posting, a non-ISO instant or another board is refused over HTTP and stores nothing', async () => {
  const early = await postReport(report({ sightings: [{ noticeId, firstShownAt: new Date(Date.parse(postAt) - 1000).toISOString(), lastShownAt: postAt, goneAt: null }] }));
  assert.equal(early.status, 422);
  assert.match(early.message, /je před vyvěšením/);
  const notIso = await postReport(report({ sightings: [{ noticeId, firstShownAt: 'dnes ráno', lastShownAt: postAt, goneAt: null }] }));
  assert.equal(notIso.status, 422);
  assert.match(notIso.message, /není okamžik ve formátu ISO 8601 v UTC/);
  const otherBoard = await postReport(report({ board: 'jina-deska' }));
  assert.equal(otherBoard.status, 403);
  const noToken = await postReport(report(), 'not-a-token');
  assert.equal(noToken.status, 401);
  const otherKiosk = await postReport(report(), kioskToken(board, 'vestibul'));
  assert.equal(otherKiosk.status, 403, 'a kiosk token reports only as its own kiosk');
  const adminToken = await postReport(report(), board.init.apiToken);
  assert.equal(adminToken.status, 403, 'only a kiosk token reports');
  assert.deepEqual(await sightings(), []);
  const kiosks = await api<{ kiosks: unknown[] }>('GET', '/kiosks');
  assert.deepEqual(kiosks.body.kiosks, []);
});

test('a valid report is stored, and the certificate (rendered in a worker) shows the kiosk, its outage and the unprobed public URL', async () => {
  const ok = await postReport(report());
  assert.equal(ok.status, 204, ok.message);
  assert.equal((await sightings()).length, 1);
  const kiosks = await api<{ kiosks: { id: string; clockOffsetMs: number; screenOn: boolean; version: string }[] }>('GET', '/kiosks');
  assert.deepEqual(kiosks.body.kiosks.map((k) => [k.id, k.clockOffsetMs, k.screenOn, k.version]), [['lobby', 40, true, 'test']]);

  const cert = await api<Uint8Array>('GET', `/notices/${noticeId}/certificate`);
  assert.equal(cert.status, 200);
  const text = (await pdfPageTexts(cert.body)).join('\n');
  assert.match(text, /Kiosek lobby\s+\d+\. \d+\. \d{4} \d\d:\d\d:\d\d [+-]\d\d:\d\d/);
  assert.match(text, /výpadek: obrazovka vypnuta\s+od .+\s+do /);
  assert.match(text, /Veřejná stránka https:\/\/deska\.example\.cz\/\s+nezkontrolováno/);
});
