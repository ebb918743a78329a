/**
 * Per-notice fragments of the machine-readable files (Atom entries, OFN items, sitemap <url>
 * blocks), kept from build to build so that one change on a board of 10,000 notices renders one
 * notice's fragments and joins the rest (feeds.ts feedFiles, ofn.ts ofnText).
 *
 * A memo belongs to one board, with one set of settings, rendered by this process's code: its
 * `boardKey` names them (reset with another key empties it). Fragments are kept under a key the
 * caller gives for each notice, which must change whenever the notice or anything its fragments
 * are rendered from changes (build.ts gives the notice page's key: the notice and its category's
 * slug). As a second guard the renderers bind the memo to the board record they render for
 * (`bindBoard`): another board record (address, time zone, locale, name) empties it too.
 *
 * Memory stays bounded to one board's notices: `sweep()` after a build drops every fragment the
 * build did not use; without it, the memo drops what earlier builds used once it holds `limit`
 * notices. Dropping never changes output: a fragment not kept is rendered again.
 */
import { isPostedAt, type Board } from '../shared/domain.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { sha256Hex } from '../publication/signing.ts';

/** What the memo keeps of one notice (under its key), filled in by the renderers as they need it. */
export interface NoticeFragments {
  /** The notice's id: a record found under a key but made for another id is not used. */
  readonly id: string;
  /** Date.parse(postAt): sorting and "posted at" without parsing in a comparator. */
  readonly postMs: number;
  /** Date.parse(removeAt), null for a notice posted until revoked. */
  readonly removeMs: number | null;
  /** The instant of its last revision (its change register's last entry), else postMs: the Atom <updated>. */
  readonly updatedMs: number;
  /** Atom <entry> per language version (feeds.ts). */
  atom: Partial<Record<string, string>>;
  /**
   * The OFN `informace` item as compact JSON, "<" written \u003c, in UTF-8 (ofn.ts): the file is
   * joined as bytes, about half the memory of the text (Czech makes it two bytes a character) and
   * nothing to encode for a writer that takes bytes.
   */
  ofn?: Uint8Array;
  /** The <url> blocks of the notice's page in every language version (feeds.ts sitemaps; none for a notice with personal data). */
  sitemap?: string;
  /** The generation of the build that last used it. */
  used: number;
}

/** Notices kept at most while `sweep` is not called (several times a large board's). */
export const MEMO_LIMIT = 100_000;

export class FragmentMemo {
  #boardKey: string;
  #board: string | null = null;
  #records = new Map<string, NoticeFragments>();
  #generation = 0;
  readonly #limit: number;

  constructor(boardKey = '', o: { limit?: number } = {}) {
    this.#boardKey = boardKey;
    this.#limit = Math.max(1, o.limit ?? MEMO_LIMIT);
  }

  /** The key of the board, settings and renderer the fragments were made for. */
  get boardKey(): string {
    return this.#boardKey;
  }

  /** Notices kept. */
  get size(): number {
    return this.#records.size;
  }

  /** Another board key empties the memo (true then); the same one keeps it. */
  reset(boardKey: string): boolean {
    if (boardKey === this.#boardKey) return false;
    this.#boardKey = boardKey;
    this.clear();
    return true;
  }

  /** Forgets every fragment (the board key stays). */
  clear(): void {
    this.#records.clear();
    this.#board = null;
  }

  /**
   * The renderers' guard: fragments are made for one board record. Another one (its address,
   * time zone, locale or name changed without a new board key) empties the memo. Returns the
   * record as JSON (files' keys are made with it).
   */
  bindBoard(board: Board): string {
    const text = JSON.stringify(board);
    if (this.#board === text) return text;
    if (this.#board !== null) this.#records.clear();
    this.#board = text;
    return text;
  }

  /**
   * The fragments of notice `n` kept under `key`, marked as used by the running build; a new
   * record (no fragments yet) when none is kept or the one kept was made for another id.
   */
  fragments(key: string, n: FeedNotice): NoticeFragments {
    let r = this.#records.get(key);
    if (r === undefined || r.id !== n.id) {
      if (this.#records.size >= this.#limit) {
        // Never swept (or one build of more notices than the limit): what earlier builds used goes, and a new generation starts.
        this.#evict();
        this.#generation++;
      }
      const postMs = Date.parse(n.postAt);
      const last = n.register?.at(-1)?.at;
      r = {
        id: n.id,
        postMs,
        removeMs: n.removeAt === null ? null : Date.parse(n.removeAt),
        updatedMs: last === undefined ? postMs : Date.parse(last),
        atom: {},
        used: this.#generation,
      };
      this.#records.set(key, r);
    } else r.used = this.#generation;
    return r;
  }

  /**
   * The fragments of notice `n` if it is posted at `at` (as fragments() marks them used), else
   * null, and nothing is kept of a notice not posted: its instants are asked from the record kept
   * under `key`, or parsed when there is none (`key` undefined: the notice's content is its key).
   */
  postedFragments(key: string | undefined, n: FeedNotice, at: number): NoticeFragments | null {
    const kept = key === undefined ? undefined : this.#records.get(key);
    if (kept !== undefined && kept.id === n.id) {
      if (!postedAt(kept, at)) return null;
      kept.used = this.#generation;
      return kept;
    }
    return isPostedAt(n, at) ? this.fragments(key ?? contentKey(n), n) : null;
  }

  /**
   * Ends a build: drops every record the build since the last sweep did not use, and starts the
   * next. Returns how many were dropped.
   */
  sweep(): number {
    const dropped = this.#evict();
    this.#generation++;
    return dropped;
  }

  /** Drops the records not used since the last sweep. */
  #evict(): number {
    let dropped = 0;
    for (const [key, r] of this.#records) {
      if (r.used !== this.#generation) {
        this.#records.delete(key);
        dropped++;
      }
    }
    return dropped;
  }
}

/** The key of a notice when the caller gives none: its whole content (fragments depend on nothing else but the board). */
export function contentKey(n: FeedNotice): string {
  return JSON.stringify(n);
}

/** A caller's key of each notice; undefined: none known (the notice's content is its key then). */
export type KeyOf = (n: FeedNotice) => string | undefined;

/**
 * The memo and keys a renderer works with: the caller's, or a fresh memo (one build, nothing
 * kept) keyed by id. With a memo but no key function, the notice's whole content is its key.
 * `keyed`: the keys name the notices' content (a file's key can be made of them); not so for ids.
 */
export function memoAndKey(memo: FragmentMemo | undefined, keyOf: KeyOf | undefined): { memo: FragmentMemo; keyOf: KeyOf; keyed: boolean } {
  return { memo: memo ?? new FragmentMemo(), keyOf: keyOf ?? (memo === undefined ? (n) => n.id : contentKey), keyed: keyOf !== undefined || memo !== undefined };
}

/** shared/domain.ts isPostedAt on the kept instants (the same comparisons, so the same answer for every input). */
export function postedAt(r: Pick<NoticeFragments, 'postMs' | 'removeMs'>, at: number): boolean {
  return !(at < r.postMs) && (r.removeMs === null || at < r.removeMs);
}

/** The memo of each board this process (or worker thread) builds, by board id. */
const boardMemos = new Map<string, FragmentMemo>();

/**
 * The memo of board `boardId` in this thread, emptied when `boardKey` (its record, settings and
 * renderer) differs from the last build's. One per board: two boards never share fragments.
 */
export function boardMemo(boardId: string, boardKey: string): FragmentMemo {
  let memo = boardMemos.get(boardId);
  if (memo === undefined) boardMemos.set(boardId, (memo = new FragmentMemo(boardKey)));
  else memo.reset(boardKey);
  return memo;
}

/**
 * A file joined from kept fragments. `content` (text) or `bytes` (its UTF-8) is joined when first
 * read (an unchanged file need never be); each is made from the other where the file is joined
 * as the other. `key` names everything the file is rendered from, so two renders with the same
 * key (by the same code) give the same bytes and a caller may compare keys instead of contents
 * (build.ts hard-links the live release's file then). Built from the notices' keys where the
 * caller gave them (or the memo's content keys), else the SHA-256 of the content.
 */
export interface FragmentFile {
  readonly path: string;
  readonly key: string;
  readonly content: string;
  readonly bytes: Uint8Array;
}

/**
 * A FragmentFile whose key and content are computed once, when first read, joined as text or as
 * bytes (`render`); `key` null: the content's hash.
 */
export function fragmentFile(path: string, key: (() => string) | null, render: { text: () => string } | { bytes: () => Uint8Array }): FragmentFile {
  let k: string | undefined;
  let c: string | undefined;
  let b: Uint8Array | undefined;
  const content = (): string => (c ??= 'text' in render ? render.text() : Buffer.from(bytes()).toString('utf8'));
  const bytes = (): Uint8Array => (b ??= 'bytes' in render ? render.bytes() : Buffer.from(content(), 'utf8'));
  return {
    path,
    get content() {
      return content();
    },
    get bytes() {
      return bytes();
    },
    get key() {
      return (k ??= key === null ? `sha256:${sha256Hex('text' in render ? content() : bytes())}` : key());
    },
  };
}

/** The key of a file from what it is rendered from (each part a string without NUL: texts, keys, ids). */
export function keyOfParts(parts: readonly string[]): string {
  return sha256Hex(parts.join('\0'));
}

/** Forgets board `boardId`'s memo in this thread (a board deleted, or no longer built here). */
export function forgetBoardMemo(boardId: string): void {
  boardMemos.delete(boardId);
}
