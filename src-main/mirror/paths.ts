/** Stable public paths of the web mirror, relative to the board's publicUrl. */
import type { Board } from '../shared/domain.ts';
import { isSha256 } from '../shared/feed.ts';

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Refuses ids that could escape their folder or need encoding: a page path must be stable. */
export function assertSafeId(id: string): string {
  if (!SAFE_ID.test(id) || id.includes('..')) throw new Error(`notice id not usable in a path: ${JSON.stringify(id)}`);
  return id;
}

export function assertSha256(sha: string): string {
  if (!isSha256(sha)) throw new Error(`not a SHA-256: ${JSON.stringify(sha)}`);
  return sha;
}

export const INDEX_PATH = '';
export const OFN_PATH = 'opendata/uredni-deska.jsonld';
export const ATOM_PATH = 'atom.xml';
export const SITEMAP_PATH = 'sitemap.xml';
export const ACCESSIBILITY_PATH = 'pristupnost/';
export const CSS_PATH = 'styl.css';
/** What an official board is and how to read it. */
export const ABOUT_PATH = 'o-desce/';
/** DCAT-AP-CZ records for the national catalogue (NKOD): the dataset and a local catalogue listing it. */
export const DATASET_PATH = 'opendata/datova-sada.jsonld';
export const CATALOG_PATH = 'opendata/katalog.jsonld';
/** The OFN standard the open data follows (the catalogue record links to it). */
export const OFN_STANDARD = 'https://ofn.gov.cz/úřední-desky/2021-07-20/';
export const OFN_SCHEMA = 'https://ofn.gov.cz/úřední-desky/2021-07-20/schémata/úřední-deska.json';

/** Orders of a list of notices; each has static pages of its own (no JavaScript). */
export const SORTS = ['nejnovejsi', 'sejmuti', 'nazev'] as const;
export type Sort = (typeof SORTS)[number];
export const DEFAULT_SORT: Sort = 'nejnovejsi';

/**
 * A page of a list: all notices or one category's ("kategorie/<slug>/"), in one order
 * ("razeni/<sort>/" unless the default), page n ("strana/<n>/" from the second).
 */
export function listingPath(category: string | null, sort: Sort, page: number): string {
  const cat = category === null ? '' : `kategorie/${assertSafeId(category)}/`;
  const order = sort === DEFAULT_SORT ? '' : `razeni/${sort}/`;
  return `${cat}${order}${page > 1 ? `strana/${page}/` : ''}`;
}

/** Atom feed of the board (null) or of one category. */
export function atomPath(category: string | null): string {
  return category === null ? ATOM_PATH : `kategorie/${assertSafeId(category)}/${ATOM_PATH}`;
}

/** The relative way back to the mirror's root from a folder path ("a/b/" → "../../"). */
export function rootOf(path: string): string {
  const depth = path.split('/').filter(Boolean).length - (path.endsWith('/') || path === '' ? 0 : 1);
  return '../'.repeat(depth);
}

/** URL-safe slug of a category name ("Veřejná vyhláška" → "verejna-vyhlaska"). */
export function slugOf(name: string): string {
  const s = name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s || 'kategorie';
}
/** The search page: a form and, with JavaScript, the results from the Pagefind index; without it, the categories. */
export const SEARCH_PATH = 'hledani/';
/** The search page's script (the only script of the mirror: search is an enhancement). */
export const SEARCH_SCRIPT_PATH = 'hledani/hledani.js';
/** Pagefind's index and its browser code (search-index.ts). */
export const SEARCH_INDEX_DIR = 'pagefind/';
/** The archive of removed notices (a board setting): its lists ("archiv/", "archiv/strana/<n>/") and notice pages. */
export const ARCHIVE_PATH = 'archiv/';

export function archiveListPath(page: number): string {
  return `${ARCHIVE_PATH}${page > 1 ? `strana/${page}/` : ''}`;
}

/** "archiv/oznameni/<id>/": a removed notice's page in the archive. */
export function archiveNoticePath(id: string): string {
  return `${ARCHIVE_PATH}oznameni/${assertSafeId(id)}/`;
}

/**
 * The page a web server answers a missing path with, status 404 (docs/nginx-mirror.conf,
 * docs/caddy-mirror.Caddyfile, http/static.ts notFoundResponse): one in each language version
 * ("404.html", "en/404.html"), the server picks the version by the missing path's first folder.
 */
export const NOT_FOUND_PATH = '404.html';

/**
 * The mirror's root as a path from its host's root: the public URL's path ("/", "/mirror/demo/"),
 * or "/" without a public URL. For the 404 page, which a server answers at any depth, where a
 * relative link cannot know its way back to the root (pages.ts notFoundPage).
 */
export function sitePath(board: Pick<Board, 'publicUrl'>): string {
  if (!hasPublicUrl(board)) return '/';
  const path = new URL(board.publicUrl).pathname;
  return path.endsWith('/') ? path : `${path}/`;
}

/** Signed daily digests: digest/YYYY-MM-DD.json and .json.sig, listed on digest/index.html. */
export const DIGEST_PATH = 'digest/';

/** "oznameni/<id>/": one folder per notice, served as its index.html. */
export function noticePath(id: string): string {
  return `oznameni/${assertSafeId(id)}/`;
}

/** "soubory/<sha256>.pdf": attachments are content-addressed, so their URL never changes. */
export function attachmentPath(sha256: string): string {
  return `soubory/${assertSha256(sha256)}.pdf`;
}

/** True when the board has a public URL; without one the mirror writes nothing that needs absolute addresses. */
export function hasPublicUrl(board: Pick<Board, 'publicUrl'>): boolean {
  return /^https?:\/\//.test(board.publicUrl);
}

/** Absolute URL of a mirror path (only with a public URL set: it never makes one up). */
export function absoluteUrl(board: Pick<Board, 'publicUrl'>, path: string): string {
  if (!hasPublicUrl(board)) throw new Error('the board has no public URL: absolute addresses cannot be made');
  const base = board.publicUrl.endsWith('/') ? board.publicUrl : `${board.publicUrl}/`;
  // A mirror path (letters, digits, "-", "_", ".", "/", no dot segments) resolves to the base's
  // address and the path: the URL parser runs once per base, not for each of 100,000 links.
  if (PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
    let href = baseHrefs.get(base);
    if (href === undefined) {
      if (baseHrefs.size > 100) baseHrefs.clear();
      const u = new URL(base);
      href = u.search === '' && u.hash === '' && u.href.endsWith('/') ? u.href : '';
      baseHrefs.set(base, href);
    }
    if (href !== '') return `${href}${path}`;
  }
  return new URL(path, base).href;
}

const PLAIN_PATH = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*(?:\/|$))*$/;
const DOT_SEGMENT = /(?:^|\/)\.\.?(?:\/|$)/;
const baseHrefs = new Map<string, string>();
