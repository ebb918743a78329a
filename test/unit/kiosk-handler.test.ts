/** The kiosk request handler as what it is: a Request → Response function (no server). */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { serveHandler } from '../../src-main/http/serve.ts';
import { createKioskHandler } from '../../src-main/kiosk/handler.ts';
import { parseProfile } from '../../src-main/kiosk/profile.ts';
import { Replica } from '../../src-main/kiosk/replica.ts';
import { startKiosk } from '../../src-main/kiosk/run.ts';
import { electronBinary } from '../../src-main/kiosk/shells/electron.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { KioskChange } from '../../src-main/shared/kiosk-api.ts';
import { generateBoardKeys, makeSnapshot, writeProfile } from '../helpers/kiosk-feed.ts';
import { signBytes } from '../../src-main/publication/signing.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import type { RegisterEntry } from '../../src-main/shared/revisions.ts';
import { tempDir } from '../helpers/tmp.ts';

const keys = generateBoardKeys();

function setup(dir: string) {
  const ui = join(dir, 'ui');
  mkdirSync(join(ui, 'kiosk'), { recursive: true });
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'kiosk', 'index.html'), '<!doctype html><title>kiosk</title>');
  writeFileSync(join(ui, 'assets', 'app.js'), 'export {}');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
  const profile = parseProfile(
    {
      kioskId: 'k',
      board: 'testov',
      feed: { folder: '.' },
      publicKey: keys.publicKey,
      orientation: 'landscape',
      languages: ['cs'],
      idleTimeoutSeconds: 60,
      screenSchedule: null,
      accessibility: { reachMode: false, fontScale: 1, highContrast: false },
    },
    join(dir, 'k.json'),
    {},
  );
  const replica = new Replica(join(dir, 'data'));
  const listeners = new Set<(c: KioskChange) => void>();
  const app = createKioskHandler({
    profile,
    replica,
    clock: new ManualClock('2026-11-21T09:00:00Z'),
    rendererDir: ui,
    subscribe: (fn) => (listeners.add(fn), () => listeners.delete(fn)),
  });
  const get = (path: string): Promise<Response> => Promise.resolve(app.fetch(new Request(`http://kiosk${path}`)));
  return { app, replica, listeners, get };
}

test('/ redirects to the kiosk UI, which is served with security headers', async () => {
  using dir = tempDir();
  const { get, replica } = setup(dir.path);
  const root = await get('/');
  assert.equal(root.status, 302);
  assert.equal(root.headers.get('location'), '/kiosk/');
  const html = await get('/kiosk/');
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type')!, /text\/html/);
  assert.equal(html.headers.get('x-content-type-options'), 'nosniff');
  const csp = html.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-eval/);
  assert.match((await get('/assets/app.js')).headers.get('content-type')!, /javascript/);
  assert.equal((await get('/../secret.txt')).status, 404);
  assert.equal((await get('/%2e%2e/secret.txt')).status, 404);
  // An encoded slash survives URL parsing; the handler must still stay inside the UI folder.
  const sneaky = await get('/kiosk/..%2f..%2fsecret.txt');
  assert.equal(sneaky.status, 404);
  assert.notEqual(await sneaky.text(), 'secret');
  replica.close();
});

test('state before any snapshot: no board, no notices, no error', async () => {
  using dir = tempDir();
  const { get, replica } = setup(dir.path);
  const s = (await (await get('/api/state')).json()) as { board: unknown; notices: unknown[]; lastSync: unknown; kiosk: { orientation: string } };
  assert.equal(s.board, null);
  assert.deepEqual(s.notices, []);
  assert.equal(s.lastSync, null);
  assert.equal(s.kiosk.orientation, 'landscape');
  replica.close();
});

test('/api/events streams a "change" event when the kiosk emits one', async () => {
  using dir = tempDir();
  const { get, listeners, replica } = setup(dir.path);
  const res = await get('/api/events');
  assert.match(res.headers.get('content-type')!, /text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes('event: hello')) text += decoder.decode((await reader.read()).value);
  for (const l of listeners) l({ reason: 'instant' });
  while (!text.includes('event: change')) text += decoder.decode((await reader.read()).value);
  assert.match(text, /event: change\ndata: \{"reason":"instant"\}/);
  await reader.cancel();
  replica.close();
});

test('shell electron without the Electron binary fails with a hint to use Chromium', async (t) => {
  if (electronBinary() !== null) return t.skip('the Electron binary is installed here');
  using dir = tempDir();
  const profilePath = writeProfile(dir.path, { feed: { folder: '.' }, publicKey: keys.publicKey, dataDir: 'data' });
  await assert.rejects(startKiosk({ profilePath, shell: 'electron' }), /--shell chromium/);
});

test('/api/heartbeat takes { shown, visibility } and hands it on; anything else is a 400', async () => {
  using dir = tempDir();
  const ui = join(dir.path, 'ui');
  mkdirSync(ui, { recursive: true });
  const profile = parseProfile(
    {
      kioskId: 'k',
      board: 'testov',
      feed: { folder: '.' },
      publicKey: keys.publicKey,
      orientation: 'landscape',
      languages: ['cs'],
      idleTimeoutSeconds: 60,
      screenSchedule: null,
      accessibility: { reachMode: false, fontScale: 1, highContrast: false },
    },
    join(dir.path, 'k.json'),
    {},
  );
  const replica = new Replica(join(dir.path, 'data'));
  const got: unknown[] = [];
  const app = createKioskHandler({ profile, replica, clock: new ManualClock('2026-11-21T09:00:00Z'), rendererDir: ui, subscribe: () => () => undefined, onHeartbeat: (hb) => got.push(hb) });
  const post = (body: string): Promise<Response> =>
    Promise.resolve(app.fetch(new Request('http://kiosk/api/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body })));
  assert.equal((await post(JSON.stringify({ shown: ['a'], visibility: 'visible' }))).status, 204);
  assert.equal((await post(JSON.stringify({ shown: 'a', visibility: 'visible' }))).status, 400);
  assert.equal((await post(JSON.stringify({ shown: [], visibility: 'prerender' }))).status, 400);
  assert.equal((await post('{not json')).status, 400);
  assert.equal((await post(JSON.stringify({ shown: ['x'.repeat(300 * 1024)], visibility: 'visible' }))).status, 413);
  // A chunked body that never ends is refused at the limit, not read to the end.
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({ pull: (ctrl) => void ((pulled += 65_536), ctrl.enqueue(new Uint8Array(65_536).fill(0x20))) });
  const chunked = await app.fetch(new Request('http://kiosk/api/heartbeat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: endless, duplex: 'half' } as RequestInit));
  assert.equal(chunked.status, 413);
  assert.ok(pulled < 1024 * 1024, `read ${pulled} bytes of an endless body`);
  assert.deepEqual(got, [{ shown: ['a'], visibility: 'visible' }]);
  replica.close();
});

test('a corrected notice carries its newest correction ("Opraveno dne …") into the UI state; one never corrected does not', async () => {
  using dir = tempDir();
  const { get, replica } = setup(dir.path);
  const base = makeSnapshot(keys, 1, [{ id: 'opravene', postAt: '2026-11-20T08:00:00.000Z' }, { id: 'puvodni', postAt: '2026-11-20T08:00:00.000Z' }]);
  const entry = (revision: number, at: string): RegisterEntry => ({
    revision, at, actor: 'novakova', reason: revision === 1 ? '' : 'Překlep v názvu', restartsPeriod: false, periodStartAt: '2026-11-20T08:00:00.000Z',
    lawfulRemoveAt: null, contentSha256: 'a'.repeat(64), changes: revision === 1 ? [] : [{ field: 'title', from: 'Oznámeni', to: 'Oznámení' }],
  });
  const manifest: FeedManifest = { ...base.manifest, notices: [{ ...base.manifest.notices[0]!, register: [entry(1, '2026-11-20T08:00:00.000Z'), entry(2, '2026-11-21T07:30:00.000Z')] }, base.manifest.notices[1]!] };
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  replica.apply({ manifest, bytes, signature: signBytes(bytes, keys.privatePem), files: new Map() }, '2026-11-21T08:00:00.000Z');
  const s = (await (await get('/api/state')).json()) as { notices: { id: string; corrected?: unknown }[] };
  assert.deepEqual(s.notices.map((n) => [n.id, n.corrected ?? null]), [['opravene', { revision: 2, at: '2026-11-21T07:30:00.000Z' }], ['puvodni', null]]);
  replica.close();
});

test('only the kiosk\'s own page may speak, count a sighting or wake the display: another origin (CSRF) and a rebound DNS name are refused, over real HTTP too', async () => {
  using dir = tempDir();
  const ui = join(dir.path, 'ui');
  mkdirSync(ui, { recursive: true });
  const profile = parseProfile(
    { kioskId: 'k', board: 'testov', feed: { folder: '.' }, publicKey: keys.publicKey, orientation: 'landscape', languages: ['cs'], idleTimeoutSeconds: 60, screenSchedule: null, accessibility: { reachMode: false, fontScale: 1, highContrast: false } },
    join(dir.path, 'k.json'),
    {},
  );
  const replica = new Replica(join(dir.path, 'data'));
  const heartbeats: unknown[] = [];
  let wakes = 0;
  const spoken: string[] = [];
  const app = createKioskHandler({
    profile,
    replica,
    clock: new ManualClock('2026-11-21T09:00:00Z'),
    rendererDir: ui,
    subscribe: () => () => undefined,
    onHeartbeat: (hb) => heartbeats.push(hb),
    onWake: () => void wakes++,
    speech: { speak: (text) => void spoken.push(text), stop: () => undefined },
  });
  const hb = JSON.stringify({ shown: ['n1'], visibility: 'visible' });
  const say = JSON.stringify({ text: 'Dobrý den', lang: 'cs', volume: 1 });
  const post = (url: string, headers: Record<string, string>, body: string | null = null): Promise<Response> =>
    Promise.resolve(app.fetch(new Request(url, { method: 'POST', headers, body })));

  // A page on another site: a "simple" text/plain POST needs no preflight, so the kiosk must refuse it itself.
  const evil = { origin: 'http://evil.example', 'content-type': 'text/plain' };
  assert.equal((await post('http://127.0.0.1:8790/api/heartbeat', evil, hb)).status, 403);
  assert.equal((await post('http://127.0.0.1:8790/api/speech', evil, say)).status, 403);
  assert.equal((await post('http://127.0.0.1:8790/api/wake', { origin: 'http://evil.example' })).status, 403);
  // DNS rebinding: the attacker's name resolves to 127.0.0.1, so Origin and Host agree, but the name is not the kiosk's.
  const rebound = { origin: 'http://evil.example:8790', 'content-type': 'application/json' };
  assert.equal((await post('http://evil.example:8790/api/heartbeat', rebound, hb)).status, 403);
  assert.equal((await post('http://evil.example:8790/api/speech', rebound, say)).status, 403);
  assert.equal((await post('http://evil.example:8790/api/wake', rebound)).status, 403);
  // Same origin but not JSON: not what the kiosk page sends.
  assert.equal((await post('http://127.0.0.1:8790/api/heartbeat', { origin: 'http://127.0.0.1:8790', 'content-type': 'text/plain' }, hb)).status, 415);
  assert.equal((await post('http://127.0.0.1:8790/api/speech', { origin: 'http://127.0.0.1:8790', 'content-type': 'text/plain' }, say)).status, 415);
  assert.deepEqual([heartbeats.length, wakes, spoken.length], [0, 0, 0]);

  // The kiosk's own page, on loopback, as localhost and in Electron.
  for (const base of ['http://127.0.0.1:8790', 'http://localhost:8790', 'http://[::1]:8790', 'deska://kiosk']) {
    const own = { origin: base, 'content-type': 'application/json' };
    assert.equal((await post(`${base}/api/heartbeat`, own, hb)).status, 204, base);
    assert.equal((await post(`${base}/api/speech`, own, say)).status, 204, base);
    assert.equal((await post(`${base}/api/wake`, { origin: base })).status, 204, base);
  }
  assert.deepEqual([heartbeats.length, wakes, spoken.length], [4, 4, 4]);
  // Electron may give its privileged scheme's page an opaque origin ("null"); only deska:// is let through with it.
  assert.equal((await post('deska://kiosk/api/wake', { origin: 'null' })).status, 204);
  assert.equal((await post('http://127.0.0.1:8790/api/wake', { origin: 'null' })).status, 403, 'a sandboxed page elsewhere sends "null" too');
  assert.equal(wakes, 5);

  // Over real HTTP the Host header is the attacker's to choose: the same refusal.
  const served = await serveHandler((req) => app.fetch(req), { host: '127.0.0.1', port: 0 });
  try {
    const port = new URL(served.origin).port;
    const raw = (host: string, origin: string): Promise<number> =>
      new Promise((done, fail) => {
        const r = httpRequest({ host: '127.0.0.1', port, path: '/api/wake', method: 'POST', headers: { host, origin } }, (res) => (res.resume(), done(res.statusCode ?? 0)));
        r.on('error', fail);
        r.end();
      });
    assert.equal(await raw(`evil.example:${port}`, `http://evil.example:${port}`), 403);
    assert.equal(await raw(`127.0.0.1:${port}`, 'http://evil.example'), 403);
    assert.equal(await raw(`127.0.0.1:${port}`, `http://127.0.0.1:${port}`), 204);
    assert.equal(wakes, 6);
  } finally {
    await served.close();
    replica.close();
  }
});
