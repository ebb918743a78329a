/**
 * The publisher API over real loopback HTTP (startPublisher on port 0, real SQLite in a temp
 * folder, ManualClock). Every response is checked against src-main/publisher/openapi.json, and
 * the last test demands that every documented operation was exercised.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { NoticeView } from '../../src-main/publisher/api.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { checkResponse, unexercisedOperations } from '../helpers/openapi.ts';
import type { FleetStatusResponse } from '../../src-main/shared/fleet.ts';
import type { PublicationStatusResponse } from '../../src-main/shared/publication-status.ts';
import type { NoticeTypesResponse } from '../../src-main/shared/api-types.ts';
import type { LawfulPeriodView, NoticeType } from '../../src-main/shared/notice-types.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
const MAX_UPLOAD = 300 * 1024;
const T0 = '2026-11-21T08:00:00.000Z';

async function czechPdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

/** A PDF whose trailer names an /Encrypt dictionary, as a password-protected file does. */
async function encryptedPdf(): Promise<Uint8Array> {
  const plain = Buffer.from(await czechPdf('Tajné')).toString('latin1');
  return Buffer.from(plain.replace(/trailer\s*<</, (m) => `${m}\n/Encrypt 1 0 R`), 'latin1');
}

interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

interface CallOptions {
  params?: Record<string, string>;
  query?: string;
  auth?: { bearer: string } | { cookie: string; csrf?: boolean };
  json?: unknown;
  form?: FormData;
}

let pub: RunningPublisher;
let clock: ManualClock;
let apiToken: string;
let clerkCookie: string;
// Disposed in after(): a module-level `using` would delete the folder before the tests run.
const tmp = tempDir();

/** One HTTP call to /api/v1; the response is checked against the OpenAPI document. */
async function call<T = unknown>(method: string, template: string, o: CallOptions = {}): Promise<Reply<T>> {
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(o.params?.[k] ?? ''));
  const headers: Record<string, string> = {};
  if (o.auth && 'bearer' in o.auth) headers.authorization = `Bearer ${o.auth.bearer}`;
  if (o.auth && 'cookie' in o.auth) {
    headers.cookie = o.auth.cookie;
    if (o.auth.csrf !== false) headers['x-requested-with'] = 'deska';
  }
  let body: BodyInit | undefined;
  if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  } else if (o.form) body = o.form;
  const res = await fetch(`${pub.url}/api/v1${path}${o.query ?? ''}`, { method, headers, body });
  const type = res.headers.get('content-type');
  const parsed: unknown = type?.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
  checkResponse(method, template, res.status, type, type?.startsWith('application/json') ? parsed : undefined);
  return { status: res.status, headers: res.headers, body: parsed as T };
}

function noticeForm(metadata: unknown, files: { name: string; bytes: Uint8Array; type?: string }[] = []): FormData {
  const f = new FormData();
  f.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
  for (const file of files) f.append('files', new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/pdf' }), file.name);
  return f;
}

const bearer = (): { bearer: string } => ({ bearer: apiToken });
const errorCode = (r: Reply): string => (r.body as { error: { code: string } }).error.code;
const errorMessage = (r: Reply): string => (r.body as { error: { message: string } }).error.message;

/** Signs the clerk in again (sessions last 10 h, and the tests move the clock by days). */
async function signInClerk(): Promise<string> {
  const ok = await call('POST', '/session', { json: { username: 'novakova', password: 'referentka-heslo' } });
  assert.equal(ok.status, 200);
  return (ok.headers.get('set-cookie') ?? '').split(';')[0]!;
}

async function noticeCount(): Promise<number> {
  return (await call<{ notices: NoticeView[] }>('GET', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer() })).body.notices.length;
}

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  apiToken = init.apiToken;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false, maxUploadBytes: MAX_UPLOAD });
  pub.ctx.store.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', clock.now());
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

describe('publisher API', () => {
  test('serves its OpenAPI document without authentication', async () => {
    const r = await call<{ openapi: string }>('GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
  });

  test('sign-in: a wrong password is refused, a right one sets a strict HttpOnly session cookie', async () => {
    const badLogin = await call('POST', '/session', { json: { username: 'novakova', password: 'spatne' } });
    assert.equal(badLogin.status, 401);
    assert.match(errorMessage(badLogin), /Nesprávné uživatelské jméno nebo heslo/);
    assert.equal(badLogin.headers.get('set-cookie'), null);

    const unknown = await call('POST', '/session', { json: { username: 'nikdo', password: 'x' } });
    assert.equal(unknown.status, 401);
    assert.equal(errorMessage(unknown), errorMessage(badLogin));

    const missing = await call('POST', '/session', { json: { username: 'novakova' } });
    assert.equal(missing.status, 400);

    const ok = await call<{ user: { username: string; role: string } }>('POST', '/session', { json: { username: 'novakova', password: 'referentka-heslo' } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.username, 'novakova');
    const setCookie = ok.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^deska_session=[^;]+/);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.match(setCookie, /Path=\//);
    clerkCookie = setCookie.split(';')[0]!;

    const me = await call<{ user: { username: string } }>('GET', '/session', { auth: { cookie: clerkCookie } });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.username, 'novakova');

    const anonymous = await call('GET', '/session');
    assert.equal(anonymous.status, 401);
    assert.equal(errorCode(anonymous), 'unauthenticated');
  });

  test('bearer tokens authenticate; bad tokens do not; only an admin creates tokens', async () => {
    const boards = await call<{ boards: { id: string; timeZone: string }[] }>('GET', '/boards', { auth: bearer() });
    assert.equal(boards.status, 200);
    assert.deepEqual(boards.body.boards.map((b) => [b.id, b.timeZone]), [['demo', 'Europe/Prague']]);

    const bad = await call('GET', '/boards', { auth: { bearer: 'deska_neplatny' } });
    assert.equal(bad.status, 401);

    const byClerk = await call('POST', '/tokens', { auth: { cookie: clerkCookie }, json: { name: 'e-spis', kind: 'integration', boards: ['demo'] } });
    assert.equal(byClerk.status, 403);

    const noName = await call('POST', '/tokens', { auth: bearer(), json: { name: ' ', kind: 'integration', boards: ['demo'] } });
    assert.equal(noName.status, 422);

    const created = await call<{ id: string; token: string }>('POST', '/tokens', { auth: bearer(), json: { name: 'e-spis', kind: 'integration', boards: ['demo'] } });
    assert.equal(created.status, 201);
    const viaNew = await call('GET', '/boards', { auth: { bearer: created.body.token } });
    assert.equal(viaNew.status, 200);

    // The audit log names the token as the actor.
    const n = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: { bearer: created.body.token }, form: noticeForm({ title: 'Z e-spisu' }) });
    assert.equal(n.status, 201);
    const ev = await call<{ events: { actor: string; action: string }[] }>('GET', '/notices/{id}/events', { params: { id: n.body.id }, auth: bearer() });
    assert.deepEqual(ev.body.events.map((e) => [e.action, e.actor]), [['created', `token:e-spis#${created.body.id.slice(0, 8)}`]]);
  });

  test('CSRF guard: a cookie-authenticated change needs X-Requested-With, a bearer call does not', async () => {
    const before = await noticeCount();
    const form = (): FormData => noticeForm({ title: 'Pozvánka' });
    const blocked = await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: { cookie: clerkCookie, csrf: false }, form: form() });
    assert.equal(blocked.status, 403);
    assert.equal(errorCode(blocked), 'csrf');
    assert.equal(await noticeCount(), before);

    const allowed = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: { cookie: clerkCookie }, form: form() });
    assert.equal(allowed.status, 201);
    const ev = await call<{ events: { actor: string }[] }>('GET', '/notices/{id}/events', { params: { id: allowed.body.id }, auth: { cookie: clerkCookie, csrf: false } });
    assert.equal(ev.status, 200, 'safe methods need no CSRF header');
    assert.equal(ev.body.events[0]!.actor, 'novakova');
  });

  let noticeId = '';
  let pdfBytes: Uint8Array;

  test('creates a draft with a real PDF; instants with offset become UTC, and come back in board time', async () => {
    pdfBytes = await czechPdf('Veřejná vyhláška – oznámení o zahájení územního řízení, Žďár');
    const r = await call<NoticeView>('POST', '/boards/{board}/notices', {
      params: { board: 'demo' },
      auth: bearer(),
      form: noticeForm(
        {
          title: 'Veřejná vyhláška: územní řízení',
          description: 'Stavba chodníku v ulici Na Výsluní.',
          category: 'Veřejná vyhláška',
          department: 'Stavební úřad',
          referenceNumber: 'MÚ/1234/2026',
          fileMark: 'SÚ/55/2026',
          postAt: '2026-11-23T08:00:00+01:00',
          removeAt: '2026-12-09T08:00:00+01:00',
        },
        // The declared type is a lie on purpose: content decides, not the label.
        [{ name: 'vyhláška.pdf', bytes: pdfBytes, type: 'application/octet-stream' }],
      ),
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const n = r.body;
    noticeId = n.id;
    assert.equal(n.state, 'draft');
    assert.equal(n.postAt, '2026-11-23T07:00:00.000Z');
    assert.equal(n.postAtLocal, '2026-11-23T08:00:00+01:00');
    assert.equal(n.removeAtLocal, '2026-12-09T08:00:00+01:00');
    assert.equal(n.attachments.length, 1);
    assert.equal(n.attachments[0]!.name, 'vyhláška.pdf');
    assert.equal(n.attachments[0]!.size, pdfBytes.length);

    const got = await call<NoticeView>('GET', '/notices/{id}', { params: { id: n.id }, auth: bearer() });
    assert.equal(got.status, 200);
    assert.equal(got.body.referenceNumber, 'MÚ/1234/2026');

    const file = await call<Uint8Array>('GET', '/attachments/{sha256}', { params: { sha256: n.attachments[0]!.sha256 }, auth: bearer() });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/pdf');
    assert.deepEqual(Buffer.from(file.body), Buffer.from(pdfBytes));
    const anonymousFile = await call('GET', '/attachments/{sha256}', { params: { sha256: n.attachments[0]!.sha256 } });
    assert.equal(anonymousFile.status, 401);
    const noFile = await call('GET', '/attachments/{sha256}', { params: { sha256: '0'.repeat(64) }, auth: bearer() });
    assert.equal(noFile.status, 404);
  });

  test('refuses bad metadata: missing, not JSON, no title, instant without offset, unknown board', async () => {
    const before = await noticeCount();
    const noMeta = new FormData();
    noMeta.append('files', new Blob([new Uint8Array(pdfBytes)]), 'a.pdf');
    assert.equal((await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noMeta })).status, 400);
    const notJson = new FormData();
    notJson.append('metadata', '{title:');
    assert.equal((await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: notJson })).status, 400);
    const noTitle = await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: '  ' }) });
    assert.equal(noTitle.status, 422);
    assert.match(errorMessage(noTitle), /Vyplňte název/);
    const noOffset = await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: 'X', postAt: '2026-11-23T08:00:00' }) });
    assert.equal(noOffset.status, 422);
    assert.equal(errorCode(noOffset), 'bad_instant');
    const json = await call('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), json: { title: 'X' } });
    assert.equal(json.status, 415);
    const noBoard = await call('POST', '/boards/{board}/notices', { params: { board: 'nikde' }, auth: bearer(), form: noticeForm({ title: 'X' }) });
    assert.equal(noBoard.status, 404);
    assert.equal(await noticeCount(), before);
  });

  test('refuses a non-PDF renamed to .pdf, an encrypted PDF and an oversize file, creating nothing', async () => {
    const before = await noticeCount();
    const good = { name: 'priloha.pdf', bytes: pdfBytes };

    const fake = await call('POST', '/boards/{board}/notices', {
      params: { board: 'demo' },
      auth: bearer(),
      form: noticeForm({ title: 'S podvrženou přílohou' }, [good, { name: 'fotka.pdf', bytes: new TextEncoder().encode('GIF89a not a pdf at all') }]),
    });
    assert.equal(fake.status, 415);
    assert.equal(errorCode(fake), 'not_pdf');
    assert.match(errorMessage(fake), /Soubor „fotka\.pdf“ není dokument PDF/);

    const truncated = await call('POST', '/boards/{board}/notices', {
      params: { board: 'demo' },
      auth: bearer(),
      form: noticeForm({ title: 'Jen hlavička' }, [{ name: 'hlavicka.pdf', bytes: new TextEncoder().encode('%PDF-1.7\n%garbage') }]),
    });
    assert.equal(truncated.status, 415);

    const encrypted = await call('POST', '/boards/{board}/notices', {
      params: { board: 'demo' },
      auth: bearer(),
      form: noticeForm({ title: 'Zašifrované' }, [{ name: 'heslo.pdf', bytes: await encryptedPdf() }]),
    });
    assert.equal(encrypted.status, 415);
    assert.equal(errorCode(encrypted), 'encrypted_pdf');

    const big = new Uint8Array(MAX_UPLOAD + 1024);
    big.set(pdfBytes);
    const oversize = await call('POST', '/boards/{board}/notices', {
      params: { board: 'demo' },
      auth: bearer(),
      form: noticeForm({ title: 'Velká příloha' }, [{ name: 'velky.pdf', bytes: big }]),
    });
    assert.equal(oversize.status, 413);
    assert.match(errorMessage(oversize), /Soubor „velky\.pdf“ je větší než povolených 0,3 MB/);

    assert.equal(await noticeCount(), before);
  });

  test('a draft can be edited freely: fields, instants, attachments added and removed', async () => {
    const second = await czechPdf('Příloha č. 2 – situace');
    const r = await call<NoticeView>('PATCH', '/notices/{id}', {
      params: { id: noticeId },
      auth: bearer(),
      form: noticeForm({ title: 'Veřejná vyhláška: územní řízení (oprava)' }, [{ name: 'situace.pdf', bytes: second }]),
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.title, 'Veřejná vyhláška: územní řízení (oprava)');
    assert.equal(r.body.referenceNumber, 'MÚ/1234/2026', 'fields not sent stay');
    assert.deepEqual(r.body.attachments.map((a) => a.name), ['vyhláška.pdf', 'situace.pdf']);

    const removed = await call<NoticeView>('PATCH', '/notices/{id}', {
      params: { id: noticeId },
      auth: bearer(),
      form: noticeForm({ removeAttachments: [r.body.attachments[1]!.sha256] }),
    });
    assert.deepEqual(removed.body.attachments.map((a) => a.name), ['vyhláška.pdf']);

    const refused = await call('PATCH', '/notices/{id}', {
      params: { id: noticeId },
      auth: bearer(),
      form: noticeForm({ title: 'Nová' }, [{ name: 'x.pdf', bytes: new TextEncoder().encode('nic') }]),
    });
    assert.equal(refused.status, 415);
    const unchanged = await call<NoticeView>('GET', '/notices/{id}', { params: { id: noticeId }, auth: bearer() });
    assert.equal(unchanged.body.title, 'Veřejná vyhláška: územní řízení (oprava)');

    const backwards = await call('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({ removeAt: '2026-11-22T08:00:00+01:00' }) });
    assert.equal(backwards.status, 422);
    assert.equal(errorCode(backwards), 'removal_before_posting');

    const missing = await call('PATCH', '/notices/{id}', { params: { id: 'neexistuje' }, auth: bearer(), form: noticeForm({ title: 'X' }) });
    assert.equal(missing.status, 404);
  });

  test('publish schedules the notice; the state filter follows the clock', async () => {
    const nothing = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: 'Bez data' }) });
    const noDate = await call('POST', '/notices/{id}/publish', { params: { id: nothing.body.id }, auth: bearer() });
    assert.equal(noDate.status, 422);
    assert.equal(errorCode(noDate), 'missing_post_at');

    const r = await call<NoticeView>('POST', '/notices/{id}/publish', { params: { id: noticeId }, auth: bearer() });
    assert.equal(r.status, 200);
    assert.equal(r.body.state, 'scheduled');
    assert.notEqual(r.body.publishedAt, null);
    const again = await call('POST', '/notices/{id}/publish', { params: { id: noticeId }, auth: bearer() });
    assert.equal(again.status, 409);

    const ids = async (state: string): Promise<string[]> =>
      (await call<{ notices: NoticeView[] }>('GET', '/boards/{board}/notices', { params: { board: 'demo' }, query: `?state=${state}`, auth: bearer() })).body.notices.map((n) => n.id);
    assert.deepEqual(await ids('scheduled'), [noticeId]);
    assert.ok(!(await ids('draft')).includes(noticeId));
    assert.ok((await ids('draft')).includes(nothing.body.id));

    clock.set('2026-11-23T07:00:00.000Z');
    assert.deepEqual(await ids('posted'), [noticeId]);
    assert.deepEqual(await ids('scheduled'), []);

    const bogus = await call('GET', '/boards/{board}/notices', { params: { board: 'demo' }, query: '?state=visici', auth: bearer() });
    assert.equal(bogus.status, 400);
    const noBoard = await call('GET', '/boards/{board}/notices', { params: { board: 'nikde' }, auth: bearer() });
    assert.equal(noBoard.status, 404);
  });

  test('a posted notice cannot change, except to move its removal later', async () => {
    const title = await call('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({ title: 'Jiný název' }) });
    assert.equal(title.status, 409);
    assert.equal(errorCode(title), 'posted_immutable');

    const file = await call('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({}, [{ name: 'dodatek.pdf', bytes: pdfBytes }]) });
    assert.equal(file.status, 409);

    const earlier = await call('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({ removeAt: '2026-12-01T08:00:00+01:00' }) });
    assert.equal(earlier.status, 409);
    assert.equal(errorCode(earlier), 'early_removal');

    const later = await call<NoticeView>('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({ removeAt: '2026-12-15T08:00:00+01:00' }) });
    assert.equal(later.status, 200);
    assert.equal(later.body.removeAt, '2026-12-15T07:00:00.000Z');
    assert.equal(later.body.state, 'posted');
  });

  test('the certificate is a PDF, shown inline', async () => {
    const r = await call<Uint8Array>('GET', '/notices/{id}/certificate', { params: { id: noticeId }, auth: bearer() });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/pdf');
    assert.equal(r.headers.get('content-disposition'), `inline; filename="potvrzeni-${noticeId}.pdf"`);
    assert.equal(Buffer.from(r.body.subarray(0, 5)).toString('latin1'), '%PDF-');
    const doc = await PDFDocument.load(r.body);
    assert.ok(doc.getPageCount() >= 1);
    const missing = await call('GET', '/notices/{id}/certificate', { params: { id: 'neexistuje' }, auth: bearer() });
    assert.equal(missing.status, 404);
  });

  test('withdrawal needs a reason and is recorded', async () => {
    assert.equal((await call('GET', '/session', { auth: { cookie: clerkCookie } })).status, 401, 'the morning session expired two days ago');
    clerkCookie = await signInClerk();
    const noBody = await call('POST', '/notices/{id}/withdraw', { params: { id: noticeId }, auth: bearer(), json: {} });
    assert.equal(noBody.status, 422);
    const short = await call('POST', '/notices/{id}/withdraw', { params: { id: noticeId }, auth: bearer(), json: { reason: ' ' } });
    assert.equal(short.status, 422);
    assert.equal(errorCode(short), 'reason_required');

    const r = await call<NoticeView>('POST', '/notices/{id}/withdraw', { params: { id: noticeId }, auth: { cookie: clerkCookie }, json: { reason: 'Chyba v adrese stavby.' } });
    assert.equal(r.status, 200);
    assert.equal(r.body.state, 'withdrawn');
    assert.equal(r.body.withdrawReason, 'Chyba v adrese stavby.');

    const twice = await call('POST', '/notices/{id}/withdraw', { params: { id: noticeId }, auth: bearer(), json: { reason: 'Znovu.' } });
    assert.equal(twice.status, 409);
    const closed = await call('PATCH', '/notices/{id}', { params: { id: noticeId }, auth: bearer(), form: noticeForm({ removeAt: '2026-12-20T08:00:00+01:00' }) });
    assert.equal(closed.status, 409);

    const ev = await call<{ events: { action: string; actor: string; detail: Record<string, unknown> }[]; sightings: unknown[] }>('GET', '/notices/{id}/events', {
      params: { id: noticeId },
      auth: bearer(),
    });
    const actions = ev.body.events.map((e) => e.action);
    assert.deepEqual(actions.filter((a) => a !== 'posted'), ['created', 'edited', 'edited', 'published', 'edited', 'withdrawn']);
    const w = ev.body.events.find((e) => e.action === 'withdrawn')!;
    assert.equal(w.actor, 'novakova');
    assert.equal(w.detail.reason, 'Chyba v adrese stavby.');
    assert.ok(Array.isArray(ev.body.sightings));
    assert.equal((await call('GET', '/notices/{id}/events', { params: { id: 'neexistuje' }, auth: bearer() })).status, 404);
    assert.equal((await call('GET', '/notices/{id}', { params: { id: 'neexistuje' }, auth: bearer() })).status, 404);
    assert.equal((await call('POST', '/notices/{id}/publish', { params: { id: 'neexistuje' }, auth: bearer() })).status, 404);
  });

  test('kiosk status is listed', async () => {
    pub.ctx.store.evidence.upsertKiosk({ id: 'vestibul', boardId: 'demo', appliedSeq: 3, appliedAt: T0, lastReportAt: T0, lastError: null });
    const r = await call<{ kiosks: { id: string }[] }>('GET', '/kiosks', { auth: bearer() });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.kiosks.map((k) => k.id), ['vestibul']);
  });

  test('publication status per board and channel is shown to admins only', async () => {
    await pub.engine.idle();
    const r = await call<PublicationStatusResponse>('GET', '/status/publication', { auth: bearer() });
    assert.equal(r.status, 200);
    const demo = r.body.boards.find((b) => b.boardId === 'demo')!;
    assert.ok(demo.latestSeq > 0);
    assert.deepEqual(demo.channels.map((c) => c.channel), ['snapshot', 'feed', 'feed-folder', 'mirror']);
    assert.ok(demo.channels.every((c) => c.state === 'ok' && c.lastError === null && c.deliveredSeq === demo.latestSeq), JSON.stringify(demo.channels));
    assert.equal((await call('GET', '/status/publication', { auth: { cookie: clerkCookie } })).status, 403, 'a clerk is not an admin');
    assert.equal((await call('GET', '/status/publication')).status, 401);
    const retry = await call<PublicationStatusResponse>('POST', '/status/publication/retry', { auth: bearer() });
    assert.equal(retry.status, 202);
    assert.equal((await call('POST', '/status/publication/retry', { auth: { cookie: clerkCookie } })).status, 403);
  });

  test('fleet status lists each kiosk with its health, to admins only', async () => {
    const r = await call<FleetStatusResponse>('GET', '/status/fleet', { auth: bearer() });
    assert.equal(r.status, 200);
    const vestibul = r.body.kiosks.find((k) => k.kioskId === 'vestibul');
    assert.ok(vestibul, JSON.stringify(r.body.kiosks));
    assert.equal(vestibul.boardId, 'demo');
    assert.ok(['online', 'stale', 'offline'].includes(vestibul.health), vestibul.health);
    assert.ok(vestibul.lastReportAt !== null, 'it has reported');
    assert.equal((await call('GET', '/status/fleet', { auth: { cookie: clerkCookie } })).status, 403, 'a clerk is not an admin');
    assert.equal((await call('GET', '/status/fleet')).status, 401);
  });

  test('sign-out ends the session and clears the cookie', async () => {
    const noCsrf = await call('DELETE', '/session', { auth: { cookie: clerkCookie, csrf: false } });
    assert.equal(noCsrf.status, 403);
    const r = await call('DELETE', '/session', { auth: { cookie: clerkCookie } });
    assert.equal(r.status, 204);
    assert.match(r.headers.get('set-cookie') ?? '', /deska_session=;.*Max-Age=0/);
    assert.equal((await call('GET', '/session', { auth: { cookie: clerkCookie } })).status, 401);
  });

  test('tokens: an admin lists them without secrets, revokes one (refused at once), and opens a board feed only explicitly', async () => {
    clerkCookie = await signInClerk();
    const made = await call<{ id: string; token: string }>('POST', '/tokens', { auth: bearer(), json: { name: 'vestibul', kind: 'kiosk', board: 'demo', kioskId: 'vestibul' } });
    assert.equal(made.status, 201);
    const listed = await call<{ tokens: Record<string, unknown>[] }>('GET', '/tokens', { auth: bearer() });
    assert.equal(listed.status, 200);
    const mine = listed.body.tokens.find((t) => t.id === made.body.id)!;
    assert.deepEqual([mine.kind, mine.board, mine.kioskId, mine.revokedAt], ['kiosk', 'demo', 'vestibul', null]);
    assert.ok(listed.body.tokens.every((t) => !('token' in t) && !JSON.stringify(t).includes(made.body.token)));
    assert.equal((await call('GET', '/tokens', { auth: { cookie: clerkCookie } })).status, 403);

    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`, { headers: { authorization: `Bearer ${made.body.token}` } })).status, 200);
    const revoked = await call<{ revokedAt: string | null }>('DELETE', '/tokens/{tokenId}', { params: { tokenId: made.body.id }, auth: bearer() });
    assert.equal(revoked.status, 200);
    assert.equal(revoked.body.revokedAt, new Date(clock.now()).toISOString());
    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`, { headers: { authorization: `Bearer ${made.body.token}` } })).status, 401);
    assert.equal((await call('DELETE', '/tokens/{tokenId}', { params: { tokenId: 'nic' }, auth: bearer() })).status, 404);

    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`)).status, 401);
    const byClerk = await call('PUT', '/boards/{board}/feed-access', { params: { board: 'demo' }, auth: { cookie: clerkCookie }, json: { public: true } });
    assert.equal(byClerk.status, 403);
    const open = await call<{ public: boolean }>('PUT', '/boards/{board}/feed-access', { params: { board: 'demo' }, auth: bearer(), json: { public: true } });
    assert.deepEqual(open.body, { board: 'demo', public: true });
    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`)).status, 200);
    const listed2 = await call<{ boards: { id: string; feedPublic: boolean }[] }>('GET', '/boards', { auth: { cookie: clerkCookie } });
    assert.deepEqual(listed2.body.boards.map((b) => [b.id, b.feedPublic]), [['demo', true]], 'GET /boards tells the setting');
    const closed = await call<{ public: boolean }>('PUT', '/boards/{board}/feed-access', { params: { board: 'demo' }, auth: bearer(), json: { public: false } });
    assert.deepEqual(closed.body, { board: 'demo', public: false });
    assert.deepEqual((await call<{ boards: { feedPublic: boolean }[] }>('GET', '/boards', { auth: bearer() })).body.boards.map((b) => b.feedPublic), [false]);
    assert.equal((await fetch(`${pub.url}/feed/demo/manifest.json`)).status, 401);
  });

  test('notice types: the lawful period is proposed, an earlier removal refused with the lawful date, a withdrawal still ends it early', async () => {
    clock.set('2026-12-01T08:00:00.000Z');
    const board = { board: 'demo' };
    const types = await call<NoticeTypesResponse>('GET', '/boards/{board}/notice-types', { params: board, auth: bearer() });
    assert.equal(types.status, 200);
    assert.equal(types.body.country, 'CZ');
    assert.deepEqual(types.body.types.map((t) => [t.id, t.days, t.movesToWorkingDay]), [
      ['general', 0, false], ['cz-verejna-vyhlaska', 15, true], ['cz-zamer-majetek', 15, false], ['cz-zasedani-zastupitelstva', 7, false], ['cz-vyhlaseni-ozv', 15, false],
    ]);

    // § 25 posted 9 Dec: day 15 is Štědrý den, then 25, 26 Dec and a Sunday → last day Mon 28 Dec.
    const post = '2026-12-09T09:00:00+01:00';
    const period = await call<LawfulPeriodView>('GET', '/boards/{board}/lawful-period', {
      params: board, auth: bearer(), query: `?type=cz-verejna-vyhlaska&postAt=${encodeURIComponent(post)}`,
    });
    assert.equal(period.status, 200);
    assert.equal(period.body.lastDay, '2026-12-28');
    assert.equal(period.body.removeNotBefore, '2026-12-29T00:00:00+01:00');
    assert.match(period.body.explanation, /24\. 12\. 2026 \(svátek Štědrý den\)/);
    assert.equal((await call('GET', '/boards/{board}/lawful-period', { params: board, auth: bearer(), query: '?type=nic&postAt=2026-12-09T09:00:00%2B01:00' })).status, 422);
    assert.equal((await call('GET', '/boards/{board}/lawful-period', { params: board, auth: bearer(), query: '?type=general&postAt=zitra' })).status, 422);

    const before = await noticeCount();
    const early = await call('POST', '/boards/{board}/notices', {
      params: board, auth: bearer(),
      form: noticeForm({ title: 'Veřejná vyhláška – opatření obecné povahy', description: 'Text.', type: 'cz-verejna-vyhlaska', postAt: post, removeAt: '2026-12-28T23:59:00+01:00' }),
    });
    assert.equal(early.status, 422);
    assert.equal(errorCode(early), 'before_lawful_removal');
    assert.match(errorMessage(early), /nejméně do konce dne pondělí 28\. 12\. 2026; sejmout jej lze nejdříve 29\. 12\. 2026 00:00/);
    assert.equal(await noticeCount(), before, 'a refused notice is not stored');

    const ok = await call<NoticeView>('POST', '/boards/{board}/notices', {
      params: board, auth: bearer(),
      form: noticeForm({ title: 'Veřejná vyhláška – opatření obecné povahy', description: 'Text.', type: 'cz-verejna-vyhlaska', postAt: post, removeAt: '2026-12-29T00:00:00+01:00' }),
    });
    assert.equal(ok.status, 201);
    assert.equal(ok.body.type, 'cz-verejna-vyhlaska');
    assert.equal(ok.body.lawful?.lastDay, '2026-12-28');
    const id = { id: ok.body.id };
    const shorter = await call('PATCH', '/notices/{id}', { params: id, auth: bearer(), form: noticeForm({ removeAt: '2026-12-24T12:00:00+01:00' }) });
    assert.equal(errorCode(shorter), 'before_lawful_removal');
    // Changing the type to one without a minimum makes the shorter removal lawful, and back again refuses it.
    assert.equal((await call('PATCH', '/notices/{id}', { params: id, auth: bearer(), form: noticeForm({ type: 'nic' }) })).status, 422);
    assert.equal((await call('PATCH', '/notices/{id}', { params: id, auth: bearer(), form: noticeForm({ type: 'general', eventDate: '2026-12-30' }) })).status, 422);
    const published = await call<NoticeView>('POST', '/notices/{id}/publish', { params: id, auth: bearer() });
    assert.equal(published.body.state, 'scheduled');

    // Posted; ending it early is a withdrawal with a reason, and the certificate says so with the lawful date.
    clock.set('2026-12-15T10:00:00.000Z');
    const withdrawn = await call<NoticeView>('POST', '/notices/{id}/withdraw', { params: id, auth: bearer(), json: { reason: 'Vyhláška vydána s chybou v příloze, bude vyvěšena znovu.' } });
    assert.equal(withdrawn.status, 200);
    assert.equal(withdrawn.body.state, 'withdrawn');
    const cert = await call<Uint8Array>('GET', '/notices/{id}/certificate', { params: id, auth: bearer() });
    const text = (await pdfPageTexts(cert.body)).join('\n');
    assert.match(text, /Typ oznámení/);
    assert.match(text, /28\. 12\. 2026 včetně/);
    assert.match(text, /staženo před uplynutím zákonné lhůty; důvod: Vyhláška vydána s chybou/);

    // § 39: publishing needs the decision day; a posting after the latest lawful day is shown (not refused).
    const intention = await call<NoticeView>('POST', '/boards/{board}/notices', {
      params: board, auth: bearer(),
      form: noticeForm({ title: 'Záměr pronájmu pozemku p. č. 123/4', description: 'Záměr.', type: 'cz-zamer-majetek', postAt: '2026-12-20T08:00:00+01:00' }),
    });
    assert.equal(intention.status, 201);
    const noDay = await call('POST', '/notices/{id}/publish', { params: { id: intention.body.id }, auth: bearer() });
    assert.equal(errorCode(noDay), 'event_date_required');
    const late = await call<NoticeView>('PATCH', '/notices/{id}', { params: { id: intention.body.id }, auth: bearer(), form: noticeForm({ eventDate: '2026-12-30' }) });
    assert.equal(late.body.lawful?.latestPostingDay, '2026-12-14');
    assert.equal(late.body.lawful?.postedTooLate, true);
    assert.equal(late.body.lawful?.lastDay, '2027-01-04');
    assert.equal((await call('PATCH', '/notices/{id}', { params: { id: intention.body.id }, auth: bearer(), form: noticeForm({ eventDate: '2026-02-30' }) })).status, 422);

    // An admin configures a type; a clerk may not.
    const clerk = await signInClerk();
    const byClerk = await call('PUT', '/boards/{board}/notice-types/{type}', { params: { ...board, type: 'cz-vyhlaseni-ozv' }, auth: { cookie: clerk }, json: { days: 30 } });
    assert.equal(byClerk.status, 403);
    const changed = await call<NoticeType>('PUT', '/boards/{board}/notice-types/{type}', { params: { ...board, type: 'cz-vyhlaseni-ozv' }, auth: bearer(), json: { days: 30, movesToWorkingDay: true } });
    assert.deepEqual([changed.status, changed.body.days, changed.body.movesToWorkingDay], [200, 30, true]);
    assert.equal((await call('PUT', '/boards/{board}/notice-types/{type}', { params: { ...board, type: 'general' }, auth: bearer(), json: { days: 3 } })).status, 422);
    const longer = await call<LawfulPeriodView>('GET', '/boards/{board}/lawful-period', { params: board, auth: bearer(), query: `?type=cz-vyhlaseni-ozv&postAt=${encodeURIComponent(post)}` });
    assert.equal(longer.body.lastDay, '2027-01-08');
  });

  test('search: found by a word without diacritics; a query with no word is a 400 (more in search-api.test.ts)', async () => {
    const found = await call<{ results: { noticeId: string }[] }>('GET', '/search', { query: '?q=verejna', auth: bearer() });
    assert.equal(found.status, 200);
    const empty = await call('GET', '/search', { query: '?q=%2A', auth: bearer() });
    assert.equal(empty.status, 400);
  });

  test('inbox push: PUT by external id makes one draft, the same PUT again returns it (details: inbox-http.test.ts)', async () => {
    const metadata = { version: 1, source: { system: 'ginis' }, title: 'Vyhláška z inboxu', attachments: [{ file: 'a.pdf' }] };
    const bytes = await czechPdf('Inbox');
    const push = (): FormData => noticeForm(metadata, [{ name: 'a.pdf', bytes }]);
    const first = await call<{ result: string; notice: NoticeView }>('PUT', '/boards/{board}/inbox/{externalId}', { params: { board: 'demo', externalId: 'API-1' }, auth: bearer(), form: push() });
    assert.equal(first.status, 201);
    const again = await call<{ result: string; notice: NoticeView }>('PUT', '/boards/{board}/inbox/{externalId}', { params: { board: 'demo', externalId: 'API-1' }, auth: bearer(), form: push() });
    assert.deepEqual([again.status, again.body.result, again.body.notice.id], [200, 'existing', first.body.notice.id]);
  });

  test('corrections: GET and POST /notices/{id}/revisions (details: revisions-http.test.ts)', async () => {
    const made0 = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: 'Oznámení k opravě', description: 'Text', postAt: new Date(clock.now()).toISOString() }) });
    const posted = (await call<NoticeView>('POST', '/notices/{id}/publish', { params: { id: made0.body.id }, auth: bearer() })).body;
    assert.equal(posted.state, 'posted');
    const refused = await call('POST', '/notices/{id}/revisions', { params: { id: posted.id }, auth: bearer(), form: noticeForm({ title: 'Opraveno', restartPeriod: false }) });
    assert.deepEqual([refused.status, errorCode(refused)], [422, 'reason_required']);
    const made = await call<{ revision: { revision: number } }>('POST', '/notices/{id}/revisions', { params: { id: posted.id }, auth: bearer(), form: noticeForm({ title: `${posted.title} (opraveno)`, reason: 'Překlep v názvu', restartPeriod: false }) });
    assert.equal(made.status, 201);
    const list = await call<{ revisions: { revision: number }[] }>('GET', '/notices/{id}/revisions', { params: { id: posted.id }, auth: bearer() });
    assert.deepEqual(list.body.revisions.map((r) => r.revision), [1, made.body.revision.revision]);
  });

  test('users, rights and approval: each operation once (the rules: roles-approval.test.ts)', async () => {
    const admin = { cookie: (await call('POST', '/session', { json: { username: 'admin', password: 'spravce-heslo' } })).headers.get('set-cookie')!.split(';')[0]! };
    const made = await call<{ user: { id: string }; oneTimePassword: string }>('POST', '/users', { auth: admin, json: { username: 'schvalovatelka', displayName: 'Eva Malá', rights: { demo: 'approver' } } });
    assert.equal(made.status, 201);
    const userId = { userId: made.body.user.id };
    assert.equal((await call('GET', '/users', { auth: admin })).status, 200);
    assert.equal((await call('PATCH', '/users/{userId}', { params: userId, auth: admin, json: { department: 'Podatelna' } })).status, 200);
    assert.equal((await call('PUT', '/users/{userId}/rights', { params: userId, auth: admin, json: { rights: { demo: 'approver' } } })).status, 200);
    const otp = (await call<{ oneTimePassword: string }>('POST', '/users/{userId}/password-reset', { params: userId, auth: admin })).body.oneTimePassword;
    const eva = { cookie: (await call('POST', '/session', { json: { username: 'schvalovatelka', password: otp } })).headers.get('set-cookie')!.split(';')[0]! };
    assert.equal((await call('PUT', '/session/password', { auth: eva, json: { currentPassword: otp, newPassword: 'Druha-osoba-2026' } })).status, 200);
    assert.equal((await call('GET', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: eva })).status, 200);
    assert.equal((await call('PUT', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: admin, json: { fourEyes: false } })).status, 200);
    const n = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: 'Ke schválení', description: 'Text.', postAt: '2027-03-01T08:00:00+01:00' }) });
    const id = { id: n.body.id };
    assert.equal((await call('POST', '/notices/{id}/submit', { params: id, auth: bearer() })).status, 200);
    assert.equal((await call('GET', '/boards/{board}/approvals', { params: { board: 'demo' }, auth: eva })).status, 200);
    assert.equal((await call('GET', '/notices/{id}/approval', { params: id, auth: eva })).status, 200);
    assert.equal((await call('POST', '/notices/{id}/return', { params: id, auth: eva, json: { reason: 'Doplňte přílohu.' } })).status, 200);
    await call('POST', '/notices/{id}/submit', { params: id, auth: bearer() });
    assert.equal((await call('POST', '/notices/{id}/approve', { params: id, auth: eva })).status, 200);
  });

  test('privacy: the personal-data flag, a redacted copy set and removed, the board retention (details: privacy.test.ts)', async () => {
    const full = await czechPdf('Rozhodnutí pro Jana Nováka');
    const copy = await czechPdf('Rozhodnutí pro ███ ███');
    const created = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board: 'demo' }, auth: bearer(), form: noticeForm({ title: 'Doručení veřejnou vyhláškou', personalData: true }, [{ name: 'a.pdf', bytes: full }]) });
    assert.equal(created.status, 201);
    assert.equal(created.body.personalData, true);
    const params = { id: created.body.id, sha256: created.body.attachments[0]!.sha256 };
    const form = new FormData();
    form.append('files', new Blob([new Uint8Array(copy)], { type: 'application/pdf' }), 'a-zacerneno.pdf');
    const set = await call<NoticeView>('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params, auth: bearer(), form });
    assert.equal(set.status, 200);
    assert.equal(set.body.attachments[0]!.redacted?.name, 'a-zacerneno.pdf');
    const removed = await call<NoticeView>('DELETE', '/notices/{id}/attachments/{sha256}/redacted', { params, auth: bearer() });
    assert.equal(removed.body.attachments[0]!.redacted, undefined);
    const settings = await call<{ retentionDays: number }>('GET', '/boards/{board}/privacy', { params: { board: 'demo' }, auth: bearer() });
    assert.equal(settings.body.retentionDays, 30);
    const changed = await call<{ retentionDays: number }>('PUT', '/boards/{board}/privacy', { params: { board: 'demo' }, auth: bearer(), json: { retentionDays: 60 } });
    assert.equal(changed.body.retentionDays, 60);
  });

  test('every documented operation was exercised and checked against the document', () => {
    assert.deepEqual(unexercisedOperations(), []);
  });
});
