/**
 * Notice types and lawful periods in the API (mounted by api.ts under /api/v1, after sign-in):
 *   GET /boards/{board}/notice-types              the board's types with their rules
 *   PUT /boards/{board}/notice-types/{type}       an admin changes a type's rule
 *   GET /boards/{board}/lawful-period?type=&postAt=&eventDate=
 *                                                 the lawful period, for the form to propose a removal
 */
import type { Hono } from 'hono';
import type { Board, Notice } from '../shared/domain.ts';
import type { LawfulPeriodView, NoticeType } from '../shared/notice-types.ts';
import { GENERAL_TYPE } from '../legal/defaults.ts';
import { checkEventDate, periodView } from '../legal/rules.ts';
import { lawfulPeriod } from '../legal/periods.ts';
import type { CertificateLegal } from '../evidence/certificate.ts';
import { DomainError } from '../store/notices.ts';
import type { Store } from '../store/store.ts';
import { isAdmin, type AuthEnv, type Caller } from './auth.ts';
import type { PublisherContext } from './context.ts';
import { cleanText, parseInstant } from './input.ts';
import { BODY_LIMITS, readJsonObject } from '../http/body.ts';

/** The lawful period of a stored notice, or null while it has no posting instant. */
export function lawfulOf(store: Store, n: Notice): LawfulPeriodView | null {
  if (n.postAt === null) return null;
  const t = store.noticeTypes.get(n.boardId, n.type ?? GENERAL_TYPE);
  if (!t) return null;
  // A correction that restarted the period counts it from the correction (store/revisions.ts).
  return periodView(t, store.noticeTypes.calendar(n.boardId), Date.parse(store.revisions.periodStart(n) ?? n.postAt), n.eventDate ?? null);
}

/** The type and lawful period lines of a notice's certificate. */
export function certificateLegal(store: Store, n: Notice): CertificateLegal | null {
  const t = store.noticeTypes.get(n.boardId, n.type ?? GENERAL_TYPE);
  if (!t) return null;
  const cal = store.noticeTypes.calendar(n.boardId);
  const start = n.postAt === null ? null : (store.revisions.periodStart(n) ?? n.postAt);
  const p = start === null ? null : lawfulPeriod(t, cal, Date.parse(start), n.eventDate ?? null);
  return {
    typeName: t.name,
    legalBasis: t.legalBasis,
    eventLabel: t.eventLabel,
    eventDate: n.eventDate ?? null,
    lastDay: p?.lastDay ?? null,
    removeNotBefore: p && p.lastDay !== null ? new Date(p.removeNotBefore).toISOString() : null,
  };
}

/** A notice's type key and event day from request metadata (absent keys stay absent). */
export function parseTypeFields(m: Record<string, unknown>): { type?: string; eventDate?: string | null } {
  const out: { type?: string; eventDate?: string | null } = {};
  if (m.type !== undefined) {
    if (typeof m.type !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(m.type)) {
      throw new DomainError('unknown_type', 'Údaj „type“ musí být identifikátor typu oznámení desky, např. „cz-verejna-vyhlaska“ (seznam: GET /boards/{board}/notice-types).', 422);
    }
    out.type = m.type;
  }
  if (m.eventDate !== undefined) {
    if (m.eventDate !== null && typeof m.eventDate !== 'string') {
      throw new DomainError('bad_event_date', 'Údaj „eventDate“ musí být datum ve tvaru RRRR-MM-DD, nebo null.', 422);
    }
    out.eventDate = m.eventDate;
  }
  return out;
}

export function legalRoutes(app: Hono<AuthEnv>, ctx: PublisherContext, boardFor: (caller: Caller, id: string) => Board): void {
  const { store, clock } = ctx;
  const typeOr422 = (board: Board, id: string): NoticeType => {
    const t = store.noticeTypes.get(board.id, id);
    if (!t) {
      const known = store.noticeTypes.list(board.id).map((x) => `„${x.id}“`).join(', ');
      throw new DomainError('unknown_type', `Typ oznámení „${id}“ na této desce neexistuje. Zvolte jeden z: ${known}.`, 422);
    }
    return t;
  };

  app.get('/boards/:board/notice-types', (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    const cal = store.noticeTypes.calendar(board.id);
    return c.json({ board: board.id, country: cal.country, locale: cal.locale, timeZone: cal.timeZone, types: store.noticeTypes.list(board.id) });
  });

  app.get('/boards/:board/lawful-period', (c) => {
    const board = boardFor(c.var.caller, c.req.param('board'));
    const t = typeOr422(board, c.req.query('type') ?? GENERAL_TYPE);
    const postAt = Date.parse(parseInstant('Datum vyvěšení (postAt)', c.req.query('postAt') ?? ''));
    const eventDate = c.req.query('eventDate') || null;
    const bad = checkEventDate(t, eventDate);
    if (bad) throw new DomainError(bad.code, bad.message, 422);
    return c.json(periodView(t, store.noticeTypes.calendar(board.id), postAt, eventDate));
  });

  app.put('/boards/:board/notice-types/:type', async (c) => {
    const caller = c.var.caller;
    if (!isAdmin(caller)) throw new DomainError('forbidden', 'Typy oznámení a jejich lhůty může měnit jen správce.', 403);
    const board = boardFor(caller, c.req.param('board'));
    const was = typeOr422(board, c.req.param('type'));
    const body = await readJsonObject(c.req.raw, BODY_LIMITS.json);
    const next: NoticeType = { ...was };
    if (body.name !== undefined) {
      if (typeof body.name !== 'string' || body.name.trim() === '') throw new DomainError('bad_type', 'Název typu „name“ musí být neprázdný text.', 422);
      next.name = cleanText('Název typu', body.name.trim(), { max: 200 });
    }
    if (body.legalBasis !== undefined) {
      if (typeof body.legalBasis !== 'string') throw new DomainError('bad_type', 'Právní základ „legalBasis“ musí být text.', 422);
      next.legalBasis = cleanText('Právní základ', body.legalBasis, { max: 500 });
    }
    if (body.days !== undefined) {
      if (was.rule === 'none') throw new DomainError('bad_type', `Typ „${was.name}“ nemá lhůtu; „days“ u něj nastavit nelze.`, 422);
      if (typeof body.days !== 'number' || !Number.isInteger(body.days) || body.days < 1 || body.days > 366) {
        throw new DomainError('bad_type', 'Délka lhůty „days“ musí být celý počet dní od 1 do 366.', 422);
      }
      next.days = body.days;
    }
    if (body.movesToWorkingDay !== undefined) {
      if (typeof body.movesToWorkingDay !== 'boolean') throw new DomainError('bad_type', 'Údaj „movesToWorkingDay“ musí být true nebo false.', 422);
      next.movesToWorkingDay = body.movesToWorkingDay;
    }
    if (body.eventLabel !== undefined) {
      if (was.rule !== 'before-event' || typeof body.eventLabel !== 'string' || body.eventLabel.trim() === '') {
        throw new DomainError('bad_type', 'Popisek data události „eventLabel“ má jen typ počítaný před událostí a musí být neprázdný text.', 422);
      }
      next.eventLabel = cleanText('Popisek data události', body.eventLabel.trim(), { max: 200 });
    }
    const changed = (Object.keys(next) as (keyof NoticeType)[]).filter((k) => next[k] !== was[k]);
    if (changed.length > 0) {
      // Through the publication trigger: the change and the audit event commit together.
      await ctx.engine.commit(board.id, () => {
        store.noticeTypes.update(board.id, next);
        store.audit.append({
          at: clock.now(),
          actor: caller.actor,
          action: 'notice-type-changed',
          detail: { board: board.id, type: was.id, changed: Object.fromEntries(changed.map((k) => [k, { from: was[k], to: next[k] }])) },
        });
      });
    }
    return c.json(store.noticeTypes.get(board.id, was.id));
  });
}
