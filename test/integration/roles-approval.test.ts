/**
 * Roles per board and approval over real loopback HTTP (startPublisher, real SQLite, ManualClock):
 * users created by an admin with rights per board, one-time passwords that must be changed,
 * clerks who cannot publish, boards and search limited to one's rights (403 otherwise), four
 * eyes, and that nobody, not even an admin, approves their own notice. Every response is checked
 * against openapi.json.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { initData } from '../../src-main/publisher/init.ts';
import { startPublisher, type RunningPublisher } from '../../src-main/publisher/server.ts';
import { ManualClock } from '../../src-main/schedule/clock.ts';
import type { ApiBoard } from '../../src-main/shared/api-types.ts';
import type { ApprovalState, ApprovalView, ApiUserDetail, UserWithPassword } from '../../src-main/shared/users-api.ts';
import type { NoticeView } from '../../src-main/publisher/api.ts';
import { apiCall, errorOf, noticeForm, signIn, type Auth, type Reply } from '../helpers/api-call.ts';
import { tempDir } from '../helpers/tmp.ts';

const T0 = '2026-11-23T08:00:00.000Z';
const tmp = tempDir();
let pub: RunningPublisher;
let clock: ManualClock;
let adminToken: string;

const call = <T = unknown>(method: string, template: string, o: Parameters<typeof apiCall>[3] = {}): Promise<Reply<T>> => apiCall<T>(pub.url, method, template, o);

async function createUser(admin: Auth, spec: Record<string, unknown>): Promise<UserWithPassword> {
  const r = await call<UserWithPassword>('POST', '/users', { auth: admin, json: spec });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** Signs in with the one-time password and sets a new one, as the clerk app makes a new user do. */
async function firstSignIn(username: string, otp: string, password: string): Promise<Auth> {
  const s = await signIn(pub.url, username, otp);
  const blocked = await call('GET', '/boards', { auth: s });
  assert.equal(blocked.status, 403);
  assert.equal(errorOf(blocked).code, 'password_change_required');
  const changed = await call('PUT', '/session/password', { auth: s, json: { currentPassword: otp, newPassword: password } });
  assert.equal(changed.status, 200);
  return s;
}

async function draft(auth: Auth, board: string, title: string, extra: Record<string, unknown> = {}): Promise<Reply<NoticeView>> {
  return call<NoticeView>('POST', '/boards/{board}/notices', {
    params: { board }, auth,
    form: noticeForm({ title, description: 'Text oznámení.', postAt: '2026-11-25T08:00:00+01:00', removeAt: '2026-12-20T08:00:00+01:00', ...extra }),
  });
}

function events(): { actor: string; action: string; detail: Record<string, unknown> }[] {
  return (pub.ctx.store.db.prepare('SELECT actor, action, detail FROM events ORDER BY seq').all() as { actor: string; action: string; detail: string }[])
    .map((e) => ({ ...e, detail: JSON.parse(e.detail) as Record<string, unknown> }));
}

before(async () => {
  clock = new ManualClock(T0);
  const init = await initData({ dataDir: tmp.path, adminPassword: 'spravce-heslo', now: clock.now() });
  adminToken = init.apiToken;
  pub = await startPublisher({ dataDir: tmp.path, clock, sweep: false });
  pub.ctx.store.createBoard({ id: 'lhota', name: 'Obec Dolní Lhota', ico: '00000002', timeZone: 'Europe/Prague', publicUrl: 'https://lhota.example/' }, clock.now());
});

after(async () => {
  await pub?.stop();
  tmp[Symbol.dispose]();
});

test('roles per board, approval by a second person, and the audit log of it all', async () => {
  const admin = await signIn(pub.url, 'admin', 'spravce-heslo');

  // The admin creates users with a department and rights per board; only an admin may.
  const ref = await createUser(admin, { username: 'referent', displayName: 'Karel Referent', department: 'Stavební úřad', rights: { demo: 'clerk' } });
  assert.deepEqual([ref.user.mustChangePassword, ref.user.rights, ref.user.department], [true, { demo: 'clerk' }, 'Stavební úřad']);
  assert.match(ref.oneTimePassword, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  const apr = await createUser(admin, { username: 'schvalovatel', displayName: 'Eva Schvalovatelová', rights: { demo: 'approver' } });
  const other = await createUser(admin, { username: 'lhotak', displayName: 'Petr Lhoťák', rights: { lhota: 'approver' } });
  assert.equal((await call('POST', '/users', { auth: admin, json: { username: 'referent', displayName: 'Dvojník' } })).status, 409);
  assert.equal((await call('POST', '/users', { auth: admin, json: { username: 'x1', displayName: 'X', rights: { demo: 'boss' } } })).status, 422);

  const clerk = await firstSignIn('referent', ref.oneTimePassword, 'Ctyri-oci-2026');
  const approver = await firstSignIn('schvalovatel', apr.oneTimePassword, 'Druha-osoba-2026');
  const lhotak = await firstSignIn('lhotak', other.oneTimePassword, 'Zastupitel-77x');
  assert.equal((await call('GET', '/users', { auth: clerk })).status, 403, 'only an admin lists users');
  assert.equal((await call('PUT', '/session/password', { auth: clerk, json: { currentPassword: 'spatne', newPassword: 'jine-dlouhe-heslo' } })).status, 403);
  assert.equal(errorOf(await call('PUT', '/session/password', { auth: clerk, json: { currentPassword: 'Ctyri-oci-2026', newPassword: 'kratke' } })).code, 'weak_password');

  // Boards: each sees only theirs; another board is a 403 with a Czech message.
  const boardsOf = async (a: Auth): Promise<string[]> => (await call<{ boards: ApiBoard[] }>('GET', '/boards', { auth: a })).body.boards.map((b) => b.id);
  assert.deepEqual(await boardsOf(clerk), ['demo']);
  assert.deepEqual(await boardsOf(lhotak), ['lhota']);
  assert.deepEqual(await boardsOf(admin), ['demo', 'lhota']);
  const foreign = await call('GET', '/boards/{board}/notices', { params: { board: 'lhota' }, auth: clerk });
  assert.equal(foreign.status, 403);
  assert.match(errorOf(foreign).message, /K úřední desce „Obec Dolní Lhota“ nemáte oprávnění/);

  // Search covers only one's boards.
  const onLhota = await draft(lhotak, 'lhota', 'Kanalizace Lhota');
  assert.equal(onLhota.status, 201);
  assert.equal((await draft(admin, 'demo', 'Kanalizace Demo')).status, 201);
  const found = async (a: Auth): Promise<string[]> => (await call<{ results: { board: string }[] }>('GET', '/search', { auth: a, query: '?q=kanalizace' })).body.results.map((r) => r.board).sort();
  assert.deepEqual(await found(admin), ['demo', 'lhota']);
  assert.deepEqual(await found(clerk), ['demo']);
  assert.equal((await call('GET', '/notices/{id}', { params: { id: onLhota.body.id }, auth: clerk })).status, 403);
  assert.equal((await call('GET', '/search', { auth: clerk, query: '?q=kanalizace&board=lhota' })).status, 403);

  // A clerk drafts for their own department only, and never publishes.
  const mine = await draft(clerk, 'demo', 'Stavební povolení – ulice Polní');
  assert.equal(mine.status, 201);
  assert.equal(mine.body.department, 'Stavební úřad', 'an empty department is the clerk’s own');
  assert.equal((await draft(clerk, 'demo', 'Cizí odbor', { department: 'Finanční odbor' })).status, 403);
  const id = { id: mine.body.id };
  const clerkPublish = await call('POST', '/notices/{id}/publish', { params: id, auth: clerk });
  assert.equal(clerkPublish.status, 403);
  assert.match(errorOf(clerkPublish).message, /může jen schvalovatel nebo správce; vaše role je referent\. Předložte oznámení ke schválení/);
  const clerkState = await call<ApprovalState>('GET', '/notices/{id}/approval', { params: id, auth: clerk });
  assert.deepEqual([clerkState.body.role, clerkState.body.may.submit, clerkState.body.may.publish], ['clerk', true, false]);

  // Four eyes on demo: only an admin switches it.
  assert.equal((await call('PUT', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: approver, json: { fourEyes: true } })).status, 403);
  const fourEyes = await call<{ fourEyes: boolean }>('PUT', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: admin, json: { fourEyes: true } });
  assert.equal(fourEyes.body.fourEyes, true);
  assert.equal((await call<{ fourEyes: boolean }>('GET', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: clerk })).body.fourEyes, true);

  // Submitted; the approver returns it with a reason; the clerk edits and submits again; approved.
  assert.equal((await call<ApprovalView>('POST', '/notices/{id}/submit', { params: id, auth: clerk })).body.status, 'awaiting');
  assert.equal(errorOf(await call('POST', '/notices/{id}/publish', { params: id, auth: approver })).code, 'awaiting_approval');
  const queue = await call<{ approvals: ApprovalView[] }>('GET', '/boards/{board}/approvals', { params: { board: 'demo' }, auth: approver });
  assert.deepEqual(queue.body.approvals.map((a) => [a.noticeId, a.author]), [[mine.body.id, 'referent']]);
  assert.equal((await call('POST', '/notices/{id}/approve', { params: id, auth: clerk })).status, 403, 'a clerk approves nothing');
  assert.equal((await call('POST', '/notices/{id}/return', { params: id, auth: approver, json: { reason: '' } })).status, 422);
  const returned = await call<ApprovalView>('POST', '/notices/{id}/return', { params: id, auth: approver, json: { reason: 'Chybí číslo jednací.' } });
  assert.deepEqual([returned.body.status, returned.body.reason], ['returned', 'Chybí číslo jednací.']);
  assert.equal((await call('GET', '/boards/{board}/approvals', { params: { board: 'demo' }, auth: clerk, query: '?status=returned' })).status, 200);
  assert.equal((await call('PATCH', '/notices/{id}', { params: id, auth: clerk, form: noticeForm({ referenceNumber: 'MÚ/123/2026' }) })).status, 200);
  await call('POST', '/notices/{id}/submit', { params: id, auth: clerk });
  // An edit while awaiting withdraws the submission: what is approved is what the approver saw.
  assert.equal((await call('PATCH', '/notices/{id}', { params: id, auth: clerk, form: noticeForm({ fileMark: 'SZ 45/2026' }) })).status, 200);
  assert.equal((await call<ApprovalState>('GET', '/notices/{id}/approval', { params: id, auth: approver })).body.approval, null);
  await call('POST', '/notices/{id}/submit', { params: id, auth: clerk });
  const approved = await call<NoticeView>('POST', '/notices/{id}/approve', { params: id, auth: approver });
  assert.equal(approved.status, 200);
  assert.equal(approved.body.state, 'scheduled');
  assert.equal((await call('PATCH', '/notices/{id}', { params: id, auth: clerk, form: noticeForm({ title: 'Jinak' }) })).status, 403, 'a clerk edits only drafts');
  assert.equal((await call('POST', '/notices/{id}/withdraw', { params: id, auth: clerk, json: { reason: 'Omylem.' } })).status, 403);

  // Nobody approves their own notice, not even an admin; on a four-eyes board nobody publishes directly.
  const adminOwn = await draft(admin, 'demo', 'Oznámení správce');
  const aid = { id: adminOwn.body.id };
  assert.equal(errorOf(await call('POST', '/notices/{id}/publish', { params: aid, auth: admin })).code, 'approval_required');
  await call('POST', '/notices/{id}/submit', { params: aid, auth: admin });
  const selfApprove = await call('POST', '/notices/{id}/approve', { params: aid, auth: admin });
  assert.equal(selfApprove.status, 403);
  assert.match(errorOf(selfApprove).message, /Vlastní oznámení nemůžete schválit/);
  const adminState = await call<ApprovalState>('GET', '/notices/{id}/approval', { params: aid, auth: admin });
  assert.deepEqual([adminState.body.may.approve, adminState.body.why.startsWith('Vlastní oznámení')], [false, true]);
  assert.equal((await call('POST', '/notices/{id}/approve', { params: aid, auth: approver })).status, 200);
  // The store refuses it too, whoever calls (an inbox, the CLI): author as approver.
  const direct = pub.ctx.store.notices.create(pub.ctx.store.board('demo')!, { title: 'Přímo', description: 'x', category: '', department: '', referenceNumber: '', fileMark: '', postAt: '2026-11-25T07:00:00.000Z', removeAt: null }, [], 'schvalovatel', clock.now());
  pub.ctx.store.approvals.submit(direct.id, 'schvalovatel', clock.now());
  assert.throws(() => pub.ctx.store.approvals.approve(direct.id, 'schvalovatel', clock.now()), /Vlastní oznámení/);

  // Without four eyes an approver publishes directly (but still never approves their own).
  const onOther = await draft(lhotak, 'lhota', 'Zasedání zastupitelstva');
  assert.equal((await call<NoticeView>('POST', '/notices/{id}/publish', { params: { id: onOther.body.id }, auth: lhotak })).body.state, 'scheduled');

  // Integration tokens keep their board scope.
  const tok = await call<{ token: string }>('POST', '/tokens', { auth: { bearer: adminToken }, json: { name: 'spisovka lhota', kind: 'integration', boards: ['lhota'] } });
  const integ = { bearer: tok.body.token };
  assert.deepEqual(await boardsOf(integ), ['lhota']);
  assert.equal((await call('GET', '/boards/{board}/notices', { params: { board: 'demo' }, auth: integ })).status, 403);

  // Rights change, password reset (sessions end; the one-time password must be changed), deactivation.
  const users = (await call<{ users: ApiUserDetail[] }>('GET', '/users', { auth: admin })).body.users;
  const refId = users.find((u) => u.username === 'referent')!.id;
  const lhotakId = users.find((u) => u.username === 'lhotak')!.id;
  const moved = await call<ApiUserDetail>('PUT', '/users/{userId}/rights', { params: { userId: refId }, auth: admin, json: { rights: { demo: 'approver', lhota: 'clerk' } } });
  assert.deepEqual(moved.body.rights, { demo: 'approver', lhota: 'clerk' });
  assert.deepEqual(await boardsOf(clerk), ['demo', 'lhota'], 'rights apply at once');
  const reset = await call<UserWithPassword>('POST', '/users/{userId}/password-reset', { params: { userId: refId }, auth: admin });
  assert.equal(reset.body.user.mustChangePassword, true);
  assert.equal((await call('GET', '/boards', { auth: clerk })).status, 401, 'the old session ended');
  await firstSignIn('referent', reset.body.oneTimePassword, 'Jine-heslo-2027');
  const off = await call<ApiUserDetail>('PATCH', '/users/{userId}', { params: { userId: lhotakId }, auth: admin, json: { active: false, department: 'Matrika' } });
  assert.deepEqual([off.body.active, off.body.department], [false, 'Matrika']);
  assert.equal((await call('GET', '/boards', { auth: lhotak })).status, 401, 'a deactivated user is signed out');
  assert.equal((await call('POST', '/session', { json: { username: 'lhotak', password: 'Zastupitel-77x' } })).status, 401);
  const adminId = users.find((u) => u.username === 'admin')!.id;
  assert.equal(errorOf(await call('PATCH', '/users/{userId}', { params: { userId: adminId }, auth: admin, json: { active: false } })).code, 'own_account');

  // Every action is in the audit log with its actor, never a password.
  const log = events();
  const has = (actor: string, action: string): boolean => log.some((e) => e.actor === actor && e.action === action);
  for (const [actor, action] of [
    ['admin', 'user-created'], ['admin', 'user-rights-changed'], ['admin', 'password-reset'], ['admin', 'user-updated'], ['admin', 'approval-settings-changed'],
    ['referent', 'password-changed'], ['referent', 'notice-submitted'], ['schvalovatel', 'notice-returned'], ['schvalovatel', 'notice-approved'],
    ['schvalovatel', 'published'], ['referent', 'notice-submission-cancelled'],
  ] as const) assert.ok(has(actor, action), `${actor} ${action}`);
  assert.equal(log.find((e) => e.action === 'notice-returned')!.detail.reason, 'Chybí číslo jednací.');
  const raw = JSON.stringify(log);
  for (const secret of [ref.oneTimePassword, reset.body.oneTimePassword, 'Jine-heslo-2027']) assert.ok(!raw.includes(secret), 'no password in the log');
});

test('corrections take an approver on the notice\'s board; the register needs a right on that board', async () => {
  const admin = await signIn(pub.url, 'admin', 'spravce-heslo');
  const c = await createUser(admin, { username: 'opravar', displayName: 'Olga Referentka', rights: { demo: 'clerk' } });
  const clerk = await firstSignIn('opravar', c.oneTimePassword, 'Opravy-jen-pres-schvalovatele-1');
  const o = await createUser(admin, { username: 'cizi', displayName: 'Cyril Cizí', rights: { lhota: 'approver' } });
  const stranger = await firstSignIn('cizi', o.oneTimePassword, 'Jina-deska-jina-prava-2');
  const made = await call<NoticeView>('POST', '/boards/{board}/notices', {
    params: { board: 'demo' }, auth: { bearer: adminToken },
    form: noticeForm({ title: 'Oznámení s překlepem', description: 'Text.', postAt: new Date(clock.now()).toISOString() }),
  });
  const id = { id: made.body.id };
  // The first test left four eyes on for demo; this one is about corrections, so publish without it.
  assert.equal((await call('PUT', '/boards/{board}/approval-settings', { params: { board: 'demo' }, auth: admin, json: { fourEyes: false } })).status, 200);
  const published = await call('POST', '/notices/{id}/publish', { params: id, auth: { bearer: adminToken } });
  assert.equal(published.status, 200, JSON.stringify(published.body));
  const fix = noticeForm({ title: 'Oznámení bez překlepu', reason: 'Překlep v názvu', restartPeriod: false });

  const byClerk = await call('POST', '/notices/{id}/revisions', { params: id, auth: clerk, form: fix });
  assert.equal(byClerk.status, 403);
  assert.match(errorOf(byClerk).message, /Opravovat vyvěšená oznámení.*schvalovatel/);
  assert.equal((await call('GET', '/notices/{id}/revisions', { params: id, auth: clerk })).status, 200, 'a clerk of the board reads the register');
  const foreign = await call('GET', '/notices/{id}/revisions', { params: id, auth: stranger });
  assert.equal(foreign.status, 403);
  assert.equal((await call('POST', '/notices/{id}/revisions', { params: id, auth: stranger, form: fix })).status, 403);
  assert.equal(pub.ctx.store.notices.require(made.body.id).title, 'Oznámení s překlepem', 'nothing changed');
});
