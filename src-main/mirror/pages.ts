/** The mirror's HTML pages. Pure: manifest in, markup out; every value goes through `html`. */
import type { AttachmentRef, Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { formatSize } from '../shared/format.ts';
import { day, offsetIso, wall } from './when.ts';
import { html, raw, type Safe } from './html.ts';
import { contentLang, prefixOf, translator, versionsOf, type Lang, type TextKey, type Translator } from './i18n.ts';
import { changeRegisterSection } from './change-register.ts';
import type { MirrorSettings } from './settings.ts';
import {
  ABOUT_PATH,
  absoluteUrl,
  ACCESSIBILITY_PATH,
  ARCHIVE_PATH,
  archiveListPath,
  archiveNoticePath,
  ATOM_PATH,
  atomPath,
  attachmentPath,
  CSS_PATH,
  DATASET_PATH,
  DEFAULT_SORT,
  DIGEST_PATH,
  hasPublicUrl,
  listingPath,
  noticePath,
  NOT_FOUND_PATH,
  OFN_PATH,
  rootOf,
  SEARCH_PATH,
  SEARCH_SCRIPT_PATH,
  sitePath,
  slugOf,
  SORTS,
  type Sort,
} from './paths.ts';

export interface PageContext {
  board: Board;
  /** The instant the mirror shows (ms). */
  at: number;
  settings?: MirrorSettings;
  /** The language of the page's own words (i18n.ts); the board's own language when absent. */
  t?: Translator;
}

const collator = new Intl.Collator('cs');

/** The page's words, its language, where its version lives, and the other versions. */
function words(ctx: PageContext): { t: Translator; lang: Lang; prefix: string; versions: Lang[]; content: Safe | null } {
  const versions = versionsOf(ctx.board);
  const t = ctx.t ?? translator(versions[0]!);
  // Notice content is in the board's language: marked where the page's words are in another.
  const content = t.lang === contentLang(ctx.board) ? null : html` lang="${contentLang(ctx.board)}"`;
  return { t, lang: t.lang, prefix: prefixOf(t.lang, ctx.board), versions, content };
}

/** Notice content, marked with its language where the page's words are in another. */
function inLang(content: Safe | null, text: string): Safe {
  return content === null ? html`${text}` : html`<span${content}>${text}</span>`;
}

function time(ms: number, board: Board): Safe {
  return html`<time datetime="${offsetIso(ms, board.timeZone)}">${wall(ms, board.timeZone)}</time>`;
}

function removal(ctx: PageContext, n: FeedNotice): Safe {
  return n.removeAt === null ? words(ctx).t.tr('untilRevoked') : time(Date.parse(n.removeAt), ctx.board);
}

/**
 * Every page's frame. `path` is the page's path in the board's own version ("o-desce/"); each
 * version lives under its prefix, and the page links to itself in every other version (hreflang).
 * `stamped: false`: no "state as of" instant, so the page is the same in every build (reused by
 * incremental builds).
 */
function layout(ctx: PageContext, p: { title: Safe | string; path: string; body: Safe; stamped?: false; noindex?: boolean; feed?: { href: string; title: Safe }; search?: false; script?: string; root?: string }): string {
  const { board } = ctx;
  const { t, lang, prefix, versions } = words(ctx);
  const full = `${prefix}${p.path}`;
  // `p.root`: the way to the mirror's root from any depth (the 404 page's, notFoundPage).
  const root = p.root ?? rootOf(full);
  const home = `${root}${prefix}` || './';
  const pub = hasPublicUrl(board);
  const at = (v: Lang): string => (pub ? absoluteUrl(board, `${prefixOf(v, board)}${p.path}`) : `${root}${prefixOf(v, board)}${p.path}` || './');
  const doc = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${p.noindex ? html`<meta name="robots" content="noindex">
` : null}<title>${p.title}</title>
<link rel="stylesheet" href="${root}${CSS_PATH}">
${pub ? html`<link rel="canonical" href="${absoluteUrl(board, full)}">
` : null}${versions.map((v) => html`<link rel="alternate" hreflang="${v}" href="${at(v)}">
`)}<link rel="alternate" hreflang="x-default" href="${at(versions[0]!)}">
${pub ? html`<link rel="alternate" type="application/atom+xml" title="${p.feed?.title ?? t.tr('atomTitle', { name: board.name })}" href="${root}${prefix}${p.feed?.href ?? ATOM_PATH}">
<link rel="alternate" type="application/ld+json" title="${t.tr('ofnTitle')}" href="${root}${OFN_PATH}">
` : null}${p.script ? html`<script type="module" src="${root}${p.script}"></script>
` : null}</head>
<body>
<a class="skip" href="#obsah">${t.tr('skip')}</a>
<header class="site">
<div class="wrap">
<p class="board"><a href="${home}">${t.tr('board')}</a></p>
<p class="authority">${board.name}</p>
<nav class="langs" aria-label="${t.tr('navLanguages')}"><ul>
${versions.map((v) => html`<li><a href="${at(v)}" lang="${v}" hreflang="${v}"${v === lang ? html` aria-current="page"` : null}>${translator(v).tr('lang')}</a></li>
`)}</ul></nav>
${p.search === false ? null : searchForm(ctx, `${home === './' ? '' : home}${SEARCH_PATH}`, 'hledat')}</div>
</header>
<main id="obsah" tabindex="-1">
<div class="wrap">
${p.body}
</div>
</main>
<footer class="site">
<div class="wrap">
<nav aria-label="${t.tr('navMore')}">
<ul>
<li><a href="${home}">${t.tr('allNotices')}</a></li>
<li><a href="${root}${prefix}${ABOUT_PATH}">${t.tr('aboutLink')}</a></li>
${pub ? html`<li><a href="${root}${OFN_PATH}">${t.tr('openData')}</a></li>
<li><a href="${root}${prefix}${ATOM_PATH}">${t.tr('atomLink')}</a></li>
` : null}<li><a href="${root}${prefix}${ACCESSIBILITY_PATH}">${t.tr('accessibilityLink')}</a></li>
<li><a href="${root}${prefix}${DIGEST_PATH}">${t.tr('digestsLink')}</a></li>
${ctx.settings?.archive ? html`<li><a href="${root}${prefix}${ARCHIVE_PATH}">${t.tr('archiveLink')}</a></li>
` : null}</ul>
</nav>
<p>${p.stamped === false ? null : t.tr('stateAt', { time: time(ctx.at, board) })}${t.tr('operator', { name: board.name, ico: board.ico })}</p>
</div>
</footer>
</body>
</html>
`;
  return doc.value;
}

/**
 * The search form: a plain GET to the search page, so it works without JavaScript too (the page
 * then lists the categories). `id` tells the header's form from the search page's own.
 */
function searchForm(ctx: PageContext, action: string, id: string, formId?: string): Safe {
  const { t } = words(ctx);
  return html`<form class="search" role="search" action="${action}" method="get"${formId ? html` id="${formId}"` : null}>
<label for="${id}">${t.tr('searchLabel')}</label>
<span class="search-row"><input type="search" id="${id}" name="q" autocomplete="off" spellcheck="false"><button type="submit">${t.tr('searchButton')}</button></span>
</form>
`;
}

/**
 * hledani/index.html: full-text search in the notices and their documents. The results come from
 * the Pagefind index in the visitor's browser (hledani/hledani.js); without JavaScript, or where
 * the index is missing, the page says so and the categories lead to every notice.
 */
export function searchPage(ctx: PageContext, categories: Category[]): string {
  const { t, prefix, content } = words(ctx);
  const root = rootOf(`${prefix}${SEARCH_PATH}`);
  const home = `${root}${prefix}`;
  const all = shownCount(categories);
  // The script's words, and where this version's notice pages are (results link to them).
  const texts = { prefix, total: all, content: content === null ? '' : contentLang(ctx.board), searching: t.text('sSearching'), found: t.text('sFound'), first: t.text('sFirst'), none: t.text('sNone'), category: t.text('fCategory'), unavailable: t.text('sUnavailable'), browse: t.text('sBrowse') };
  const body = html`<h1>${t.tr('searchHeading')}</h1>
<p class="lead">${t.tr('searchLead')}</p>
${searchForm(ctx, './', 'dotaz', 'hledani-formular')}
<div id="vysledky" class="results" aria-live="polite"></div>
<script type="application/json" id="hledani-texty">${raw(JSON.stringify(texts).replace(/</g, '\\u003c'))}</script>
<div id="bez-skriptu">
<p class="empty" id="hledani-stav">${t.tr('searchNoScript')}</p>
<ul class="categories">
<li><a href="${home || './'}">${t.tr('searchAll', { n: all })}</a></li>
${categories.map((c) => html`<li><a href="${home}${listingPath(c.slug, DEFAULT_SORT, 1)}">${inLang(content, c.name)} (${String(c.count)})</a></li>
`)}</ul>
</div>`;
  return layout(ctx, { title: html`${t.tr('searchTitle')} – ${t.tr('board')} – ${ctx.board.name}`, path: SEARCH_PATH, body, stamped: false, search: false, script: SEARCH_SCRIPT_PATH });
}

function shownCount(categories: readonly Category[]): number {
  return categories.reduce((sum, c) => sum + c.count, 0);
}

/** A category of the board: its name as the clerks wrote it and its URL-safe slug. */
export interface Category {
  name: string;
  slug: string;
  count: number;
}

/** The name a notice is listed under ("Ostatní" for none). */
export function categoryName(n: Pick<FeedNotice, 'category'>): string {
  return n.category.trim() || 'Ostatní';
}

/** Categories of the shown notices, by name (Czech order), each with a unique slug. */
export function categoriesOf(notices: readonly FeedNotice[]): Category[] {
  const counts = new Map<string, number>();
  for (const n of notices) counts.set(categoryName(n), (counts.get(categoryName(n)) ?? 0) + 1);
  const used = new Set<string>();
  return [...counts.entries()]
    .sort(([a], [b]) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, count]) => {
      const base = slugOf(name);
      let slug = base;
      for (let i = 2; used.has(slug); i++) slug = `${base}-${i}`;
      used.add(slug);
      return { name, slug, count };
    });
}

const SORT_KEY: Record<Sort, TextKey> = { nejnovejsi: 'sortNewest', sejmuti: 'sortRemoval', nazev: 'sortTitle' };

/** The notices in one of the list orders (ties by title, then id, so pages are stable). */
export function sortNotices(notices: readonly FeedNotice[], sort: Sort): FeedNotice[] {
  // Keys computed once per notice, not in every comparison.
  return notices.map(sortKeyed).sort(noticeOrder(sort)).map((k) => k.n);
}

/** A notice with the instants its lists are sorted by, parsed once. */
export interface SortKeyed {
  n: FeedNotice;
  post: number;
  remove: number;
}

export function sortKeyed(n: FeedNotice): SortKeyed {
  return { n, post: Date.parse(n.postAt), remove: n.removeAt === null ? Infinity : Date.parse(n.removeAt) };
}

/** The order of a list (negative: `a` comes first); ties broken by title, then id, so no two notices tie. */
export function noticeOrder(sort: Sort): (a: SortKeyed, b: SortKeyed) => number {
  const byTitle = (a: SortKeyed, b: SortKeyed): number => collator.compare(a.n.title, b.n.title) || (a.n.id < b.n.id ? -1 : a.n.id > b.n.id ? 1 : 0);
  const cmp: Record<Sort, (a: SortKeyed, b: SortKeyed) => number> = {
    nejnovejsi: (a, b) => b.post - a.post || byTitle(a, b),
    sejmuti: (a, b) => (a.remove === b.remove ? 0 : a.remove < b.remove ? -1 : 1) || byTitle(a, b),
    nazev: byTitle,
  };
  return cmp[sort];
}

/** One notice in a list; `root` leads back to the mirror's root from the list page. */
export function listItem(ctx: PageContext, n: FeedNotice, root: string): Safe {
  const { t, prefix, content } = words(ctx);
  return html`<li>
<h3><a href="${root}${prefix}${noticePath(n.id)}"${content}>${n.title}</a></h3>
<dl class="meta">
<div><dt>${t.tr('fCategory')}</dt><dd${content}>${categoryName(n)}</dd></div>
${n.department ? html`<div><dt>${t.tr('fDepartment')}</dt><dd${content}>${n.department}</dd></div>` : null}
<div><dt>${t.tr('fPosted')}</dt><dd>${time(Date.parse(n.postAt), ctx.board)}</dd></div>
<div><dt>${t.tr('fRemoval')}</dt><dd>${removal(ctx, n)}</dd></div>
${n.referenceNumber ? html`<div><dt>${t.tr('fRefShort')}</dt><dd>${n.referenceNumber}</dd></div>` : null}
</dl>
</li>
`;
}

/** What one list page shows. `items` are the page's notices, already rendered by listItem. */
export interface ListPage {
  categories: Category[];
  /** The category listed, or null for all notices. */
  category: Category | null;
  sort: Sort;
  page: number;
  pages: number;
  total: number;
  /** Total notices on the board (for "všechny (n)"). */
  all: number;
  items: Safe[];
  /** Stamp the page with the build's instant (the board's front page only). */
  stamped: boolean;
  /**
   * A page past the end of a list that has become shorter (`page` > `pages`): it says so and links
   * to the last page, so that a "next" link on a page fetched a moment earlier never answers 404.
   */
  gone?: boolean;
}

/** Page numbers to link: the first, the last and the two either side of the current one. */
function pageNumbers(page: number, pages: number): (number | null)[] {
  const want = new Set([1, pages, page - 2, page - 1, page, page + 1, page + 2].filter((p) => p >= 1 && p <= pages));
  const sorted = [...want].sort((a, b) => a - b);
  const out: (number | null)[] = [];
  sorted.forEach((p, i) => {
    if (i > 0 && p - sorted[i - 1]! > 1) out.push(null);
    out.push(p);
  });
  return out;
}

/** Links to the other pages of a paged list (none for a single page). */
function pager(ctx: PageContext, page: number, pages: number, href: (n: number) => string): Safe | null {
  if (pages <= 1) return null;
  const { t } = words(ctx);
  return html`<nav class="pages" aria-label="${t.tr('pagesLabel')}">
<ul>
${page > 1 ? html`<li><a href="${href(page - 1)}" rel="prev">${t.tr('prev')}</a></li>
` : null}${pageNumbers(page, pages).map((n) =>
    n === null
      ? html`<li aria-hidden="true">…</li>
`
      : n === page
        ? html`<li><a href="${href(n)}" aria-current="page" aria-label="${t.tr('pageN', { n })}">${String(n)}</a></li>
`
        : html`<li><a href="${href(n)}" aria-label="${t.tr('pageN', { n })}">${String(n)}</a></li>
`,
  )}${page < pages ? html`<li><a href="${href(page + 1)}" rel="next">${t.tr('next')}</a></li>
` : null}</ul>
</nav>`;
}

/**
 * A page of a list (index.html, kategorie/…, razeni/…, strana/…): the category filter and the
 * orders as plain links (static pages, no JavaScript), the notices, and page links. The counts
 * (of the list, of each category) are on a list's first page only: a later page changes only
 * when its own notices or the number of pages do (build.ts writeLists keeps pages where they are),
 * so a change rewrites the pages it is on, not every page of every list.
 */
export function listPage(ctx: PageContext, p: ListPage): string {
  const { board } = ctx;
  const { t, prefix, content } = words(ctx);
  const slug = p.category?.slug ?? null;
  const path = listingPath(slug, p.sort, p.page);
  const root = rootOf(`${prefix}${path}`);
  const href = (cat: string | null, sort: Sort, page: number): string => `${root}${prefix}${listingPath(cat, sort, page)}` || './';
  const heading = p.category === null ? t.tr('listHeading', { name: board.name }) : html`${inLang(content, p.category.name)}${t.tr('listCategoryHeading', { category: '' })}`;
  const where = p.pages > 1 && !p.gone ? t.tr('where', { page: p.page, pages: p.pages }) : html``;
  const body = html`<h1>${heading}</h1>
${p.page === 1 ? html`<p class="lead">${p.category === null ? t.tr('countAll', { n: p.total }) : t.tr('countCategory', { n: p.total })}${p.stamped ? t.tr('countStateAt', { time: time(ctx.at, board) }) : null}.</p>
` : null}${
  p.categories.length > 0
    ? html`<nav class="filters" aria-label="${t.tr('filters')}">
<h2 class="filter-title" id="filtr-kategorie">${t.tr('categories')}</h2>
<ul aria-labelledby="filtr-kategorie">
<li><a href="${href(null, p.sort, 1)}"${p.category === null ? html` aria-current="page"` : null}>${p.page === 1 ? t.tr('allCount', { n: p.all }) : t.tr('all')}</a></li>
${p.categories.map((c) => html`<li><a href="${href(c.slug, p.sort, 1)}"${c.slug === slug ? html` aria-current="page"` : null}>${inLang(content, c.name)}${p.page === 1 ? ` (${String(c.count)})` : null}</a></li>
`)}</ul>
<h2 class="filter-title" id="filtr-razeni">${t.tr('order')}</h2>
<ul aria-labelledby="filtr-razeni">
${SORTS.map((s) => html`<li><a href="${href(slug, s, 1)}"${s === p.sort ? html` aria-current="page"` : null}>${t.tr(SORT_KEY[s])}</a></li>
`)}</ul>
</nav>`
    : null
}
${
  p.gone
    ? html`<p class="empty">${t.tr('pageGone')} <a href="${href(slug, p.sort, p.pages)}">${t.tr('pageGoneLink')}</a>.</p>`
    : p.total > 0
    ? null
    : p.category === null
      ? html`<p class="empty">${t.tr('listEmpty')}</p>`
      : html`<p class="empty">${t.tr('categoryEmpty')} <a href="${href(null, DEFAULT_SORT, 1)}">${t.tr('categoryEmptyLink')}</a>.</p>`
}
${
  p.items.length > 0
    ? html`<h2 class="list-title">${t.tr('listTitle', { order: t.tr(SORT_KEY[p.sort]), where })}</h2>
<ul class="notices">
${p.items}</ul>`
    : null
}
${p.gone ? null : pager(ctx, p.page, p.pages, (n) => href(slug, p.sort, n))}`;
  const title = html`${p.category === null ? null : `${p.category.name} – `}${t.tr('board')} – ${board.name}${where}`;
  // A category empty now (a former one, build.ts) has no feed of its own: the page offers the board's.
  const feed = p.category === null || p.total === 0 ? undefined : { href: atomPath(p.category.slug), title: t.tr('atomCategoryTitle', { category: p.category.name, name: board.name }) };
  return layout(ctx, { title, path, body, stamped: p.stamped ? undefined : false, feed, noindex: p.gone === true });
}

function fileRow(ctx: PageContext, a: AttachmentRef, root: string): Safe {
  const { t, content } = words(ctx);
  return html`<tr>
<td data-label="${t.tr('file')}"><a href="${root}${attachmentPath(a.sha256)}" download="${a.name}"${content}>${a.name}</a> <span>(PDF)</span></td>
<td data-label="${t.tr('size')}">${formatSize(a.size)}</td>
<td data-label="SHA-256" class="hash">${a.sha256}</td>
</tr>
`;
}

/** How a removed notice in the archive is marked: when it left the board and whether it was withdrawn. */
export interface Removed {
  removedAt: string;
  withdrawn: boolean;
}

/**
 * oznameni/<id>/index.html: every public field of one notice. With `removed`, the notice's page in
 * the archive (archiv/oznameni/<id>/), marked as removed at the top, with its removal date.
 */
export function noticePage(ctx: PageContext, n: FeedNotice, categorySlug = slugOf(categoryName(n)), removed?: Removed): string {
  const { board } = ctx;
  const { t, prefix, content } = words(ctx);
  const path = removed ? archiveNoticePath(n.id) : noticePath(n.id);
  const root = rootOf(`${prefix}${path}`);
  const home = `${root}${prefix}`;
  const crumbs = removed
    ? html`<nav class="crumbs" aria-label="${t.tr('crumbs')}"><a href="${home}">${t.tr('board')}</a> › <a href="${home}${ARCHIVE_PATH}">${t.tr('archiveHeading')}</a></nav>`
    : html`<nav class="crumbs" aria-label="${t.tr('crumbs')}"><a href="${home}">${t.tr('board')}</a> › <a href="${home}${listingPath(categorySlug, DEFAULT_SORT, 1)}"${content}>${categoryName(n)}</a></nav>`;
  const body = html`${crumbs}
<article>
${removed ? html`<p class="removed-mark">${t.tr('removedMark', { time: time(Date.parse(removed.removedAt), board), withdrawn: removed.withdrawn ? t.tr('withdrawnLong') : '' })}</p>
` : null}<h1${content}>${n.title}</h1>
<dl class="meta">
<dt>${t.tr('fCategory')}</dt><dd${content}>${categoryName(n)}</dd>
${n.typeName ? html`<dt>${t.tr('fType')}</dt><dd${content}>${n.typeName}</dd>` : null}
<dt>${t.tr('fDepartment')}</dt><dd${n.department ? content : null}>${n.department || '—'}</dd>
<dt>${t.tr('fPosted')}</dt><dd>${time(Date.parse(n.postAt), board)}</dd>
${removed ? html`<dt>${t.tr('fRemoved')}</dt><dd>${time(Date.parse(removed.removedAt), board)}${removed.withdrawn ? t.tr('withdrawnShort') : null}</dd>` : html`<dt>${t.tr('fRemoval')}</dt><dd>${removal(ctx, n)}</dd>`}
<dt>${t.tr('fReference')}</dt><dd>${n.referenceNumber || '—'}</dd>
<dt>${t.tr('fFileMark')}</dt><dd>${n.fileMark || '—'}</dd>
<dt>${t.tr('fPublished')}</dt><dd>${day(Date.parse(n.publishedAt), board.timeZone)}</dd>
${n.personalData === true ? html`<dt>${t.tr('fPersonalData')}</dt><dd>${t.tr('personalDataText')}</dd>` : null}
</dl>
${n.description.trim() ? html`<h2>${t.tr('description')}</h2>\n<p class="description"${content}>${n.description}</p>` : null}
<h2>${t.tr('documents')}</h2>
${
  n.attachments.length === 0
    ? html`<p>${t.tr('noDocuments')}</p>`
    : html`<p class="lead" id="soubory-popis">${t.tr('hashHelp')}</p>
<table class="files" aria-label="${t.tr('documents')}" aria-describedby="soubory-popis">
<thead><tr><th scope="col">${t.tr('file')}</th><th scope="col">${t.tr('size')}</th><th scope="col">SHA-256</th></tr></thead>
<tbody>
${n.attachments.map((a) => fileRow(ctx, a, root))}</tbody>
</table>`
}
${changeRegisterSection(n, board, t)}
</article>`;
  const title = removed ? t.tr('removedTitle', { title: n.title, name: board.name }) : html`${n.title} – ${t.tr('board')} – ${board.name}`;
  // Personal data: search engines must not index (and so keep) the page after the notice is removed.
  return layout(ctx, { title, path, body, stamped: false, noindex: n.personalData === true });
}

/** One removed notice in the archive's list. */
function archiveItem(ctx: PageContext, n: FeedNotice & Removed, root: string): Safe {
  const { t, prefix, content } = words(ctx);
  return html`<li>
<h3><a href="${root}${prefix}${archiveNoticePath(n.id)}"${content}>${n.title}</a></h3>
<dl class="meta">
<div><dt>${t.tr('fCategory')}</dt><dd${content}>${categoryName(n)}</dd></div>
<div><dt>${t.tr('fPosted')}</dt><dd>${time(Date.parse(n.postAt), ctx.board)}</dd></div>
<div><dt>${t.tr('fRemoved')}</dt><dd>${time(Date.parse(n.removedAt), ctx.board)}${n.withdrawn ? t.tr('withdrawnShort') : null}</dd></div>
${n.referenceNumber ? html`<div><dt>${t.tr('fRefShort')}</dt><dd>${n.referenceNumber}</dd></div>` : null}
</dl>
</li>
`;
}

/**
 * archiv/ and archiv/strana/<n>/: removed notices without personal data, newest removal first,
 * marked as removed on every page.
 */
export function archivePage(ctx: PageContext, p: { page: number; pages: number; total: number; notices: readonly (FeedNotice & Removed)[] }): string {
  const { board } = ctx;
  const { t, prefix } = words(ctx);
  const path = archiveListPath(p.page);
  const root = rootOf(`${prefix}${path}`);
  const home = `${root}${prefix}`;
  const where = p.pages > 1 ? t.tr('where', { page: p.page, pages: p.pages }) : html``;
  const body = html`<h1>${t.tr('archiveHeading')}</h1>
<p class="removed-mark">${t.tr('archiveMark', { link: html`<a href="${home || './'}">${t.tr('archiveMarkLink')}</a>` })}</p>
<p class="lead">${t.tr('archiveCount', { n: p.total })}</p>
${
  p.notices.length === 0
    ? html`<p class="empty">${t.tr('archiveEmpty')}</p>`
    : html`<h2 class="list-title">${t.tr('archiveListTitle', { where })}</h2>
<ul class="notices archived">
${p.notices.map((n) => archiveItem(ctx, n, root))}</ul>`
}
${pager(ctx, p.page, p.pages, (n) => `${home}${archiveListPath(n)}`)}`;
  return layout(ctx, { title: html`${t.tr('archiveHeading')} – ${t.tr('board')} – ${board.name}${where}`, path, body, stamped: false });
}

/** A "YYYY-MM-DD" day as the board shows dates. */
function dayOf(d: string, board: Board): string {
  return day(Date.parse(`${d}T12:00:00Z`), board.timeZone);
}

/**
 * pristupnost/index.html: the accessibility statement in the structure of the model statement of
 * vyhláška č. 515/2020 Sb. (to zákon č. 99/2019 Sb.): scope, state of compliance, inaccessible
 * content, how the statement was prepared, feedback and contacts, enforcement.
 */
export function accessibilityPage(ctx: PageContext): string {
  const { board } = ctx;
  const { t } = words(ctx);
  const a = ctx.settings?.accessibility ?? {};
  const contact = ctx.settings?.contact ?? {};
  const prepared = a.preparedOn ? dayOf(a.preparedOn, board) : day(ctx.at, board.timeZone);
  const site = hasPublicUrl(board) ? absoluteUrl(board, '') : null;
  const reach =
    contact.email || contact.phone
      ? html`: ${contact.email ? t.tr('a11yReachEmail', { link: html`<a href="${`mailto:${contact.email}`}">${contact.email}</a>` }) : null}${contact.email && contact.phone ? ', ' : null}${contact.phone ? t.tr('a11yReachPhone', { phone: contact.phone }) : null}.`
      : t.tr('a11yReachOffice');
  const body = html`<h1>${t.tr('a11yHeading')}</h1>
<p>${t.tr('a11yP1', { name: board.name })}</p>
<p>${t.tr('a11yScope', { site: site === null ? t.tr('a11yScopeOperator', { name: board.name }) : html`<a href="${site}">${site}</a>` })}</p>
<h2>${t.tr('a11yH2Status')}</h2>
<p>${t.tr('a11yStatus')}</p>
<h2>${t.tr('a11yH2Inaccessible')}</h2>
<p>${t.tr('a11yInaccessible')}</p>
<h3>${t.tr('a11yH3Noncompliance')}</h3>
<ul>
<li>${t.tr('a11yPdf')}</li>
</ul>
<h3>${t.tr('a11yH3Burden')}</h3>
<p>${t.tr('a11yBurden')}</p>
<h3>${t.tr('a11yH3Out')}</h3>
<p>${t.tr('a11yOut')}</p>
<h2>${t.tr('a11yH2Prepared')}</h2>
<p>${t.tr('a11yPrepared', { date: prepared })}</p>
<p>${t.tr('a11yMethod')}</p>
${a.reviewedOn ? html`<p>${t.tr('a11yReviewed', { date: dayOf(a.reviewedOn, board) })}</p>` : null}
<h2>${t.tr('a11yH2Feedback')}</h2>
<p>${t.tr('a11yFeedback', { name: board.name, ico: board.ico, contact: contact.name ? `, ${contact.name}` : '', reach })}</p>
<h2>${t.tr('a11yH2Enforcement')}</h2>
<p>${t.tr('a11yEnforcement')}</p>`;
  return layout(ctx, { title: html`${t.tr('a11yHeading')} – ${t.tr('board')} – ${board.name}`, path: ACCESSIBILITY_PATH, body, stamped: a.preparedOn ? false : undefined });
}

/** o-desce/index.html: what an official board is, and the ways to read this one. */
export function aboutPage(ctx: PageContext): string {
  const { board } = ctx;
  const { t, prefix } = words(ctx);
  const pub = hasPublicUrl(board);
  const root = rootOf(`${prefix}${ABOUT_PATH}`);
  const home = `${root}${prefix}`;
  const body = html`<h1>${t.tr('aboutHeading')}</h1>
<p>${t.tr('aboutP1', { name: board.name })}</p>
<p>${t.tr('aboutP2')}</p>
<h2>${t.tr('aboutH2a')}</h2>
<p>${t.tr('aboutP3')}</p>
<p>${t.tr('aboutP4')}</p>
<h2>${t.tr('aboutH2b')}</h2>
<ul>
<li>${t.tr('aboutKiosk')}</li>
<li>${t.tr('aboutWeb', { link: html`<a href="${home}">${t.tr('aboutWebLink')}</a>` })}</li>
${pub ? html`<li>${t.tr('aboutOfn', { ofn: html`<a href="${root}${OFN_PATH}">${t.tr('aboutOfnLink')}</a>`, dataset: html`<a href="${root}${DATASET_PATH}">${t.tr('aboutDatasetLink')}</a>` })}</li>
<li>${t.tr('aboutAtom', { link: html`<a href="${home}${ATOM_PATH}">${t.tr('allNotices')}</a>` })}</li>
` : null}<li>${t.tr('aboutDigests', { link: html`<a href="${home}${DIGEST_PATH}">${t.tr('aboutDigestsLink')}</a>` })}</li>
</ul>
<p>${t.tr('aboutHash')}</p>`;
  return layout(ctx, { title: html`${t.tr('aboutHeading')} – ${board.name}`, path: ABOUT_PATH, body, stamped: false });
}

/**
 * 404.html (and en/404.html…): what a web server answers for a missing path, at any depth
 * (/oznameni/<removed>/, /en/kategorie/x/strana/9/). In plain words: the notice may have been
 * removed at the end of its posting period, and where to go instead; never the address asked for.
 *
 * Its links cannot be relative: the server sends the same file at every depth, and a browser
 * resolves relative links against the missing path, not the file's. A `<base href>` would also
 * move the skip link ("#obsah") to the front page. So every link starts at the host's root with
 * the mirror's path there (paths.ts sitePath): the public URL's path when one is set (so the page
 * works on any host name serving the mirror at that path, the publisher's preview under
 * /mirror/<board>/ included when that is the public URL), "/" without one, where the nginx and
 * Caddy configurations in docs/ serve the mirror. Not in the sitemap, and noindex.
 */
export function notFoundPage(ctx: PageContext): string {
  const { board } = ctx;
  const { t, prefix } = words(ctx);
  const root = sitePath(board);
  const home = `${root}${prefix}`;
  const body = html`<h1>${t.tr('nfHeading')}</h1>
<p class="lead">${t.tr('nfLead')}</p>
<p>${t.tr('nfRemoved')}</p>
<h2>${t.tr('nfWhat')}</h2>
<ul>
<li>${t.tr('nfList', { link: html`<a href="${home}">${t.tr('nfListLink')}</a>` })}</li>
<li>${t.tr('nfSearch', { link: html`<a href="${home}${SEARCH_PATH}">${t.tr('nfSearchLink')}</a>` })}</li>
${ctx.settings?.archive ? html`<li>${t.tr('nfArchive', { link: html`<a href="${home}${ARCHIVE_PATH}">${t.tr('nfArchiveLink')}</a>` })}</li>
` : null}<li>${t.tr('nfOffice', { name: board.name })}</li>
</ul>`;
  return layout(ctx, { title: html`${t.tr('nfTitle')} – ${t.tr('board')} – ${board.name}`, path: NOT_FOUND_PATH, body, stamped: false, noindex: true, root });
}

/**
 * digest/index.html: the signed daily digests (audit head, snapshot hashes, notices posted that
 * day), newest first, with how to check them. `days` are "YYYY-MM-DD" with both files present.
 * The files are in the root's digest/ folder; other versions link there.
 */
export function digestPage(ctx: PageContext, days: string[], publicKey: string | null): string {
  const { board } = ctx;
  const { t, prefix } = words(ctx);
  const files = `${rootOf(`${prefix}${DIGEST_PATH}`)}${DIGEST_PATH}`;
  const list = [...days].sort().reverse();
  const body = html`<h1>${t.tr('digestsHeading')}</h1>
<p>${t.tr('digestsLead')}</p>
${publicKey === null ? html`` : html`<p>${t.tr('digestsKey')} <code>${publicKey}</code></p>`}
${
  list.length === 0
    ? html`<p>${t.tr('digestsNone')}</p>`
    : html`<ul class="digests">${list.map((d) => html`<li>${day(Date.parse(`${d}T12:00:00Z`), board.timeZone)}: <a href="${prefix ? files : ''}${d}.json">${t.tr('digestFile', { file: `${d}.json` })}</a>, <a href="${prefix ? files : ''}${d}.json.sig">${t.tr('digestSig', { file: `${d}.json.sig` })}</a></li>`)}</ul>`
}`;
  return layout(ctx, { title: html`${t.tr('digestsHeading')} – ${t.tr('board')} – ${board.name}`, path: DIGEST_PATH, body });
}
