/**
 * The web mirror: static files rendered from one snapshot and published atomically.
 * Only notices posted at `at` appear anywhere in the output; a notice that is not yet posted
 * (kiosks get those ahead of time) or already removed never reaches the public.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sha256Hex } from '../publication/signing.ts';
import { isPostedAt, type Board } from '../shared/domain.ts';
import type { Safe } from './html.ts';
import type { FeedManifest, FeedNotice } from '../shared/feed.ts';
import { catalogRecord, datasetRecord } from './dcat.ts';
import { feedFiles } from './feeds.ts';
import { formerCategories } from './former.ts';
import { boardMemo } from './memo.ts';
import { ofnFile } from './ofn.ts';
import { aboutPage, accessibilityPage, archivePage, categoriesOf, categoryName, digestPage, listItem, listPage, noticeOrder, noticePage, notFoundPage, searchPage, sortKeyed, sortNotices, type Category, type PageContext, type SortKeyed } from './pages.ts';
import { pagefindIndexes, searchKey, searchRecords, shardDir, shardsOf, SHARD_LIST_PATH, type SearchLanguage, type SearchRecord } from './search-index.ts';
import { SEARCH_SCRIPT } from './search-script.ts';
import { lowerBound } from '../shared/sorted.ts';
import { contentLang, prefixOf, translator, versionsOf } from './i18n.ts';
import {
  ABOUT_PATH,
  ACCESSIBILITY_PATH,
  archiveListPath,
  archiveNoticePath,
  attachmentPath,
  CATALOG_PATH,
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
  SEARCH_INDEX_DIR,
  SEARCH_PATH,
  SEARCH_SCRIPT_PATH,
  SORTS,
} from './paths.ts';
import { currentRelease, newRelease, readBuildState, swapTo, writeBuildState, type BuildState } from './publish.ts';
import { DEFAULT_PAGE_SIZE, normalizePublicUrl, type MirrorSettings } from './settings.ts';
import { MIRROR_CSS } from './style.ts';
import { publicManifest, publicNotice } from '../privacy/public.ts';
import type { ArchivedNotice } from './archive.ts';

export interface MirrorInput {
  manifest: FeedManifest;
  /** The instant the mirror shows (ms); usually Date.parse(manifest.snapshot.createdAt). */
  at: number;
  readAttachment(sha256: string): Promise<Uint8Array>;
  /** Folder of the board's signed daily digests (YYYY-MM-DD.json + .json.sig), published under digest/. */
  digestDir?: string | null;
  /** The board's public key ("ed25519:…"), shown on the digest page. */
  publicKey?: string | null;
  /** The board's mirror settings (DATA/mirror.json); its publicUrl overrides the board's. */
  settings?: MirrorSettings;
  /**
   * Removed notices for the archive (archive.ts), published only with `settings.archive`; those
   * with personal data, still shown, or not yet removed at `at` are left out here too.
   */
  archive?: ArchivedNotice[];
  /**
   * Where the live release's list pages begin (patch.ts liveLayout): listKey(slug, sort) and the
   * page size this build pages by → the sort keys of the first notice of each page after the
   * first (undefined when the live release was paged by another size: a changed setting pages
   * every list anew). The build keeps a list's pages there while each holds from half to twice
   * pageSize (writeLists), so a change rewrites the pages it is on, not every page after it.
   * None: pageSize notices a page.
   */
  layout?: (key: string, pageSize: number) => SortKeyed[] | undefined;
}

const DIGEST_FILE = /^(\d{4}-\d{2}-\d{2})\.json(\.sig)?$/;

/** The file of a mirror path: a folder path ("a/b/", "") is served as its index.html. */
export function fileOf(path: string): string {
  return path.endsWith('/') || path === '' ? `${path}index.html` : path;
}

/**
 * Folders made by the running build, each once (a build makes 10,000 notice folders; mkdir -p on
 * each cost 15 % of a change). Emptied when a build starts: nothing deletes a folder during one.
 * Synchronous, like the deletes in publish.ts: builds run in a worker thread (or the CLI), and
 * tens of thousands of small operations would otherwise queue in libuv's shared thread pool,
 * ahead of other boards' builds and the feed.
 */
const made = new Set<string>();

function ensureDir(dir: string): void {
  if (made.has(dir)) return;
  const parent = dirname(dir);
  if (parent !== dir) ensureDir(parent);
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  made.add(dir);
}

/** renderMirror's sinks, by the made-up root it passes as the release (never a folder). */
const sinks = new Map<string, (file: string, data: string | Uint8Array) => void>();

async function put(root: string, path: string, data: string | Uint8Array): Promise<void> {
  const sink = sinks.get(root);
  if (sink !== undefined) return sink(fileOf(path), data);
  const file = join(root, fileOf(path));
  ensureDir(dirname(file));
  await writeFile(file, data);
}

/**
 * What a release shows and how its lists are paged, kept by the thread that built it for the
 * fast path (patch.ts): a small change is then written into the live release in place.
 */
export interface ReleaseRecord {
  release: string;
  at: number;
  /** The public notices shown, and each one's page key (as in BuildState.pages). */
  shown: FeedNotice[];
  noticeKeys: Map<string, string>;
  categories: Category[];
  /** listKey(slug, sort) → the ids on each page, in order. */
  lists: Map<string, string[][]>;
  /** The page size the lists were paged by (MirrorSettings.pageSize): a build by another size pages them evenly (patch.ts liveLayout). */
  pageSize: number;
  /** The OFN file, feeds and sitemap: path → the key of what each was joined from (memo.ts FragmentFile). */
  joined: Map<string, string>;
}

/** The key of a notice's page (BuildState.pages): it depends only on the notice, its category's slug, the board and the renderer (never on the instant). */
export function noticeKey(n: FeedNotice, categorySlug: string): string {
  return sha256Hex(JSON.stringify([n, categorySlug]));
}

/** The key of a list (all notices: slug null) in one order, in ReleaseRecord.lists. */
export function listKey(slug: string | null, sort: string): string {
  return `${slug ?? ''}\0${sort}`;
}

let lastRecord: ReleaseRecord | null = null;

/** The record of the build this thread finished last (buildMirror), once. */
export function takeReleaseRecord(): ReleaseRecord | null {
  const r = lastRecord;
  lastRecord = null;
  return r;
}

/** What a build did: the notices it shows, the release folder, notice pages rendered anew and reused. */
export interface MirrorBuild {
  shownNoticeIds: string[];
  path: string;
  pagesWritten: number;
  pagesReused: number;
  /** The other files (lists, feeds, open data, pages about the board): written anew and kept from the live release. */
  filesWritten: number;
  filesReused: number;
  /** What the operator should know (e.g. no public URL: no open data, feeds or sitemap). */
  warnings: string[];
  /**
   * The next instant after the build's at which what the mirror shows changes (a posting or a
   * removal in the manifest), or null when the manifest knows none (a notice posted at or after
   * its horizon is not in it yet).
   */
  nextInstant: number | null;
}

/**
 * Files written or linked at once by default. libuv's thread pool (4 threads) does the disk work
 * for the whole process, so a large board's build is given fewer (`parallel`), leaving threads free
 * for a small board's build, the feed and the kiosk.
 */
const PARALLEL = 16;

export interface BuildOptions {
  /** Delete old releases after the swap (default true); false leaves them for pruneReleases. */
  prune?: boolean;
  /** Files written or linked at once (default 16). */
  parallel?: number;
  /** false: write the release but leave `outDir` as it is (a release built ahead for a known instant, publish.ts Prebuilt). */
  swap?: boolean;
  /** Asked between file operations: true stops the build (its release is deleted; it rejects with BuildCancelled). */
  cancelled?: () => boolean;
}

/** A build stopped by its `cancelled` option. */
export class BuildCancelled extends Error {
  constructor() {
    super('build cancelled');
  }
}

/** The running build's `cancelled` (a thread runs one build at a time, like `made`). */
let cancelCheck: () => boolean = () => false;

function checkCancelled(): void {
  if (cancelCheck()) throw new BuildCancelled();
}

/** The first posting or removal after `at` the manifest knows of (before its horizon), or null. */
export function nextInstantOf(manifest: FeedManifest, at: number): number | null {
  const horizon = Date.parse(manifest.snapshot.horizonUntil);
  let next = Number.isFinite(horizon) ? horizon : Infinity;
  for (const n of manifest.notices) {
    for (const t of [n.postAt, n.removeAt]) {
      if (t === null) continue;
      const ms = Date.parse(t);
      if (ms > at && ms < next) next = ms;
    }
  }
  return next === Infinity || (Number.isFinite(horizon) && next >= horizon) ? null : next;
}

/**
 * Builds the mirror into a new release and swaps `outDir` (a symlink) to it. Incremental: a notice
 * page whose notice, board and renderer are unchanged since the current release is hard-linked
 * from it, not rendered and written again; so are attachments (content-addressed). The index,
 * feeds, open data and the other pages are written anew. The new release is complete before the
 * swap, so a visitor sees either the old mirror or the new one, never a mix. `prune: false` leaves
 * the old releases for pruneReleases (publish.ts) to delete later.
 */
/**
 * What every build renders from: the public copy of the manifest with the public URL that wins,
 * the notices posted at `at`, and the archive reduced to what may be published.
 */
/** The board as the mirror shows it: the settings' public URL wins over the board's; none at all: relative links only (paths.ts hasPublicUrl). */
export function mirrorBoard(board: Board, settings: MirrorSettings = {}): Board {
  return { ...board, publicUrl: normalizePublicUrl(settings.publicUrl ?? board.publicUrl) };
}

/** BuildState.board: the identity of the board (as the mirror shows it) and its mirror settings. */
export function boardKeyOf(board: Board, settings: MirrorSettings = {}): string {
  return sha256Hex(JSON.stringify([board, settings]));
}

function prepare(raw: MirrorInput): { input: MirrorInput; shown: FeedNotice[]; archived: ArchivedNotice[] } {
  // The public never gets a full document that has a redacted copy (privacy/public.ts).
  const pub = publicManifest(raw.manifest);
  const manifest = { ...pub, board: mirrorBoard(pub.board, raw.settings) };
  const shown = manifest.notices.filter((n) => isPostedAt(n, raw.at));
  const shownIds = new Set(shown.map((n) => n.id));
  const archived = raw.settings?.archive
    ? (raw.archive ?? []).filter((n) => n.personalData !== true && !shownIds.has(n.id) && Date.parse(n.removedAt) <= raw.at).map(publicNotice)
    : [];
  return { input: { ...raw, manifest, archive: archived }, shown, archived };
}

export async function buildMirror(raw: MirrorInput, outDir: string, o: BuildOptions = {}): Promise<MirrorBuild> {
  const { input, shown, archived } = prepare(raw);
  const { manifest, at } = input;
  // Validate every id and hash before writing anything.
  for (const n of shown) {
    noticePath(n.id);
    for (const a of n.attachments) attachmentPath(a.sha256);
  }
  for (const n of archived) {
    archiveNoticePath(n.id);
    for (const a of n.attachments) attachmentPath(a.sha256);
  }
  made.clear();
  lastRecord = null;
  cancelCheck = o.cancelled ?? (() => false);
  const previous = await currentRelease(outDir);
  const before = previous === null ? null : await readBuildState(outDir, previous);
  const release = await newRelease(outDir, manifest.snapshot.seq);
  let state: BuildState;
  let written: Omit<MirrorBuild, 'shownNoticeIds' | 'path' | 'nextInstant'>;
  try {
    ({ state, ...written } = await writeRelease(input, shown, release, previous, before, o.parallel ?? PARALLEL));
    checkCancelled();
    await writeBuildState(outDir, release, state);
  } catch (e) {
    // A cancelled build is deleted while the thread takes its next job (the one it was cancelled
    // for, often a fast patch that must not wait seconds for a large half-written release to go).
    const deleting = rm(release, { recursive: true, force: true });
    if (e instanceof BuildCancelled) deleting.catch(() => undefined);
    else await deleting;
    throw e;
  } finally {
    cancelCheck = () => false;
  }
  if (o.swap !== false) await swapTo(outDir, release, { prune: o.prune });
  return { shownNoticeIds: shown.map((n) => n.id), path: release, ...written, nextInstant: nextInstantOf(manifest, at) };
}

/**
 * Every file of a full build, rendered as buildMirror renders them, but given to `out` (a sink:
 * nothing is written) or written into the folder `out` as it is (no release, no swap, no build
 * state). For benchmarks and dry runs; `search: false` leaves out the search index (Pagefind).
 */
export async function renderMirror(raw: MirrorInput, out: string | ((file: string, data: string | Uint8Array) => void), o: BuildOptions & { search?: boolean } = {}): Promise<void> {
  const { input, shown } = prepare(raw);
  const root = typeof out === 'string' ? resolve(out) : `memory:${randomUUID()}`;
  if (typeof out !== 'string') sinks.set(root, out);
  made.clear();
  try {
    const settings = input.settings ?? {};
    const state: BuildState = { renderer: await renderer(), board: boardKeyOf(input.manifest.board, settings), pages: {}, files: {} };
    const ctx: PageContext = { board: input.manifest.board, at: input.at, settings };
    const searching = o.search === false ? null : writeSearch(input, shown, root, null, {}, state, contentLang(input.manifest.board));
    try {
      await writePages(input, ctx, shown, root, null, state, {}, {}, [], o.parallel ?? PARALLEL);
    } finally {
      // Nothing may still write once this returns.
      await searching;
    }
  } finally {
    sinks.delete(root);
  }
}

/** Hard-links a file of the previous release (attachments are content-addressed, so identical). */
async function reuse(previous: string | null, release: string, path: string): Promise<boolean> {
  if (previous === null) return false;
  const target = join(release, path);
  ensureDir(dirname(target));
  try {
    linkSync(join(previous, path), target);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure, once the
 * operations in flight have ended (a cancelled build's release is then deleted: nothing of this
 * build may still write into it, and once the build has ended nothing asks `cancelled` any more).
 */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      checkCancelled();
      await fn(items[next++]!);
    }
  };
  const lanes = Array.from({ length: Math.min(limit, items.length) }, () =>
    lane().catch((e: unknown) => {
      failed = true;
      throw e;
    }),
  );
  const ended = await Promise.allSettled(lanes);
  const failure = ended.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
}

let rendererKey: Promise<string> | null = null;

/**
 * Identity of the code that renders pages: the sources of the mirror's and the shared modules.
 * A release built by other code is never reused from (an upgrade rebuilds every page once).
 */
export function renderer(): Promise<string> {
  rendererKey ??= (async () => {
    try {
      const parts: string[] = [];
      for (const dir of [import.meta.dirname, resolve(import.meta.dirname, '../shared')]) {
        for (const name of (await readdir(dir)).filter((f) => f.endsWith('.ts')).sort()) parts.push(name, await readFile(join(dir, name), 'utf8'));
      }
      return sha256Hex(parts.join('\0'));
    } catch {
      // Sources not readable (a bundled build): never reuse a page rendered by another process.
      return randomUUID();
    }
  })();
  return rendererKey;
}

async function writeRelease(
  input: MirrorInput,
  shown: FeedNotice[],
  release: string,
  previous: string | null,
  before: BuildState | null,
  parallel: number,
): Promise<{ state: BuildState } & Omit<MirrorBuild, 'shownNoticeIds' | 'path' | 'nextInstant'>> {
  const settings = input.settings ?? {};
  const board = input.manifest.board;
  const ctx: PageContext = { board, at: input.at, settings };
  // `categories`: the live release's, carried on (writePages adds the current ones; former.ts).
  const state: BuildState = { renderer: await renderer(), board: boardKeyOf(board, settings), pages: {}, files: {}, categories: before?.categories ?? [] };
  const sameRenderer = previous !== null && before !== null && before.renderer === state.renderer;
  const reusable = sameRenderer && before.board === state.board ? before.pages : {};
  // Other files are compared by content: the same bytes as in the live release are hard-linked, not written.
  const previousFiles = sameRenderer ? (before.files ?? {}) : {};
  const warnings: string[] = [];
  // The search index is made by Pagefind's own process while this thread writes the pages.
  const searching = writeSearch(input, shown, release, previous, previousFiles, state, contentLang(board));
  // It rejects only when the build is cancelled, maybe while the pages are still written: handled below, not unhandled meanwhile.
  searching.catch(() => undefined);
  try {
    const r = await writePages(input, ctx, shown, release, previous, state, reusable, previousFiles, warnings, parallel);
    const s = await searching;
    if (s.warning) warnings.push(s.warning);
    return { state, ...r, filesWritten: r.filesWritten + s.written, filesReused: r.filesReused + s.reused, warnings };
  } catch (e) {
    // Nothing may still write into the release when the caller deletes it.
    await searching;
    throw e;
  }
}

/** Everything but the search index: lists, pages, feeds, open data, digests, attachments. */
async function writePages(
  input: MirrorInput,
  ctx: PageContext,
  shown: FeedNotice[],
  release: string,
  previous: string | null,
  state: BuildState,
  reusable: Record<string, string>,
  previousFiles: Record<string, string>,
  warnings: string[],
  parallel: number,
): Promise<{ pagesWritten: number; pagesReused: number; filesWritten: number; filesReused: number }> {
  const { manifest, at } = input;
  const settings = input.settings ?? {};
  const board = manifest.board;
  let filesWritten = 0;
  let filesReused = 0;
  /** A file and its content, or how to render it and the key of everything it is rendered from. */
  const files: [string, string | { key: string; render: () => string | Uint8Array }][] = [];
  const file = (path: string, data: string | { key: string; render: () => string | Uint8Array }): void => {
    files.push([path, data]);
  };

  const categories = categoriesOf(shown);
  // Categories with no notice now keep pages saying so (former.ts).
  const { former, remember } = formerCategories(state.categories, categories);
  state.categories = remember;
  const slugOfName = new Map(categories.map((c) => [c.name, c.slug]));
  // A notice page depends only on the notice, its category's slug, the board and the renderer (never on the instant).
  const noticeKeys = new Map(shown.map((n) => [n.id, noticeKey(n, slugOfName.get(categoryName(n))!)]));
  file(CSS_PATH, MIRROR_CSS);
  // Each language version (i18n.ts): the same pages under its prefix, in its words.
  const versions = versionsOf(board).map((lang) => ({ prefix: prefixOf(lang, board), vctx: { ...ctx, t: translator(lang) } satisfies PageContext }));
  const lists = new Map<string, string[][]>();
  const joinedKeys = new Map<string, string>();
  for (const [i, { prefix, vctx }] of versions.entries()) {
    const at = (path: string, data: string | { key: string; render: () => string }): void => file(`${prefix}${path}`, data);
    // List pages the live release had past the end of a list that has become shorter keep answering (writeLists).
    const had = (path: string): boolean => Object.hasOwn(previousFiles, `${prefix}${path}`);
    // Every version pages its lists alike: recorded once, for the fast path (patch.ts).
    writeLists(vctx, shown, categories, settings.pageSize ?? DEFAULT_PAGE_SIZE, state.board, noticeKeys, at, former, had, i === 0 ? lists : undefined, input.layout);
    at(ACCESSIBILITY_PATH, accessibilityPage(vctx));
    at(ABOUT_PATH, aboutPage(vctx));
    at(NOT_FOUND_PATH, notFoundPage(vctx));
    at(SEARCH_PATH, searchPage(vctx, categories));
    if (settings.archive) writeArchiveLists(vctx, input.archive ?? [], settings.pageSize ?? DEFAULT_PAGE_SIZE, state.board, at);
  }
  file(SEARCH_SCRIPT_PATH, SEARCH_SCRIPT);
  if (hasPublicUrl(board)) {
    // "<" as \u003c: same JSON, but the file can never be mistaken for markup if sniffed or embedded.
    // Compact: the OFN file of 10,000 notices is a third smaller and a tenth of a change cheaper; browsers indent JSON themselves.
    const json = (v: unknown, indent?: number): string => `${JSON.stringify(v, null, indent).replace(/</g, '\\u003c')}\n`;
    // OFN, Atom and the sitemap are joined from each notice's fragments kept since the board's last build (memo.ts), keyed like its page.
    const memo = boardMemo(board.id, `${state.renderer}\0${state.board}`);
    const keyOf = (n: FeedNotice): string | undefined => noticeKeys.get(n.id);
    // Each file keyed by what it is joined from (memo.ts FragmentFile): one the change does not touch is not joined, only linked.
    const ofn = ofnFile(manifest, at, settings, memo, keyOf);
    joinedKeys.set(OFN_PATH, ofn.key);
    // As bytes: the items are kept in UTF-8 (memo.ts), never decoded and encoded again.
    file(OFN_PATH, { key: ofn.key, render: () => ofn.bytes });
    file(DATASET_PATH, json(datasetRecord(board, settings), 2));
    file(CATALOG_PATH, json(catalogRecord(board, settings), 2));
    // Atom of the board and each category in each language version, and the sitemap (feeds.ts).
    for (const f of feedFiles(board, at, shown, categories, memo, keyOf)) {
      joinedKeys.set(f.path, f.key);
      file(f.path, { key: f.key, render: () => f.content });
    }
    // Fragments this build did not use (notices gone or changed) are dropped.
    memo.sweep();
  } else {
    warnings.push('veřejná adresa zrcadla není nastavena: stránky odkazují relativně; otevřená data (OFN), záznam pro katalog (NKOD), Atom a sitemap se nezapsaly, protože potřebují plné adresy. Nastavte ji (deska init --public-url, deska mirror build --public-url, nebo "publicUrl" v DATA/mirror.json).');
  }
  await writeDigests(input, versions, release);

  // A list page is compared by what it is rendered from (not rendered at all when that is unchanged); the rest by content.
  await inParallel(files, parallel, async ([path, data]) => {
    const key = typeof data === 'string' ? sha256Hex(data) : `from:${data.key}`;
    state.files![path] = key;
    if (previousFiles[path] === key && (await reuse(previous, release, fileOf(path)))) {
      filesReused++;
      return;
    }
    filesWritten++;
    await put(release, path, typeof data === 'string' ? data : data.render());
  });

  let pagesReused = 0;
  for (const { prefix, vctx } of versions) {
    await inParallel(shown, parallel, async (n) => {
      const slug = slugOfName.get(categoryName(n))!;
      const key = noticeKeys.get(n.id)!;
      state.pages[`${prefix}${n.id}`] = key;
      if (reusable[`${prefix}${n.id}`] === key && (await reuse(previous, release, `${prefix}${noticePath(n.id)}index.html`))) {
        pagesReused++;
        return;
      }
      await put(release, `${prefix}${noticePath(n.id)}`, noticePage(vctx, n, slug));
    });
  }

  // The archive's notice pages, reused like the current ones (keyed apart: a notice's page differs once it is removed).
  const archive = input.archive ?? [];
  for (const { prefix, vctx } of versions) {
    await inParallel(archive, parallel, async (n) => {
      const key = sha256Hex(JSON.stringify(['archiv', n]));
      state.pages[`archiv:${prefix}${n.id}`] = key;
      if (reusable[`archiv:${prefix}${n.id}`] === key && (await reuse(previous, release, `${prefix}${archiveNoticePath(n.id)}index.html`))) {
        pagesReused++;
        return;
      }
      await put(release, `${prefix}${archiveNoticePath(n.id)}`, noticePage(vctx, n, undefined, n));
    });
  }

  const attachments = new Map<string, { notice: FeedNotice; name: string; archived: boolean }>();
  for (const n of shown) for (const a of n.attachments) if (!attachments.has(a.sha256)) attachments.set(a.sha256, { notice: n, name: a.name, archived: false });
  for (const n of archive) for (const a of n.attachments) if (!attachments.has(a.sha256)) attachments.set(a.sha256, { notice: n, name: a.name, archived: true });
  const lost: string[] = [];
  await inParallel([...attachments], parallel, async ([sha, { notice, name, archived }]) => {
    // Each rebuild (every change and instant) would otherwise copy and hash every PDF again.
    if (await reuse(previous, release, attachmentPath(sha))) return;
    const bytes = await input.readAttachment(sha).catch((e: unknown) => {
      // A document of a removed notice that is no longer stored costs its own link only, never the board's publication.
      if (archived) return null;
      throw e;
    });
    if (bytes === null) {
      lost.push(`${notice.id}: ${name}`);
      return;
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha) throw new Error(`attachment ${name} of notice ${notice.id}: content hash ${actual} ≠ ${sha}`);
    await put(release, attachmentPath(sha), bytes);
  });
  lastRecord = { release, at, shown, noticeKeys, categories, lists, pageSize: settings.pageSize ?? DEFAULT_PAGE_SIZE, joined: joinedKeys };
  if (lost.length > 0) warnings.push(`archiv: ${lost.length} dokumentů sejmutých oznámení už v úložišti není (${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', …' : ''}); jejich odkazy v archivu nefungují.`);
  return { pagesWritten: (shown.length + archive.length) * versions.length - pagesReused, pagesReused, filesWritten, filesReused };
}

/**
 * The search index (pagefind/) of the shown notices, in shards (search-index.ts shardsOf). A shard
 * made from the same notices and texts as the live release's is hard-linked from it; only the
 * others are made by Pagefind. A failure costs only the search (the search page then says so and
 * lists the categories): the mirror is still published, and never with an older index, which
 * could find a removed notice.
 */
async function writeSearch(
  input: MirrorInput,
  shown: FeedNotice[],
  release: string,
  previous: string | null,
  previousFiles: Record<string, string>,
  state: BuildState,
  language: SearchLanguage,
): Promise<{ written: number; reused: number; warning?: string }> {
  const shards = shardsOf(shown);
  const todo: { dir: string; notices: FeedNotice[]; key: string }[] = [];
  const live: string[] = [];
  let reused = 0;
  for (const [i, notices] of shards.entries()) {
    if (notices.length === 0) continue;
    const dir = shardDir(i);
    live.push(String(i));
    const key = `search:${searchKey(notices, language)}`;
    const old = Object.entries(previousFiles).filter(([p]) => p.startsWith(dir));
    if (old.length > 0 && old.every(([, k]) => k === key)) {
      const linked: string[] = [];
      for (const [p] of old) {
        if (!(await reuse(previous, release, p))) break;
        linked.push(p);
      }
      if (linked.length === old.length) {
        for (const p of linked) state.files![p] = key;
        reused += linked.length;
        continue;
      }
      // Never write through a link into the live release: drop the links, make the shard anew.
      for (const p of linked) unlinkSync(join(release, p));
    }
    todo.push({ dir, notices, key });
  }
  try {
    let unreadable = 0;
    const groups: { dir: string; records: SearchRecord[] }[] = [];
    for (const t of todo) {
      const r = await searchRecords(t.notices, input.readAttachment);
      unreadable += r.unreadable;
      groups.push({ dir: t.dir, records: r.records });
    }
    const files = groups.length === 0 ? [] : await pagefindIndexes(groups, language, cancelCheck);
    const keyOf = new Map(todo.map((t) => [t.dir, t.key]));
    for (const f of files) {
      await put(release, f.path, f.content);
      state.files![f.path] = keyOf.get(f.path.slice(0, f.path.indexOf('/', SEARCH_INDEX_DIR.length) + 1))!;
    }
    const list = `${JSON.stringify(live)}\n`;
    await put(release, SHARD_LIST_PATH, list);
    state.files![SHARD_LIST_PATH] = sha256Hex(list);
    const warning = unreadable > 0 ? `vyhledávání: text ${unreadable} příloh se nepodařilo přečíst; tato oznámení se najdou jen podle ostatních údajů.` : undefined;
    return { written: files.length + 1, reused, warning };
  } catch (e) {
    if (e instanceof BuildCancelled || cancelCheck()) throw new BuildCancelled();
    for (const p of Object.keys(state.files!)) if (p.startsWith(SEARCH_INDEX_DIR)) delete state.files![p];
    rmSync(join(release, SEARCH_INDEX_DIR), { recursive: true, force: true });
    return { written: 0, reused: 0, warning: `vyhledávání se nepodařilo sestavit (${e instanceof Error ? e.message : String(e)}); zrcadlo je zveřejněno bez něj.` };
  }
}

/**
 * Every page of every list: all notices and each category's, in each order, `pageSize` a page,
 * or where the live release's pages begin (`layout`, pageStarts).
 * A notice's list entry is rendered once per depth of folder (its links are relative).
 */
function writeLists(
  ctx: PageContext,
  shown: FeedNotice[],
  categories: Category[],
  pageSize: number,
  boardKey: string,
  noticeKeys: Map<string, string>,
  file: (path: string, data: { key: string; render: () => string }) => void,
  former: Category[] = [],
  had: (path: string) => boolean = () => false,
  record?: Map<string, string[][]>,
  layout?: (key: string, pageSize: number) => SortKeyed[] | undefined,
): void {
  const categoriesKey = JSON.stringify(categories);
  // A later page names the categories without their counts (pages.ts listPage).
  const namesKey = JSON.stringify(categories.map((c) => [c.name, c.slug]));
  const items = new Map<string, Safe>();
  const item = (n: FeedNotice, root: string): Safe => {
    const k = `${root}\0${n.id}`;
    let v = items.get(k);
    if (v === undefined) items.set(k, (v = listItem(ctx, n, root)));
    return v;
  };
  const lists: [Category | null, FeedNotice[]][] = [[null, shown], ...categories.map((c): [Category, FeedNotice[]] => [c, shown.filter((n) => categoryName(n) === c.name)]), ...former.map((c): [Category, FeedNotice[]] => [c, []])];
  for (const [category, notices] of lists) {
    for (const sort of SORTS) {
      const sorted = sortNotices(notices, sort);
      const starts = pageStarts(sorted, pageSize, noticeOrder(sort), layout?.(listKey(category?.slug ?? null, sort), pageSize));
      const pages = starts.length;
      const onPageOf = (page: number): FeedNotice[] => sorted.slice(starts[page - 1], starts[page] ?? sorted.length);
      if (record !== undefined && (notices.length > 0 || category === null)) {
        const ids: string[][] = [];
        for (let page = 1; page <= pages; page++) ids.push(onPageOf(page).map((n) => n.id));
        record.set(listKey(category?.slug ?? null, sort), ids);
      }
      for (let page = 1; page <= pages; page++) {
        const path = listingPath(category?.slug ?? null, sort, page);
        // The way back to the mirror's root from this version's page (a version lives under its prefix).
        const root = rootOf(`${prefixOf(ctx.t?.lang ?? versionsOf(ctx.board)[0]!, ctx.board)}${path}`);
        const onPage = onPageOf(page);
        const stamped = category === null && sort === DEFAULT_SORT && page === 1;
        // Everything the page is rendered from: the board, the categories (a later page: their names), where it is,
        // its notices (and the counts and the instant, where it shows them).
        const key = sha256Hex(
          JSON.stringify(
            page === 1
              ? [boardKey, categoriesKey, path, pages, notices.length, shown.length, stamped ? ctx.at : null, onPage.map((n) => noticeKeys.get(n.id))]
              : [boardKey, namesKey, path, pages, onPage.map((n) => noticeKeys.get(n.id))],
          ),
        );
        const render = (): string => listPage(ctx, { categories, category, sort, page, pages, total: notices.length, all: shown.length, items: onPage.map((n) => item(n, root)), stamped });
        file(path, { key, render });
      }
      // Pages the live release had past this list's new end: a page saying the list has become
      // shorter, linking to its last page (never a 404 for a "next" link fetched a moment ago).
      // Carried on from release to release like any other file: like a later page, it shows no
      // counts (its key has the categories' names only), so a change of counts leaves it as it is.
      for (let page = pages + 1; had(listingPath(category?.slug ?? null, sort, page)); page++) {
        const path = listingPath(category?.slug ?? null, sort, page);
        const key = sha256Hex(JSON.stringify([boardKey, namesKey, category?.name ?? null, path, pages, notices.length === 0, 'gone']));
        file(path, { key, render: () => listPage(ctx, { categories, category, sort, page, pages, total: notices.length, all: shown.length, items: [], stamped: false, gone: true }) });
      }
    }
  }
}

/**
 * Where each page of a list (`sorted`, in `order`) begins: where the live release's pages begin
 * (`bounds`: the sort keys of the first notice of each page after the first; a notice gone since
 * still marks its place) while every page then holds from half to twice `pageSize` notices (the
 * last from one); else `pageSize` a page. A change then rewrites the pages it is on (and, once a
 * page outgrows or empties past those limits, the list's pages again evenly).
 */
export function pageStarts(sorted: readonly FeedNotice[], pageSize: number, order: (a: SortKeyed, b: SortKeyed) => number, bounds?: readonly SortKeyed[]): number[] {
  const even: number[] = [];
  for (let at = 0; at < Math.max(1, sorted.length); at += pageSize) even.push(at);
  if (bounds === undefined || bounds.length === 0) return even;
  const starts = [0];
  // Each page begins with the first notice that does not sort before its boundary.
  for (const b of bounds) starts.push(lowerBound(sorted, (x) => order(sortKeyed(x), b) < 0));
  const ends = [...starts.slice(1), sorted.length];
  const fits = starts.every((a, i) => {
    const size = ends[i]! - a;
    return size <= 2 * pageSize && size >= (i === starts.length - 1 ? 1 : Math.ceil(pageSize / 2));
  });
  return fits ? starts : even;
}

/** The archive's list pages: removed notices, newest removal first (archive.ts sorts them), `pageSize` a page. */
function writeArchiveLists(
  ctx: PageContext,
  archive: ArchivedNotice[],
  pageSize: number,
  boardKey: string,
  file: (path: string, data: { key: string; render: () => string }) => void,
): void {
  const sorted = [...archive].sort((a, b) => Date.parse(b.removedAt) - Date.parse(a.removedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  for (let page = 1; page <= pages; page++) {
    const notices = sorted.slice((page - 1) * pageSize, page * pageSize);
    const path = archiveListPath(page);
    const key = sha256Hex(JSON.stringify([boardKey, path, pages, sorted.length, notices.map((n) => [n.id, n.title, n.category, n.postAt, n.removedAt, n.withdrawn, n.referenceNumber])]));
    file(path, { key, render: () => archivePage(ctx, { page, pages, total: sorted.length, notices }) });
  }
}

/** The names in the digest folder, sorted: what a release's digests are published from (the build job's content key, the fast path's check). */
export async function digestNames(dir: string | null | undefined): Promise<string[]> {
  return dir ? (await readdir(dir).catch(() => [] as string[])).sort() : [];
}

/** The days of the signed daily digests in `dir` the mirror publishes (only complete pairs). */
export async function digestDays(dir: string | null | undefined): Promise<string[]> {
  const names = await digestNames(dir);
  const files = new Set(names.filter((n) => DIGEST_FILE.test(n)));
  return [...files].filter((n) => n.endsWith('.json') && files.has(`${n}.sig`)).map((n) => n.slice(0, -'.json'.length));
}

/** Copies the signed daily digests (only complete pairs) and writes their list page. */
async function writeDigests(input: MirrorInput, versions: { prefix: string; vctx: PageContext }[], release: string): Promise<void> {
  const days = await digestDays(input.digestDir);
  for (const d of days) {
    for (const name of [`${d}.json`, `${d}.json.sig`]) {
      const path = `${DIGEST_PATH}${name}`;
      await put(release, path, await readFile(join(input.digestDir!, name)));
    }
  }
  for (const { prefix, vctx } of versions) await put(release, `${prefix}${DIGEST_PATH}`, digestPage(vctx, days, input.publicKey ?? null));
}
