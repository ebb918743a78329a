/**
 * Issue 6 (the clerk's legal workflow) attacked as a hostile user and as a tired operator would,
 * over real loopback HTTP (startPublisher on port 0, real SQLite, ManualClock), every response
 * checked against openapi.json. Each test names the attack; those that once broke name the fix:
 *
 * - lawful periods: an early removal is refused on every path, only a withdrawal with a reason
 *   ends a notice early, and the certificate carries the reason and the lawful date;
 * - four eyes: an admin never approves their own notice by switching between session and their
 *   own admin token (tokens are traced to their owner); a deactivated or demoted admin's admin
 *   token answers 401; an approved scheduled notice on a four-eyes board is not changed after
 *   the approval (edit, attachment, redacted copy) except to keep it longer;
 * - privacy: a clerk sets no redacted copy on another's draft; a redaction change cancels a
 *   pending submission; the purge keeps files another notice's change register still names and
 *   purges the documents the notice itself had before a correction;
 * - many boards: a user of board A reads and changes nothing of board B by any API path.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument } from 'pdf-lib';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { purgeDue } from '../../src-main/privacy/purge.ts';
import { verifyStore } from '../../src-main/evidence/audit-verify.ts';
import { Store } from '../../src-main/store/store.ts';
import { tokenActor } from '../../src-main/store/users.ts';
import { main } from '../../src-main/cli.ts';
import { sha256Hex } from '../../src-main/publication/signing.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { CreatedToken, NoticeView } from '../../src-main/shared/api-types.ts';
import type { ApprovalState, ApprovalView, ApiUserDetail, UserWithPassword } from '../../src-main/shared/users-api.ts';
import { apiCall, errorOf, noticeForm, signIn, type Auth, type Reply } from '../helpers/api-call.ts';
import { pdfPageTexts } from '../helpers/pdf-text.ts';
import { tempDir } from '../helpers/tmp.ts';

const require = createRequire(import.meta.url);
/** Monday 23 November 2026, 09:00 in Prague. */
const T0 = '2026-11-23T08:00:00.000Z';
const DAY = 86_400_000;
const tmp = tempDir();
let pub: RunningPublisher;
let clock: ManualClock;
let adminToken: string;
let admin: Auth;
let clerk: Auth;
let clerk2: Auth;
let approver: Auth;
let lhotak: Auth;

const call = <T = unknown>(method: string, template: string, o: Parameters<typeof apiCall>[3] = {}): Promise<Reply<T>> => apiCall<T>(pub.url, method, template, o);

async function pdf(text: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const font = await doc.embedFont(readFileSync(require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf')), { subset: true });
  doc.addPage([595, 842]).drawText(text, { x: 50, y: 780, size: 14, font });
  return doc.save({ useObjectStreams: false });
}

function form(metadata: unknown, files: { name: string; bytes: Uint8Array }[] = []): FormData {
  const f = noticeForm(metadata);
  for (const file of files) f.append('files', new Blob([new Uint8Array(file.bytes)], { type: 'application/pdf' }), file.name);
  return f;
}

function fileForm(name: string, bytes: Uint8Array): FormData {
  const f = new FormData();
  f.append('files', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), name);
  return f;
}

async function createUser(spec: Record<string, unknown>): Promise<UserWithPassword> {
  const r = await call<UserWithPassword>('POST', '/users', { auth: admin, json: spec });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** A new user signed in with their own password. */
async function user(spec: Record<string, unknown>, password: string): Promise<{ auth: Auth; id: string }> {
  const created = await createUser(spec);
  const s = await signIn(pub.url, created.user.username, created.oneTimePassword);
  assert.equal((await call('PUT', '/session/password', { auth: s, json: { currentPassword: created.oneTimePassword, newPassword: password } })).status, 200);
  return { auth: s, id: created.user.id };
}

async function notice(auth: Auth, board: string, meta: Record<string, unknown>, files: { name: string; bytes: Uint8Array }[] = []): Promise<NoticeView> {
  const r = await call<NoticeView>('POST', '/boards/{board}/notices', { params: { board }, auth, form: form({ description: 'Text oznámení.', ...meta }, files) });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

const iso = (ms: number): string => new Date(ms).toISOString();

async function setFourEyes(board: string, on: boolean): Promise<void> {
  assert.equal((await call('PUT', '/boards/{board}/approval-settings', { params: { board }, auth: admin, json: { fourEyes: on } })).status, 200);
}

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  adminToken = init.apiToken;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false });
  pub.ctx.store.createBoard({ id: 'lhota', name: 'Obec Dolní Lhota', ico: '00000002', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/' }, clock.now());
  admin = await signIn(pub.url, 'admin', 'spravce-heslo');
  clerk = (await user({ username: 'referent', displayName: 'Karel Referent', department: 'Stavební úřad', rights: { demo: 'clerk' } }, 'Prvni-heslo-k-desce-1')).auth;
  clerk2 = (await user({ username: 'referentka', displayName: 'Jana Referentka', department: 'Stavební úřad', rights: { demo: 'clerk' } }, 'Druhe-heslo-k-desce-2')).auth;
  approver = (await user({ username: 'schvalovatel', displayName: 'Eva Schvalovatelová', rights: { demo: 'approver' } }, 'Treti-heslo-k-desce-3')).auth;
  lhotak = (await user({ username: 'lhotak', displayName: 'Petr Lhoťák', rights: { lhota: 'approver' } }, 'Ctvrte-heslo-k-desce-4')).auth;
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('lawful periods: no early removal by create, edit, correction or publishing late; a withdrawal needs a reason and the certificate names it and the lawful date', async () => {
  const postAt = clock.now() - 60_000; // posted now
  // Public decree, 15 days: posted Monday 23 November, the period ends on Tuesday 8 December.
  const tooEarly = await call('POST', '/boards/{board}/notices', {
    params: { board: 'demo' }, auth: admin,
    form: form({ title: 'Vyhláška', description: 'x', type: 'cz-verejna-vyhlaska', postAt: iso(postAt), removeAt: iso(postAt + 10 * DAY) }),
  });
  assert.equal(tooEarly.status, 422);
  assert.equal(errorOf(tooEarly).code, 'before_lawful_removal');
  // An offset that looks late in one zone is the same instant: still refused.
  const offsetTrick = await call('POST', '/boards/{board}/notices', {
    params: { board: 'demo' }, auth: admin,
    form: form({ title: 'Vyhláška', description: 'x', type: 'cz-verejna-vyhlaska', postAt: iso(postAt), removeAt: '2026-12-08T23:30:00-12:00' }),
  });
  assert.equal(offsetTrick.status, 201, 'the 9th at 11:30 UTC is after the lawful removal');
  // A draft whose removal was lawful for a posting in the past: published today, the period counts from today.
  const late = await notice(admin, 'demo', { title: 'Pozdě zveřejněná vyhláška', type: 'cz-verejna-vyhlaska', postAt: iso(postAt - 10 * DAY), removeAt: iso(postAt + 8 * DAY) });
  const lateR = await call('POST', '/notices/{id}/publish', { params: { id: late.id }, auth: admin });
  assert.equal(lateR.status, 422);
  assert.equal(errorOf(lateR).code, 'before_lawful_removal');
  assert.equal(pub.ctx.store.notices.require(late.id).publishedAt, null);
  // A scheduled council-meeting notice (7 days before the meeting, up until it) loses its meeting
  // day after publishing and then ends 7 days after posting, before the meeting: refused.
  const meeting = await notice(lhotak, 'lhota', { title: 'Zasedání zastupitelstva', type: 'cz-zasedani-zastupitelstva', eventDate: '2026-12-14', postAt: iso(postAt + DAY), removeAt: iso(Date.parse('2026-12-15T08:00:00Z')) });
  assert.equal((await call<NoticeView>('POST', '/notices/{id}/publish', { params: { id: meeting.id }, auth: lhotak })).body.state, 'scheduled');
  const noDay = await call('PATCH', '/notices/{id}', { params: { id: meeting.id }, auth: lhotak, form: form({ eventDate: null, removeAt: iso(postAt + 9 * DAY) }) });
  assert.equal(noDay.status, 422, JSON.stringify(noDay.body));
  assert.equal(errorOf(noDay).code, 'event_date_required');
  assert.equal(pub.ctx.store.notices.require(meeting.id).eventDate, '2026-12-14');
  const n = await notice(admin, 'demo', { title: 'Veřejná vyhláška – územní plán', type: 'cz-verejna-vyhlaska', postAt: iso(postAt), removeAt: iso(postAt + 30 * DAY) });
  assert.equal((await call<NoticeView>('POST', '/notices/{id}/publish', { params: { id: n.id }, auth: admin })).body.state, 'posted');
  const id = { id: n.id };
  // Shorten by edit, by correction, change the type to one without a minimum by correction: refused.
  const shorten = await call('PATCH', '/notices/{id}', { params: id, auth: admin, form: form({ removeAt: iso(postAt + 5 * DAY) }) });
  assert.equal(errorOf(shorten).code, 'early_removal');
  const retype = await call('PATCH', '/notices/{id}', { params: id, auth: admin, form: form({ type: 'general' }) });
  assert.equal(retype.status, 409);
  const viaCorrection = await call('POST', '/notices/{id}/revisions', { params: id, auth: admin, form: form({ removeAt: iso(postAt + 5 * DAY), reason: 'Zkrácení', restartPeriod: false }) });
  assert.equal(errorOf(viaCorrection).code, 'early_removal');
  // A flag a correction does not carry is refused, not silently dropped.
  const flag = await call('POST', '/notices/{id}/revisions', { params: id, auth: admin, form: form({ title: 'Jiný název', personalData: true, reason: 'Osobní údaje', restartPeriod: false }) });
  assert.equal(errorOf(flag).code, 'personal_data_not_corrected');
  assert.equal(pub.ctx.store.revisions.list(n.id).length, 0);
  const general = await call('POST', '/notices/{id}/revisions', { params: id, auth: admin, form: form({ type: 'general', reason: 'Jiný typ', restartPeriod: false }) });
  assert.equal(errorOf(general).code, 'period_shortened');
  // Withdrawal: a blank or too short reason is refused; a real one is recorded with the lawful date.
  for (const reason of ['', '   ', 'x']) {
    assert.equal((await call('POST', '/notices/{id}/withdraw', { params: id, auth: admin, json: { reason } })).status, 422, `reason ${JSON.stringify(reason)}`);
  }
  assert.equal((await call('POST', '/notices/{id}/withdraw', { params: id, auth: admin, json: {} })).status, 422);
  const withdrawn = await call<NoticeView>('POST', '/notices/{id}/withdraw', { params: id, auth: admin, json: { reason: 'Rozhodnutí bylo zrušeno soudem.' } });
  assert.equal(withdrawn.body.state, 'withdrawn');
  const cert = await call<Uint8Array>('GET', '/notices/{id}/certificate', { params: id, auth: admin });
  assert.equal(cert.status, 200);
  const text = (await pdfPageTexts(cert.body)).join('\n').replace(/\s+/g, ' ');
  assert.match(text, /Rozhodnutí bylo zrušeno soudem\./);
  assert.match(text, /8\. ?prosince 2026|8\. ?12\. ?2026/, 'the lawful last day is on the certificate');
});

test('four eyes: an admin cannot approve their own notice through their own admin token, either way round', async () => {
  await setFourEyes('demo', true);
  const token = { bearer: adminToken }; // created by `deska init` for the user "admin"
  // Created in the app, submitted, approved with the admin's own token.
  const a = await notice(admin, 'demo', { title: 'Správce sám sobě', postAt: iso(clock.now() + DAY) });
  assert.equal((await call('POST', '/notices/{id}/submit', { params: { id: a.id }, auth: admin })).status, 200);
  const viaToken = await call('POST', '/notices/{id}/approve', { params: { id: a.id }, auth: token });
  assert.equal(viaToken.status, 403, JSON.stringify(viaToken.body));
  assert.equal(errorOf(viaToken).code, 'own_notice');
  const state = await call<ApprovalState>('GET', '/notices/{id}/approval', { params: { id: a.id }, auth: token });
  assert.equal(state.body.may.approve, false, 'the app does not offer it either');
  // Created and submitted with the token, approved in the app.
  const b = await notice(token, 'demo', { title: 'Token sám sobě', postAt: iso(clock.now() + DAY) });
  assert.equal((await call('POST', '/notices/{id}/submit', { params: { id: b.id }, auth: token })).status, 200);
  assert.equal(errorOf(await call('POST', '/notices/{id}/approve', { params: { id: b.id }, auth: admin })).code, 'own_notice');
  assert.equal(errorOf(await call('POST', '/notices/{id}/return', { params: { id: b.id }, auth: admin, json: { reason: 'Sám sobě' } })).code, 'own_notice');
  // Another person approves both.
  assert.equal((await call('POST', '/notices/{id}/approve', { params: { id: a.id }, auth: approver })).status, 200);
  assert.equal((await call('POST', '/notices/{id}/approve', { params: { id: b.id }, auth: approver })).status, 200);
  assert.equal(pub.ctx.store.notices.get(a.id)!.publishedAt !== null, true);
  // A shell: a clerk's empty draft the approver fills in, the clerk submits, the approver approves their own words.
  const shell = await notice(clerk, 'demo', { title: 'Prázdný koncept', postAt: iso(clock.now() + DAY) });
  assert.equal((await call('PATCH', '/notices/{id}', { params: { id: shell.id }, auth: approver, form: form({ title: 'Text napsaný schvalovatelem', description: 'Celý obsah.' }) })).status, 200);
  assert.equal((await call('POST', '/notices/{id}/submit', { params: { id: shell.id }, auth: clerk })).status, 200);
  const filled = await call('POST', '/notices/{id}/approve', { params: { id: shell.id }, auth: approver });
  assert.equal(filled.status, 403);
  assert.match(errorOf(filled).message, /Vlastní oznámení nemůžete schválit: na tomto oznámení jste sami pracovali/);
  const shellState = await call<ApprovalState>('GET', '/notices/{id}/approval', { params: { id: shell.id }, auth: approver });
  assert.deepEqual([shellState.body.may.approve, shellState.body.may.return], [false, true], 'they may still return it');
  assert.match(shellState.body.why, /sami pracovali/);
  assert.equal((await call('POST', '/notices/{id}/approve', { params: { id: shell.id }, auth: admin })).status, 200, 'a third person approves');
  const audit = verifyStore(pub.ctx.store);
  assert.deepEqual([audit.problems, audit.notes.filter((n) => n.includes('čtyř očí'))], [[], []], 'audit verify finds the approvals in order');
});

test('audit verify notes a self-approval through an admin token (data from before the rule) and reports a publication without approval on a four-eyes board and four eyes switched in SQLite', async () => {
  using dir = tempDir();
  const now = Date.parse(T0);
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now });
  const store = Store.open(dir.path, () => now);
  try {
    const board = store.board('demo')!;
    store.rights.setFourEyes('demo', true, 'admin', now);
    const token = tokenActor(store.users.tokens().find((t) => t.kind === 'admin')!);
    const fields = { title: 'Vlastní', description: 'x', category: '', department: '', referenceNumber: '', fileMark: '', postAt: iso(now + DAY), removeAt: null };
    const own = store.notices.create(board, fields, [], 'admin', now);
    store.approvals.submit(own.id, 'admin', now);
    assert.throws(() => store.approvals.approve(own.id, token, now), /Vlastní oznámení/, 'the rule holds in the store');
    // What the store allowed before the rule traced admin tokens: approval and publication by the admin's own token.
    const hooks = store.notices.hooks;
    store.transaction(() => {
      store.db.prepare("UPDATE notice_approvals SET status = 'approved', decided_by = ?, decided_at = ? WHERE notice_id = ?").run(token, iso(now), own.id);
      store.audit.append({ at: now, actor: token, action: 'notice-approved', noticeId: own.id, detail: { author: 'admin', submittedBy: 'admin' } });
      store.notices.hooks = {};
      store.notices.publish(own.id, token, now);
    });
    const direct = store.notices.create(board, { ...fields, title: 'Bez schválení' }, [], 'admin', now);
    store.transaction(() => store.notices.publish(direct.id, 'admin', now));
    store.notices.hooks = hooks;
    store.db.prepare("UPDATE boards SET four_eyes = 0 WHERE id = 'demo'").run();
    const v = verifyStore(store);
    // The self-approval is in an intact log: a finding to review (a note), not tampering that would block a restore.
    const self = v.notes.filter((n) => n.includes(own.id));
    assert.equal(self.length, 1, v.notes.join('\n'));
    assert.match(self[0]!, /schválil „token:.*“, ale vytvořil nebo předložil ho „admin“; obojí je uživatel „admin“/);
    assert.equal(v.problems.length, 2, v.problems.join('\n'));
    assert.match(v.problems[0]!, new RegExp(`oznámení ${direct.id}: zveřejněno .* bez schválení`));
    assert.match(v.problems[1]!, /deska „demo“: schvalování druhou osobou je vypnuto, podle auditního logu má být zapnuto/);
  } finally {
    store.close();
  }
});

test('a deactivated or demoted admin\'s admin token answers 401; integration tokens of a deactivated owner keep working (intended)', async () => {
  const second = await user({ username: 'spravce2', displayName: 'Druhý Správce', admin: true }, 'Pate-heslo-k-desce-5');
  const third = await user({ username: 'spravce3', displayName: 'Třetí Správce', admin: true }, 'Seste-heslo-k-desce-6');
  const mk = async (auth: Auth, kind: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const r = await call<CreatedToken>('POST', '/tokens', { auth, json: { name: `${kind} ${Math.random()}`, kind, ...extra } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.token;
  };
  const adminOf2 = await mk(second.auth, 'admin');
  const integOf2 = await mk(second.auth, 'integration', { boards: ['lhota'] });
  const adminOf3 = await mk(third.auth, 'admin');
  assert.equal((await call('GET', '/boards', { auth: { bearer: adminOf2 } })).status, 200);
  assert.equal((await call('PATCH', '/users/{userId}', { params: { userId: second.id }, auth: admin, json: { active: false } })).status, 200);
  const dead = await call('GET', '/boards', { auth: { bearer: adminOf2 } });
  assert.equal(dead.status, 401, 'the admin token of a deactivated user');
  assert.equal((await call('GET', '/users', { auth: { bearer: adminOf2 } })).status, 401);
  assert.equal((await call('GET', '/boards', { auth: { bearer: integOf2 } })).status, 200, 'integration tokens outlive their creator');
  // Demoted: no longer an admin, so their admin token no longer is one.
  assert.equal((await call('PATCH', '/users/{userId}', { params: { userId: third.id }, auth: admin, json: { admin: false } })).status, 200);
  assert.equal((await call('GET', '/boards/{board}/notices', { params: { board: 'demo' }, auth: { bearer: adminOf3 } })).status, 401);
  // Reactivated: the token works again (it was never revoked).
  assert.equal((await call('PATCH', '/users/{userId}', { params: { userId: second.id }, auth: admin, json: { active: true } })).status, 200);
  assert.equal((await call('GET', '/boards', { auth: { bearer: adminOf2 } })).status, 200);
});

test('deska token create --kind admin after the first admin was deactivated: the token belongs to an active admin and works', async () => {
  using dir = tempDir();
  const now = Date.parse(T0);
  await initData({ dataDir: dir.path, adminPassword: 'spravce-heslo', now });
  let store = Store.open(dir.path, () => now);
  const first = store.rights.list().find((u) => u.username === 'admin')!;
  const second = store.rights.create({ username: 'starosta', displayName: 'Starosta', department: '', admin: true, rights: {} }, 'admin', now);
  store.rights.update(first.id, { active: false }, { userId: second.user.id, actor: 'starosta' }, now);
  store.close();
  const out: string[] = [];
  const { log } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  let code: number;
  try {
    code = await main(['token', 'create', '--data', dir.path, '--kind', 'admin', '--name', 'skript']);
  } finally {
    console.log = log;
  }
  assert.equal(code, 0);
  const secret = /token: (deska_\S+)/.exec(out.join('\n'))![1]!;
  store = Store.open(dir.path, () => now);
  try {
    const found = store.users.userForToken(secret);
    assert.equal(found?.user.username, 'starosta', 'owned by the active admin, not the deactivated first one');
    assert.equal(store.users.tokens().find((t) => t.name === 'skript')!.createdBy, 'starosta');
  } finally {
    store.close();
  }
});

test('four eyes: an approved scheduled notice is not changed after the approval, except to stay up longer', async () => {
  await setFourEyes('demo', true);
  const full = await pdf('Plná verze s osobními údaji');
  const n = await notice(approver, 'demo', { title: 'Schválené znění', postAt: iso(clock.now() + 2 * DAY), removeAt: iso(clock.now() + 30 * DAY), personalData: true }, [{ name: 'rozhodnuti.pdf', bytes: full }]);
  const id = { id: n.id };
  assert.equal((await call('POST', '/notices/{id}/submit', { params: id, auth: approver })).status, 200);
  // The approver's own role lets them edit any notice; the second person (admin) approves.
  assert.equal((await call<NoticeView>('POST', '/notices/{id}/approve', { params: id, auth: admin })).body.state, 'scheduled');
  const before = pub.ctx.store.notices.require(n.id);
  for (const [what, r] of [
    ['title', await call('PATCH', '/notices/{id}', { params: id, auth: approver, form: form({ title: 'Jiné znění po schválení' }) })],
    ['attachment', await call('PATCH', '/notices/{id}', { params: id, auth: approver, form: form({}, [{ name: 'podvrh.pdf', bytes: await pdf('Podvržená příloha') }]) })],
    ['removed attachment', await call('PATCH', '/notices/{id}', { params: id, auth: approver, form: form({ removeAttachments: [sha256Hex(full)] }) })],
    ['earlier removal', await call('PATCH', '/notices/{id}', { params: id, auth: admin, form: form({ removeAt: iso(clock.now() + 20 * DAY) }) })],
    ['posting moved', await call('PATCH', '/notices/{id}', { params: id, auth: admin, form: form({ postAt: iso(clock.now() + 3 * DAY) }) })],
    ['redacted copy', await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params: { ...id, sha256: sha256Hex(full) }, auth: approver, form: fileForm('zacerneno.pdf', await pdf('Začerněno')) })],
  ] as const) {
    assert.equal(r.status, 409, `${what}: ${JSON.stringify(r.body)}`);
    assert.equal(errorOf(r).code, 'approved_immutable', what);
    assert.match(errorOf(r).message, /schválila druhá osoba/);
  }
  const told = await call<ApprovalState>('GET', '/notices/{id}/approval', { params: id, auth: approver });
  assert.match(told.body.why, /Schváleno druhou osobou: do vyvěšení už nelze měnit .* jen prodloužit dobu vyvěšení/, 'the clerk app says so before anyone tries');
  const after = pub.ctx.store.notices.require(n.id);
  assert.deepEqual([after.title, after.attachments, after.postAt, after.removeAt], [before.title, before.attachments, before.postAt, before.removeAt], 'nothing changed');
  // Keeping it up longer and flagging personal data only protect: allowed.
  const longer = await call<NoticeView>('PATCH', '/notices/{id}', { params: id, auth: approver, form: form({ removeAt: iso(clock.now() + 40 * DAY) }) });
  assert.equal(longer.status, 200, JSON.stringify(longer.body));
  // A withdrawal with a reason stays possible (the way to pull it before posting).
  assert.equal((await call<NoticeView>('POST', '/notices/{id}/withdraw', { params: id, auth: approver, json: { reason: 'Chyba ve schváleném znění.' } })).body.state, 'withdrawn');
  // Without four eyes a scheduled notice is edited freely, as before.
  await setFourEyes('demo', false);
  const free = await notice(approver, 'demo', { title: 'Bez čtyř očí', postAt: iso(clock.now() + 2 * DAY) });
  assert.equal((await call('POST', '/notices/{id}/publish', { params: { id: free.id }, auth: approver })).status, 200);
  assert.equal((await call('PATCH', '/notices/{id}', { params: { id: free.id }, auth: approver, form: form({ title: 'Upraveno' }) })).status, 200);
  // Four eyes switched on while it waits: nobody approved it, and a change now needs a second person too.
  await setFourEyes('demo', true);
  const unapproved = await call('PATCH', '/notices/{id}', { params: { id: free.id }, auth: approver, form: form({ title: 'Ještě jednou' }) });
  assert.equal(errorOf(unapproved).code, 'approved_immutable');
  assert.match(errorOf(unapproved).message, /^Toto oznámení je zveřejněné a čeká na vyvěšení, a deska vyžaduje schválení druhou osobou/);
  await setFourEyes('demo', false);
});

test('privacy: a clerk sets or removes no redacted copy on another clerk\'s draft; a redaction change cancels a pending submission', async () => {
  await setFourEyes('demo', true);
  const full = await pdf('Rozhodnutí – Jan Novák, nar. 1. 1. 1970');
  const theirs = await notice(clerk2, 'demo', { title: 'Koncept kolegyně', postAt: iso(clock.now() + 2 * DAY), personalData: true }, [{ name: 'rozhodnuti.pdf', bytes: full }]);
  const target = { id: theirs.id, sha256: sha256Hex(full) };
  const put = await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params: target, auth: clerk, form: fileForm('cizi.pdf', await pdf('Cizí začernění')) });
  assert.equal(put.status, 403, JSON.stringify(put.body));
  assert.equal(pub.ctx.store.notices.require(theirs.id).attachments[0]!.redacted, undefined);
  // Her own copy; another clerk may not remove it either.
  assert.equal((await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params: target, auth: clerk2, form: fileForm('zacerneno.pdf', await pdf('Začerněno')) })).status, 200);
  assert.equal((await call('DELETE', '/notices/{id}/attachments/{sha256}/redacted', { params: target, auth: clerk })).status, 403);
  assert.ok(pub.ctx.store.notices.require(theirs.id).attachments[0]!.redacted);
  // Submitted; then the redacted copy changes: what the approver would approve is no longer what was submitted.
  assert.equal((await call<ApprovalView>('POST', '/notices/{id}/submit', { params: { id: theirs.id }, auth: clerk2 })).body.status, 'awaiting');
  assert.equal((await call('DELETE', '/notices/{id}/attachments/{sha256}/redacted', { params: target, auth: clerk2 })).status, 200);
  assert.equal(pub.ctx.store.approvals.get(theirs.id), null, 'the submission was cancelled');
  assert.equal(errorOf(await call('POST', '/notices/{id}/approve', { params: { id: theirs.id }, auth: approver })).code, 'not_awaiting');
  const cancelled = pub.ctx.store.audit.list(theirs.id).filter((e) => e.action === 'notice-submission-cancelled');
  assert.equal(cancelled.length, 1);
});

test('privacy: the purge keeps a file another notice\'s change register names, and purges what the notice had before a correction', async () => {
  await setFourEyes('demo', false);
  const start = clock.now() - 60_000;
  const shared = await pdf('Společná příloha');
  const replaced = await pdf('Původní znění s osobními údaji');
  const replacement = await pdf('Opravené znění');
  // B: no personal data, posted with the shared file, then corrected so only its register names it.
  const b = await notice(admin, 'demo', { title: 'B bez osobních údajů', postAt: iso(start), removeAt: iso(start + 60 * DAY) }, [{ name: 'spolecna.pdf', bytes: shared }]);
  await call('POST', '/notices/{id}/publish', { params: { id: b.id }, auth: admin });
  const fixB = await call('POST', '/notices/{id}/revisions', {
    params: { id: b.id }, auth: admin,
    form: form({ reason: 'Nahrazena příloha', restartPeriod: false, removeAttachments: [sha256Hex(shared)] }, [{ name: 'nova.pdf', bytes: await pdf('Nová příloha B') }]),
  });
  assert.equal(fixB.status, 201, JSON.stringify(fixB.body));
  // A: personal data, the shared file and a document later corrected away; while a draft, a file
  // uploaded by mistake and removed, and a redacted copy replaced by a better one.
  const mistake = await pdf('Omylem nahraný dokument s rodnými čísly');
  const copy1 = await pdf('Špatně začerněno');
  const copy2 = await pdf('Dobře začerněno');
  const a = await notice(admin, 'demo', { title: 'A s osobními údaji', postAt: iso(clock.now() + DAY), removeAt: iso(start + 20 * DAY), personalData: true }, [
    { name: 'spolecna.pdf', bytes: shared },
    { name: 'puvodni.pdf', bytes: replaced },
    { name: 'omyl.pdf', bytes: mistake },
  ]);
  assert.equal((await call('PATCH', '/notices/{id}', { params: { id: a.id }, auth: admin, form: form({ removeAttachments: [sha256Hex(mistake)], postAt: iso(start) }) })).status, 200);
  for (const c of [copy1, copy2]) {
    const r = await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params: { id: a.id, sha256: sha256Hex(replaced) }, auth: admin, form: fileForm('zacerneno.pdf', c) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  await call('POST', '/notices/{id}/publish', { params: { id: a.id }, auth: admin });
  const fixA = await call('POST', '/notices/{id}/revisions', {
    params: { id: a.id }, auth: admin,
    form: form({ reason: 'Opraveno znění', restartPeriod: false, removeAttachments: [sha256Hex(replaced)] }, [{ name: 'opravene.pdf', bytes: replacement }]),
  });
  assert.equal(fixA.status, 201, JSON.stringify(fixA.body));
  const path = (b: Uint8Array): string => pub.ctx.store.blobs.path(sha256Hex(b));
  // Long after A's removal and the retention: A's files go, B's register keeps the shared one.
  const records = purgeDue(pub.ctx.store, start + 200 * DAY).filter((r) => r.noticeId === a.id);
  assert.equal(records.length, 1);
  const rec = records[0]!;
  assert.ok(existsSync(path(shared)), 'B\'s change register still names the shared file');
  assert.deepEqual(rec.kept.filter((k) => k.role === 'full').map((k) => [k.sha256, k.notices]), [[sha256Hex(shared), [b.id]]]);
  assert.ok(!existsSync(path(replaced)), 'the document corrected away was purged too');
  assert.ok(!existsSync(path(replacement)));
  assert.ok(!existsSync(path(mistake)), 'the file removed from the draft');
  assert.ok(!existsSync(path(copy1)) && !existsSync(path(copy2)), 'both redacted copies, the replaced one too');
  assert.deepEqual(rec.files.filter((f) => f.role === 'full').map((f) => f.sha256).sort(), [sha256Hex(replaced), sha256Hex(replacement), sha256Hex(mistake)].sort());
  assert.deepEqual(rec.files.filter((f) => f.role === 'redacted').map((f) => f.sha256).sort(), [sha256Hex(copy1), sha256Hex(copy2)].sort());
  assert.deepEqual(verifyStore(pub.ctx.store).problems, [], 'audit verify knows every deleted file was purged');
  // A second run deletes nothing more and records nothing new.
  assert.deepEqual(purgeDue(pub.ctx.store, start + 201 * DAY).filter((r) => r.noticeId === a.id), []);
  assert.ok(existsSync(path(shared)));
});

test('many boards: a user of one board reads and changes nothing of another by any API path', async () => {
  await setFourEyes('demo', false);
  const secret = await pdf('Tajná příloha Lhoty');
  const sha = sha256Hex(secret);
  const onLhota = await notice(lhotak, 'lhota', { title: 'Lhota kanalizace', postAt: iso(clock.now() - 60_000), removeAt: iso(clock.now() + 30 * DAY), personalData: true }, [{ name: 'lhota.pdf', bytes: secret }]);
  await call('POST', '/notices/{id}/publish', { params: { id: onLhota.id }, auth: lhotak });
  const draftL = await notice(lhotak, 'lhota', { title: 'Lhota koncept', postAt: iso(clock.now() + DAY) });
  const integDemo = await call<CreatedToken>('POST', '/tokens', { auth: admin, json: { name: 'spisovka demo', kind: 'integration', boards: ['demo'] } });
  const id = { id: onLhota.id };
  const did = { id: draftL.id };
  for (const who of [clerk, approver, { bearer: integDemo.body.token }] as Auth[]) {
    const reads: [string, Reply][] = [
      ['notice', await call('GET', '/notices/{id}', { params: id, auth: who })],
      ['events', await call('GET', '/notices/{id}/events', { params: id, auth: who })],
      ['certificate', await call('GET', '/notices/{id}/certificate', { params: id, auth: who })],
      ['revisions', await call('GET', '/notices/{id}/revisions', { params: id, auth: who })],
      ['approval', await call('GET', '/notices/{id}/approval', { params: id, auth: who })],
      ['list', await call('GET', '/boards/{board}/notices', { params: { board: 'lhota' }, auth: who })],
      ['approvals', await call('GET', '/boards/{board}/approvals', { params: { board: 'lhota' }, auth: who })],
      ['approval settings', await call('GET', '/boards/{board}/approval-settings', { params: { board: 'lhota' }, auth: who })],
      ['types', await call('GET', '/boards/{board}/notice-types', { params: { board: 'lhota' }, auth: who })],
      ['lawful period', await call('GET', '/boards/{board}/lawful-period', { params: { board: 'lhota' }, auth: who, query: `?postAt=${encodeURIComponent(iso(clock.now()))}` })],
      ['privacy', await call('GET', '/boards/{board}/privacy', { params: { board: 'lhota' }, auth: who })],
      ['search in board', await call('GET', '/search', { auth: who, query: '?q=kanalizace&board=lhota' })],
      // Every board's publication status and kiosks are for admins, not for an integration token of one board.
      ['publication status', await call('GET', '/status/publication', { auth: who })],
      ['fleet', await call('GET', '/status/fleet', { auth: who })],
      ['retry', await call('POST', '/status/publication/retry', { auth: who })],
    ];
    for (const [what, r] of reads) assert.equal(r.status, 403, `${what}: ${r.status}`);
    const file = await call('GET', '/attachments/{sha256}', { params: { sha256: sha }, auth: who });
    assert.equal(file.status, 404, 'an attachment by hash of another board is as if it did not exist');
    const found = await call<{ results: { board: string }[] }>('GET', '/search', { auth: who, query: '?q=kanalizace' });
    assert.ok(found.body.results.every((r) => r.board !== 'lhota'));
    const kiosks = await call<{ kiosks: { boardId: string }[] }>('GET', '/kiosks', { auth: who });
    assert.ok(kiosks.body.kiosks.every((k) => k.boardId !== 'lhota'));
    const writes: [string, Reply][] = [
      ['edit', await call('PATCH', '/notices/{id}', { params: did, auth: who, form: form({ title: 'Přepsáno' }) })],
      ['publish', await call('POST', '/notices/{id}/publish', { params: did, auth: who })],
      ['submit', await call('POST', '/notices/{id}/submit', { params: did, auth: who })],
      ['approve', await call('POST', '/notices/{id}/approve', { params: did, auth: who })],
      ['return', await call('POST', '/notices/{id}/return', { params: did, auth: who, json: { reason: 'Cizí deska' } })],
      ['withdraw', await call('POST', '/notices/{id}/withdraw', { params: id, auth: who, json: { reason: 'Cizí deska' } })],
      ['correct', await call('POST', '/notices/{id}/revisions', { params: id, auth: who, form: form({ title: 'X', reason: 'Cizí deska', restartPeriod: false }) })],
      ['redacted', await call('PUT', '/notices/{id}/attachments/{sha256}/redacted', { params: { id: onLhota.id, sha256: sha }, auth: who, form: fileForm('x.pdf', await pdf('cizí')) })],
      ['unredact', await call('DELETE', '/notices/{id}/attachments/{sha256}/redacted', { params: { id: onLhota.id, sha256: sha }, auth: who })],
      ['create', await call('POST', '/boards/{board}/notices', { params: { board: 'lhota' }, auth: who, form: form({ title: 'Podvrh' }) })],
      ['four eyes', await call('PUT', '/boards/{board}/approval-settings', { params: { board: 'lhota' }, auth: who, json: { fourEyes: false } })],
      ['type', await call('PUT', '/boards/{board}/notice-types/{type}', { params: { board: 'lhota', type: 'cz-verejna-vyhlaska' }, auth: who, json: { days: 1 } })],
      ['retention', await call('PUT', '/boards/{board}/privacy', { params: { board: 'lhota' }, auth: who, json: { retentionDays: 0 } })],
      ['feed access', await call('PUT', '/boards/{board}/feed-access', { params: { board: 'lhota' }, auth: who, json: { public: true } })],
    ];
    for (const [what, r] of writes) assert.equal(r.status, 403, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const after = pub.ctx.store.notices.require(draftL.id);
  assert.equal(after.title, 'Lhota koncept');
  assert.equal(pub.ctx.store.notices.require(onLhota.id).withdrawnAt, null);
  assert.equal(pub.ctx.store.noticeTypes.get('lhota', 'cz-verejna-vyhlaska')!.days, 15);
  assert.equal(pub.ctx.store.users.feedPublic('lhota'), false);
  // The signed feed: another board's kiosk token and an admin token are refused there.
  const kiosk = await call<CreatedToken>('POST', '/tokens', { auth: admin, json: { name: 'kiosk demo', kind: 'kiosk', board: 'demo', kioskId: 'vestibul' } });
  for (const bearer of [kiosk.body.token, adminToken, integDemo.body.token]) {
    const r = await fetch(`${pub.url}/feed/lhota/manifest.json`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(r.status, 403);
    const f = await fetch(`${pub.url}/feed/lhota/files/${sha}`, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(f.status, 403);
  }
  const users = (await call<{ users: ApiUserDetail[] }>('GET', '/users', { auth: admin })).body.users;
  assert.ok(users.length > 0);
});
