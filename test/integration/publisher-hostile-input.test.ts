/**
 * Nothing knocks the publisher over: every class of bad input over real loopback HTTP (raw TCP
 * where fetch would not send it), against a real publisher on a real data folder. After each
 * refusal the process still answers, and no file is left in DATA/tmp or DATA/blobs.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import type { NoticeView } from '../../src-main/publisher/api.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { tempDir } from '../helpers/tmp.ts';
import { lazyBytes, rawRequest } from '../helpers/raw-http.ts';

const MAX_UPLOAD = 300 * 1024;
const T0 = '2026-11-21T08:00:00.000Z';
const MB200 = 200 * 1024 * 1024;

let pub: RunningPublisher;
let clock: ManualClock;
let admin: string;
let vestibul: string;
let data: string;
const tmp = tempDir();

async function pdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage([595, 842]);
  return doc.save();
}

/** Waits (at most 5 s) until DATA/tmp is empty: a request the client broke off is cleaned up once the server notices. */
async function tmpEmptied(): Promise<string[]> {
  for (let i = 0; i < 100 && filesIn('tmp').length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  return filesIn('tmp');
}

/** Files under a folder of the data folder, recursively. */
function filesIn(sub: string): string[] {
  const dir = join(data, sub);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function api(method: string, path: string, o: { token?: string; json?: unknown; form?: FormData; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body: BodyInit | undefined;
  if (o.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = typeof o.json === 'string' ? o.json : JSON.stringify(o.json);
  } else if (o.form) body = o.form;
  const res = await fetch(`${pub.url}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

const message = (r: { body: Record<string, unknown> }): string => (r.body.error as { message: string } | undefined)?.message ?? '';

function form(metadata: unknown, files: { name: string; bytes: Uint8Array }[] = []): FormData {
  const f = new FormData();
  f.append('metadata', JSON.stringify(metadata));
  for (const file of files) f.append('files', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  return f;
}

async function alive(): Promise<void> {
  const r = await fetch(`${pub.url}/api/v1/openapi.json`);
  assert.equal(r.status, 200, 'the publisher still answers');
  await r.body?.cancel();
}

async function newToken(json: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const r = await api('POST', '/api/v1/tokens', { token: admin, json });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body as unknown as { id: string; token: string };
}

before(async () => {
  clock = new ManualClock(T0);
  data = join(tmp.path, 'data');
  const init = await initData({ dataDir: data, adminPassword: 'spravce-heslo', now: clock.now(), kioskIds: ['vestibul'] });
  admin = init.apiToken;
  vestibul = init.kioskTokens.vestibul!;
  pub = await startPublisher({ dataDir: data, clock, sweep: false, maxUploadBytes: MAX_UPLOAD });
  pub.ctx.store.createBoard({ id: 'jina', name: 'Jiná deska', ico: '00054321', timeZone: 'Europe/Prague', publicUrl: 'https://jina.example.cz/' }, clock.now());
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

describe('bodies: streamed with limits, never buffered whole', () => {
  test('a multipart body that ends inside a file part is refused with 400; the process stays up and keeps no file', async () => {
    const blobs = filesIn('blobs').length;
    const boundary = 'deskaHranice';
    const head = [
      'POST /api/v1/boards/demo/notices HTTP/1.1',
      `Host: ${new URL(pub.url).host}`,
      `Authorization: Bearer ${admin}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      'Transfer-Encoding: chunked',
    ].join('\r\n');
    const part = `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"title":"Useknuto"}\r\n--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n`;
    const r = await rawRequest(pub.url, head, [part, 'x'.repeat(20_000)], { chunked: true });
    assert.equal(r.status, 400);
    assert.match(JSON.parse(r.body).error.message, /multipart|useknuto/);
    await alive();
    // A Content-Length that promises more than arrives, then the client hangs up.
    const lying = head.replace('Transfer-Encoding: chunked', 'Content-Length: 100000');
    const cut = await rawRequest(pub.url, lying, [part, 'x'.repeat(5_000)], { hangUp: true });
    assert.ok(cut.status === 0 || cut.status >= 400);
    await alive();
    assert.deepEqual(await tmpEmptied(), []);
    assert.equal(filesIn('blobs').length, blobs);
  });

  test('a 200 MB JSON body to sign-in is refused with 413 long before it is all sent, declared or chunked', async () => {
    const host = `Host: ${new URL(pub.url).host}`;
    const declared = await rawRequest(pub.url, `POST /api/v1/session HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: ${MB200}`, lazyBytes(MB200 / 65536, 65536));
    assert.equal(declared.status, 413);
    assert.match(JSON.parse(declared.body).error.message, /je větší než povolených/);
    assert.ok(declared.sent < MB200 / 4, `answered after ${declared.sent} bytes`);
    const small = await rawRequest(pub.url, `POST /api/v1/session HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nContent-Length: 10000`, lazyBytes(10, 1000));
    assert.equal(small.status, 413);
    assert.match(JSON.parse(small.body).error.message, /větší než povolených 4 kB/);

    const chunked = await rawRequest(pub.url, `POST /api/v1/session HTTP/1.1\r\n${host}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`, lazyBytes(MB200 / 65536, 65536), {
      chunked: true,
    });
    assert.equal(chunked.status, 413);
    assert.match(JSON.parse(chunked.body).error.message, /větší než povolených 4 kB/);
    assert.ok(chunked.sent < MB200 / 4, `answered after ${chunked.sent} bytes`);
    await alive();
  });

  test('JSON endpoints refuse a body over 64 kB; kiosk reports over 2 MB; every route over 128 MB', async () => {
    const n = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'Ke stažení', postAt: '2026-11-21T10:00:00+01:00' }) });
    assert.equal(n.status, 201);
    const big = await api('POST', `/api/v1/notices/${n.body.id as string}/withdraw`, { token: admin, json: { reason: 'x'.repeat(70 * 1024) } });
    assert.equal(big.status, 413);
    assert.match(message(big), /64 kB/);

    const host = `Host: ${new URL(pub.url).host}`;
    const report = await rawRequest(
      pub.url,
      `POST /feed/demo/reports HTTP/1.1\r\n${host}\r\nAuthorization: Bearer ${vestibul}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked`,
      lazyBytes(48, 65536),
      { chunked: true },
    );
    assert.equal(report.status, 413);
    assert.match(JSON.parse(report.body).error.message, /2 MB/);
    const anywhere = await rawRequest(pub.url, `POST /mirror/demo/ HTTP/1.1\r\n${host}\r\nContent-Length: ${MB200}`, lazyBytes(MB200 / 65536, 65536));
    assert.equal(anywhere.status, 413);
    assert.ok(anywhere.sent < MB200 / 4);
    await alive();
  });

  test('many near-limit files hit the total per request: 413, and nothing is left in tmp/ or blobs/', async () => {
    const blobs = filesIn('blobs').length;
    const near = new Uint8Array(MAX_UPLOAD - 1024).fill(0x41);
    near.set(Buffer.from('%PDF-1.7\n'));
    const boundary = 'deskaHranice';
    const parts = [`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"title":"Moc souborů"}\r\n`];
    const chunks: (string | Uint8Array)[] = [Buffer.from(parts[0]!, 'utf8')];
    for (let i = 0; i < 16; i++) {
      chunks.push(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="soubor-${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`, near, '\r\n');
    }
    chunks.push(`--${boundary}--\r\n`);
    const head = [
      'POST /api/v1/boards/demo/notices HTTP/1.1',
      `Host: ${new URL(pub.url).host}`,
      `Authorization: Bearer ${admin}`,
      `Content-Type: multipart/form-data; boundary=${boundary}`,
      'Transfer-Encoding: chunked',
    ].join('\r\n');
    const r = await rawRequest(pub.url, head, chunks, { chunked: true });
    assert.equal(r.status, 413);
    assert.match(JSON.parse(r.body).error.message, /Požadavek se všemi soubory je větší než povolených/);
    assert.deepEqual(await tmpEmptied(), []);
    assert.equal(filesIn('blobs').length, blobs);
  });

  test('refused uploads leave no file behind: a non-PDF, a file over the limit, and a transaction that fails after the files were stored', async () => {
    const blobs = filesIn('blobs').length;
    const notPdf = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'Fotka' }, [{ name: 'fotka.pdf', bytes: new Uint8Array(5000).fill(1) }]) });
    assert.equal(notPdf.status, 415);
    const tooBig = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'Velký' }, [{ name: 'velky.pdf', bytes: new Uint8Array(MAX_UPLOAD + 10) }]) });
    assert.equal(tooBig.status, 413);
    // A valid PDF, but the store refuses the notice (no title) inside the transaction.
    const noTitle = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: '' }, [{ name: 'ok.pdf', bytes: await pdf() }]) });
    assert.equal(noTitle.status, 422);
    assert.deepEqual(filesIn('tmp'), []);
    assert.equal(filesIn('blobs').length, blobs);
    // The same PDF accepted is stored once.
    const ok = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'S přílohou' }, [{ name: 'ok.pdf', bytes: await pdf() }]) });
    assert.equal(ok.status, 201);
    assert.equal(filesIn('blobs').length, blobs + 1);
    assert.deepEqual(filesIn('tmp'), []);
  });
});

describe('sign-in', () => {
  test('refuses bodies a cross-site form can send (415): only application/json', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await api('POST', '/api/v1/session', { json: 'username=admin&password=spravce-heslo', headers: { 'content-type': type } });
      assert.equal(r.status, 415, type);
    }
  });

  test('5 failures per account within 15 minutes: 429 with Retry-After, even for the right password; later it works', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await api('POST', '/api/v1/session', { json: { username: 'admin', password: `spatne-${i}` } })).status, 401);
    const locked = await api('POST', '/api/v1/session', { json: { username: 'admin', password: 'spravce-heslo' } });
    assert.equal(locked.status, 429);
    assert.equal(locked.headers.get('retry-after'), String(15 * 60));
    assert.match(message(locked), /Příliš mnoho neúspěšných pokusů/);
    clock.advance(15 * 60_000 + 1000);
    assert.equal((await api('POST', '/api/v1/session', { json: { username: 'admin', password: 'spravce-heslo' } })).status, 200);
  });

  test('20 failures from one address within 15 minutes lock that address for every account', async () => {
    clock.advance(16 * 60_000);
    for (let i = 0; i < 20; i++) assert.equal((await api('POST', '/api/v1/session', { json: { username: `nikdo-${i}`, password: 'x' } })).status, 401);
    const r = await api('POST', '/api/v1/session', { json: { username: 'admin', password: 'spravce-heslo' } });
    assert.equal(r.status, 429);
    clock.advance(16 * 60_000);
    assert.equal((await api('POST', '/api/v1/session', { json: { username: 'admin', password: 'spravce-heslo' } })).status, 200);
  });
});

describe('fields: impossible instants and control characters are refused with what is wrong', () => {
  const create = (metadata: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> =>
    api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'Oznámení', ...metadata }) });

  test('impossible dates, out-of-range years, offsets and times', async () => {
    const cases: [string, RegExp][] = [
      ['2027-02-30T08:00:00+01:00', /30\. 2\. 2027 neexistuje \(měsíc má 28 dní\)/],
      ['2028-02-30T08:00:00+01:00', /měsíc má 29 dní/],
      ['2026-13-01T08:00:00+01:00', /měsíc 13 neexistuje/],
      ['1999-12-31T08:00:00+01:00', /rok 1999 je mimo povolený rozsah 2000–2200/],
      ['2201-01-01T08:00:00Z', /rok 2201/],
      ['2027-01-10T08:00:00+25:00', /posun časové zóny \+25:00 neexistuje/],
      ['2027-01-10T08:00:00+14:30', /posun časové zóny/],
      ['2027-01-10T24:00:00+01:00', /čas 24:00:00 neexistuje/],
      ['2027-01-10T08:60+01:00', /neexistuje/],
      ['2027-01-10 08:00', /ISO 8601/],
    ];
    for (const [postAt, expected] of cases) {
      const r = await create({ postAt });
      assert.equal(r.status, 422, postAt);
      assert.match(message(r), /^Datum vyvěšení/);
      assert.match(message(r), expected, postAt);
    }
    assert.equal((await create({ postAt: '2028-02-29T08:00:00+01:00', removeAt: '2028-03-15T23:59:59.5-12:00' })).status, 201);
  });

  test('control characters in every text field: refused, naming the field; line separators become line feeds where lines are allowed', async () => {
    for (const [field, value, label] of [
      ['title', 'Vyhláška\u0000', 'Název'],
      ['department', 'Odbor\u0007', 'Odbor'],
      ['description', 'Text\u0085dál', 'Popis'],
      ['fileMark', 'SZ\u001b[31m', 'Spisová značka'],
      ['referenceNumber', 'Č.j.\ud800', 'Číslo jednací'],
      ['category', 'Rozpočet\nřádek', 'Kategorie'],
      ['title', 'Vyhláška \u202efdp.exe', 'Název'],
    ] as const) {
      const r = await create({ [field]: value });
      assert.equal(r.status, 422, field);
      assert.match(message(r), new RegExp(`^Údaj „${label}“ obsahuje`), field);
    }
    const ok = await create({ title: 'Tab\tv názvu', description: 'První\u2028druhý\r\ntřetí\tsloupec' });
    assert.equal(ok.status, 201);
    assert.equal((ok.body as unknown as NoticeView).title, 'Tab v názvu');
    assert.equal((ok.body as unknown as NoticeView).description, 'První\ndruhý\ntřetí\tsloupec');

    const reason = await api('POST', `/api/v1/notices/${ok.body.id as string}/withdraw`, { token: admin, json: { reason: 'Chyba\u0000' } });
    assert.equal(reason.status, 422);
    assert.match(message(reason), /Důvod stažení/);
    const token = await api('POST', '/api/v1/tokens', { token: admin, json: { name: 'e\u0000spis', kind: 'admin' } });
    assert.equal(token.status, 422);
    assert.match(message(token), /Název tokenu/);
    const user = await api('POST', '/api/v1/session', { json: { username: 'admin\u0000', password: 'x' } });
    assert.equal(user.status, 422);
    assert.match(message(user), /Uživatelské jméno/);
  });
});

describe('paths', () => {
  test('malformed percent-encoded paths answer 400 or 404, never 500', async () => {
    for (const path of ['/api/v1/notices/%E0%A4%A', '/api/v1/attachments/%E0%A4%A', '/feed/%E0%A4%A/manifest.json', '/feed/demo/files/%E0%A4%A', '/mirror/demo/%E0%A4%A', '/mirror/%E0%A4%A/', '/app/assets/%E0%A4%A', '/%E0%A4%A', '/mirror/demo/%00']) {
      const r = await fetch(`${pub.url}${path}`, { headers: { authorization: `Bearer ${path.startsWith('/feed/') ? vestibul : admin}` } });
      await r.body?.cancel();
      assert.ok(r.status === 400 || r.status === 404, `${path}: ${r.status}`);
    }
    await alive();
  });
});

describe('tokens: least privilege', () => {
  test('a kiosk token can neither mint tokens nor publish nor read the API', async () => {
    const kiosk = await newToken({ name: 'kiosk chodba', kind: 'kiosk', board: 'demo', kioskId: 'chodba' });
    assert.equal((await api('POST', '/api/v1/tokens', { token: kiosk.token, json: { name: 'x', kind: 'admin' } })).status, 403);
    assert.equal((await api('POST', '/api/v1/boards/demo/notices', { token: kiosk.token, form: form({ title: 'Od kiosku' }) })).status, 403);
    assert.equal((await api('GET', '/api/v1/boards', { token: kiosk.token })).status, 403);
  });

  test('an integration token works only with its boards and never manages tokens', async () => {
    const integ = await newToken({ name: 'e-spis', kind: 'integration', boards: ['demo'] });
    const boards = await api('GET', '/api/v1/boards', { token: integ.token });
    assert.deepEqual((boards.body.boards as { id: string }[]).map((b) => b.id), ['demo']);
    const mine = await api('POST', '/api/v1/boards/demo/notices', { token: integ.token, form: form({ title: 'Z e-spisu' }) });
    assert.equal(mine.status, 201);
    assert.equal((await api('POST', '/api/v1/boards/jina/notices', { token: integ.token, form: form({ title: 'Cizí' }) })).status, 403);
    assert.equal((await api('GET', '/api/v1/boards/jina/notices', { token: integ.token })).status, 403);
    const foreign = await api('POST', '/api/v1/boards/jina/notices', { token: admin, form: form({ title: 'Na jiné desce' }) });
    assert.equal(foreign.status, 201);
    assert.equal((await api('GET', `/api/v1/notices/${foreign.body.id as string}`, { token: integ.token })).status, 403);
    assert.equal((await api('POST', `/api/v1/notices/${foreign.body.id as string}/publish`, { token: integ.token })).status, 403);
    assert.equal((await api('POST', '/api/v1/tokens', { token: integ.token, json: { name: 'x', kind: 'admin' } })).status, 403);
    assert.equal((await api('GET', '/api/v1/tokens', { token: integ.token })).status, 403);

    // What it changed names it in the audit log; its uses are counted on the token.
    const events = await api('GET', `/api/v1/notices/${mine.body.id as string}/events`, { token: admin });
    assert.deepEqual((events.body.events as { actor: string }[]).map((e) => e.actor), [`token:e-spis#${integ.id.slice(0, 8)}`]);
    const listed = (await api('GET', '/api/v1/tokens', { token: admin })).body.tokens as { id: string; useCount: number; lastUsedAt: string | null }[];
    const used = listed.find((t) => t.id === integ.id)!;
    assert.ok(used.useCount >= 8);
    assert.equal(used.lastUsedAt, new Date(clock.now()).toISOString());

    // Revoked: refused at once.
    assert.equal((await api('DELETE', `/api/v1/tokens/${integ.id}`, { token: admin })).status, 200);
    assert.equal((await api('GET', '/api/v1/boards', { token: integ.token })).status, 401);
  });
});

describe('feed: only the board\'s own kiosks, unless made public', () => {
  test('401 without a token, 403 for another board\'s kiosk or a non-kiosk token, 200 for the board\'s kiosk', async () => {
    const own = await newToken({ name: 'kiosk dvur', kind: 'kiosk', board: 'demo', kioskId: 'dvur' });
    const other = await newToken({ name: 'kiosk jina', kind: 'kiosk', board: 'jina', kioskId: 'jina-hala' });
    const integ = await newToken({ name: 'e-spis 2', kind: 'integration', boards: ['demo'] });
    for (const path of ['manifest.json', 'manifest.json.sig', 'events', `files/${'a'.repeat(64)}`]) {
      const get = async (token?: string): Promise<number> => {
        const r = await fetch(`${pub.url}/feed/demo/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        await r.body?.cancel();
        return r.status;
      };
      assert.equal(await get(), 401, path);
      assert.equal(await get('deska_neplatny'), 401, path);
      assert.equal(await get(other.token), 403, path);
      assert.equal(await get(integ.token), 403, path);
      assert.equal(await get(admin), 403, path);
      assert.equal(await get(own.token), path.startsWith('files/') ? 404 : 200, path);
    }
    // Reports: the sender is the token's kiosk; another kiosk id or another board is refused.
    const report = (token: string, board: string, kioskId: string): Promise<{ status: number }> =>
      api('POST', `/feed/${board}/reports`, { token, json: { kioskId, board, appliedSeq: null, appliedAt: null, lastError: null, sightings: [] } });
    assert.equal((await report(own.token, 'demo', 'vestibul')).status, 403);
    assert.equal((await report(own.token, 'jina', 'dvur')).status, 403);
    assert.equal((await report(admin, 'demo', 'dvur')).status, 403);
    assert.equal((await report(own.token, 'demo', 'dvur')).status, 204);
  });

  test('a draft\'s attachment is never served; a posted notice\'s is, to the board\'s kiosk only', async () => {
    const own = await newToken({ name: 'kiosk brana', kind: 'kiosk', board: 'demo', kioskId: 'brana' });
    const other = await newToken({ name: 'kiosk jina 2', kind: 'kiosk', board: 'jina', kioskId: 'jina-2' });
    const doc = new Uint8Array(await pdf());
    doc.set(Buffer.from('%PDF-1.7\n%koncept'), 0);
    const draft = await api('POST', '/api/v1/boards/demo/notices', { token: admin, form: form({ title: 'Koncept', postAt: '2026-11-21T09:30:00+01:00' }, [{ name: 'k.pdf', bytes: await pdf() }]) });
    assert.equal(draft.status, 201);
    const sha = (draft.body as unknown as NoticeView).attachments[0]!.sha256;
    const file = async (token: string, board = 'demo'): Promise<number> => {
      const r = await fetch(`${pub.url}/feed/${board}/files/${sha}`, { headers: { authorization: `Bearer ${token}` } });
      await r.body?.cancel();
      return r.status;
    };
    assert.equal(await file(own.token), 404);
    assert.equal((await api('POST', `/api/v1/notices/${draft.body.id as string}/publish`, { token: admin })).status, 200);
    assert.equal(await file(own.token), 200);
    assert.equal(await file(other.token, 'jina'), 404);
  });

  test('an explicit board setting opens the feed to everyone; the other board stays closed', async () => {
    assert.equal((await api('PUT', '/api/v1/boards/demo/feed-access', { token: admin, json: { public: true } })).status, 200);
    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`)).status, 200);
    assert.equal((await fetch(`${pub.url}/feed/jina/manifest.json`)).status, 401);
    assert.equal((await api('PUT', '/api/v1/boards/demo/feed-access', { token: admin, json: { public: false } })).status, 200);
    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`)).status, 401);
    await alive();
  });
});
