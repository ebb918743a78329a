/**
 * The mirror's full-text search: a static Pagefind index (pagefind/ in each release) over every
 * shown notice's text and its attachments' extracted text (named in the feed by `textSha256`).
 * Pagefind matches without diacritics ("zadost" finds "Žádost"). The index is made by Pagefind's
 * own binary in a child process (the build itself runs in a worker thread or the CLI), from the
 * notices shown at the build's instant only: a removed notice leaves the index with the first
 * build at or after its removal, like every other file. The visitor's browser reads the index
 * from the mirror itself (hledani/hledani.js); nothing is asked of another site.
 */
import { sha256Hex } from '../publication/signing.ts';
import type { FeedNotice } from '../shared/feed.ts';
import { categoryName } from './pages.ts';
import { noticePath, SEARCH_INDEX_DIR } from './paths.ts';

/** One searchable notice: its page (relative to the mirror's root), its text, what a result shows. */
export interface SearchRecord {
  url: string;
  content: string;
  meta: { title: string; category: string };
}

/** Pagefind's files a browser needs (its ready-made UIs and the highlighter are left out). */
const NEEDED = /^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|pagefind\.[^/]+\.pf_meta|wasm\.[^/]+\.pagefind|index\/[^/]+\.pf_index|fragment\/[^/]+\.pf_fragment|filter\/[^/]+\.pf_filter)$/;

/** The language the index is made in: the notices are the board's own text (Czech, or Polish boards' Polish). */
export type SearchLanguage = 'cs' | 'pl' | 'en';

/**
 * Identity of everything the index is made from: each shown notice's searchable fields and the
 * hashes of its attachments' texts. The same key as the live release's means the same index
 * (hard-linked, Pagefind not run at all).
 */
export function searchKey(shown: readonly FeedNotice[], language: SearchLanguage): string {
  return sha256Hex(
    JSON.stringify([
      language,
      shown.map((n) => [n.id, n.title, n.description, categoryName(n), n.typeName ?? '', n.department, n.referenceNumber, n.fileMark, n.attachments.map((a) => [a.name, a.textSha256 ?? ''])]),
    ]),
  );
}

/**
 * The records of the shown notices. `readText` gives an attachment's extracted text by its
 * SHA-256 (checked here); a text that cannot be read or does not match is left out and counted,
 * the notice is still found by everything else.
 */
export async function searchRecords(shown: readonly FeedNotice[], readText: (sha256: string) => Promise<Uint8Array>): Promise<{ records: SearchRecord[]; unreadable: number }> {
  let unreadable = 0;
  const texts = new Map<string, Promise<string | null>>();
  const text = (sha: string): Promise<string | null> => {
    let t = texts.get(sha);
    if (t === undefined) {
      t = readText(sha).then(
        (bytes) => (sha256Hex(bytes) === sha ? new TextDecoder('utf-8').decode(bytes) : null),
        () => null,
      );
      texts.set(sha, t);
    }
    return t;
  };
  const records: SearchRecord[] = [];
  for (const n of shown) {
    const parts = [n.title, n.description, categoryName(n), n.typeName ?? '', n.department, n.referenceNumber, n.fileMark];
    for (const a of n.attachments) {
      parts.push(a.name);
      if (a.textSha256 === undefined) continue;
      const t = await text(a.textSha256);
      if (t === null) unreadable++;
      else parts.push(t);
    }
    records.push({ url: noticePath(n.id), content: asSentences(parts), meta: { title: n.title, category: categoryName(n) } });
  }
  return { records, unreadable };
}

/**
 * A record's fields as one text of sentences: each field ends with a full stop unless it ends with
 * a stop of its own ("Odbor výstavby. MUHL/123/2026. Text…"). Pagefind folds newlines into spaces,
 * so fields joined by them ran together in a result's excerpt ("Odbor výstavby MUHL/123/2026 Text…").
 * Empty fields are left out; a field's own line breaks stay (Pagefind folds them).
 */
export function asSentences(parts: readonly string[]): string {
  const fields = parts.map((p) => p.trim()).filter((p) => p !== '');
  return fields.map((p, i) => (i < fields.length - 1 && !/[.!?…:;]$/u.test(p) ? `${p}.` : p)).join(' ');
}

/** Shards of the index of a board with more notices than this (one otherwise). */
const SHARD_ABOVE = 1000;
const SHARDS = 16;

/**
 * The index is split in shards by a hash of the notice's id, each a complete Pagefind bundle in
 * pagefind/<shard>/, merged in the visitor's browser (Pagefind's mergeIndex; the script reads the
 * list of shards from pagefind/shards.json). A change remakes only its notice's shard: at 10,000
 * notices a sixteenth of the index. A small board has one shard.
 */
export function shardsOf(shown: readonly FeedNotice[]): FeedNotice[][] {
  const count = shown.length > SHARD_ABOVE ? SHARDS : 1;
  const shards: FeedNotice[][] = Array.from({ length: count }, () => []);
  for (const n of shown) shards[count === 1 ? 0 : Number.parseInt(sha256Hex(n.id).slice(0, 8), 16) % count]!.push(n);
  return shards;
}

/** The folder of shard `i` in the release. */
export function shardDir(i: number): string {
  return `${SEARCH_INDEX_DIR}${i}/`;
}

/** The list of non-empty shards the search script merges (their folder names under pagefind/). */
export const SHARD_LIST_PATH = `${SEARCH_INDEX_DIR}shards.json`;

/**
 * Notices a fast patch (patch.ts) removed or changed while the index still holds them as they were: ids, JSON. The search
 * page never lists them; the next build remakes the shard and leaves this file out.
 */
export const HIDDEN_LIST_PATH = `${SEARCH_INDEX_DIR}hidden.json`;

/**
 * The Pagefind index of each group of records, as files relative to the release (in memory: the
 * build writes them beside the pages), each group under its `dir`. One Pagefind process makes
 * them one after another. Throws with Pagefind's own words when it fails.
 */
export async function pagefindIndexes(groups: readonly { dir: string; records: readonly SearchRecord[] }[], language: SearchLanguage, cancelled: () => boolean = () => false): Promise<{ path: string; content: Uint8Array }[]> {
  const pagefind = await import('pagefind');
  indexing++;
  try {
    const out: { path: string; content: Uint8Array }[] = [];
    for (const g of groups) out.push(...(await makeIndex(pagefind, g.records, language, cancelled, g.dir)));
    return out;
  } finally {
    // Pagefind's process is stopped (and reaped) once no build of this thread needs it; it is
    // started again by the next build. Left running, it would outlive a CLI build as a zombie.
    if (--indexing === 0) await pagefind.close().catch(() => null);
  }
}

/** Builds of this thread using Pagefind's process now. */
let indexing = 0;

async function makeIndex(pagefind: typeof import('pagefind'), records: readonly SearchRecord[], language: SearchLanguage, cancelled: () => boolean, dir: string): Promise<{ path: string; content: Uint8Array }[]> {
  // Fragments bundled (at most 256 files): at 10,000 notices, one file per notice made writing the index cost more than making it.
  const created = await pagefind.createIndex({ forceLanguage: language, maxFragments: 256 });
  if (!created.index) throw new Error(created.errors.join('; ') || 'Pagefind index not created');
  const index = created.index;
  try {
    // Sent in batches: every record is a message to Pagefind's process.
    for (let i = 0; i < records.length; i += 256) {
      // A build that is no longer wanted (a release built ahead, overtaken by a change) stops here.
      if (cancelled()) throw new Error('index cancelled');
      const replies = await Promise.all(records.slice(i, i + 256).map((r) => index.addCustomRecord({ url: r.url, content: r.content, language, meta: r.meta })));
      const failed = replies.flatMap((r) => r.errors);
      if (failed.length > 0) throw new Error(failed.join('; '));
    }
    const built = await index.getFiles();
    if (built.errors.length > 0) throw new Error(built.errors.join('; '));
    return built.files.filter((f) => NEEDED.test(f.path)).map((f) => ({ path: `${dir}${f.path}`, content: f.content }));
  } finally {
    await index.deleteIndex().catch(() => null);
  }
}
