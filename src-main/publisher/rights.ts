/**
 * Who may do what with notices, per board (roles from migration 011, resolved by auth.ts roleOn):
 *
 *   clerk     sees the board; drafts notices for their own department; edits only their own
 *             drafts (their redacted copies too); submits them for approval
 *   approver  also edits any notice, publishes (where the board does not require four eyes),
 *             approves and returns others' notices, withdraws
 *   admin     everything on every board, plus users, boards, kiosks and tokens
 *
 * The rules that must hold whoever calls (nobody approves their own notice; four eyes) live in
 * the store (store/approvals.ts). Refusals are 403 with a Czech message saying what to do.
 */
import type { Context, Hono } from 'hono';
import type { Board, Notice, NoticeFields } from '../shared/domain.ts';
import { noticeStateAt } from '../shared/domain.ts';
import type { EffectiveRole } from '../shared/users-api.ts';
import { DomainError } from '../store/notices.ts';
import type { Store } from '../store/store.ts';
import { roleOn, type AuthEnv, type Caller } from './auth.ts';
import type { PublisherContext } from './context.ts';

const RANK: Record<EffectiveRole, number> = { clerk: 1, approver: 2, admin: 3 };
export const ROLE_LABEL: Record<EffectiveRole, string> = { clerk: 'referent', approver: 'schvalovatel', admin: 'správce' };

/** The 403 for a board the caller has no rights to. */
export function noBoardAccess(caller: Caller, board: Pick<Board, 'id' | 'name'>): DomainError {
  return caller.token === null
    ? new DomainError('forbidden', `K úřední desce „${board.name}“ nemáte oprávnění. Požádejte správce o přidělení práv k této desce.`, 403)
    : new DomainError('forbidden', `Tento token nemá přístup k úřední desce „${board.id}“.`, 403);
}

/** The caller's role on the board, or a 403 when it is weaker than `need`. */
export function requireRole(caller: Caller, board: Pick<Board, 'id' | 'name'>, need: EffectiveRole, what: string): EffectiveRole {
  const role = roleOn(caller, board.id);
  if (role === null) throw noBoardAccess(caller, board);
  if (RANK[role] < RANK[need]) {
    const hint = need === 'approver' ? ' Předložte oznámení ke schválení; zveřejní ho schvalovatel.' : '';
    throw new DomainError('forbidden', `${what} na desce „${board.name}“ může jen ${need === 'admin' ? 'správce' : 'schvalovatel nebo správce'}; vaše role je ${ROLE_LABEL[role]}.${hint}`, 403);
  }
  return role;
}

/** Why this caller may not edit the notice at all, or null when they may. */
export function editRefusal(store: Store, caller: Caller, n: Notice, now: number): string | null {
  const role = roleOn(caller, n.boardId);
  if (role === null) return 'K této desce nemáte oprávnění.';
  if (role !== 'clerk') return null;
  if (noticeStateAt(n, now) !== 'draft') return 'Jako referent můžete upravovat jen koncepty. Zveřejněné oznámení upraví schvalovatel.';
  if (store.approvals.authorOf(n.id) !== caller.actor) return 'Jako referent můžete upravovat jen koncepty, které jste sami vytvořili.';
  return null;
}

/** A clerk creates notices only for their own department; an empty department is filled with it. */
export function authorizeNewNotice(caller: Caller, board: Board, fields: NoticeFields): void {
  const role = requireRole(caller, board, 'clerk', 'Vytvářet oznámení');
  const own = caller.user.department;
  if (role !== 'clerk' || own === '') return;
  if (fields.department === '') fields.department = own;
  else if (fields.department !== own) {
    throw new DomainError('forbidden', `Jako referent můžete vytvářet oznámení jen za svůj odbor „${own}“, ne za „${fields.department}“.`, 403);
  }
}

/** A clerk's edit: only their own drafts, and the department stays theirs. */
export function authorizeEdit(store: Store, caller: Caller, n: Notice, patch: Partial<NoticeFields>, now: number): void {
  const why = editRefusal(store, caller, n, now);
  if (why) throw new DomainError('forbidden', why, 403);
  const own = caller.user.department;
  if (roleOn(caller, n.boardId) === 'clerk' && own !== '' && patch.department !== undefined && patch.department !== own) {
    throw new DomainError('forbidden', `Jako referent můžete oznámení vést jen za svůj odbor „${own}“.`, 403);
  }
}

/**
 * Role checks in front of the existing notice routes (api.ts registers them before its handlers):
 * editing needs the right to edit this notice, publishing and withdrawing need an approver.
 */
export function noticeRoleGuards(app: Hono<AuthEnv>, ctx: PublisherContext): void {
  const notice = (c: Context<AuthEnv>): { n: Notice; board: Board } | null => {
    const n = ctx.store.notices.get(c.req.param('id') ?? '');
    const board = n ? ctx.store.board(n.boardId) : null;
    return n && board ? { n, board } : null;
  };
  app.use('/notices/:id', async (c, next) => {
    const found = c.req.method === 'PATCH' ? notice(c) : null;
    if (found) {
      const why = editRefusal(ctx.store, c.var.caller, found.n, ctx.clock.now());
      if (why) throw new DomainError('forbidden', why, 403);
    }
    await next();
  });
  // A redacted copy (privacy/routes.ts) changes what the public sees, like an edit: a clerk sets or
  // removes one only on their own draft.
  app.use('/notices/:id/attachments/*', async (c, next) => {
    const found = c.req.method === 'PUT' || c.req.method === 'DELETE' ? notice(c) : null;
    if (found) {
      const why = editRefusal(ctx.store, c.var.caller, found.n, ctx.clock.now());
      if (why) throw new DomainError('forbidden', why, 403);
    }
    await next();
  });
  app.use('/notices/:id/publish', async (c, next) => {
    const found = c.req.method === 'POST' ? notice(c) : null;
    if (found) requireRole(c.var.caller, found.board, 'approver', 'Zveřejňovat oznámení');
    await next();
  });
  // Corrections (revision-routes.ts): the register is read with a right on the notice's board; a
  // correction changes what is posted, so it takes an approver, like publishing.
  app.use('/notices/:id/revisions', async (c, next) => {
    const found = notice(c);
    if (found) {
      if (c.req.method === 'POST') requireRole(c.var.caller, found.board, 'approver', 'Opravovat vyvěšená oznámení');
      else if (roleOn(c.var.caller, found.board.id) === null) throw noBoardAccess(c.var.caller, found.board);
    }
    await next();
  });
  app.use('/notices/:id/withdraw', async (c, next) => {
    const found = c.req.method === 'POST' ? notice(c) : null;
    if (found) requireRole(c.var.caller, found.board, 'approver', 'Stahovat oznámení');
    await next();
  });
}
