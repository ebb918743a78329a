/**
 * Privacy end to end over loopback HTTP (startPublisher on port 0, real SQLite and folders,
 * ManualClock): a redacted copy and the personal-data flag uploaded through the API; what the web
 * mirror, OFN, Atom, sitemap, the signed daily digest and a public feed show (never the full
 * document), what kiosks get (the full document); removal; the purge with a controllable clock
 * across the October DST change; a file shared with a live notice kept; `audit verify` telling a
 * purged file from a missing one; the certificate after the purge.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import type { NoticeView } from '../../src-main/shared/api-types.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { createBackup, verifyBackup } from '../../src-main/backup/backup.ts';
import { initData } from '../../src-main/publisher/init.ts';
import { mirrorPath, startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { purgeDue, addZoneDays } from '../../src-main/privacy/purge.ts';
import { sha256Hex, verifyBytes } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import { checkResponse } from '../helpers/openapi.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
// Tuesday 20 October 2026, 10:00 in Prague (CEST, UTC+2); summer time ends on Sunday 25 October.
const T0 = '2026-10-20T08:00:00.000Z';
const HOUR = 3_600_000;

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

let pub: RunningPublisher;
let clock: ManualClock;
let admin: string;
let kiosk: string;
let publicKey: string;
const tmp = tempDir();
let FULL: Uint8Array;
let REDACTED: Uint8Array;
let OTHER: Uint8Array;
let SHARED: Uint8Array;
let ONLY_D: Uint8Array;
const sha = (b: Uint8Array): string => sha256Hex(b);

interface Reply<T> {
  status: number;
  body: T;
}

/** One call to /api/v1 with the admin token, checked against the OpenAPI document. */
async function call<T>(method: string, template: string, params: Record<string, string>, body?: { json?: unknown; form?: FormData }): Promise<Reply<T>> {
  const path = template.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k] ?? ''));
  const headers: Record<string, string> = { authorization: `Bearer ${admin}` };
  let payload: BodyInit | undefined;
  if (body?.json !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body.json);
  } else if (body?.form) payload = body.form;
  const res = await fetch(`${pub.url}/api/v1${path}`, { method, headers, body: payload });
  const type = res.headers.get('content-type');
  const parsed: unknown = type?.startsWith('application/json') ? await res.json() : new Uint8Array(await res.arrayBuffer());
  checkResponse(method, template, res.status, type, type?.startsWith('application/json') ? parsed : undefined);
  return { status: res.status, body: parsed as T };
}

function form(metadata: unknown, files: { name: string; bytes: Uint8Array }[] = [], part = 'files'): FormData {
  const f = new FormData();
  f.append('metadata', new Blob([JSON.stringify(metadata)], { type: 'application/json' }));
  for (const file of files) f.append(part, new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  return f;
}

function fileForm(name: string, bytes: Uint8Array): FormData {
  const f = new FormData();
  f.append('files', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  return f;
}

const local = (iso: string): string => {
  // Instants go to the API with an offset, as clerks' clients send them.
  const d = new Date(iso);
  return d.toISOString().replace('Z', '+00:00');
};

async function createNotice(meta: Record<string, unknown>, files: { name: string; bytes: Uint8Array }[]): Promise<NoticeView> {
  const r = await call<NoticeView>('POST', '/boards/{board}/notices', { board: 'demo' }, { form: form(meta, files) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

async function publish(id: string): Promise<NoticeView> {
  const r = await call<NoticeView>('POST', '/notices/{id}/publish', { id });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Runs the schedule at the clock's instant and waits until every channel has published. */
async function settle(): Promise<void> {
  await pub.engine.idle();
  await pub.engine.tick(clock.now(), 'sweep');
  await pub.engine.idle();
}

/** Every file under the mirror's live release and its build records, with its bytes. */
function mirrorFiles(): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push({ path: p, bytes: readFileSync(p) });
    }
  };
  const root = mirrorPath(tmp.path, 'demo');
  walk(realpathSync(root));
  if (existsSync(`${root}.builds`)) walk(`${root}.builds`);
  return out;
}

function assertNowhereInMirror(what: string, needle: string | Uint8Array): void {
  const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle);
  const hits = mirrorFiles().filter((f) => f.bytes.indexOf(bytes) >= 0).map((f) => f.path);
  assert.deepEqual(hits, [], `${what} found in the mirror output`);
}

async function feed(path: string, token: string | null): Promise<Response> {
  return fetch(`${pub.url}/feed/demo/${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
}

let A: NoticeView; // personal data, redacted copy, removed on day 2
let B: NoticeView; // ordinary notice
let D: NoticeView; // personal data, one file shared with E
let E: NoticeView; // ordinary notice with the shared file, stays posted

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now(), kioskIds: ['vestibul'], board: { publicUrl: 'https://deska.example.cz/' } });
  admin = init.apiToken;
  kiosk = init.kioskTokens.vestibul!;
  publicKey = init.publicKey;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false, inbox: false });
  [FULL, REDACTED, OTHER, SHARED, ONLY_D] = await Promise.all([
    pdf('Rozhodnutí pro Jana Nováka, nar. 1. 1. 1970, Horní Lhota 12'),
    pdf('Rozhodnutí pro ███ ███, nar. ███, Horní Lhota ███'),
    pdf('Rozpočtové opatření č. 5/2026'),
    pdf('Společná příloha: situační výkres'),
    pdf('Výzva k vyzvednutí písemnosti pro Petra Svobodu'),
  ]);
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

describe('privacy', () => {
  test('API: the personal-data flag and a redacted copy are uploaded and shown; a wrong upload is refused and loses nothing', async () => {
    const removeAt = new Date(Date.parse(T0) + 24 * HOUR).toISOString();
    A = await createNotice({ title: 'Oznámení o doručení – Jan Novák', postAt: local(T0), removeAt: local(removeAt), personalData: true }, [{ name: 'rozhodnuti.pdf', bytes: FULL }]);
    assert.equal(A.personalData, true);
    const bad = await call<{ error: { code: string } }>('POST', '/boards/{board}/notices', { board: 'demo' }, { form: form({ title: 'x', personalData: 'ano' }) });
    assert.equal(bad.status, 422);
    assert.match(JSON.stringify(bad.body), /personalData/);

    const params = { id: A.id, sha256: sha(FULL) };
    // Not a PDF: refused by content like any upload, the notice unchanged.
    const notPdf = await call<{ error: { code: string } }>('PUT', '/notices/{id}/attachments/{sha256}/redacted', params, { form: fileForm('kopie.pdf', new TextEncoder().encode('<html>not a pdf</html>')) });
    assert.equal(notPdf.status, 415);
    const same = await call<{ error: { code: string; message: string } }>('PUT', '/notices/{id}/attachments/{sha256}/redacted', params, { form: fileForm('kopie.pdf', FULL) });
    assert.equal(same.status, 422);
    assert.equal(same.body.error.code, 'redacted_same');
    const unknown = await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { id: A.id, sha256: sha(OTHER) }, { form: fileForm('kopie.pdf', REDACTED) });
    assert.equal(unknown.status, 404);
    assert.equal((await call<NoticeView>('GET', '/notices/{id}', { id: A.id })).body.attachments[0]!.redacted, undefined);

    const set = await call<NoticeView>('PUT', '/notices/{id}/attachments/{sha256}/redacted', params, { form: fileForm('rozhodnuti-zacerneno.pdf', REDACTED) });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body.attachments[0]!.redacted, { sha256: sha(REDACTED), name: 'rozhodnuti-zacerneno.pdf', size: REDACTED.byteLength });
    assert.equal(set.body.revision, A.revision + 1);
    // Removing and setting again is allowed before publishing; each is in the audit log.
    assert.equal((await call<NoticeView>('DELETE', '/notices/{id}/attachments/{sha256}/redacted', params)).body.attachments[0]!.redacted, undefined);
    A = (await call<NoticeView>('PUT', '/notices/{id}/attachments/{sha256}/redacted', params, { form: fileForm('rozhodnuti-zacerneno.pdf', REDACTED) })).body;
    const events = (await call<{ events: { action: string; detail: { redacted?: unknown } }[] }>('GET', '/notices/{id}/events', { id: A.id })).body.events;
    assert.equal(events.filter((e) => e.action === 'edited' && e.detail.redacted !== undefined).length, 3);

    A = await publish(A.id);
    // Published and posted: the redacted copy can no longer change (withdraw and publish anew).
    const late = await call<{ error: { code: string } }>('DELETE', '/notices/{id}/attachments/{sha256}/redacted', params);
    assert.equal(late.status, 409);

    B = await createNotice({ title: 'Rozpočtové opatření 5/2026', postAt: local(T0) }, [{ name: 'rozpoctove-opatreni.pdf', bytes: OTHER }]);
    B = await publish(B.id);
    // Flagging a posted notice later is allowed (it only protects it more); unflagging is not.
    const flagged = await call<NoticeView>('PATCH', '/notices/{id}', { id: B.id }, { form: form({ personalData: true }) });
    assert.equal(flagged.status, 200);
    assert.equal(flagged.body.personalData, true);
    const unflag = await call<{ error: { code: string } }>('PATCH', '/notices/{id}', { id: B.id }, { form: form({ personalData: false }) });
    assert.equal(unflag.status, 409);
    // B stays flagged from here on; C is the ordinary notice the sitemap lists.
    await settle();
  });

  test('mirror, OFN, Atom and sitemap: the redacted copy only, noindex on personal data; the full document appears nowhere in the mirror output', async () => {
    const C = await publish((await createNotice({ title: 'Zasedání zastupitelstva', description: 'Zasedání se koná 5. 11. 2026 v 18:00.', postAt: local(T0) }, [])).id);
    await settle();
    const root = realpathSync(mirrorPath(tmp.path, 'demo'));
    const pageA = readFileSync(join(root, 'oznameni', A.id, 'index.html'), 'utf8');
    assert.match(pageA, /<meta name="robots" content="noindex">/);
    assert.ok(pageA.includes(sha(REDACTED)), 'the notice page lists the redacted copy');
    assert.ok(pageA.includes('rozhodnuti-zacerneno.pdf'));
    assert.ok(!pageA.includes('rozhodnuti.pdf"'), 'the full document is not named');
    const pageC = readFileSync(join(root, 'oznameni', C.id, 'index.html'), 'utf8');
    assert.doesNotMatch(pageC, /noindex/);
    const sitemap = readFileSync(join(root, 'sitemap.xml'), 'utf8');
    assert.ok(sitemap.includes(C.id) && !sitemap.includes(A.id) && !sitemap.includes(B.id), 'personal-data pages stay out of the sitemap');
    const ofn = JSON.parse(readFileSync(join(root, 'opendata', 'uredni-deska.jsonld'), 'utf8')) as { informace: { url: string; dokument?: { url: string; název: { cs: string } }[] }[] };
    const itemA = ofn.informace.find((i) => i.url.includes(A.id))!;
    assert.equal(itemA.dokument!.length, 1);
    assert.ok(itemA.dokument![0]!.url.includes(sha(REDACTED)));
    assert.equal(itemA.dokument![0]!.název.cs, 'rozhodnuti-zacerneno.pdf');
    assert.deepEqual(readFileSync(mirrorFiles().find((f) => f.path.endsWith(`soubory/${sha(REDACTED)}.pdf`))!.path), Buffer.from(REDACTED));
    assertNowhereInMirror('the full document\'s SHA-256', sha(FULL));
    assertNowhereInMirror('the full document\'s bytes', FULL);
    assertNowhereInMirror('the full document\'s name', 'rozhodnuti.pdf"');
  });

  test('a correction of a notice with a redacted copy: the mirror\'s change register names the copy, never the full document', async () => {
    // A PDF of its own: the notice stays posted, and its change register keeps the file from any purge.
    const own = await pdf('Výzva – Petr Svoboda (před opravou)');
    const n = await createNotice({ title: 'Výzva – Petr Svoboda', postAt: local(T0), personalData: true }, [{ name: 'vyzva-petr-svoboda.pdf', bytes: own }]);
    const params = { id: n.id, sha256: sha(own) };
    assert.equal((await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', params, { form: fileForm('vyzva-zacerneno.pdf', REDACTED) })).status, 200);
    await publish(n.id);
    await settle();
    // The correction drops the full document and adds a new one (redacted copies are set before posting).
    const fix = form({ reason: 'Nahrazen chybný dokument', restartPeriod: true, removeAttachments: [sha(own)] }, [{ name: 'vyzva-opravena.pdf', bytes: OTHER }]);
    const corrected = await call('POST', '/notices/{id}/revisions', { id: n.id }, { form: fix });
    assert.equal(corrected.status, 201, JSON.stringify(corrected.body));
    await settle();
    const page = readFileSync(join(realpathSync(mirrorPath(tmp.path, 'demo')), 'oznameni', n.id, 'index.html'), 'utf8');
    assert.match(page, /Změny oznámení/);
    assert.match(page, /odebráno „dokument \(název se nezveřejňuje\)“/);
    assert.match(page, /přidáno „vyzva-opravena\.pdf“/);
    assertNowhereInMirror('the full document\'s name in the change register', 'petr-svoboda');
    // Kiosks show the full document, so their signed feed names it.
    const kioskManifest = await (await feed('manifest.json', kiosk)).text();
    assert.ok(kioskManifest.includes('vyzva-petr-svoboda.pdf'));
  });

  test('the signed daily digest on the mirror names the redacted copy, not the full document, nor the title of a personal-data notice', async () => {
    clock.set('2026-10-20T22:30:00.000Z'); // 00:30 on 21 October in Prague
    pub.engine.writeDigests(clock.now());
    await pub.engine.changed('demo');
    const digest = mirrorFiles().find((f) => f.path.endsWith('2026-10-20.json'));
    assert.ok(digest, 'the digest of 20 October is on the mirror');
    const text = digest.bytes.toString('utf8');
    assert.ok(text.includes(A.id) && text.includes(sha(REDACTED)));
    assert.ok(!text.includes('Jan Novák'));
    assertNowhereInMirror('the full document\'s SHA-256', sha(FULL));
  });

  test('feed: kiosks get the full document; an anonymous reader of a public feed gets a signed manifest with the redacted copy only', async () => {
    const own = JSON.parse(await (await feed('manifest.json', kiosk)).text()) as FeedManifest;
    const a = own.notices.find((n) => n.id === A.id)!;
    assert.equal(a.attachments[0]!.sha256, sha(FULL));
    assert.equal(a.personalData, true);
    assert.equal((await feed(`files/${sha(FULL)}`, kiosk)).status, 200);

    assert.equal((await feed('manifest.json', null)).status, 401, 'private by default');
    const opened = await call('PUT', '/boards/{board}/feed-access', { board: 'demo' }, { json: { public: true } });
    assert.equal(opened.status, 200);
    const res = await feed('manifest.json', null);
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const text = Buffer.from(bytes).toString('utf8');
    assert.ok(!text.includes(sha(FULL)), 'the public manifest never names the full document');
    assert.ok(text.includes(sha(REDACTED)));
    const sig = await (await feed('manifest.json.sig', null)).text();
    assert.ok(verifyBytes(bytes, sig, publicKey), 'the public variant is signed with the board key');
    assert.equal((await feed(`files/${sha(FULL)}`, null)).status, 404);
    const copy = await feed(`files/${sha(REDACTED)}`, null);
    assert.equal(copy.status, 200);
    assert.deepEqual(new Uint8Array(await copy.arrayBuffer()), REDACTED);
    // A kiosk with its token still gets the full snapshot on the public board.
    assert.ok((await (await feed('manifest.json', kiosk)).text()).includes(sha(FULL)));
    await call('PUT', '/boards/{board}/feed-access', { board: 'demo' }, { json: { public: false } });
  });

  test('retention: a board setting in days (default 30), admins only, in the audit log', async () => {
    const def = await call<{ retentionDays: number; isDefault: boolean }>('GET', '/boards/{board}/privacy', { board: 'demo' });
    assert.deepEqual(def.body, { board: 'demo', retentionDays: 30, isDefault: true });
    assert.equal((await call('PUT', '/boards/{board}/privacy', { board: 'demo' }, { json: { retentionDays: -1 } })).status, 422);
    assert.equal((await call('PUT', '/boards/{board}/privacy', { board: 'demo' }, { json: { retentionDays: 2.5 } })).status, 422);
    const clerkStore = pub.ctx.store;
    clerkStore.users.create('novakova', 'Jana Nováková', 'referentka-heslo', 'clerk', clock.now());
    const login = await fetch(`${pub.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'novakova', password: 'referentka-heslo' }) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const byClerk = await fetch(`${pub.url}/api/v1/boards/demo/privacy`, { method: 'PUT', headers: { cookie, 'x-requested-with': 'deska', 'content-type': 'application/json' }, body: '{"retentionDays":1}' });
    assert.equal(byClerk.status, 403);
    const set = await call<{ retentionDays: number; isDefault: boolean }>('PUT', '/boards/{board}/privacy', { board: 'demo' }, { json: { retentionDays: 7 } });
    assert.deepEqual(set.body, { board: 'demo', retentionDays: 7, isDefault: false });
    assert.equal(pub.ctx.store.db.prepare("SELECT COUNT(*) FROM events WHERE action = 'privacy-settings-changed'").pluck().get(), 1);
  });

  test('removal: a personal-data notice leaves the mirror, OFN, Atom and the kiosk feed; nothing is purged before its retention has passed', async () => {
    // D (personal data) and E (ordinary, stays posted) share one PDF; D has one of its own.
    D = await publish((await createNotice({ title: 'Výzva k vyzvednutí – Petr Svoboda', postAt: local(new Date(clock.now()).toISOString()), removeAt: local('2026-10-21T09:00:00.000Z'), personalData: true },
      [{ name: 'vyzva.pdf', bytes: ONLY_D }, { name: 'vykres.pdf', bytes: SHARED }])).id);
    E = await publish((await createNotice({ title: 'Územní rozhodnutí', postAt: local(new Date(clock.now()).toISOString()) }, [{ name: 'vykres.pdf', bytes: SHARED }])).id);
    await settle();
    clock.set('2026-10-21T09:30:00.000Z'); // past A's (08:00Z) and D's (09:00Z) removal
    await settle();
    const root = realpathSync(mirrorPath(tmp.path, 'demo'));
    assert.ok(!existsSync(join(root, 'oznameni', A.id)));
    for (const file of ['index.html', 'atom.xml', 'sitemap.xml', join('opendata', 'uredni-deska.jsonld')]) {
      const text = readFileSync(join(root, file), 'utf8');
      assert.ok(!text.includes(A.id) && !text.includes('Jan Novák') && !text.includes(D.id), `${file} no longer shows the removed notices`);
    }
    assertNowhereInMirror('the title of a removed personal-data notice', 'Jan Novák');
    const own = JSON.parse(await (await feed('manifest.json', kiosk)).text()) as FeedManifest;
    assert.ok(!own.notices.some((n) => n.id === A.id || n.id === D.id), 'kiosks take it down too');
    assert.equal((await feed(`files/${sha(FULL)}`, kiosk)).status, 404);
    // The mirror has no archive of removed notices; a removed notice leaves no page behind.
    assert.ok(!mirrorFiles().some((f) => f.path.includes(A.id) && f.path.endsWith('.html')));

    assert.deepEqual(purgeDue(pub.ctx.store, clock.now()), []);
    assert.ok(existsSync(pub.ctx.store.blobs.path(sha(FULL))));
    // A backup taken now holds the file (it is kept until the retention passes).
    const b = await createBackup(tmp.path, { root: join(tmp.path, '..', `${tmp.path.split('/').pop()}-zalohy`), now: clock.now() });
    assert.ok(existsSync(join(b.dir, 'blobs', sha(FULL).slice(0, 2), sha(FULL))));
  });

  test('purge: never before removal + retention counted in calendar days in the board zone across the DST change; logged with hashes; a file shared with a live notice is kept', async () => {
    const store = pub.ctx.store;
    // A removed 21 Oct 10:00 CEST (08:00Z). 7 days later at the same wall time is 28 Oct 10:00 CET = 09:00Z:
    // one hour more than 7 × 24 h, because the clocks went back on 25 October.
    const due = Date.parse('2026-10-28T09:00:00.000Z');
    assert.equal(addZoneDays(Date.parse('2026-10-21T08:00:00.000Z'), 7, 'Europe/Prague'), due);
    clock.set(Date.parse('2026-10-21T08:00:00.000Z') + 7 * 24 * HOUR); // 7 × 24 h: 09:00 wall time, too early
    assert.deepEqual(purgeDue(store, clock.now()), []);
    clock.set(due - 1);
    assert.deepEqual(purgeDue(store, clock.now()), []);
    assert.ok(existsSync(store.blobs.path(sha(FULL))) && existsSync(store.blobs.path(sha(REDACTED))));

    clock.set(due);
    const first = purgeDue(store, clock.now());
    assert.deepEqual(first.map((r) => r.noticeId), [A.id]);
    assert.deepEqual(first[0]!.files.filter((f) => f.role !== 'text').map((f) => [f.sha256, f.role]), [[sha(FULL), 'full'], [sha(REDACTED), 'redacted']]);
    assert.ok(!existsSync(store.blobs.path(sha(FULL))) && !existsSync(store.blobs.path(sha(REDACTED))));
    assert.equal(first[0]!.purgeNotBefore, '2026-10-28T09:00:00.000Z');
    const event = store.db.prepare("SELECT actor, detail FROM events WHERE action = 'attachments-purged' AND notice_id = ?").get(A.id) as { actor: string; detail: string };
    assert.equal(event.actor, 'system:privacy-purge');
    assert.ok(event.detail.includes(sha(FULL)) && event.detail.includes(sha(REDACTED)));
    assert.deepEqual(purgeDue(store, clock.now()), [], 'purged once');

    clock.set('2026-10-28T10:00:00.000Z'); // D: removed 21 Oct 11:00 CEST → 28 Oct 11:00 CET
    const second = purgeDue(store, clock.now());
    assert.deepEqual(second.map((r) => r.noticeId), [D.id]);
    assert.deepEqual(second[0]!.files.filter((f) => f.role === 'full').map((f) => f.sha256), [sha(ONLY_D)]);
    assert.deepEqual(second[0]!.kept.filter((f) => f.role === 'full').map((f) => [f.sha256, f.notices]), [[sha(SHARED), [E.id]]]);
    assert.ok(!existsSync(store.blobs.path(sha(ONLY_D))));
    assert.ok(existsSync(store.blobs.path(sha(SHARED))), 'the PDF E still shows is kept');
    await settle();
    const pageE = readFileSync(join(realpathSync(mirrorPath(tmp.path, 'demo')), 'oznameni', E.id, 'index.html'), 'utf8');
    assert.ok(pageE.includes(sha(SHARED)));
    assert.equal((await feed(`files/${sha(SHARED)}`, kiosk)).status, 200);
  });

  test('backups: a backup after the purge does not carry the purged file on from the older backup, and verifies', async () => {
    const b = await createBackup(tmp.path, { root: join(tmp.path, '..', `${tmp.path.split('/').pop()}-zalohy`), now: clock.now() });
    assert.ok(!existsSync(join(b.dir, 'blobs', sha(FULL).slice(0, 2), sha(FULL))), 'not hard-linked from the previous backup');
    assert.ok(!existsSync(join(b.dir, 'blobs', sha(REDACTED).slice(0, 2), sha(REDACTED))));
    assert.ok(existsSync(join(b.dir, 'blobs', sha(SHARED).slice(0, 2), sha(SHARED))), 'a kept file is backed up');
    assert.deepEqual((await verifyBackup(b.dir)).problems, []);
    rmSync(join(tmp.path, '..', `${tmp.path.split('/').pop()}-zalohy`), { recursive: true, force: true });
  });

  test('audit verify: purged files are notes, not tampering; a file missing without a purge event still fails', async () => {
    const store = pub.ctx.store;
    const ok = verifyStore(store);
    assert.deepEqual(ok.problems, []);
    assert.ok(ok.notes.some((n) => /smazané soubory příloh oznámení s osobními údaji/.test(n)), ok.notes.join('\n'));

    const file = store.blobs.path(sha(OTHER));
    const saved = readFileSync(file);
    rmSync(file);
    try {
      const bad = verifyStore(store);
      assert.equal(bad.problems.length, 1, bad.problems.join('\n'));
      assert.ok(bad.problems[0]!.includes(sha(OTHER)) && /chybí/.test(bad.problems[0]!));
    } finally {
      writeFileSync(file, saved);
    }
    // A purge event for another file does not excuse a different one; a forged event breaks the chain.
    assert.deepEqual(verifyStore(store).problems, []);
  });

  test('inbox: a package may carry personalData; anything but a boolean is refused with the field named', async () => {
    const push = (meta: Record<string, unknown>, id: string): Promise<Reply<{ notice: NoticeView; error?: unknown }>> =>
      call('PUT', '/boards/{board}/inbox/{externalId}', { board: 'demo', externalId: id },
        { form: form({ version: 1, source: { system: 'ginis' }, title: 'Výzva – Karel Dvořák', attachments: [{ file: 'a.pdf' }], ...meta }, [{ name: 'a.pdf', bytes: ONLY_D }]) });
    const ok = await push({ personalData: true }, 'PRIV-1');
    assert.equal(ok.status, 201);
    assert.equal(ok.body.notice.personalData, true);
    const wrong = await push({ personalData: 'ano' }, 'PRIV-2');
    assert.equal(wrong.status, 422);
    assert.match(JSON.stringify(wrong.body), /personalData/);
  });

  test('certificate after the purge: still available, with the hashes and the date and rule of the purge', async () => {
    const res = await fetch(`${pub.url}/api/v1/notices/${A.id}/certificate`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.status, 200);
    const text = (await pdfPageTexts(new Uint8Array(await res.arrayBuffer()))).join('\n').replace(/\s+/g, ' ');
    assert.ok(text.includes(sha(FULL)), 'the full document\'s hash stays on the certificate');
    assert.ok(text.includes(sha(REDACTED)), 'and the redacted copy\'s');
    assert.match(text, /Soubory byly smazány 28\. 10\. 2026 10:00/);
    assert.match(text, /7 dní po sejmutí/);
    assert.match(text, /Osobní údaje obsahuje osobní údaje/);
    // The attachment itself is gone for clerks too: 404 with a message, not a crash.
    const gone = await fetch(`${pub.url}/api/v1/attachments/${sha(FULL)}`, { headers: { authorization: `Bearer ${admin}` } });
    assert.equal(gone.status, 410);
  });
});
