/**
 * GET /api/v1/search: full-text search over the notices of the boards the caller may use (a
 * signed-in clerk or admin: all; an integration token: its boards; a kiosk token never gets here).
 * Mounted by publisher/api.ts behind its authentication; documented in publisher/openapi.json.
 *
 * Query: q (required), board, category, type, state (comma-separated), from, to (a date in the
 * board's zone, whole days, `to` inclusive; or an ISO 8601 instant with offset), limit (1–100,
 * default 20), offset (0–1,900: ranking covers the newest 2,000 matches, see search.ts). Anything malformed is a 400 with a Czech message, never a 500.
 */
import { Hono } from 'hono';
import type { AuthEnv } from '../publisher/auth.ts';
import { mayUseBoard } from '../publisher/auth.ts';
import type { PublisherContext } from '../publisher/context.ts';
import type { NoticeState } from '../shared/domain.ts';
import { NOTICE_STATES } from '../shared/domain.ts';
import { fromWallTime } from '../shared/zone.ts';
import { DomainError } from '../store/notices.ts';
import { parseInstant } from '../publisher/input.ts';
import { SearchQueryError } from './query.ts';
import { RANK_WINDOW, searchNotices, type SearchFilters } from './search.ts';

const bad = (code: string, message: string): DomainError => new DomainError(code, message, 400);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEFAULT_ZONE = 'Europe/Prague';

/** A `from`/`to` parameter as a UTC instant: a whole day in the zone, or an ISO instant. */
function boundary(name: 'from' | 'to', v: string, zone: string): string {
  const label = name === 'from' ? 'Datum „od“' : 'Datum „do“';
  const m = DATE.exec(v);
  if (!m) {
    try {
      return parseInstant(label, v);
    } catch (e) {
      throw bad('bad_date', `${e instanceof Error ? e.message : String(e)} Nebo zadejte den ve tvaru 2026-11-21.`);
    }
  }
  const check = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  if (check.getUTCDate() !== +m[3]! || +m[1]! < 2000 || +m[1]! > 2200) throw bad('bad_date', `${label}: den ${v} neexistuje. Zadejte platné datum, např. 2026-11-21.`);
  // `to` covers its whole day: up to the start of the next one.
  const day = name === 'to' ? new Date(check.getTime() + 86_400_000).toISOString().slice(0, 10) : v;
  return new Date(fromWallTime({ date: day, time: '00:00' }, zone)).toISOString();
}

function integer(name: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined || v === '') return def;
  if (!/^\d{1,6}$/.test(v) || +v < min || +v > max) throw bad('bad_paging', `Parametr „${name}“ musí být celé číslo od ${min} do ${max}.`);
  return +v;
}

function text(name: string, v: string | undefined, max: number): string | undefined {
  if (v === undefined || v === '') return undefined;
  if (v.length > max || /[\u0000-\u001f\u007f]/.test(v)) throw bad('bad_filter', `Parametr „${name}“ je příliš dlouhý nebo obsahuje neplatné znaky.`);
  return v;
}

/** The search route; `app.route('/', searchRoutes(ctx))` inside the authenticated API. */
export function searchRoutes(ctx: PublisherContext): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/search', (c) => {
    const caller = c.var.caller;
    const qp = (k: string): string | undefined => c.req.query(k);
    const q = qp('q') ?? '';
    const boardId = text('board', qp('board'), 100);
    let boards = ctx.store.boards().filter((b) => mayUseBoard(caller, b.id));
    if (boardId !== undefined) {
      const b = ctx.store.board(boardId);
      if (!b) throw new DomainError('not_found', 'Úřední deska neexistuje.', 404);
      if (!mayUseBoard(caller, b.id)) throw new DomainError('forbidden', `Tento token nemá přístup k úřední desce „${b.id}“.`, 403);
      boards = [b];
    }
    const zone = boards.length === 1 ? boards[0]!.timeZone : DEFAULT_ZONE;
    const filters: SearchFilters = {
      boards: boards.map((b) => b.id),
      category: text('category', qp('category'), 200),
      type: text('type', qp('type'), 100),
    };
    const state = qp('state');
    if (state !== undefined && state !== '') {
      const states = state.split(',').map((s) => s.trim());
      const unknown = states.find((s) => !NOTICE_STATES.includes(s as NoticeState));
      if (unknown !== undefined) throw bad('bad_state', `Neznámý stav „${unknown.slice(0, 40)}“. Povolené: ${NOTICE_STATES.join(', ')}.`);
      filters.states = [...new Set(states)] as NoticeState[];
    }
    const from = text('from', qp('from'), 40);
    const to = text('to', qp('to'), 40);
    if (from !== undefined) filters.from = boundary('from', from, zone);
    if (to !== undefined) filters.to = boundary('to', to, zone);
    if (filters.from !== undefined && filters.to !== undefined && filters.from >= filters.to) {
      throw bad('bad_date', 'Datum „od“ musí být před datem „do“.');
    }
    const page = { limit: integer('limit', qp('limit'), 20, 1, 100), offset: integer('offset', qp('offset'), 0, 0, RANK_WINDOW - 100) };
    try {
      return c.json(searchNotices(ctx.store.db, q, filters, page, ctx.clock.now()));
    } catch (e) {
      if (e instanceof SearchQueryError) throw bad(e.code, e.message);
      // The query is built from quoted words only; should FTS5 still refuse it, say so plainly.
      if (e instanceof Error && /fts5|syntax error/i.test(e.message)) throw bad('bad_query', 'Hledaný výraz nelze použít. Zkuste jiná slova.');
      throw e;
    }
  });
  return app;
}
