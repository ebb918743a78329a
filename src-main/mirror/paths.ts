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

/** Absolute URL of a mirror path. */
export function absoluteUrl(board: Pick<Board, 'publicUrl'>, path: string): string {
  const base = board.publicUrl.endsWith('/') ? board.publicUrl : `${board.publicUrl}/`;
  return new URL(path, base).href;
}
