/** Atom feed and sitemap of the mirror (XML, escaped through the same `html` template). */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { formatWall, toOffsetIso } from '../shared/zone.ts';
import { html } from './html.ts';
import { absoluteUrl, ACCESSIBILITY_PATH, ATOM_PATH, noticePath } from './paths.ts';

function iso(ms: number, board: Board): string {
  return toOffsetIso(ms, board.timeZone);
}

/** atom.xml: one entry per posted notice, newest posting first. */
export function atomFeed(board: Board, at: number, notices: FeedNotice[]): string {
  const sorted = [...notices].sort((a, b) => Date.parse(b.postAt) - Date.parse(a.postAt));
  const home = absoluteUrl(board, '');
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="cs">
<id>${home}</id>
<title>Úřední deska – ${board.name}</title>
<updated>${iso(at, board)}</updated>
<author><name>${board.name}</name></author>
<link rel="self" type="application/atom+xml" href="${absoluteUrl(board, ATOM_PATH)}"/>
<link rel="alternate" type="text/html" href="${home}"/>
${sorted.map((n) => {
  const url = absoluteUrl(board, noticePath(n.id));
  const removal = n.removeAt === null ? 'do odvolání' : formatWall(Date.parse(n.removeAt), board.timeZone);
  const summary = [
    `Vyvěšeno ${formatWall(Date.parse(n.postAt), board.timeZone)}, sejmutí ${removal}.`,
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
<updated>${iso(Date.parse(n.register?.at(-1)?.at ?? n.postAt), board)}</updated>
${n.category ? html`<category term="${n.category}"/>` : null}
<summary>${summary}</summary>
</entry>
`;
})}</feed>
`.value;
}

/** sitemap.xml: the index, every posted notice page, the accessibility statement. */
export function sitemap(board: Board, notices: FeedNotice[]): string {
  // Pages of notices with personal data are noindex and stay out of the sitemap.
  const urls = ['', ...notices.filter((n) => n.personalData !== true).map((n) => noticePath(n.id)), ACCESSIBILITY_PATH].map((p) => absoluteUrl(board, p));
  return html`<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.map((u) => html`<url><loc>${u}</loc></url>\n`)}</urlset>
`.value;
}
