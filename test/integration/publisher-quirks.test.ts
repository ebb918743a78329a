/**
 * Quirks of the publisher's HTTP surface, over real loopback HTTP on real data folders:
 * PATCH metadata rules, OPTIONS and HEAD, slow and piled-up uploads, orphan attachment files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type PublisherOptions, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { tempDir } from '../helpers/tmp.ts';
import { rawRequest } from '../helpers/raw-http.ts';

const T0 = '2026-11-21T08:00:00.000Z';
const MAX_UPLOAD = 300 * 1024;
const tmp = tempDir();
let n = 0;

interface Setup {
  pub: RunningPublisher;
  data: string;
  admin: string;
}

async function setup(o: Partial<PublisherOptions> = {}): Promise<Setup> {
  const data = join(tmp.path, `data-${++n}`);
  const clock = new ManualClock(T0);
  const init = await initData({ dataDir: data, adminPassword: 'spravce-heslo', now: clock.now() });
  const pub = await startPublisher({ dataDir: data, clock, sweep: false, maxUploadBytes: MAX_UPLOAD, ...o });
  return { pub, data, admin: init.apiToken };
}

after(() => tmp[Symbol.dispose]());

async function pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return doc.save();
}

function filesIn(data: string, sub: string): string[] {
  const dir = join(data, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(check(), what);
}

async function call(s: Setup, method: string, path: string, body?: FormData | unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { authorization: `Bearer ${s.admin}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(`${s.pub.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}
const message = (r: { body: Record<string, unknown> }): string => (r.body.error as { message: string } | undefined)?.message ?? '';
const code = (r: { body: Record<string, unknown> }): string => (r.body.error as { code: string } | undefined)?.code ?? '';

function form(metadata: unknown, files: Uint8Array[] = []): FormData {
  const f = new FormData();
  f.append('metadata', JSON.stringify(metadata));
  files.forEach((bytes, i) => f.append('files', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), `p${i}.pdf`));
  return f;
}

const BOUNDARY = 'deskaHranice';
function multipartHead(s: Setup, path: string, length: number): string {
  return [
    `POST ${path} HTTP/1.1`,
    `Host: ${new URL(s.pub.url).host}`,
    `Authorization: Bearer ${s.admin}`,
    `Content-Type: multipart/form-data; boundary=${BOUNDARY}`,
    `Content-Length: ${length}`,
  ].join('\r\n');
}
const filePartHead = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"title":"Pomalé"}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;

/** An upload that sends `bytes` of its file and then waits, holding its connection; `reply` settles when the server answers or closes. */
function stalledUpload(s: Setup, bytes: number): { socket: Socket; reply: Promise<string> } {
  const url = new URL(s.pub.url);
  const socket = connect(Number(url.port), url.hostname);
  let received = '';
  const reply = new Promise<string>((resolve) => {
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (received += d));
    socket.on('error', () => resolve(received));
    socket.on('close', () => resolve(received));
  });
  socket.on('connect', () => {
    socket.write(`${multipartHead(s, '/api/v1/boards/demo/notices', 4 * MAX_UPLOAD)}\r\n\r\n${filePartHead}`);
    socket.write(Buffer.alloc(bytes, 0x20));
  });
  return { socket, reply };
}

describe('PATCH /api/v1/notices/:id and multipart metadata', () => {
  let s: Setup;
  before(async () => (s = await setup()));
  after(() => s.pub.stop());

  test('two metadata parts (as fields, or a field and a file part) are refused with 400 and leave no file', async () => {
    const f = form({ title: 'První' }, [await pdf()]);
    f.append('metadata', JSON.stringify({ title: 'Druhý' }));
    const r = await call(s, 'POST', '/api/v1/boards/demo/notices', f);
    assert.equal(r.status, 400);
    assert.equal(code(r), 'duplicate_metadata');
    assert.match(message(r), /„metadata“ vícekrát/);
    const g = form({ title: 'První' });
    g.append('metadata', new Blob([JSON.stringify({ title: 'Druhý' })], { type: 'application/json' }), 'metadata.json');
    const created = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'Oznámení', description: 'Text' }));
    const p = await call(s, 'PATCH', `/api/v1/notices/${String(created.body.id)}`, g);
    assert.equal(p.status, 400);
    assert.equal(code(p), 'duplicate_metadata');
    assert.equal((await call(s, 'GET', `/api/v1/notices/${String(created.body.id)}`)).body.title, 'Oznámení');
    await until('DATA/tmp emptied', () => filesIn(s.data, 'tmp').length === 0);
  });

  test('removeAttachments naming an attachment the notice does not have is refused with 400; nothing changes', async () => {
    const created = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'S přílohou' }, [await pdf()]));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = String(created.body.id);
    const r = await call(s, 'PATCH', `/api/v1/notices/${id}`, form({ title: 'Jiný název', removeAttachments: ['a'.repeat(64)] }));
    assert.equal(r.status, 400);
    assert.equal(code(r), 'unknown_attachment');
    assert.match(message(r), /nemá přílohu s otiskem a{64}; nic nebylo změněno/);
    const now = await call(s, 'GET', `/api/v1/notices/${id}`);
    assert.equal(now.body.title, 'S přílohou');
    assert.equal((now.body.attachments as unknown[]).length, 1);
  });

  test('postAt: null on a scheduled notice is refused with a Czech message (cancelling is a withdrawal); on a draft it clears the date', async () => {
    const created = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'Naplánované', description: 'Text', postAt: '2026-12-01T08:00:00+01:00' }));
    const id = String(created.body.id);
    const draft = await call(s, 'PATCH', `/api/v1/notices/${id}`, form({ postAt: null }));
    assert.equal(draft.status, 200, JSON.stringify(draft.body));
    assert.equal(draft.body.postAt, null);
    await call(s, 'PATCH', `/api/v1/notices/${id}`, form({ postAt: '2026-12-01T08:00:00+01:00' }));
    assert.equal((await call(s, 'POST', `/api/v1/notices/${id}/publish`)).status, 200);
    const r = await call(s, 'PATCH', `/api/v1/notices/${id}`, form({ postAt: null }));
    assert.equal(r.status, 422);
    assert.equal(code(r), 'missing_post_at');
    assert.match(message(r), /Naplánovanému oznámení nelze odebrat datum vyvěšení.*stáhněte s uvedením důvodu/);
    const still = await call(s, 'GET', `/api/v1/notices/${id}`);
    assert.equal(still.body.state, 'scheduled');
    assert.equal(still.body.postAt, '2026-12-01T07:00:00.000Z');
  });

  test('OPTIONS answers 204 with the methods of the path (404 for no path); HEAD on the certificate answers 405 without rendering', async () => {
    const created = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'Metody', description: 'Text' }));
    const id = String(created.body.id);
    const o = await fetch(`${s.pub.url}/api/v1/notices/${id}`, { method: 'OPTIONS' });
    assert.equal(o.status, 204);
    assert.equal(o.headers.get('allow'), 'GET, HEAD, PATCH, OPTIONS');
    const list = await fetch(`${s.pub.url}/api/v1/boards/demo/notices`, { method: 'OPTIONS' });
    assert.equal(list.headers.get('allow'), 'GET, HEAD, POST, OPTIONS');
    assert.equal((await fetch(`${s.pub.url}/api/v1/nic-takoveho`, { method: 'OPTIONS' })).status, 404);
    const head = await fetch(`${s.pub.url}/api/v1/notices/${id}/certificate`, { method: 'HEAD', headers: { authorization: `Bearer ${s.admin}` } });
    assert.equal(head.status, 405);
    assert.equal(head.headers.get('allow'), 'GET, OPTIONS');
    const cert = await fetch(`${s.pub.url}/api/v1/notices/${id}/certificate`, { method: 'OPTIONS' });
    assert.equal(cert.headers.get('allow'), 'GET, OPTIONS');
    // GET still renders, HEAD elsewhere still works.
    const get = await fetch(`${s.pub.url}/api/v1/notices/${id}/certificate`, { headers: { authorization: `Bearer ${s.admin}` } });
    assert.equal(get.status, 200);
    await get.arrayBuffer();
    assert.equal((await fetch(`${s.pub.url}/api/v1/openapi.json`, { method: 'HEAD' })).status, 200);
  });
});

describe('slow and piled-up uploads', () => {
  test('a body that stalls is refused with 408 (Czech message) and its connection closed; no file is left in DATA/tmp', async () => {
    const s = await setup({ http: { bodyIdleMs: 400 } });
    try {
      const r = await rawRequest(s.pub.url, multipartHead(s, '/api/v1/boards/demo/notices', 4 * MAX_UPLOAD), [filePartHead, 'x'.repeat(10_000)], { finish: false });
      assert.equal(r.status, 408);
      assert.equal(r.headers.connection, 'close');
      assert.match(JSON.parse(r.body).error.message, /zastavilo nebo je příliš pomalé/);
      await until('DATA/tmp emptied', () => filesIn(s.data, 'tmp').length === 0);
    } finally {
      await s.pub.stop();
    }
  });

  test('a body that trickles in below the minimum rate after its grace is refused with 408', async () => {
    const s = await setup({ http: { bodyIdleMs: 60_000, bodyGraceMs: 200, minBodyBytesPerSec: 1_000_000 } });
    try {
      const up = stalledUpload(s, 1000);
      const reply = await up.reply;
      assert.match(reply, /^HTTP\/1\.1 408/);
      await until('DATA/tmp emptied', () => filesIn(s.data, 'tmp').length === 0);
    } finally {
      await s.pub.stop();
    }
  });

  test('more uploads at once from one address than allowed are refused with 429; DATA/tmp over its cap refuses with 507 and keeps no file of the refused one', async () => {
    const s = await setup({ maxTmpBytes: 250 * 1024, http: { maxUploadsPerAddress: 2 } });
    const held: Socket[] = [];
    try {
      const a = stalledUpload(s, 200 * 1024);
      held.push(a.socket);
      await until('the first upload is in DATA/tmp', () => filesIn(s.data, 'tmp').some((f) => statSync(f).size >= 200 * 1024));
      const b = stalledUpload(s, 100 * 1024);
      held.push(b.socket);
      assert.match(await b.reply, /^HTTP\/1\.1 507[^]*dočasné místo pro nahrávání je plné/);
      await until('the refused upload left nothing', () => filesIn(s.data, 'tmp').length === 1);
      const c = stalledUpload(s, 10);
      held.push(c.socket);
      await until('a second upload is being read', () => filesIn(s.data, 'tmp').length === 2);
      const d = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'Třetí', description: 'x' }));
      assert.equal(d.status, 429);
      assert.match(message(d), /Z vaší adresy právě probíhá 2 nahrávání/);
      for (const h of held) h.destroy();
      await until('DATA/tmp emptied after the clients hung up', () => filesIn(s.data, 'tmp').length === 0);
      // Within the limits again: an upload goes through.
      const ok = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'Po uvolnění' }, [await pdf()]));
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
    } finally {
      for (const h of held) h.destroy();
      await s.pub.stop();
    }
  });
});

describe('orphan attachment files', () => {
  test('at start, files no record refers to and older than 10 minutes are removed and recorded; referenced, fresh and revision files stay', async () => {
    const s = await setup();
    const created = await call(s, 'POST', '/api/v1/boards/demo/notices', form({ title: 'S přílohou' }, [await pdf()]));
    const id = String(created.body.id);
    const sha = (created.body.attachments as { sha256: string }[])[0]!.sha256;
    // A later revision without it: the file stays evidence of the earlier revision.
    const removed = await call(s, 'PATCH', `/api/v1/notices/${id}`, form({ description: 'Bez přílohy', removeAttachments: [sha] }));
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    await s.pub.stop();

    const old = new Date(Date.now() - 3600_000);
    const plant = (name: string, age: Date): string => {
      const dir = join(s.data, 'blobs', name.slice(0, 2));
      mkdirSync(dir, { recursive: true });
      const file = join(dir, name);
      writeFileSync(file, '%PDF-1.7 sirotek');
      utimesSync(file, age, age);
      return file;
    };
    const orphan = plant('b'.repeat(64), old);
    const halfMoved = plant(`${'c'.repeat(64)}.4242.tmp`, old);
    const fresh = plant('d'.repeat(64), new Date());
    const kept = join(s.data, 'blobs', sha.slice(0, 2), sha);
    utimesSync(kept, old, old);

    const again = await startPublisher({ dataDir: s.data, sweep: false, onLog: () => undefined });
    try {
      assert.equal(existsSync(orphan), false, 'the orphan is removed');
      assert.equal(existsSync(halfMoved), false, 'a half-moved file is removed');
      assert.equal(existsSync(fresh), true, 'a fresh file (an upload committing now) stays');
      assert.equal(existsSync(kept), true, "the earlier revision's file stays");
      const r = await fetch(`${again.url}/api/v1/notices/${id}/events`, { headers: { authorization: `Bearer ${s.admin}` } });
      assert.equal(r.status, 200);
      const gc = again.ctx.store.audit.list().filter((e) => e.action === 'blobs-collected');
      assert.equal(gc.length, 1);
      assert.deepEqual((gc[0]!.detail.files as { file: string }[]).map((f) => f.file).sort(), [`bb/${'b'.repeat(64)}`, `cc/${'c'.repeat(64)}.4242.tmp`]);
    } finally {
      await again.stop();
    }
  });
});
