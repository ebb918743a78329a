/** Atom feeds and sitemap of the mirror (XML, escaped through the same `html` template). Need a public URL. */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { offsetIso, wall } from './when.ts';
import { html, type Safe } from './html.ts';
import { contentLang, prefixOf, translator, versionsOf, type Lang } from './i18n.ts';
import { categoryName, type Category } from './pages.ts';
import { ABOUT_PATH, absoluteUrl, ACCESSIBILITY_PATH, atomPath, DEFAULT_SORT, listingPath, noticePath, SITEMAP_PATH } from './paths.ts';

function iso(ms: number, board: Board): string {
  return offsetIso(ms, board.timeZone);
}

function entryUpdated(n: FeedNotice): number {
  return Date.parse(n.register?.at(-1)?.at ?? n.postAt);
}

/** Renders a version's entries, each once however many feeds list it (the board's and its category's). */
type Entries = (n: FeedNotice) => Safe;

function entriesOf(board: Board, lang: Lang): Entries {
  const t = translator(lang);
  const prefix = prefixOf(lang, board);
  const written = contentLang(board);
  // Content in another language than the feed's words: marked, on the element or on a span of the summary.
  const foreign = written !== lang;
  const mark = foreign ? html` xml:lang="${written}"` : null;
  const span = (text: string): Safe | string => (foreign ? html`<span xml:lang="${written}">${text}</span>` : text);
  const [posted, removalWord, revoked, department, ref] = [t.text('fPosted'), t.text('fRemoval').toLocaleLowerCase(lang), t.text('untilRevoked'), t.text('fDepartment'), t.text('fRefShort')];
  const done = new Map<string, Safe>();
  return (n) => {
    let entry = done.get(n.id);
    if (entry !== undefined) return entry;
    const url = absoluteUrl(board, `${prefix}${noticePath(n.id)}`);
    const removal = n.removeAt === null ? revoked : wall(Date.parse(n.removeAt), board.timeZone);
    const when = `${posted} ${wall(Date.parse(n.postAt), board.timeZone)}, ${removalWord} ${removal}.`;
    const refText = n.referenceNumber ? ` ${ref} ${n.referenceNumber}.` : '';
    // Plain text where the content is in the feed's language (escaped once); XHTML with marked spans where it is not.
    const summary = foreign
      ? html`${when}${n.department ? html` ${department}: ${span(n.department)}.` : null}${refText}${n.description ? html` ${span(n.description)}` : null}`
      : `${when}${n.department ? ` ${department}: ${n.department}.` : ''}${refText}${n.description ? ` ${n.description}` : ''}`;
    entry = html`<entry>
<id>${url}</id>
<title${mark}>${n.title}</title>
<link rel="alternate" type="text/html" href="${url}"/>
<published>${iso(Date.parse(n.postAt), board)}</published>
<updated>${iso(entryUpdated(n), board)}</updated>
${n.category ? html`<category term="${n.category}"/>` : null}
${foreign ? html`<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${summary}</div></summary>` : html`<summary>${summary}</summary>`}
</entry>
`;
    done.set(n.id, entry);
    return entry;
  };
}

/**
 * atom.xml (the board) or kategorie/<slug>/atom.xml (`category`) of one language version (`lang`,
 * the board's own by default; another version's feed is under its prefix, "en/atom.xml"): one
 * entry per posted notice, newest posting first, linking to that version's pages. The feed's own
 * words (title, the summary's labels) are in the version's language; notice content stays as
 * written, marked with its language (xml:lang) where that differs. The feed's <updated> is its
 * newest entry's, so an unchanged list gives the same bytes in every build (incremental builds
 * keep the file); `at` only for an empty feed. `entries`: the version's entries already rendered
 * for another feed (feedFiles).
 */
export function atomFeed(board: Board, at: number, notices: FeedNotice[], category: Category | null = null, lang: Lang = versionsOf(board)[0]!, entries: Entries = entriesOf(board, lang)): string {
  const t = translator(lang);
  const prefix = prefixOf(lang, board);
  const sorted = [...notices].sort((a, b) => Date.parse(b.postAt) - Date.parse(a.postAt) || (a.id < b.id ? -1 : 1));
  const home = absoluteUrl(board, `${prefix}${category === null ? '' : listingPath(category.slug, DEFAULT_SORT, 1)}`);
  const updated = sorted.length === 0 ? at : Math.max(...sorted.map(entryUpdated));
  const boardWord = t.text('board');
  // Plain text, like every reader shows a feed's title (the category's and the board's names as written).
  const title = category === null ? `${boardWord} – ${board.name}` : `${category.name} – ${boardWord.toLocaleLowerCase(lang)} – ${board.name}`;
  return html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
<id>${home}</id>
<title>${title}</title>
<updated>${iso(updated, board)}</updated>
<author><name>${board.name}</name></author>
<link rel="self" type="application/atom+xml" href="${absoluteUrl(board, `${prefix}${atomPath(category?.slug ?? null)}`)}"/>
<link rel="alternate" type="text/html" href="${home}"/>
${sorted.map(entries)}</feed>
`.value;
}

/** URLs a sitemap file may list (sitemaps.org); a larger mirror gets an index of several files. */
export const SITEMAP_MAX_URLS = 50_000;

/**
 * sitemap.xml: the index, each category's first page, every posted notice page without personal
 * data (those are noindex and stay out), the page about the board and the accessibility statement,
 * each in every language version. Every version of a page has its own <url>, listing all versions
 * of that page (itself too) and x-default (the board's own language) as xhtml:link alternates, the
 * form sitemaps.org allows for extensions and search engines read for hreflang. Categories that
 * are empty now (their pages say so) are left out. Over `max` URLs (50,000: 25,000 notices in two
 * versions), sitemap.xml is a sitemap index of sitemap-1.xml, sitemap-2.xml, …, each page's
 * versions in the same file.
 */
export function sitemaps(board: Board, notices: FeedNotice[], categories: Category[], max = SITEMAP_MAX_URLS): { path: string; content: string }[] {
  const paths = [
    '',
    ...categories.map((c) => listingPath(c.slug, DEFAULT_SORT, 1)),
    ...notices.filter((n) => n.personalData !== true).map((n) => noticePath(n.id)),
    ABOUT_PATH,
    ACCESSIBILITY_PATH,
  ];
  const versions = versionsOf(board);
  const prefixes = versions.map((v) => prefixOf(v, board));
  const url = (p: string): Safe => {
    const at = prefixes.map((prefix) => absoluteUrl(board, `${prefix}${p}`));
    const links = html`${versions.map((v, i) => html`<xhtml:link rel="alternate" hreflang="${v}" href="${at[i]!}"/>\n`)}<xhtml:link rel="alternate" hreflang="x-default" href="${at[0]!}"/>\n`;
    return html`${at.map((loc) => html`<url><loc>${loc}</loc>\n${links}</url>\n`)}`;
  };
  const urlset = (part: string[]): string => html`<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${part.map(url)}</urlset>
`.value;
  const perFile = Math.max(1, Math.floor(max / versions.length));
  if (paths.length <= perFile) return [{ path: SITEMAP_PATH, content: urlset(paths) }];
  const files: { path: string; content: string }[] = [];
  for (let i = 0; i * perFile < paths.length; i++) files.push({ path: `sitemap-${i + 1}.xml`, content: urlset(paths.slice(i * perFile, (i + 1) * perFile)) });
  const index = html`<?xml version="1.0" encoding="utf-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${files.map((f) => html`<sitemap><loc>${absoluteUrl(board, f.path)}</loc></sitemap>\n`)}</sitemapindex>
`.value;
  return [{ path: SITEMAP_PATH, content: index }, ...files];
}

/**
 * Every machine-readable feed file of the mirror but the open data: the Atom feeds of the board and
 * of each category in each language version (the board's own at the root, the others under their
 * prefix), and the sitemap. The OFN file stays one: the standard is Czech.
 */
export function feedFiles(board: Board, at: number, shown: FeedNotice[], categories: Category[]): { path: string; content: string }[] {
  const files: { path: string; content: string }[] = [];
  const inCategory = new Map<string, FeedNotice[]>();
  for (const n of shown) {
    const name = categoryName(n);
    const list = inCategory.get(name);
    if (list === undefined) inCategory.set(name, [n]);
    else list.push(n);
  }
  for (const lang of versionsOf(board)) {
    const prefix = prefixOf(lang, board);
    // Each entry rendered once per version, for the board's feed and its category's.
    const entries = entriesOf(board, lang);
    files.push({ path: `${prefix}${atomPath(null)}`, content: atomFeed(board, at, shown, null, lang, entries) });
    for (const c of categories) files.push({ path: `${prefix}${atomPath(c.slug)}`, content: atomFeed(board, at, inCategory.get(c.name) ?? [], c, lang, entries) });
  }
  files.push(...sitemaps(board, shown, categories));
  return files;
}
