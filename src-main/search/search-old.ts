/**
 * Searching notices: one FTS5 query, ranked by bm25 with column weights (title first), filtered
 * by board, category, type, state and a date range, with highlighted snippets.
 *
 * Why the query has this shape: the filters live in `search_docs`, a small plain table keyed by
 * the FTS rowid. The filters are a correlated EXISTS on that table, so the query has ONE table in
 * its FROM: SQLite drives from the MATCH (the full-text index), looks up each match's filter row
 * by primary key, and hands `ORDER BY rowid DESC LIMIT n` to FTS5, which then stops after n
 * filtered matches. (A join, even a CROSS JOIN driven by the MATCH, loses that: every match is
 * visited and sorted, 4 times slower for a common word at 100,000 notices; left to itself the
 * planner may even walk a board's notices and run the MATCH once per notice, seconds.) The filters
 * are applied to every match before any LIMIT, so a filter never loses matches that a limit cut
 * off. FTS5 walks matches newest first (descending rowid, no sort) and bm25 ranks the newest
 * RANK_WINDOW of them. Snippets are computed in a second step for the page of results only
 * (snippet() on every match would cost more than the search).
 */
import type { NoticeState } from '../shared/domain.ts';
import { NOTICE_STATES, noticeStateAt } from '../shared/domain.ts';
import { prepared, type Db } from '../store/db.ts';
import { createSearchTriggers, hasTypeColumn } from '../store/migrations/008-search.ts';
import type { SearchHit, SearchPage } from './types.ts';
import { ftsQuery, hasMark, MARK_CLOSE, MARK_OPEN, markedHtml } from './query.ts';

/**
 * Matches ranked per query: the newest this many (after the filters). A word found in nearly
 * every notice ("obec") would otherwise cost bm25 and a snippet cursor over all of them; with the
 * window it stays within milliseconds. Up to this many filtered matches the ranking is exact;
 * beyond it, the best of the most recent ones come first (what a clerk looks for), and a
 * narrower query or a filter reaches the rest. Filters apply before the window, never after.
 */
export const RANK_WINDOW = 2_000;

/** Column weights of bm25: title, description, číslo jednací, spisová značka, issuer, attachments. */
export const WEIGHTS = [10, 4, 6, 6, 2, 1] as const;

export interface SearchFilters {
  /** Boards to search; the caller's scope, already checked. */
  boards: string[];
  category?: string;
  /** notices.type (migration 006); ignored while the store has no such column. */
  type?: string;
  states?: NoticeState[];
  /** Posting instant (a draft's creation) at or after, UTC ISO. */
  from?: string;
  /** Posting instant (a draft's creation) before, UTC ISO. */
  to?: string;
}

export type { SearchHit, SearchPage };

const STATE_SQL = `CASE
  WHEN d.withdrawn_at IS NOT NULL AND d.withdrawn_at <= @now THEN 'withdrawn'
  WHEN d.published_at IS NULL OR d.post_at IS NULL THEN 'draft'
  WHEN @now < d.post_at THEN 'scheduled'
  WHEN d.remove_at IS NOT NULL AND @now >= d.remove_at THEN 'removed'
  ELSE 'posted' END`;

interface DocRow {
  rid: number;
  score: number;
  notice_id: string;
  board_id: string;
  category: string;
  published_at: string | null;
  post_at: string | null;
  remove_at: string | null;
  withdrawn_at: string | null;
  created_at: string;
  title: string;
  s_description: string;
  s_reference: string;
  s_file_mark: string;
  s_department: string;
  s_attachments: string;
}

const typeReady = new WeakSet<Db>();

/**
 * Whether the type filter can apply: notices have a `type` column (migration 006). When the
 * column came after migration 008 ran, recreates the triggers so they copy it, and copies it
 * once for the notices already there.
 */
export function syncTypeColumn(db: Db): boolean {
  if (typeReady.has(db)) return true;
  if (!hasTypeColumn(db)) return false;
  const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'search_notice_update'").pluck().get() as string | undefined;
  if (trigger !== undefined && !trigger.includes('NEW.type')) {
    db.transaction(() => {
      createSearchTriggers(db);
      db.exec('UPDATE search_docs SET type = (SELECT n.type FROM notices n WHERE n.id = search_docs.notice_id)');
    })();
  }
  typeReady.add(db);
  return true;
}

/** One page of results for a typed query (throws SearchQueryError for one that cannot be searched). */
export function searchNotices(db: Db, q: string, f: SearchFilters, page: { limit: number; offset: number }, now: number): SearchPage {
  const match = ftsQuery(q);
  const where: string[] = ['d.board_id IN (SELECT value FROM json_each(@boards))'];
  const params: Record<string, string | number> = {
    match,
    boards: JSON.stringify(f.boards),
    now: new Date(now).toISOString(),
    limit: page.limit + 1,
    offset: page.offset,
  };
  if (f.category !== undefined) {
    where.push('d.category = @category');
    params.category = f.category;
  }
  if (f.type !== undefined && syncTypeColumn(db)) {
    where.push('d.type = @type');
    params.type = f.type;
  }
  if (f.states !== undefined && f.states.length < NOTICE_STATES.length) {
    where.push(`(${STATE_SQL}) IN (SELECT value FROM json_each(@states))`);
    params.states = JSON.stringify(f.states);
  }
  if (f.from !== undefined) {
    where.push('COALESCE(d.post_at, d.created_at) >= @from');
    params.from = f.from;
  }
  if (f.to !== undefined) {
    where.push('COALESCE(d.post_at, d.created_at) < @to');
    params.to = f.to;
  }
  const ranked = prepared(db, `
    WITH recent AS MATERIALIZED (
      SELECT s.rowid AS rid, bm25(notice_search, ${WEIGHTS.join(', ')}) AS score
      FROM notice_search s
      WHERE notice_search MATCH @match AND EXISTS (SELECT 1 FROM search_docs d WHERE d.id = s.rowid AND ${where.join(' AND ')})
      ORDER BY s.rowid DESC LIMIT ${RANK_WINDOW})
    SELECT rid, score FROM recent ORDER BY score, rid LIMIT @limit OFFSET @offset`).all(params) as { rid: number; score: number }[];
  if (ranked.length === 0) return { results: [], limit: page.limit, offset: page.offset, hasMore: false };
  // Snippets for this page only, from ONE cursor over the rowid range of the hits: a cursor per
  // hit would expand a prefix term ("obec"*) once per hit, 20 times the cost of the search.
  const rids = ranked.map((r) => r.rid);
  const texts = prepared(db, `
    SELECT s.rowid AS rid, d.notice_id, d.board_id, d.category, d.published_at, d.post_at, d.remove_at, d.withdrawn_at, d.created_at,
      highlight(notice_search, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
      snippet(notice_search, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 24) AS s_description,
      highlight(notice_search, 2, '${MARK_OPEN}', '${MARK_CLOSE}') AS s_reference,
      highlight(notice_search, 3, '${MARK_OPEN}', '${MARK_CLOSE}') AS s_file_mark,
      highlight(notice_search, 4, '${MARK_OPEN}', '${MARK_CLOSE}') AS s_department,
      snippet(notice_search, 5, '${MARK_OPEN}', '${MARK_CLOSE}', '…', 24) AS s_attachments
    FROM notice_search s CROSS JOIN search_docs d ON d.id = s.rowid
    WHERE notice_search MATCH @match AND s.rowid >= @min AND s.rowid <= @max
      AND +s.rowid IN (SELECT value FROM json_each(@rids))`)
    .all({ match, min: Math.min(...rids), max: Math.max(...rids), rids: JSON.stringify(rids) }) as DocRow[];
  const byRid = new Map(texts.map((t) => [t.rid, t]));
  const rows = ranked.flatMap((r) => {
    const t = byRid.get(r.rid);
    return t ? [{ ...t, score: r.score }] : [];
  });
  const onlyMatch = (s: string): string | null => (hasMark(s) ? markedHtml(s) : null);
  const results = rows.slice(0, page.limit).map((r): SearchHit => ({
    noticeId: r.notice_id,
    board: r.board_id,
    title: r.title.replaceAll(MARK_OPEN, '').replaceAll(MARK_CLOSE, ''),
    category: r.category,
    state: noticeStateAt({ publishedAt: r.published_at, withdrawnAt: r.withdrawn_at, postAt: r.post_at, removeAt: r.remove_at }, now),
    postAt: r.post_at,
    removeAt: r.remove_at,
    publishedAt: r.published_at,
    withdrawnAt: r.withdrawn_at,
    createdAt: r.created_at,
    score: -r.score,
    snippets: {
      title: markedHtml(r.title),
      description: onlyMatch(r.s_description),
      referenceNumber: onlyMatch(r.s_reference),
      fileMark: onlyMatch(r.s_file_mark),
      department: onlyMatch(r.s_department),
      attachments: onlyMatch(r.s_attachments),
    },
  }));
  return { results, limit: page.limit, offset: page.offset, hasMore: ranked.length > page.limit };
}
