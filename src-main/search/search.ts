/**
 * Searching notices: one FTS5 query, ranked by bm25 with column weights (title first), filtered
 * by board, category, type, state and a date range, with highlighted snippets.
 *
 * Why the query has this shape (measured on 100,000 notices, BENCHMARKS.md "Search"):
 * - Filters are in the index. Each FTS row carries facet tokens (migration 015: board, category,
 *   type, draft/withdrawn, posting month and year, removal month and year), and a selective filter
 *   becomes a term of the MATCH: `(words) AND ("·fc…") AND ("·fr202611" OR "·fr202612" OR "·fr2027"
 *   OR "·frnone")` (· is U+E000, see FACET). FTS5 intersects the doclists (seeking through the
 *   long one), so "posted" (2 % of notices) no longer visits all 87,000 notices that contain "obec".
 *   A filter that keeps most notices (every board, "removed", a range over most of the dates)
 *   gets no facet term: intersecting costs more than it saves.
 * - Facets only narrow. What they do not settle by themselves (the state at the instant `now`,
 *   exact dates, a name longer than its token) is checked on `search_docs` (a correlated EXISTS by
 *   primary key), so results are exact; with no such filter there is no EXISTS at all.
 * - One table in the FROM, and `ORDER BY rowid DESC LIMIT RANK_WINDOW` handed to FTS5: it walks
 *   matches newest first and stops after the window; bm25 ranks the window. (A join loses that.)
 * - A typed word never matches a facet token: every one starts with a private-use letter that
 *   query.ts never lets through (so no column filter is needed: it would cost a poslist scan per
 *   match). The facet column has bm25 weight 0: a filter never changes a score.
 * - Snippets are computed for the page only, by a second cursor that walks the same matches newest
 *   first and stops at the last hit of the page.
 */
import type { NoticeState } from '../shared/domain.ts';
import { NOTICE_STATES, noticeStateAt } from '../shared/domain.ts';
import { prepared, type Db } from '../store/db.ts';
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

/** Column weights of bm25: title, description, číslo jednací, spisová značka, issuer, attachments, facets. */
export const WEIGHTS = [10, 4, 6, 6, 2, 1, 0] as const;

export interface SearchFilters {
  /** Boards to search; the caller's scope, already checked. */
  boards: string[];
  category?: string;
  /** notices.type (migration 006). */
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

// ---- Facet tokens: the same as migration 015's `facetsSql` builds for each notice. ----

/** Leads every facet token: a private-use letter that no typed word contains (query.ts keeps letters, digits, marks). */
export const FACET = '\uE000';

/** A name (board, category, type) as a token: the hex of its first 24 UTF-8 bytes. */
export const facetName = (tag: 'fb' | 'fc' | 'ft', value: string): string => FACET + tag + Buffer.from(value, 'utf8').subarray(0, 24).toString('hex');

/** Months as one number (year × 12 + month − 1), UTC. */
const monthNo = (t: number): number => {
  const d = new Date(t);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};

/** Most tokens in one facet term (an OR); a range that needs more is left to the exact check. */
const MAX_TOKENS = 40;

/**
 * Tokens covering the months lo..hi (inclusive): a year as `tagYYYY` when the range covers every
 * month of it that the data can have (months outside `dataLo..dataHi` hold no notice, so a year
 * token costs nothing more there), other months as `tagYYYYMM`. A year token is a superset of its
 * months, so this only ever widens the candidates (the exact check does the rest). Null when that
 * takes more than MAX_TOKENS.
 */
export function monthTokens(tag: 'fp' | 'fr', lo: number, hi: number, dataLo = -Infinity, dataHi = Infinity): string[] | null {
  const out: string[] = [];
  for (let year = Math.floor(lo / 12); year <= Math.floor(hi / 12); year++) {
    const first = Math.max(lo, year * 12);
    const last = Math.min(hi, year * 12 + 11);
    if (first <= Math.max(year * 12, dataLo) && last >= Math.min(year * 12 + 11, dataHi)) out.push(`${FACET}${tag}${year}`);
    else for (let m = first; m <= last; m++) out.push(`${FACET}${tag}${year}${String((m % 12) + 1).padStart(2, '0')}`);
    if (out.length > MAX_TOKENS) return null;
  }
  return out;
}

const DAY = 86_400_000;
/** A range that keeps more than this share of the notices is not worth a facet term. */
const SELECTIVE = 0.5;
/** A date range beside other facet terms: only when it keeps at most this share. */
const NARROW = 0.05;

export interface Bounds {
  firstPosting: number;
  lastPosting: number;
  lastRemoval: number | null;
  /** Every board of the store. */
  boards: string[];
}

const everyBoard = (f: SearchFilters, b: Bounds): boolean => b.boards.every((id) => f.boards.includes(id));
/** True when a name's facet token names it exactly (all of it fits in the token). */
const wholeName = (value: string): boolean => Buffer.byteLength(value, 'utf8') <= 24;

function bounds(db: Db): Bounds | null {
  const r = prepared(db, `SELECT
      (SELECT min(COALESCE(post_at, created_at)) FROM search_docs) AS first,
      (SELECT max(COALESCE(post_at, created_at)) FROM search_docs) AS last,
      (SELECT max(remove_at) FROM search_docs) AS removal,
      (SELECT json_group_array(id) FROM boards) AS boards`).get() as { first: string | null; last: string | null; removal: string | null; boards: string };
  if (r.first === null || r.last === null) return null;
  return {
    firstPosting: Date.parse(r.first),
    lastPosting: Date.parse(r.last),
    lastRemoval: r.removal === null ? null : Date.parse(r.removal),
    boards: JSON.parse(r.boards) as string[],
  };
}

/**
 * The facet terms of a set of filters (each an OR of tokens, ANDed together), or 'none' when no
 * notice can match. Month tokens are taken a day wider on each side: an instant stored with an
 * offset may sit in the neighbouring month of its text.
 */
export function facetTerms(f: SearchFilters, now: number, b: Bounds): string[][] | 'none' {
  const terms: string[][] = [];
  if (!everyBoard(f, b) && f.boards.length <= MAX_TOKENS) terms.push(f.boards.map((x) => facetName('fb', x)));
  if (f.category !== undefined) terms.push([facetName('fc', f.category)]);
  if (f.type !== undefined) terms.push([facetName('ft', f.type)]);
  if (f.states !== undefined && f.states.length < NOTICE_STATES.length) {
    const nowMonth = monthNo(now - DAY);
    const byState = f.states.map((s): string[] | null => {
      switch (s) {
        case 'draft': return [`${FACET}fsdraft`];
        case 'withdrawn': return [`${FACET}fswd`];
        // Posted after now, so in a month from now's to the last posting.
        case 'scheduled': {
          const last = monthNo(b.lastPosting + DAY);
          return b.lastPosting <= now ? [] : monthTokens('fp', nowMonth, last, -Infinity, last);
        }
        // Published (a draft has no removal token) and removed after now or never.
        case 'posted': {
          const last = b.lastRemoval === null ? 0 : monthNo(b.lastRemoval + DAY);
          const later = b.lastRemoval === null || b.lastRemoval <= now ? [] : monthTokens('fr', nowMonth, last, -Infinity, last);
          return later === null ? null : [`${FACET}frnone`, ...later];
        }
        // Most notices of a board that has run a while: not selective.
        case 'removed': return null;
      }
    });
    if (!byState.includes(null)) {
      const tokens = [...new Set(byState.flat() as string[])];
      if (tokens.length === 0) return 'none';
      if (tokens.length <= MAX_TOKENS) terms.push(tokens);
    }
  }
  if (f.from !== undefined || f.to !== undefined) {
    const lo = Math.max(b.firstPosting, f.from === undefined ? -Infinity : Date.parse(f.from));
    const hi = Math.min(b.lastPosting, f.to === undefined ? Infinity : Date.parse(f.to));
    if (lo > hi) return 'none';
    // Worth a term when it keeps at most half of the notices, and when other terms narrow already
    // only if it narrows much more (an OR of a dozen months costs more than checking the few rows
    // a board and a category leave).
    const span = b.lastPosting - b.firstPosting;
    const share = span > 0 ? (hi - lo) / span : 1;
    if (share <= (terms.length === 0 ? SELECTIVE : NARROW)) {
      const tokens = monthTokens('fp', monthNo(lo - DAY), monthNo(hi + DAY), monthNo(b.firstPosting - DAY), monthNo(b.lastPosting + DAY));
      if (tokens !== null) terms.push(tokens);
    }
  }
  return terms;
}

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

/** One page of results for a typed query (throws SearchQueryError for one that cannot be searched). */
export function searchNotices(db: Db, q: string, f: SearchFilters, page: { limit: number; offset: number }, now: number): SearchPage {
  const words = ftsQuery(q);
  const empty: SearchPage = { results: [], limit: page.limit, offset: page.offset, hasMore: false };
  if (f.boards.length === 0) return empty;
  const b = bounds(db);
  if (b === null) return empty;
  const facets = facetTerms(f, now, b);
  if (facets === 'none') return empty;
  const match = [`(${words})`, ...facets.map((t) => `(${t.map((x) => `"${x}"`).join(' OR ')})`)].join(' AND ');
  // The exact check, for what the facet terms do not settle by themselves: states, dates, a name
  // longer than its token, a list of boards too long for a term.
  const where: string[] = [];
  const params: Record<string, string | number> = {
    match,
    now: new Date(now).toISOString(),
    limit: page.limit + 1,
    offset: page.offset,
  };
  if (!everyBoard(f, b) && (f.boards.length > MAX_TOKENS || !f.boards.every(wholeName))) {
    where.push('d.board_id IN (SELECT value FROM json_each(@boards))');
    params.boards = JSON.stringify(f.boards);
  }
  if (f.category !== undefined && !wholeName(f.category)) {
    where.push('d.category = @category');
    params.category = f.category;
  }
  if (f.type !== undefined && !wholeName(f.type)) {
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
      WHERE notice_search MATCH @match${where.length === 0 ? '' : ` AND EXISTS (SELECT 1 FROM search_docs d WHERE d.id = s.rowid AND ${where.join(' AND ')})`}
      ORDER BY s.rowid DESC LIMIT ${RANK_WINDOW})
    SELECT rid, score FROM recent ORDER BY score, rid LIMIT @limit OFFSET @offset`).all(params) as { rid: number; score: number }[];
  if (ranked.length === 0) return empty;
  // Snippets for this page only, from ONE cursor that walks the matches newest first (as the
  // ranking did) and stops at the last hit: a cursor per hit would expand a prefix term once per
  // hit, and a rowid range (rowid BETWEEN) makes FTS5 seek from the oldest match, 3 ms for "obec".
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
    WHERE notice_search MATCH @match AND +s.rowid IN (SELECT value FROM json_each(@rids))
    ORDER BY s.rowid DESC LIMIT @n`)
    .all({ match, rids: JSON.stringify(rids), n: rids.length }) as DocRow[];
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
