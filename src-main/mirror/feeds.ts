/** Atom feeds and sitemap of the mirror (XML, escaped through the same `html` template). Need a public URL. */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { offsetIso, wall } from './when.ts';
import { html } from './html.ts';
import type { Category } from './pages.ts';
import { ABOUT_PATH, absoluteUrl, ACCESSIBILITY_PATH, atomPath, DEFAULT_SORT, listingPath, noticePath } from './paths.ts';

function iso(ms: number, board: Board): string {
  return offsetIso(ms, board.timeZone);
}

function entryUpdated(n: FeedNotice): number {
  return Date.parse(n.register?.at(-1)?.at ?? n.postAt);
}

/**
 * atom.xml (the board) or kategorie/<slug>/atom.xml (`category`): one entry per posted notice,
 * newest posting first. The feed's <updated> is its newest entry's, so an unchanged list gives
 * the same bytes in every build (incremental builds keep the file); `at` only for an empty feed.
 */
export function atomFeed(board: Board, at: number, notices: FeedNotice[], category: Category | null = null): string {
  const sorted = [...notices].sort((a, b) => Date.parse(b.postAt) - Date.parse(a.postAt) || (a.id < b.id ? -1 : 1));
  const home = absoluteUrl(board, category === null ? '' : listingPath(category.slug, DEFAULT_SORT, 1));
  const updated = sorted.length === 0 ? at : Math.max(...sorted.map(entryUpdated));
  const title = category === null ? `Úřední deska – ${board.name}` : `${category.name} – úřední deska – ${board.name}`;
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cs">
<id>${home}</id>
<title>${title}</title>
<updated>${iso(updated, board)}</updated>
<author><name>${board.name}</name></author>
<link rel="self" type="application/atom+xml" href="${absoluteUrl(board, atomPath(category?.slug ?? null))}"/>
<link rel="alternate" type="text/html" href="${home}"/>
${sorted.map((n) => {
  const url = absoluteUrl(board, noticePath(n.id));
  const removal = n.removeAt === null ? 'do odvolání' : wall(Date.parse(n.removeAt), board.timeZone);
  const summary = [
    `Vyvěšeno ${wall(Date.parse(n.postAt), board.timeZone)}, sejmutí ${removal}.`,
    n.department ? `Původce: ${n.department}.` : '',
    n.referenceNumber ? `Č. j. ${n.referenceNumber}.` : '',
    n.description,
  ]
    .filter(Boolean)
    .join(' ');
  return html`<entry>
<id>${url}</id>
<title>${n.title}</title>
<link rel="alternate" type="text/html" href="${url}"/>
<published>${iso(Date.parse(n.postAt), board)}</published>
<updated>${iso(entryUpdated(n), board)}</updated>
${n.category ? html`<category term="${n.category}"/>` : null}
<summary>${summary}</summary>
</entry>
`;
})}</feed>
`.value;
}

/**
 * sitemap.xml: the index, each category's first page, every posted notice page without personal
 * data (those are noindex and stay out), the page about the board and the accessibility statement.
 */
export function sitemap(board: Board, notices: FeedNotice[], categories: Category[]): string {
  const paths = [
    '',
    ...categories.map((c) => listingPath(c.slug, DEFAULT_SORT, 1)),
    ...notices.filter((n) => n.personalData !== true).map((n) => noticePath(n.id)),
    ABOUT_PATH,
    ACCESSIBILITY_PATH,
  ];
  return html`<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${paths.map((p) => html`<url><loc>${absoluteUrl(board, p)}</loc></url>\n`)}</urlset>
`.value;
}
