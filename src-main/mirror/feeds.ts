/** Atom feeds and sitemap of the mirror (XML, escaped through the same `html` template). Need a public URL. */
import type { Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { offsetIso, wall } from './when.ts';
import { html, type Safe } from './html.ts';
import { contentLang, prefixOf, translator, versionsOf, type Lang } from './i18n.ts';
import { contentKey, fragmentFile, keyOfParts, memoAndKey, type FragmentFile, type FragmentMemo, type KeyOf, type NoticeFragments } from './memo.ts';
import { categoryName, type Category } from './pages.ts';
import { ABOUT_PATH, absoluteUrl, ACCESSIBILITY_PATH, atomPath, DEFAULT_SORT, listingPath, noticePath, SITEMAP_PATH } from './paths.ts';

function iso(ms: number, board: Board): string {
  return offsetIso(ms, board.timeZone);
}

/**
 * The same string, made one piece in memory: a kept fragment is joined in build after build, and
 * V8 copies a string built of pieces (`+=`, templates) piece by piece each time, but flattens it
 * for good when a character is read.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Atom feeds list the newest postings only, this many (the complete list: the OFN file and the list pages). */
export const FEED_MAX_ENTRIES = 100;

/** A notice with its kept fragments (memo.ts): what the feeds and the sitemap are joined from. */
interface Kept {
  n: FeedNotice;
  r: NoticeFragments;
  /** The notice's key in the memo. */
  key: string;
}

/** The kept fragments of each notice, marked as used by this build. */
function keptOf(notices: readonly FeedNotice[], memo: FragmentMemo, keyOf: KeyOf): Kept[] {
  return notices.map((n) => {
    const key = keyOf(n) ?? contentKey(n);
    return { n, r: memo.fragments(key, n), key };
  });
}

/** What a build renders the files from: the board (as bound to the memo, as JSON), and whether the notices' keys name their content. */
interface Context {
  board: Board;
  boardText: string;
  keyed: boolean;
}

/** Newest posting first, then by id: the feeds' order, on the kept instants (no parsing in the comparator). */
function newestFirst(kept: Kept[]): Kept[] {
  return kept.sort((a, b) => newestOrder(a.r.postMs, a.n.id, b.r.postMs, b.n.id));
}

/** Renders one entry of a version's feeds (kept per notice and version by the callers). */
type Entry = (n: FeedNotice, r: NoticeFragments) => string;

function entriesOf(board: Board, lang: Lang): Entry {
  const t = translator(lang);
  const prefix = prefixOf(lang, board);
  const written = contentLang(board);
  // Content in another language than the feed's words: marked, on the element or on a span of the summary.
  const foreign = written !== lang;
  const mark = foreign ? html` xml:lang="${written}"` : null;
  const span = (text: string): Safe | string => (foreign ? html`<span xml:lang="${written}">${text}</span>` : text);
  const [posted, removalWord, revoked, department, ref] = [t.text('fPosted'), t.text('fRemoval').toLocaleLowerCase(lang), t.text('untilRevoked'), t.text('fDepartment'), t.text('fRefShort')];
  return (n, r) => {
    const url = absoluteUrl(board, `${prefix}${noticePath(n.id)}`);
    const removal = r.removeMs === null ? revoked : wall(r.removeMs, board.timeZone);
    const when = `${posted} ${wall(r.postMs, board.timeZone)}, ${removalWord} ${removal}.`;
    const refText = n.referenceNumber ? ` ${ref} ${n.referenceNumber}.` : '';
    // Plain text where the content is in the feed's language (escaped once); XHTML with marked spans where it is not.
    const summary = foreign
      ? html`${when}${n.department ? html` ${department}: ${span(n.department)}.` : null}${refText}${n.description ? html` ${span(n.description)}` : null}`
      : `${when}${n.department ? ` ${department}: ${n.department}.` : ''}${refText}${n.description ? ` ${n.description}` : ''}`;
    return html`<entry>
<id>${url}</id>
<title${mark}>${n.title}</title>
<link rel="alternate" type="text/html" href="${url}"/>
<published>${iso(r.postMs, board)}</published>
<updated>${iso(r.updatedMs, board)}</updated>
${n.category ? html`<category term="${n.category}"/>` : null}
${foreign ? html`<summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">${summary}</div></summary>` : html`<summary>${summary}</summary>`}
</entry>
`.value;
  };
}

/**
 * One feed of newest postings already sorted and cut to FEED_MAX_ENTRIES, its entries kept per
 * version; keyed by its head (which holds the board's words, addresses, title and <updated>), the
 * board and its entries' notices.
 */
function feedFile(ctx: Context, path: string, at: number, newest: readonly Kept[], category: Category | null, lang: Lang, entry: Entry): FragmentFile {
  const { board } = ctx;
  const t = translator(lang);
  const prefix = prefixOf(lang, board);
  const home = absoluteUrl(board, `${prefix}${category === null ? '' : listingPath(category.slug, DEFAULT_SORT, 1)}`);
  let updated = newest.length === 0 ? at : -Infinity;
  for (const { r } of newest) updated = Math.max(updated, r.updatedMs);
  const boardWord = t.text('board');
  // Plain text, like every reader shows a feed's title (the category's and the board's names as written).
  const title = category === null ? `${boardWord} – ${board.name}` : `${category.name} – ${boardWord.toLocaleLowerCase(lang)} – ${board.name}`;
  const head = html`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
<id>${home}</id>
<title>${title}</title>
<updated>${iso(updated, board)}</updated>
<author><name>${board.name}</name></author>
<link rel="self" type="application/atom+xml" href="${absoluteUrl(board, `${prefix}${atomPath(category?.slug ?? null)}`)}"/>
<link rel="alternate" type="text/html" href="${home}"/>
`.value;
  return fragmentFile(path, ctx.keyed ? () => keyOfParts(['atom', ctx.boardText, head, ...newest.map((k) => k.key)]) : null, {
    text: () => {
      const parts = [head];
      for (const { n, r } of newest) parts.push((r.atom[lang] ??= flat(entry(n, r))));
      parts.push('</feed>\n');
      return parts.join('');
    },
  });
}

function contextOf(board: Board, memo: FragmentMemo | undefined, keyOf: KeyOf | undefined): { ctx: Context; memo: FragmentMemo; keyOf: KeyOf } {
  const use = memoAndKey(memo, keyOf);
  return { ctx: { board, boardText: use.memo.bindBoard(board), keyed: use.keyed }, memo: use.memo, keyOf: use.keyOf };
}

/**
 * atom.xml (the board) or kategorie/<slug>/atom.xml (`category`) of one language version (`lang`,
 * the board's own by default; another version's feed is under its prefix, "en/atom.xml"): the
 * newest FEED_MAX_ENTRIES postings of `notices`, newest first, each an entry linking to that
 * version's page. The feed's own words (title, the summary's labels) are in the version's
 * language; notice content stays as written, marked with its language (xml:lang) where that
 * differs. The feed's <updated> is the newest of its entries', so an unchanged feed gives the
 * same bytes in every build (incremental builds keep the file); `at` only for an empty feed.
 * `memo`, `keyOf`: entries kept from build to build (memo.ts), as in feedFiles.
 */
export function atomFeed(board: Board, at: number, notices: FeedNotice[], category: Category | null = null, lang: Lang = versionsOf(board)[0]!, memo?: FragmentMemo, keyOf?: KeyOf): string {
  const use = contextOf(board, memo, keyOf);
  const newest = newestFirst(keptOf(notices, use.memo, use.keyOf)).slice(0, FEED_MAX_ENTRIES);
  return feedFile(use.ctx, `${prefixOf(lang, board)}${atomPath(category?.slug ?? null)}`, at, newest, category, lang, entriesOf(board, lang)).content;
}

/** URLs a sitemap file may list (sitemaps.org); a larger mirror gets an index of several files. */
export const SITEMAP_MAX_URLS = 50_000;

/** Above this many notice pages the sitemap is an index of buckets (sitemapFiles). */
export const SITEMAP_BUCKETS_ABOVE = 2000;
const SITEMAP_BUCKETS = 16;

/** FNV-1a of a notice's id: its sitemap bucket is this modulo the number of buckets (stable, cheap: no hash per notice per build). */
export function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** How many buckets the sitemap's notice pages are in (sitemapFiles), or null when they are not bucketed (SITEMAP_BUCKETS_ABOVE or fewer). */
export function sitemapBucketCount(board: Board, noticePages: number, max = SITEMAP_MAX_URLS): number | null {
  if (noticePages <= SITEMAP_BUCKETS_ABOVE) return null;
  const perFile = Math.max(1, Math.floor(max / versionsOf(board).length));
  return SITEMAP_BUCKETS * 2 ** Math.max(0, Math.ceil(Math.log2(noticePages / (perFile * SITEMAP_BUCKETS * 0.5))));
}

/** A sitemap page: what names it in the file's key (its path; a notice's id) and its <url> blocks, one per version. */
type SitemapPage = [string, () => string];

/** The <url> blocks of page `p` in every version of the board, each listing all versions as alternates. */
function sitemapUrls(board: Board): (p: string) => string {
  const versions = versionsOf(board);
  const prefixes = versions.map((v) => prefixOf(v, board));
  return (p) => {
    const at = prefixes.map((prefix) => absoluteUrl(board, `${prefix}${p}`));
    const links = html`${versions.map((v, i) => html`<xhtml:link rel="alternate" hreflang="${v}" href="${at[i]!}"/>\n`)}<xhtml:link rel="alternate" hreflang="x-default" href="${at[0]!}"/>\n`;
    return html`${at.map((loc) => html`<url><loc>${loc}</loc>\n${links}</url>\n`)}`.value;
  };
}

/** A notice's sitemap page, its blocks kept with its other fragments. */
function noticeSitemapPage(url: (p: string) => string, { n, r }: Kept): SitemapPage {
  // Keyed by the id (never empty, never with a slash: unlike every other page's path).
  return [n.id, () => (r.sitemap ??= flat(url(noticePath(n.id))))];
}

/** One <urlset> file of the sitemap, keyed by the board and the pages it lists. */
function urlset(ctx: Context, path: string, part: readonly SitemapPage[]): FragmentFile {
  return fragmentFile(
    path,
    () => keyOfParts(['sitemap', ctx.boardText, path, ...part.map(([p]) => p)]),
    {
      text: () => `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${part.map(([, block]) => block()).join('')}</urlset>
`,
    },
  );
}

/** The path of bucket `i` (from 0) of a bucketed sitemap. */
function bucketPath(i: number): string {
  return `sitemap-${i + 1}.xml`;
}

/**
 * Bucket `bucket` of a bucketed sitemap (sitemapBucketCount): `notices` are the notices shown
 * whose id falls in it, in the order of the shown notices, personal data included (left out
 * here, as sitemapFiles leaves them out). The same file sitemapFiles writes for that bucket.
 */
export function sitemapBucketFile(board: Board, bucket: number, notices: readonly FeedNotice[], memo?: FragmentMemo, keyOf?: KeyOf): FragmentFile {
  const use = contextOf(board, memo, keyOf);
  const url = sitemapUrls(board);
  const part = keptOf(notices.filter((n) => n.personalData !== true), use.memo, use.keyOf).map((k) => noticeSitemapPage(url, k));
  return urlset(use.ctx, bucketPath(bucket), part);
}

/**
 * sitemap.xml: the index, each category's first page, every posted notice page without personal
 * data (those are noindex and stay out), the page about the board and the accessibility statement,
 * each in every language version. Every version of a page has its own <url>, listing all versions
 * of that page (itself too) and x-default (the board's own language) as xhtml:link alternates, the
 * form sitemaps.org allows for extensions and search engines read for hreflang. Categories that
 * are empty now (their pages say so) are left out. Over `max` URLs (50,000: 25,000 notices in two
 * versions), sitemap.xml is a sitemap index of sitemap-1.xml, sitemap-2.xml, …, each page's
 * versions in the same file. Above SITEMAP_BUCKETS_ABOVE notice pages it is an index of
 * sitemap-stranky.xml (the pages that are not notices) and 16 buckets of notices by id
 * (sitemap-1.xml … sitemap-16.xml; more when a bucket would pass the limit), so that one change
 * rewrites one small file, not a sitemap of every notice.
 */
export function sitemaps(board: Board, notices: FeedNotice[], categories: Category[], max = SITEMAP_MAX_URLS, memo?: FragmentMemo, keyOf?: KeyOf): FragmentFile[] {
  const use = contextOf(board, memo, keyOf);
  return sitemapFiles(use.ctx, keptOf(notices, use.memo, use.keyOf), categories, max);
}

/** The sitemap's files, each keyed by the board and the pages it lists (a page's <url> blocks depend on nothing else). */
function sitemapFiles(ctx: Context, kept: readonly Kept[], categories: Category[], max: number): FragmentFile[] {
  const { board } = ctx;
  const url = sitemapUrls(board);
  // Each page: what names it in the key (its path) and its <url> blocks (one per version), a notice's kept with its other fragments.
  const page = (p: string): SitemapPage => [p, () => url(p)];
  const noticePages = kept.filter(({ n }) => n.personalData !== true).map((k) => noticeSitemapPage(url, k));
  const perFile = Math.max(1, Math.floor(max / versionsOf(board).length));
  const count = sitemapBucketCount(board, noticePages.length, max);
  const files: FragmentFile[] = [];
  if (count !== null) {
    // In buckets by the notice's id: a change rewrites one bucket's file (at 10,000 notices a
    // sixteenth of the sitemap), and a bucket stays a bucket while notices come and go.
    const buckets: SitemapPage[][] = Array.from({ length: count }, () => []);
    for (const p of noticePages) buckets[idHash(p[0]) % count]!.push(p);
    const others = [page(''), ...categories.map((c) => page(listingPath(c.slug, DEFAULT_SORT, 1))), page(ABOUT_PATH), page(ACCESSIBILITY_PATH)];
    files.push(urlset(ctx, 'sitemap-stranky.xml', others), ...buckets.map((b, i) => urlset(ctx, bucketPath(i), b)));
  } else {
    const pages: SitemapPage[] = [page(''), ...categories.map((c) => page(listingPath(c.slug, DEFAULT_SORT, 1))), ...noticePages, page(ABOUT_PATH), page(ACCESSIBILITY_PATH)];
    if (pages.length <= perFile) return [urlset(ctx, SITEMAP_PATH, pages)];
    for (let i = 0; i * perFile < pages.length; i++) files.push(urlset(ctx, `sitemap-${i + 1}.xml`, pages.slice(i * perFile, (i + 1) * perFile)));
  }
  const index = html`<?xml version="1.0" encoding="utf-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${files.map((f) => html`<sitemap><loc>${absoluteUrl(board, f.path)}</loc></sitemap>\n`)}</sitemapindex>
`.value;
  return [fragmentFile(SITEMAP_PATH, null, { text: () => index }), ...files];
}

/**
 * Every machine-readable feed file of the mirror but the open data: the Atom feeds of the board and
 * of each category in each language version (the board's own at the root, the others under their
 * prefix), each of the newest FEED_MAX_ENTRIES postings, and the sitemap. The OFN file stays one:
 * the standard is Czech (ofn.ts ofnFile).
 *
 * `memo`, `keyOf`: each notice's entries (per version), sitemap <url> blocks and instants are kept
 * in `memo` under `keyOf(n)` (memo.ts; a key that changes whenever the notice does, e.g. build.ts's
 * notice page key) and joined, so a build after one change renders that notice's fragments only.
 * Without a memo every fragment is rendered (a fresh memo: the same code either way). The notices
 * are sorted once for every version and feed. Each file's content is joined when first read, and
 * its `key` names what it is made from (memo.ts FragmentFile): an unchanged file need not be joined.
 */
export function feedFiles(board: Board, at: number, shown: FeedNotice[], categories: Category[], memo?: FragmentMemo, keyOf?: KeyOf): FragmentFile[] {
  const use = contextOf(board, memo, keyOf);
  const kept = keptOf(shown, use.memo, use.keyOf);
  // Each feed's newest postings, from one sort: the board's and each category's, the same in every version.
  const files = atomFiles(use.ctx, at, newestFirst([...kept]), categories, (k) => k.n, (k) => k);
  files.push(...sitemapFiles(use.ctx, kept, categories, SITEMAP_MAX_URLS));
  return files;
}

/**
 * The Atom feeds of every version (as feedFiles writes them) from `newest`: every notice shown,
 * newest posting first, then by id (as a caller keeping them in that order across changes has
 * them: the mirror's fast path). Only the notices the feeds list are looked up in the memo.
 */
export function atomFeedFiles(board: Board, at: number, newest: readonly FeedNotice[], categories: Category[], memo?: FragmentMemo, keyOf?: KeyOf, wanted?: FeedsWanted): FragmentFile[] {
  const use = contextOf(board, memo, keyOf);
  return atomFiles(
    use.ctx,
    at,
    newest,
    categories,
    (n) => n,
    (n) => {
      const key = use.keyOf(n) ?? contentKey(n);
      return { n, r: use.memo.fragments(key, n), key };
    },
    wanted,
  );
}

/** Which feeds to make: the board's, and those of the categories named (by name); all when not given. */
export interface FeedsWanted {
  board: boolean;
  categories: ReadonlySet<string>;
}

/**
 * The feeds a change of the notices `changed` touches, each given as it was or is and where it
 * is in that order's `newest` (feeds.ts atomFeedFiles' order): the board's when one is among its
 * first FEED_MAX_ENTRIES, a category's when one is among the category's first FEED_MAX_ENTRIES.
 * A feed none of them is or was in shows the same entries and gives the same bytes.
 */
export function feedsTouched(changed: readonly { n: FeedNotice; at: number; newest: readonly FeedNotice[] }[]): FeedsWanted {
  const wanted = { board: false, categories: new Set<string>() };
  for (const { n, at, newest } of changed) {
    if (at < FEED_MAX_ENTRIES) wanted.board = true;
    const name = categoryName(n);
    if (wanted.categories.has(name)) continue;
    let before = 0;
    for (let i = 0; i < at && before < FEED_MAX_ENTRIES; i++) if (categoryName(newest[i]!) === name) before++;
    if (before < FEED_MAX_ENTRIES) wanted.categories.add(name);
  }
  return wanted;
}

/** The board's and each category's feeds, in every version, from `newest` (newest first): the first FEED_MAX_ENTRIES of each. */
function atomFiles<T>(ctx: Context, at: number, newest: readonly T[], categories: Category[], noticeOf: (x: T) => FeedNotice, kept: (x: T) => Kept, wanted?: FeedsWanted): FragmentFile[] {
  const { board } = ctx;
  const chosen = wanted === undefined ? categories : categories.filter((c) => wanted.categories.has(c.name));
  const onBoard = wanted === undefined || wanted.board ? newest.slice(0, FEED_MAX_ENTRIES).map(kept) : null;
  const inCategory = new Map<string, Kept[]>(chosen.map((c) => [c.name, []]));
  // Read until every chosen category's feed is full (at most every notice).
  let full = 0;
  for (const x of newest) {
    if (full === chosen.length) break;
    const list = inCategory.get(categoryName(noticeOf(x)));
    if (list !== undefined && list.length < FEED_MAX_ENTRIES && list.push(kept(x)) === FEED_MAX_ENTRIES) full++;
  }
  const files: FragmentFile[] = [];
  for (const lang of versionsOf(board)) {
    const prefix = prefixOf(lang, board);
    const entry = entriesOf(board, lang);
    if (onBoard !== null) files.push(feedFile(ctx, `${prefix}${atomPath(null)}`, at, onBoard, null, lang, entry));
    for (const c of chosen) files.push(feedFile(ctx, `${prefix}${atomPath(c.slug)}`, at, inCategory.get(c.name)!, c, lang, entry));
  }
  return files;
}

/** The order of the feeds (newestFirst) on two notices' posting instants and ids: negative when the first comes first. */
export function newestOrder(aPostMs: number, aId: string, bPostMs: number, bId: string): number {
  return bPostMs - aPostMs || (aId < bId ? -1 : aId > bId ? 1 : 0);
}
