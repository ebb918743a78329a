/**
 * Users, rights and approval in the publisher API (mounted by api.ts inside its authentication):
 *
 *   GET    /users                          admin: every user with rights per board
 *   POST   /users                          admin: a new user; answers a one-time password (shown once)
 *   PATCH  /users/{userId}                 admin: name, department, admin or not, active or not
 *   PUT    /users/{userId}/rights          admin: { rights: { board: 'clerk' | 'approver' | null } }
 *   POST   /users/{userId}/password-reset  admin: a new one-time password, to be changed at the next sign-in
 *   PUT    /session/password               anyone signed in: { currentPassword, newPassword }
 *   GET    /boards/{board}/approvals       notices awaiting approval (?status=returned|approved for the others)
 *   GET|PUT /boards/{board}/approval-settings   four eyes on or off (PUT: admin)
 *   GET    /notices/{id}/approval          its approval and what the caller may do with it, and why not
 *   POST   /notices/{id}/submit            a draft goes to approval
 *   POST   /notices/{id}/approve           a second person approves: the notice is published
 *   POST   /notices/{id}/return            { reason }: back to the author
 *
 * A reset password is a one-time password rather than one the admin picks: the admin hands it
 * over, and the user must replace it before doing anything else, so only the user knows theirs.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { BODY_LIMITS, readJsonObject } from '../http/body.ts';
import type { Board } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import type { ApprovalSettings, ApprovalState, ApprovalStatus, UserPatch } from '../shared/users-api.ts';
import { DomainError } from '../store/notices.ts';
import { isAdmin, roleOn, sessionToken, type AuthEnv, type Caller } from './auth.ts';
import type { PublisherContext } from './context.ts';
import { cleanText } from './input.ts';
import { editRefusal, noBoardAccess, requireRole } from './rights.ts';
import { noticeView } from './api.ts';
import { lawfulOf } from './legal-routes.ts';

const APPROVAL_STATUSES: readonly ApprovalStatus[] = ['awaiting', 'approved', 'returned'];

const bad = (code: string, message: string, status = 422): DomainError => new DomainError(code, message, status);

function requireAdmin(caller: Caller, what: string): void {
  if (!isAdmin(caller)) throw bad('forbidden', `${what} může jen správce.`, 403);
}

function optionalText(label: string, v: unknown, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw bad('bad_request', `Údaj „${label}“ musí být text.`);
  return cleanText(label, v, { max });
}

function optionalBool(label: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw bad('bad_request', `Údaj „${label}“ musí být true nebo false.`);
  return v;
}

function rightsObject(v: unknown): Record<string, unknown> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw bad('bad_rights', 'Údaj „rights“ musí být objekt { "deska": "clerk" | "approver" | null }.');
  }
  return v as Record<string, unknown>;
}

export function userRoutes(ctx: PublisherContext): Hono<AuthEnv> {
  const { store, clock } = ctx;
  const app = new Hono<AuthEnv>();
  const json = (c: Context, limit: number = BODY_LIMITS.json): Promise<Record<string, unknown>> => readJsonObject(c.req.raw, limit);
  const boardFor = (caller: Caller, id: string): Board => {
    const b = store.board(id);
    if (!b) throw bad('not_found', 'Úřední deska neexistuje.', 404);
    if (roleOn(caller, b.id) === null) throw noBoardAccess(caller, b);
    return b;
  };
  const noticeFor = (caller: Caller, id: string): { board: Board; noticeId: string } => {
    const n = store.notices.require(id);
    return { board: boardFor(caller, n.boardId), noticeId: n.id };
  };

  // ---- users (admin)
  app.get('/users', (c) => {
    requireAdmin(c.var.caller, 'Seznam uživatelů vidí');
    return c.json({ users: store.rights.list() });
  });

  app.post('/users', async (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'Uživatele zakládá');
    const body = await json(c);
    if (typeof body.username !== 'string' || typeof body.displayName !== 'string') {
      throw bad('bad_request', 'Vyplňte uživatelské jméno („username“) a jméno a příjmení („displayName“).');
    }
    const created = store.rights.create(
      {
        username: cleanText('Uživatelské jméno', body.username, { max: 63 }),
        displayName: cleanText('Jméno a příjmení', body.displayName, { max: 200 }),
        department: optionalText('Odbor', body.department, 200) ?? '',
        admin: optionalBool('Správce', body.admin) ?? false,
        rights: rightsObject(body.rights),
      },
      caller.actor,
      clock.now(),
    );
    return c.json(created, 201);
  });

  app.patch('/users/:userId', async (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'Uživatele upravuje');
    const body = await json(c);
    const patch: UserPatch = {
      displayName: optionalText('Jméno a příjmení', body.displayName, 200),
      department: optionalText('Odbor', body.department, 200),
      admin: optionalBool('Správce', body.admin),
      active: optionalBool('Aktivní', body.active),
    };
    return c.json(store.rights.update(c.req.param('userId'), patch, { userId: caller.user.id, actor: caller.actor }, clock.now()));
  });

  app.put('/users/:userId/rights', async (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'Práva uživatelů mění');
    const body = await json(c);
    if (body.rights === undefined) throw bad('bad_rights', 'Uveďte „rights“: { "deska": "clerk" | "approver" | null }.');
    return c.json(store.rights.setRights(c.req.param('userId'), rightsObject(body.rights), caller.actor, clock.now()));
  });

  app.post('/users/:userId/password-reset', (c) => {
    const caller = c.var.caller;
    requireAdmin(caller, 'Heslo jiného uživatele obnovuje');
    return c.json(store.rights.resetPassword(c.req.param('userId'), caller.actor, clock.now()));
  });

  // ---- one's own password
  app.put('/session/password', async (c) => {
    const caller = c.var.caller;
    if (caller.token !== null) throw bad('forbidden', 'Heslo se mění po přihlášení v aplikaci, ne API tokenem.', 403);
    const body = await json(c, BODY_LIMITS.signIn);
    if (typeof body.currentPassword !== 'string' || typeof body.newPassword !== 'string' || body.currentPassword === '') {
      throw bad('bad_request', 'Vyplňte současné heslo a nové heslo.');
    }
    const user = store.rights.changePassword(caller.user.id, body.currentPassword, body.newPassword, sessionToken(c) ?? null, clock.now());
    return c.json({ user });
  });

  // ---- approval
  app.get('/boards/:board/approvals', (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    const status = (c.req.query('status') ?? 'awaiting') as ApprovalStatus;
    if (!APPROVAL_STATUSES.includes(status)) throw bad('bad_status', `Neznámý stav schválení „${status}“. Povolené: ${APPROVAL_STATUSES.join(', ')}.`, 400);
    return c.json({ approvals: store.approvals.list(board.id, status) });
  });

  app.get('/boards/:board/approval-settings', (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    return c.json({ board: board.id, fourEyes: store.rights.fourEyes(board.id) } satisfies ApprovalSettings);
  });

  app.put('/boards/:board/approval-settings', async (c) => {
    const caller = c.var.caller;
    const board = boardFor(caller, c.req.param('board'));
    requireRole(caller, board, 'admin', 'Schvalování druhou osobou nastavuje');
    const body = await json(c);
    if (typeof body.fourEyes !== 'boolean') throw bad('bad_request', 'Uveďte „fourEyes“: true (oznámení musí schválit druhá osoba) nebo false.');
    store.rights.setFourEyes(board.id, body.fourEyes, caller.actor, clock.now());
    return c.json({ board: board.id, fourEyes: store.rights.fourEyes(board.id) } satisfies ApprovalSettings);
  });

  app.get('/notices/:id/approval', (c) => {
    const caller = c.var.caller;
    const { board, noticeId } = noticeFor(caller, c.req.param('id'));
    const n = store.notices.require(noticeId);
    const now = clock.now();
    const role = roleOn(caller, board.id)!;
    const approval = store.approvals.get(noticeId);
    const fourEyes = store.rights.fourEyes(board.id);
    const draft = noticeStateAt(n, now) === 'draft';
    const awaiting = approval?.status === 'awaiting';
    const strong = role !== 'clerk';
    const own = store.approvals.isAuthor(noticeId, caller.actor);
    const approveWhy = store.approvals.approveRefusal(noticeId, caller.actor);
    const editWhy = editRefusal(store, caller, n, now);
    const may = {
      submit: draft && !awaiting && editWhy === null,
      approve: awaiting && strong && approveWhy === null,
      return: awaiting && strong && !own,
      publish: draft && !awaiting && strong && !fourEyes,
      edit: editWhy === null,
      withdraw: strong && ['scheduled', 'posted'].includes(noticeStateAt(n, now)),
    };
    let why = '';
    if (awaiting && strong && approveWhy !== null) why = approveWhy;
    else if (awaiting && !strong) why = 'Oznámení čeká na schválení. Schválit ho může schvalovatel nebo správce.';
    else if (draft && !strong) why = 'Jako referent oznámení nezveřejňujete: předložte ho ke schválení.';
    else if (draft && fourEyes) why = 'Tato deska vyžaduje schválení druhou osobou: předložte oznámení ke schválení.';
    else if (editWhy !== null && draft) why = editWhy;
    else if (fourEyes && n.publishedAt !== null && noticeStateAt(n, now) === 'scheduled') {
      why = `${approval?.status === 'approved' ? 'Schváleno druhou osobou' : 'Zveřejněno před zapnutím schvalování druhou osobou'}: do vyvěšení už nelze měnit text, data, přílohy ani začerněné kopie, jen prodloužit dobu vyvěšení. Je-li v něm chyba, stáhněte ho s odůvodněním a předložte opravené znění ke schválení znovu.`;
    }
    return c.json({ approval, fourEyes, role, may, why } satisfies ApprovalState);
  });

  app.post('/notices/:id/submit', async (c) => {
    const caller = c.var.caller;
    const { board, noticeId } = noticeFor(caller, c.req.param('id'));
    const why = editRefusal(store, caller, store.notices.require(noticeId), clock.now());
    if (why) throw bad('forbidden', why.replace('upravovat', 'předkládat ke schválení'), 403);
    const approval = await ctx.engine.commit(board.id, () => store.approvals.submit(noticeId, caller.actor, clock.now()));
    return c.json(approval);
  });

  app.post('/notices/:id/approve', async (c) => {
    const caller = c.var.caller;
    const { board, noticeId } = noticeFor(caller, c.req.param('id'));
    requireRole(caller, board, 'approver', 'Schvalovat oznámení');
    const notice = await ctx.engine.commit(board.id, () => store.approvals.approve(noticeId, caller.actor, clock.now()));
    return c.json(noticeView(notice, board, clock.now(), lawfulOf(store, notice)));
  });

  app.post('/notices/:id/return', async (c) => {
    const caller = c.var.caller;
    const { board, noticeId } = noticeFor(caller, c.req.param('id'));
    requireRole(caller, board, 'approver', 'Vracet oznámení autorovi');
    const body = await json(c);
    if (typeof body.reason !== 'string') throw bad('reason_required', 'Uveďte důvod vrácení, aby autor věděl, co má opravit.');
    const reason = cleanText('Důvod vrácení', body.reason, { multiline: true, max: 2000 });
    const approval = await ctx.engine.commit(board.id, () => store.approvals.returnToAuthor(noticeId, reason, caller.actor, clock.now()));
    return c.json(approval);
  });

  return app;
}
