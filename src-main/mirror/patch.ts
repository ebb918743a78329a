/**
 * The mirror's fast path: a small change (a few notices withdrawn, corrected or posted now) is
 * written into the live release in place, file by file (each one replaced atomically by a rename),
 * in milliseconds. A release of a 10,000-notice board takes seconds however small the change,
 * because a release is a new folder tree (a folder per notice page); the patch touches only the
 * notice's pages, the list pages it is or was on, the board's front page, the feeds, the sitemap
 * and the open data, and hides a removed notice from the search index at once. A full build (the
 * "settle", mirror channel) follows it and swaps in a release that pages the lists evenly again,
 * counts every list anew and remakes the search index's shard.
 *
 * Runs on the thread that built the live release: that thread remembers what the release shows
 * and how its lists are paged (build.ts ReleaseRecord) and the notices it was built from, by the
 * hash of each notice's part of the signed manifest (store/snapshot-parts.ts), so a patch parses
 * only the notices that changed. Anything it cannot do exactly (another thread built the live
 * release, the board or its settings changed, a category appears or empties, more than
 * MAX_CHANGED notices differ, the archive is on) is refused with the reason, and the caller builds.
 *
 * Between the first and the last file of a patch (milliseconds) a visitor can fetch one page
 * already changed and another not yet: new notice pages are written before any list links them,
 * and a removed notice's page is deleted only after no list links it, so no link answers 404.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmdirSync, rmSync, unlinkSync, writeFileSync, writeSync, writev, open, writeFile as writeFileCb, mkdir as mkdirCb, lstat as lstatCb, link as linkCb, rename as renameCb, symlink as symlinkCb, type Stats } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '../publication/signing.ts';
import type { FeedManifest, FeedNotice } from '../shared/feed.ts';
import { publicNotice } from '../privacy/public.ts';
import { boardKeyOf, digestDays, digestNames, fileOf, listKey, mirrorBoard, noticeKey, renderer, type ReleaseRecord } from './build.ts';
import { atomFeedFiles, feedsTouched, idHash, newestOrder, sitemapBucketCount, sitemapBucketFile, sitemaps } from './feeds.ts';
import { boardMemo, postedAt } from './memo.ts';
import { prefixOf, translator, versionsOf } from './i18n.ts';
import { commaJoined, ofnHead, ofnItem, ofnPieces } from './ofn.ts';
import { accessibilityPage, categoryName, digestPage, listItem, listPage, noticeOrder, noticePage, searchPage, sortKeyed, type PageContext, type SortKeyed } from './pages.ts';
import { ACCESSIBILITY_PATH, attachmentPath, DEFAULT_SORT, DIGEST_PATH, hasPublicUrl, listingPath, noticePath, OFN_PATH, rootOf, SEARCH_PATH, SORTS } from './paths.ts';
import { buildsDir, currentRelease, markDirty, readPrebuilt } from './publish.ts';
import { HIDDEN_LIST_PATH } from './search-index.ts';
import { hashSpan, hexAt, hexRange } from '../store/snapshot-parts.ts';
import type { MirrorSettings } from './settings.ts';
import { lowerBound } from '../shared/sorted.ts';

/** The refusal when a release built ahead for this instant (or before it) is there: the build job swaps it in, as it should. */
export const AHEAD_DUE = 'a release built ahead is due';

/** More notices differing than this: a build (a patch of so many pages is no faster). */
export const MAX_CHANGED = 20;

/** What a patch needs: the snapshot as its frame and the hashes of its notice parts, with the bodies of the parts this thread may not have. */
export interface PatchJob {
  outDir: string;
  at: number;
  /** The manifest without its notices (snapshot-parts.ts: ends in `"notices":[]}`). */
  frame: Uint8Array;
  /** The notice parts' SHA-256, 32 bytes each, concatenated in the manifest's order (store/snapshots.ts partsOf). */
  hashes: Uint8Array;
  /** Bodies of parts (by hash) the last delivered snapshot did not have. */
  bodies: Record<string, Uint8Array>;
  blobDir: string;
  digestDir: string | null;
  publicKey: string | null;
  settings?: MirrorSettings;
}

export type PatchResult =
  | {
      patched: true;
      liveAt: number;
      /** From the job's start on this thread to the patch being live (ms): the rest of the delivery's time is the job's way there and back. */
      tookMs: number;
      /** CPU time of this thread in that span (ms, user + system): the rest of tookMs is waiting (for the CPU, the disk, libuv's pool). */
      cpuMs: number;
      /** The ids of the notices shown, in order, each followed by a line feed (one string crosses to the caller's thread as one copy, not 10,000 strings). */
      shownIds: string;
      nextInstant: number | null;
      filesWritten: number;
      filesDeleted: number;
      changed: number;
    }
  | { patched: false; why: string };

/** A notice of the manifest as this thread parsed it, with the instants it is shown between. */
interface Entry {
  raw: FeedNotice;
  /** Date.parse(postAt); Infinity for a notice with none (never posted). */
  postMs: number;
  removeMs: number | null;
}

/** What this thread knows of a release it built or patched. */
interface Known {
  record: ReleaseRecord;
  boardKey: string;
  renderer: string;
  digests: string;
  publicKey: string | null;
  /** Shown notice id → hash of its part. */
  hashes: Map<string, string>;
  /** Shown notice id → hash of its part, as the release's search index was made (at its build). */
  indexed: ReadonlyMap<string, string>;
  /** Shown notice id → the public notice its pages were rendered from. */
  byId: Map<string, FeedNotice>;
  /** The part hashes of the shown notices. */
  shownHashes: Set<string>;
  /** Document SHA-256 → how many shown notices list it. */
  docs: Map<string, number>;
  /** Ids shown otherwise than the search index was made (changed, added or removed by patches). */
  differs: Set<string>;
  /** The manifest the release shows, as a patch job's list of part hashes (32 bytes each, in order). */
  parts: Uint8Array;
  /** Its notices, in the same order. */
  entries: Entry[];
  /** 1 where entries[i] is shown at record.at: record.shown is those entries' public copies, in order. */
  flags: Uint8Array;
  /** Every entry's finite instants (postings, removals), ascending: a new instant past one of them changes what is shown. */
  instants: number[];
  /** The notices shown, newest posting first, then by id (feeds.ts newestOrder): the Atom feeds' order. */
  newest: FeedNotice[];
  /** Aligned with record.shown: each one's OFN item (ofn.ts ofnItem); null without a public URL (no OFN file). */
  ofnItems: Uint8Array[] | null;
  /** The same items joined in blocks of about OFN_BLOCK (commas between), the OFN file's body: a patch joins again only the blocks of its run. */
  ofnBlocks: OfnBlock[];
  /** The OFN file's head (ofn.ts ofnHead) for this board and its settings. */
  ofnHead: Buffer | null;
  /** Aligned with record.shown: feeds.ts idHash of each id (its sitemap bucket). */
  idHashes: number[];
  /** Notices shown without personal data: the sitemap's notice pages. */
  sitemapPages: number;
}

/** Per mirror folder, the notices of the last manifest seen, by part hash. */
const boards = new Map<string, Map<string, Entry>>();
/** Per release folder: what it shows. A few, newest last (the live release and the one built ahead). */
const releases = new Map<string, Known>();
const KEEP_KNOWN = 8;

function entryOf(raw: FeedNotice): Entry {
  return { raw, postMs: raw.postAt === null ? Infinity : Date.parse(raw.postAt), removeMs: raw.removeAt === null ? null : Date.parse(raw.removeAt) };
}

/** The digest folder's names, as one string to compare. */
async function digestsOf(dir: string | null): Promise<string> {
  return JSON.stringify(await digestNames(dir));
}

/**
 * Remembers, after a build on this thread, what the release shows and the notices it was built
 * from by part hash (`hashes`: the manifest's notice parts in order; ignored when they do not
 * match the manifest's notices).
 */
export async function rememberRelease(
  record: ReleaseRecord | null,
  o: { outDir: string; manifest: FeedManifest; hashes: Uint8Array | undefined; settings?: MirrorSettings; digestDir: string | null; publicKey: string | null },
): Promise<void> {
  if (record === null || o.hashes === undefined || o.hashes.byteLength !== 32 * o.manifest.notices.length) return;
  const hexes = hexRange(o.hashes, 0, o.manifest.notices.length);
  const byHash = new Map<string, Entry>();
  const list: Entry[] = [];
  const flags = new Uint8Array(hexes.length);
  const hashes = new Map<string, string>();
  // The entries shown must be the release's notices, in order (record.shown): else nothing is remembered.
  let k = 0;
  for (const [i, n] of o.manifest.notices.entries()) {
    const e = entryOf(n);
    byHash.set(hexes[i]!, e);
    list.push(e);
    if (!postedAt(e, record.at)) continue;
    if (record.shown[k]?.id !== n.id) return;
    flags[i] = 1;
    hashes.set(n.id, hexes[i]!);
    k++;
  }
  if (k !== record.shown.length || hashes.size !== k) return;
  boards.delete(o.outDir);
  boards.set(o.outDir, byHash);
  while (boards.size > KEEP_KNOWN) boards.delete(boards.keys().next().value!);
  const board = mirrorBoard(o.manifest.board, o.settings);
  const boardKey = boardKeyOf(board, o.settings ?? {});
  const drawn = await renderer();
  let ofnItems: Uint8Array[] | null = null;
  if (hasPublicUrl(board)) {
    // The items the build joined (memo.ts), rendered again only where the memo has none.
    const memo = boardMemo(board.id, `${drawn}\0${boardKey}`);
    memo.bindBoard(board);
    ofnItems = record.shown.map((n) => {
      const key = record.noticeKeys.get(n.id);
      return key === undefined ? ofnItem(board, n) : (memo.fragments(key, n).ofn ??= ofnItem(board, n));
    });
  }
  const postMs = new Map(record.shown.map((n) => [n.id, Date.parse(n.postAt)]));
  releases.delete(record.release);
  releases.set(record.release, {
    record,
    boardKey,
    renderer: drawn,
    digests: await digestsOf(o.digestDir),
    publicKey: o.publicKey,
    hashes,
    indexed: new Map(hashes),
    byId: new Map(record.shown.map((n) => [n.id, n])),
    shownHashes: new Set(hashes.values()),
    docs: countDocs(record.shown),
    differs: new Set(),
    parts: new Uint8Array(o.hashes),
    entries: list,
    flags,
    instants: instantsOf(list),
    newest: [...record.shown].sort((a, b) => newestOrder(postMs.get(a.id)!, a.id, postMs.get(b.id)!, b.id)),
    ofnItems,
    ofnBlocks: ofnItems === null ? [] : ofnBlocksOf(ofnItems),
    ofnHead: ofnItems === null ? null : ofnHead(board, o.settings ?? {}),
    idHashes: record.shown.map((n) => idHash(n.id)),
    sitemapPages: record.shown.filter((n) => n.personalData !== true).length,
  });
  while (releases.size > KEEP_KNOWN) releases.delete(releases.keys().next().value!);
}

/** How many of `notices` list each document. */
function countDocs(notices: readonly FeedNotice[]): Map<string, number> {
  const docs = new Map<string, number>();
  for (const n of notices) for (const a of n.attachments) docs.set(a.sha256, (docs.get(a.sha256) ?? 0) + 1);
  return docs;
}

/** `file` made by `write` as a file beside it, then renamed over it; the file beside it is removed when either fails (a full disk: no half file left in the live release). */
function renameInto(file: string, write: (tmp: string) => void): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.patch-${unique()}`;
  try {
    write(tmp);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true, recursive: true });
    throw e;
  }
}

/**
 * Puts a large file's data, staged beside its path (stageLinked), in place: a symlink to it is
 * renamed over the path. ext4 starts writing a regular file's data out at once when it is renamed
 * over another (auto_da_alloc), which cost 15 ms for the OFN file and slowed every write after it;
 * the settling build writes a plain file again. Returns files to delete once the patch is live.
 */
async function installStaged(release: string, path: string, dataFile: string, trash: string): Promise<string[]> {
  const file = join(release, fileOf(path));
  const tmp = `${file}.patch-${unique()}`;
  try {
    await call<void>((cb) => symlinkCb(basename(dataFile), tmp, cb));
    const later = await retire(file, trash);
    await call<void>((cb) => renameCb(tmp, file, cb));
    return later;
  } catch (e) {
    // A full disk: nothing of this file's is left beside it in the live release (the data file: patchMirrorJob).
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * What of `file` must outlive the rename that replaces it (a new inode: the releases sharing the
 * old one by hard link keep it), until the patch is live: an earlier patch's symlink's data file
 * (returned: deleted then), or a large file's blocks, linked into `trash` (a rename over the last
 * link of a large file frees them then and there). The trash folder is made when first needed;
 * without one the rename frees the file.
 */
async function retire(file: string, trash: string): Promise<string[]> {
  const before = await call<Stats>((cb) => lstatCb(file, cb)).catch(() => undefined);
  if (before?.isSymbolicLink()) return [join(dirname(file), readlinkSync(file))];
  if (before !== undefined && before.size > TRASH_ABOVE) {
    const keep = (): Promise<void> => call<void>((cb) => linkCb(file, join(trash, unique()), cb));
    await keep()
      .catch(async () => {
        await call<string | undefined>((cb) => mkdirCb(trash, { recursive: true }, cb));
        await keep();
      })
      .catch(() => undefined);
  }
  return [];
}

/** What a patch writes to one file: text, bytes, or bytes in pieces (written as they are). */
type FileData = string | Uint8Array | Uint8Array[];

function sizeOf(data: FileData): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (!Array.isArray(data)) return data.byteLength;
  let size = 0;
  for (const b of data) size += b.byteLength;
  return size;
}

/** The name of a large file's data beside `file` (stageLinked), or null for a name without an extension. */
function linkedName(file: string, rand: string): string | null {
  const name = basename(file);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? join(dirname(file), `${name.slice(0, dot)}.v-${rand}${name.slice(dot)}`) : null;
}

/**
 * A large file's data (put in place by a symlink: installStaged) written under its own name beside its
 * path, by libuv's thread pool in one call (it writes every piece, IOV_MAX at a time), so the
 * patch writes its other files meanwhile. Resolves to the data file's path; on a failure the data
 * file is removed.
 */
async function stageLinked(release: string, path: string, pieces: Uint8Array[], size: number): Promise<string> {
  const file = join(release, fileOf(path));
  mkdirSync(dirname(file), { recursive: true });
  const dataFile = linkedName(file, unique())!;
  const fd = await call<number>((cb) => open(dataFile, 'w', cb));
  try {
    const done = await call<number>((cb) => writev(fd, pieces, cb));
    // A short write (regular files hardly ever): the rest written until all of it is.
    if (done < size) {
      const rest = Buffer.concat(pieces).subarray(done);
      for (let at = 0; at < rest.length; ) at += writeSync(fd, rest, at);
    }
  } catch (e) {
    closeFailing(fd);
    rmSync(dataFile, { force: true });
    throw e;
  }
  try {
    // A close may fail too (a quota on a network disk: the data not all there): no data file left either.
    closeSync(fd);
  } catch (e) {
    rmSync(dataFile, { force: true });
    throw e;
  }
  return dataFile;
}

/** Closes `fd` after a failure: an error of its own is not the one to report (the failure's is). */
function closeFailing(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The descriptor is gone all the same.
  }
}

/**
 * Replaces a file of the release of at most LINKED_ABOVE bytes atomically, through libuv's thread
 * pool (a patch writes several at once): written beside its path, then renamed over it (retire
 * keeps what of the old one must outlive that). Its folder is made only when missing (a new
 * notice page's). Returns files to delete once the patch is live.
 */
async function replaceSmall(release: string, path: string, pieces: FileData, trash: string): Promise<string[]> {
  // At most LINKED_ABOVE bytes: pieces are joined.
  const data = Array.isArray(pieces) ? Buffer.concat(pieces) : pieces;
  const file = join(release, fileOf(path));
  const tmp = `${file}.patch-${unique()}`;
  try {
    try {
      await call<void>((cb) => writeFileCb(tmp, data, { flag: 'wx' }, cb));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await call<string | undefined>((cb) => mkdirCb(dirname(file), { recursive: true }, cb));
      await call<void>((cb) => writeFileCb(tmp, data, { flag: 'wx' }, cb));
    }
    const later = await retire(file, trash);
    await call<void>((cb) => renameCb(tmp, file, cb));
    return later;
  } catch (e) {
    // A full disk: nothing of this file's is left beside it in the live release.
    await rm(tmp, { force: true });
    throw e;
  }
}

/** A name no other file of the patch (nor of another patch, nor of another thread's) has: a random prefix drawn once, and a count. */
const unique = ((prefix: string) => {
  let n = 0;
  return (): string => `${prefix}${(n++).toString(16)}`;
})(randomBytes(4).toString('hex'));

/**
 * A callback-style fs call as a promise (node:fs's callback functions: no FileHandle per file, as
 * fs/promises writeFile makes, which cost the patch's thread more than the call itself).
 */
function call<T>(f: (cb: (e: NodeJS.ErrnoException | null, v?: T) => void) => void): Promise<T> {
  return new Promise((res, rej) => f((e, v) => (e ? rej(e) : res(v as T))));
}

/** Files larger than this are kept in the trash until the patch is live (retire). */
const TRASH_ABOVE = 256 * 1024;
/** Files larger than this are staged and put in place by a symlink (stageLinked, installStaged). */
const LINKED_ABOVE = 1024 * 1024;

/**
 * Where the pages of the live release's lists begin, as this thread knows them (it built the
 * release and made its patches): for build.ts's writeLists (MirrorInput.layout), which keeps
 * them; none for a build by another page size than the release's (the setting changed: every
 * list paged anew by it). Null when this thread does not know the live release.
 */
export async function liveLayout(outDir: string): Promise<((key: string, pageSize: number) => SortKeyed[] | undefined) | null> {
  const release = await currentRelease(outDir).catch(() => null);
  const known = release === null ? undefined : releases.get(release);
  if (known === undefined) return null;
  const { lists, pageSize: pagedBy } = known.record;
  const { byId } = known;
  return (key, pageSize) => {
    const pages = pageSize === pagedBy ? lists.get(key) : undefined;
    if (pages === undefined) return undefined;
    const bounds: SortKeyed[] = [];
    for (let p = 1; p < pages.length; p++) {
      const n = pages[p]![0] === undefined ? undefined : byId.get(pages[p]![0]!);
      if (n === undefined) return undefined;
      bounds.push(sortKeyed(n));
    }
    return bounds;
  };
}

/** Makes the mirror of `job` live by patching the live release in place, or says why it cannot. */
export async function patchMirrorJob(job: PatchJob): Promise<PatchResult> {
  const staging: Staging = { staged: new Map(), installed: new Set(), trash: null, later: [] };
  let result: PatchResult | undefined;
  try {
    result = await patchInPlace(job, staging);
    return result;
  } finally {
    // A large file staged but not put in place (the patch refused or failed: a full disk) is removed,
    // before the patch answers (the caller's build, or a kill then, finds none in the live release);
    // so are the files those put in place replaced (a failure after them: a page it cannot delete).
    if (result?.patched !== true) {
      await Promise.allSettled([
        ...[...staging.staged].filter(([path]) => !staging.installed.has(path)).map(([, p]) => p.then((f) => rm(f, { force: true }))),
        ...(staging.trash === null ? [] : [rm(staging.trash, { recursive: true, force: true })]),
        ...staging.later.map((f) => rm(f, { force: true })),
      ]);
    }
  }
}

/**
 * The large files a patch writes beside their paths (stageLinked): path → the data file, once
 * written; the paths put in place; the trash folder (retire) and the files to delete once the
 * patch is live (those replaced: deleted all the same when it fails after them).
 */
interface Staging {
  staged: Map<string, Promise<string>>;
  installed: Set<string>;
  trash: string | null;
  later: string[];
}

async function patchInPlace(job: PatchJob, staging: Staging): Promise<PatchResult> {
  const { staged, installed, later } = staging;
  const started = performance.now();
  const cpu = process.threadCpuUsage();
  const no = (why: string): PatchResult => ({ patched: false, why });
  const settings = job.settings ?? {};
  if (settings.archive) return no('the archive is on');
  const release = await currentRelease(job.outDir);
  if (release === null) return no('no live release');
  const known = releases.get(release);
  if (known === undefined) return no('the live release was not built on this thread');
  /** Starts writing a large file's data beside its path (stageLinked); put in place once the pages are (installStaged). */
  const stage = (path: string, pieces: Uint8Array[]): void => {
    const p = stageLinked(release, path, pieces, sizeOf(pieces));
    // Awaited when put in place, or by patchMirrorJob; a failure before then is not left unhandled.
    p.catch(() => undefined);
    staged.set(path, p);
  };
  // A release built ahead for an instant already reached is swapped in by a build job, not patched over.
  const ahead = await readPrebuilt(job.outDir);
  if (ahead !== null && ahead.at <= job.at) return no(AHEAD_DUE);
  let frame: FeedManifest;
  try {
    frame = JSON.parse(Buffer.from(job.frame.buffer, job.frame.byteOffset, job.frame.byteLength).toString('utf8')) as FeedManifest;
  } catch {
    return no('the frame is not JSON');
  }
  const board = mirrorBoard(frame.board, settings);
  if (boardKeyOf(board, settings) !== known.boardKey) return no('the board or its mirror settings changed');
  if ((await renderer()) !== known.renderer) return no('another renderer');
  if ((await digestsOf(job.digestDir)) !== known.digests || job.publicKey !== known.publicKey) return no('the digests changed');

  // What changes for the public: notices removed, added, or shown with other content. Only the
  // run of parts where the manifest differs from the release's is looked at (hashSpan: one run for
  // one change), its notices each parsed once per thread (by the hash of its part); the rest is
  // the same notices, shown as they were, unless the new instant passes one of their instants
  // (every notice is in the run then). In proportion to the change: milliseconds at 10,000 notices.
  if (job.hashes.byteLength % 32 !== 0) return no('the list of notice parts is cut short');
  const seen = boards.get(job.outDir) ?? new Map<string, Entry>();
  const parsed = new Map<string, Entry>();
  const old = known.record;
  const crossed = job.at !== old.at && crosses(known.instants, Math.min(job.at, old.at), Math.max(job.at, old.at));
  const { head, tail } = crossed ? { head: 0, tail: 0 } : hashSpan(known.parts, job.hashes);
  const oldEnd = known.entries.length - tail;
  const newEnd = job.hashes.byteLength / 32 - tail;
  /** The run's notices now, by the hash of their part. */
  const run: { h: string; e: Entry }[] = [];
  for (let i = head; i < newEnd; i++) {
    const h = hexAt(job.hashes, i);
    let e = seen.get(h) ?? parsed.get(h);
    if (e === undefined) {
      const body = job.bodies[h];
      if (body === undefined) return no('a notice part is missing');
      e = entryOf(JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) as FeedNotice);
      parsed.set(h, e);
    }
    run.push({ h, e });
  }
  /** The run's notices shown now, in order; the hashes of their parts. */
  const shownRun: FeedNotice[] = [];
  const shownRunHashes = new Set<string>();
  /** Shown now with a part the release does not show: id → its hash and public copy. */
  const fresh = new Map<string, { h: string; n: FeedNotice }>();
  let unchangedRun = 0;
  for (const { h, e } of run) {
    if (!postedAt(e, job.at)) continue;
    shownRunHashes.add(h);
    if (known.shownHashes.has(h)) {
      shownRun.push(known.byId.get(e.raw.id)!);
      unchangedRun++;
      continue;
    }
    if (fresh.has(e.raw.id)) return no('a notice id appears twice');
    const n = publicNotice(e.raw);
    fresh.set(n.id, { h, n });
    shownRun.push(n);
  }
  // The release's notices the run held: those shown are shown on unless their part is gone (removed, or changed: shown with another part).
  let shownBefore = 0;
  for (let i = 0; i < head; i++) shownBefore += known.flags[i]!;
  let shownInRun = 0;
  const lost: string[] = [];
  for (let i = head; i < oldEnd; i++) {
    if (known.flags[i] !== 1) continue;
    shownInRun++;
    if (!shownRunHashes.has(hexAt(known.parts, i))) lost.push(known.entries[i]!.raw.id);
  }
  const shown = old.shown.slice(0, shownBefore).concat(shownRun, old.shown.slice(shownBefore + shownInRun));
  const unchanged = old.shown.length - shownInRun + unchangedRun;
  const removed = lost.filter((id) => !fresh.has(id));
  const changed = lost.filter((id) => fresh.has(id));
  const added = [...fresh.keys()].filter((id) => !known.hashes.has(id));
  // An id shown both unchanged and with another part: the manifest lists it twice.
  if (unchanged + added.length + changed.length !== shown.length || known.hashes.size - lost.length !== unchanged) return no('a notice id appears twice');
  const changes = removed.length + added.length + changed.length;
  if (changes > MAX_CHANGED) return no(`${changes} notices changed`);
  const removedIds = new Set(removed);
  // Notices shown before and after but in another order (a part moved within the manifest): the
  // files listing them in the manifest's order (the OFN file, the sitemap's buckets) are written too.
  const addedIds = new Set(added);
  const stayed = (ids: string[]): string => ids.join('\n');
  const reordered =
    stayed(old.shown.slice(shownBefore, shownBefore + shownInRun).map((n) => n.id).filter((id) => !removedIds.has(id))) !==
    stayed(shownRun.map((n) => n.id).filter((id) => !addedIds.has(id)));
  const byId = { get: (id: string): FeedNotice | undefined => fresh.get(id)?.n ?? (removedIds.has(id) ? undefined : known.byId.get(id)) };
  const oldById = known.byId;
  const nowHash = (id: string): string | undefined => fresh.get(id)?.h ?? (removedIds.has(id) ? undefined : known.hashes.get(id));
  // Nor more since the release was built, over patches whose settling builds never finished (each
  // next delivery stops the last one): its pages would drift ever further from even and its search
  // index from what is shown.
  const differs = new Set(known.differs);
  for (const id of lost.concat(added)) {
    if (nowHash(id) === known.indexed.get(id)) differs.delete(id);
    else differs.add(id);
  }
  if (differs.size > MAX_CHANGED) return no(`${differs.size} notices changed since the release was built`);
  for (const id of [...added, ...changed]) {
    const n = byId.get(id)!;
    noticePath(n.id);
    for (const a of n.attachments) attachmentPath(a.sha256);
  }
  // The categories: the same names and slugs (one appearing or emptying needs a build), new counts.
  const delta = new Map<string, number>();
  for (const id of [...removed, ...changed]) delta.set(categoryName(oldById.get(id)!), (delta.get(categoryName(oldById.get(id)!)) ?? 0) - 1);
  for (const id of [...added, ...changed]) delta.set(categoryName(byId.get(id)!), (delta.get(categoryName(byId.get(id)!)) ?? 0) + 1);
  const categories = old.categories.map((c) => ({ ...c, count: c.count + (delta.get(c.name) ?? 0) }));
  if (categories.some((c) => c.count <= 0) || [...delta.keys()].some((name) => !old.categories.some((c) => c.name === name))) return no('a category appears or empties');
  const slugOf = new Map(categories.map((c) => [c.name, c.slug]));

  // The lists: a notice leaves the page it was on and joins the page where it sorts; pages stay
  // where they are (one may hold a few more or fewer than pageSize until the settle).
  const lists = new Map(old.lists);
  const touched = new Set<string>();
  const touch = (key: string, page: number): void => void touched.add(`${key}\0${page}`);
  const listsOf = (n: FeedNotice): string[] => SORTS.flatMap((sort) => [listKey(null, sort), listKey(slugOf.get(categoryName(n))!, sort)]);
  const copied = new Set<string>();
  const pagesOf = (key: string): string[][] | null => {
    const pages = lists.get(key);
    if (pages === undefined) return null;
    // The pages as a new array (a page changed is replaced or copied before it is changed): the release's record keeps its own.
    if (!copied.has(key)) {
      lists.set(key, [...pages]);
      copied.add(key);
    }
    return lists.get(key)!;
  };
  /** The page of `pages` (in order) where a notice sorting as `k` is or goes: the first whose last notice does not sort before it (an empty page sorts as the one before it); pages.length when there is none. */
  const pageFor = (pages: string[][], order: (a: SortKeyed, b: SortKeyed) => number, k: SortKeyed, last: (id: string) => SortKeyed): number => {
    const lastOf = (q: number): string | undefined => {
      for (let j = q; j >= 0; j--) if (pages[j]!.length > 0) return pages[j]!.at(-1);
      return undefined;
    };
    return lowerBound(pages, (_, q) => {
      const l = lastOf(q);
      return l === undefined || order(last(l), k) < 0;
    });
  };
  const orderOf = (key: string): ((a: SortKeyed, b: SortKeyed) => number) => noticeOrder(key.slice(key.indexOf('\0') + 1) as (typeof SORTS)[number]);
  const was = new Map<string, number>();
  for (const id of [...removed, ...changed]) {
    const k = sortKeyed(oldById.get(id)!);
    for (const key of listsOf(oldById.get(id)!)) {
      const pages = pagesOf(key);
      if (pages === null) return no(`notice ${id} is not in list ${key}`);
      // Found by halving (the release's lists are in order, as it sorted them); else looked for page by page.
      let p = pageFor(pages, orderOf(key), k, (x) => sortKeyed(oldById.get(x)!));
      if (!pages[p]?.includes(id)) p = pages.findIndex((ids) => ids.includes(id));
      if (p < 0) return no(`notice ${id} is not in list ${key}`);
      was.set(`${key}\0${id}`, p);
      pages[p] = pages[p]!.filter((x) => x !== id);
      touch(key, p);
    }
  }
  for (const id of [...added, ...changed]) {
    const n = byId.get(id)!;
    for (const key of listsOf(n)) {
      const pages = pagesOf(key);
      if (pages === null) return no(`list ${key} is not known`);
      const order = orderOf(key);
      const k = sortKeyed(n);
      // The first page whose last notice sorts after it, else the last page.
      let p = pageFor(pages, order, k, (x) => sortKeyed(byId.get(x)!));
      if (p === pages.length) p = pages.length - 1;
      // Between two pages (after the last of one, before the first of the next): on the one it was on.
      // (Only then: one sorting after the first of the next page belongs on that page.)
      else if (p > 0 && was.get(`${key}\0${id}`) === p - 1 && order(k, sortKeyed(byId.get(pages[p]![0]!)!)) < 0) p--;
      const ids = (pages[p] = [...pages[p]!]);
      const i = lowerBound(ids, (x) => order(k, sortKeyed(byId.get(x)!)) >= 0);
      ids.splice(i, 0, id);
      touch(key, p);
    }
  }
  // A page left empty (its notices gone; a changed notice that was a list's only one is back on it by now).
  for (const t of touched) {
    const cut = t.lastIndexOf('\0');
    if (lists.get(t.slice(0, cut))![Number(t.slice(cut + 1))]!.length === 0) return no('a list page would be empty');
  }
  // The front page is stamped with the instant it shows.
  touch(listKey(null, DEFAULT_SORT), 0);

  // The OFN file lists every notice shown, in the manifest's order: the run's items in place of
  // the run's before (an unchanged notice keeps its item), written with any change. Its data
  // (16 MB at 10,000 notices: the patch's largest write by far, and on memory the machine must
  // first find for it, its slowest) is staged beside its path on libuv's pool from here (after the
  // checks a change commonly fails: a category or a list page emptied), while the pages are
  // rendered; it is put in place after them (patchMirrorJob removes it if the patch stops before).
  // One of at most LINKED_ABOVE bytes (a small board's) is written with the pages, a plain file.
  let ofnBlocks: OfnBlock[] = [];
  let ofnItems: Uint8Array[] | null = null;
  let ofnSmall: Uint8Array[] | null = null;
  if (hasPublicUrl(board)) {
    if (known.ofnItems === null) return no('the OFN items are not known');
    const runItems = new Map<string, Uint8Array>();
    for (let k = 0; k < shownInRun; k++) runItems.set(old.shown[shownBefore + k]!.id, known.ofnItems[shownBefore + k]!);
    ofnItems = known.ofnItems.slice(0, shownBefore).concat(
      shownRun.map((n) => (fresh.has(n.id) ? undefined : runItems.get(n.id)) ?? ofnItem(board, n)),
      known.ofnItems.slice(shownBefore + shownInRun),
    );
    ofnBlocks = respliceBlocks(known.ofnBlocks, ofnItems, shownBefore, shownInRun, shownRun.length);
    if (changes > 0 || reordered) {
      const pieces = ofnPieces(known.ofnHead!, ofnBlocks.map((b) => b.bytes));
      if (sizeOf(pieces) > LINKED_ABOVE) stage(OFN_PATH, pieces);
      else ofnSmall = pieces;
    }
  }

  // Everything rendered before the first file is touched.
  const ctx: PageContext = { board, at: job.at, settings };
  const versions = versionsOf(board).map((lang) => ({ prefix: prefixOf(lang, board), vctx: { ...ctx, t: translator(lang) } satisfies PageContext }));
  const writes: [string, FileData][] = [];
  const pageKeys = new Map<string, string>();
  for (const id of [...added, ...changed]) {
    const n = byId.get(id)!;
    const slug = slugOf.get(categoryName(n))!;
    pageKeys.set(id, noticeKey(n, slug));
    for (const { prefix, vctx } of versions) writes.push([`${prefix}${noticePath(id)}`, noticePage(vctx, n, slug)]);
  }
  const listWrites: [string, string][] = [];
  for (const t of touched) {
    const [slugPart, sort, pageText] = t.split('\0') as [string, (typeof SORTS)[number], string];
    const key = listKey(slugPart === '' ? null : slugPart, sort);
    const pages = lists.get(key)!;
    const page = Number(pageText) + 1;
    const category = slugPart === '' ? null : categories.find((c) => c.slug === slugPart)!;
    const total = category === null ? shown.length : category.count;
    for (const { prefix, vctx } of versions) {
      const path = listingPath(category?.slug ?? null, sort, page);
      const root = rootOf(`${prefix}${path}`);
      const stamped = category === null && sort === DEFAULT_SORT && page === 1;
      listWrites.push([`${prefix}${path}`, listPage(vctx, { categories, category, sort, page, pages: pages.length, total, all: shown.length, items: pages[page - 1]!.map((id) => listItem(vctx, byId.get(id)!, root)), stamped })]);
    }
  }
  writes.push(...listWrites);
  // The other pages that say the instant they show (pages.ts layout), when it is another.
  if (job.at !== old.at) {
    const days = await digestDays(job.digestDir);
    for (const { prefix, vctx } of versions) {
      writes.push([`${prefix}${DIGEST_PATH}`, digestPage(vctx, days, job.publicKey)]);
      if (!settings.accessibility?.preparedOn) writes.push([`${prefix}${ACCESSIBILITY_PATH}`, accessibilityPage(vctx)]);
    }
  }
  // The search page lists the categories with their counts.
  for (const { prefix, vctx } of versions) writes.push([`${prefix}${SEARCH_PATH}`, searchPage(vctx, categories)]);
  // The OFN file, the feeds and the sitemap, joined from the fragments this thread keeps (memo.ts);
  // one whose key is what the release has is not written (a correction leaves the sitemap as it is).
  const joined = new Map(old.joined);
  // The feeds' order kept across patches: the notices gone out, the fresh ones in where they sort.
  // The feeds a changed notice is or was among the first entries of are made again (feeds.ts feedsTouched); the others are as they were.
  const newest = [...known.newest];
  const newestAt = (list: readonly FeedNotice[], n: FeedNotice): number =>
    lowerBound(list, (x) => newestOrder(Date.parse(x.postAt), x.id, Date.parse(n.postAt), n.id) < 0);
  const feedChanges: { n: FeedNotice; at: number; newest: readonly FeedNotice[] }[] = [];
  for (const id of lost) {
    const n = oldById.get(id)!;
    const at = newestAt(known.newest, n);
    if (known.newest[at]?.id !== id) return no(`notice ${id} is not in the feeds' order`);
    feedChanges.push({ n, at, newest: known.newest });
    newest.splice(newestAt(newest, n), 1);
  }
  for (const { n } of fresh.values()) newest.splice(newestAt(newest, n), 0, n);
  for (const { n } of fresh.values()) feedChanges.push({ n, at: newestAt(newest, n), newest });
  const idHashes = known.idHashes.slice(0, shownBefore).concat(shownRun.map((n) => idHash(n.id)), known.idHashes.slice(shownBefore + shownInRun));
  const publicPages = (ns: Iterable<FeedNotice | undefined>): number => {
    let count = 0;
    for (const n of ns) if (n !== undefined && n.personalData !== true) count++;
    return count;
  };
  const sitemapPages = known.sitemapPages - publicPages(lost.map((id) => oldById.get(id))) + publicPages([...fresh.values()].map((f) => f.n));
  if (hasPublicUrl(board)) {
    const memo = boardMemo(board.id, `${known.renderer}\0${known.boardKey}`);
    const keyOf = (n: FeedNotice): string | undefined => pageKeys.get(n.id) ?? old.noticeKeys.get(n.id);
    if (ofnSmall !== null) writes.push([OFN_PATH, ofnSmall]);
    if (staged.has(OFN_PATH) || ofnSmall !== null) joined.set(OFN_PATH, `patched:${randomBytes(8).toString('hex')}`);
    // The Atom feeds: their newest entries, from the order kept.
    const files = atomFeedFiles(board, job.at, newest, categories, memo, keyOf, feedsTouched(feedChanges));
    // The sitemap: in buckets, only the buckets of the notices changed (a correction leaves its bucket as it is: the same pages);
    // else every file, as a build writes it (at most SITEMAP_BUCKETS_ABOVE notices).
    const count = sitemapBucketCount(board, sitemapPages);
    if (count !== null && count === sitemapBucketCount(board, known.sitemapPages)) {
      for (const b of new Set([...lost, ...fresh.keys(), ...(reordered ? shownRun.map((n) => n.id) : [])].map((id) => idHash(id) % count))) {
        files.push(sitemapBucketFile(board, b, shown.filter((_, i) => idHashes[i]! % count === b), memo, keyOf));
      }
    } else {
      const maps = sitemaps(board, shown, categories, undefined, memo, keyOf);
      // The sitemap's files (at the root, named sitemap*.xml) as the release has them, or a build.
      const before = [...old.joined.keys()].filter((p) => /^sitemap[^/]*\.xml$/.test(p));
      const now = new Set(maps.map((f) => f.path));
      if (before.length !== now.size || before.some((p) => !now.has(p))) return no('the feed files change (the sitemap is split or joined)');
      files.push(...maps);
    }
    // One whose key is what the release has is not written.
    for (const f of files) {
      if (old.joined.get(f.path) === f.key) continue;
      writes.push([f.path, f.bytes]);
      joined.set(f.path, f.key);
    }
    // Fragments of notices no longer shown stay until the settling build sweeps them.
  }
  // The search index still holds a removed notice, and a changed one as it was (a correction may
  // take out what must not be found, e.g. a name, or a full document now shown by its redacted copy).
  // (Notices its index holds otherwise than shown: those that differ and were in it. The list is written while there is one, and once more when it empties.)
  const hiddenOf = (ids: Set<string>): string[] => [...ids].filter((id) => known.indexed.has(id));
  const hidden = hiddenOf(differs);
  if (hidden.length > 0 || hiddenOf(known.differs).length > 0) writes.push([HIDDEN_LIST_PATH, `${JSON.stringify(hidden.sort())}\n`]);

  // Documents: a new one linked from the blob store (content-addressed, checked), one no longer
  // shown by any notice deleted after the pages that linked it.
  const docDelta = new Map<string, number>();
  for (const id of [...removed, ...changed]) for (const a of oldById.get(id)!.attachments) docDelta.set(a.sha256, (docDelta.get(a.sha256) ?? 0) - 1);
  for (const id of [...added, ...changed]) for (const a of byId.get(id)!.attachments) docDelta.set(a.sha256, (docDelta.get(a.sha256) ?? 0) + 1);
  const docsBefore = (sha: string): number => known.docs.get(sha) ?? 0;
  const newDocs = [...docDelta].filter(([sha, d]) => docsBefore(sha) === 0 && d > 0).map(([sha]) => sha);
  const goneDocs = [...docDelta].filter(([sha, d]) => docsBefore(sha) > 0 && docsBefore(sha) + d <= 0).map(([sha]) => sha);

  // Before the first file: what the patch touches is never reused from this release as its build state says.
  const noticeFiles = new Set([...added, ...changed].flatMap((id) => versions.map(({ prefix }) => `${prefix}${noticePath(id)}`)));
  markDirty(job.outDir, release, {
    files: [...staged.keys(), ...writes.map(([p]) => p)].filter((p) => !noticeFiles.has(p)),
    pages: [...added, ...changed, ...removed].flatMap((id) => versions.map(({ prefix }) => `${prefix}${id}`)),
  });
  let written = 0;
  for (const sha of newDocs) {
    const file = join(release, attachmentPath(sha));
    const blob = join(job.blobDir, sha.slice(0, 2), sha);
    const bytes = readFileSync(blob);
    if (sha256Hex(bytes) !== sha) throw new Error(`příloha ${sha}: obsah v úložišti nemá svůj otisk`);
    renameInto(file, (tmp) => {
      try {
        linkSync(blob, tmp);
      } catch {
        writeFileSync(tmp, bytes);
      }
    });
    written++;
  }
  // Before the first page: what this thread knows of the release is forgotten until the patch is
  // live (a patch failing half-way leaves pages neither it nor the thread knows: the next one builds).
  // (A document linked in already is harmless: nothing links it, the next patch links it again.)
  releases.delete(release);
  // Made when a file is first put in it (most patches replace no file above TRASH_ABOVE but a symlinked one).
  const trash = (staging.trash = join(buildsDir(job.outDir), `trash-${randomBytes(6).toString('hex')}`));
  // The other files are written on libuv's thread pool too, several at once (a large one staged
  // like the OFN file): first the new notice pages, then the pages and files that may link them.
  // The large ones go in place last (the OFN file links the notice pages too).
  for (const [path, data] of writes) {
    const size = sizeOf(data);
    if (size > LINKED_ABOVE && linkedName(path, '') !== null) stage(path, Array.isArray(data) ? data : [typeof data === 'string' ? Buffer.from(data) : data]);
  }
  const small = writes.filter(([path]) => !staged.has(path));
  for (const group of [small.filter(([p]) => noticeFiles.has(p)), small.filter(([p]) => !noticeFiles.has(p))]) {
    const done = await Promise.allSettled(group.map(([path, data]) => replaceSmall(release, path, data, trash)));
    for (const r of done) if (r.status === 'fulfilled') later.push(...r.value);
    written += done.filter((r) => r.status === 'fulfilled').length;
    const failed = done.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
  for (const [path, p] of staged) {
    later.push(...(await installStaged(release, path, await p, trash)));
    installed.add(path);
    written++;
  }
  let deleted = 0;
  const gone = (file: string): void => {
    try {
      unlinkSync(file);
      deleted++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  };
  for (const id of removed) {
    for (const { prefix } of versions) {
      const dir = join(release, `${prefix}${noticePath(id)}`);
      gone(join(dir, 'index.html'));
      try {
        rmdirSync(dir);
      } catch {
        // Not empty or already gone: the page itself is what mattered.
      }
    }
  }
  for (const sha of goneDocs) gone(join(release, attachmentPath(sha)));
  const liveAt = Date.now();
  const tookMs = performance.now() - started;
  const used = process.threadCpuUsage(cpu);
  // Deleted while the thread replies (the reply is when the channel records the change live).
  rm(trash, { recursive: true, force: true }).catch(() => undefined);
  for (const f of later) rm(f, { force: true }).catch(() => undefined);

  // What the release shows now, for the next patch.
  // (The maps of `known` are changed in place: nothing else holds them, and nothing changed them before the patch was live.)
  const noticeKeys = old.noticeKeys;
  for (const id of removed) noticeKeys.delete(id);
  for (const [id, k] of pageKeys) noticeKeys.set(id, k);
  for (const id of lost) {
    known.shownHashes.delete(known.hashes.get(id)!);
    known.hashes.delete(id);
    known.byId.delete(id);
  }
  for (const [id, { h, n }] of fresh) {
    known.shownHashes.add(h);
    known.hashes.set(id, h);
    known.byId.set(id, n);
  }
  for (const [sha, d] of docDelta) {
    const count = docsBefore(sha) + d;
    if (count > 0) known.docs.set(sha, count);
    else known.docs.delete(sha);
  }
  // The manifest it shows now: the run's parts in place of the run's before.
  const parts = new Uint8Array(job.hashes);
  const entries = known.entries.slice(0, head).concat(run.map((r) => r.e), known.entries.slice(oldEnd));
  const flags = new Uint8Array(entries.length);
  flags.set(known.flags.subarray(0, head));
  run.forEach((r, k) => (flags[head + k] = postedAt(r.e, job.at) ? 1 : 0));
  flags.set(known.flags.subarray(oldEnd), head + run.length);
  const instants = crossed || run.length + oldEnd - head > 64 ? instantsOf(entries) : (moveInstants(known.instants, known.entries.slice(head, oldEnd), run.map((r) => r.e)) ?? instantsOf(entries));
  releases.delete(release);
  releases.set(release, {
    ...known,
    record: { ...old, at: job.at, shown, noticeKeys, categories, lists, joined },
    differs,
    parts,
    entries,
    flags,
    instants,
    newest,
    ofnItems,
    ofnBlocks,
    idHashes,
    sitemapPages,
  });
  // The notices of this manifest, by hash: those parsed now join them; the others go once they outnumber them.
  for (const [h, e] of parsed) seen.set(h, e);
  if (seen.size > 2 * entries.length + 1000) {
    seen.clear();
    entries.forEach((e, i) => seen.set(hexAt(parts, i), e));
  }
  boards.set(job.outDir, seen);
  return {
    patched: true,
    liveAt,
    tookMs,
    cpuMs: (used.user + used.system) / 1000,
    shownIds: shown.reduce((out, n) => `${out}${n.id}\n`, ''),
    nextInstant: nextInstant(instants, job.at, Date.parse(frame.snapshot.horizonUntil)),
    filesWritten: written,
    filesDeleted: deleted,
    changed: changes,
  };
}

/** Consecutive OFN items joined (commas between): `count` of them. */
interface OfnBlock {
  count: number;
  bytes: Buffer;
}

/** Items a block of the OFN file's body holds when made (ofnBlocksOf): 10,000 notices are written as about 160 pieces, not 20,000. */
const OFN_BLOCK = 64;

/** `items` in blocks of OFN_BLOCK. */
function ofnBlocksOf(items: readonly Uint8Array[]): OfnBlock[] {
  const out: OfnBlock[] = [];
  for (let i = 0; i < items.length; i += OFN_BLOCK) {
    const part = items.slice(i, i + OFN_BLOCK);
    out.push({ count: part.length, bytes: Buffer.concat(commaJoined(part)) });
  }
  return out;
}

/**
 * The blocks of `items` (the items after a patch) from `blocks` (before it), where `removed`
 * items from index `from` gave way to `added` ones: the blocks that held them are made again from
 * `items`, the others are kept.
 */
function respliceBlocks(blocks: readonly OfnBlock[], items: readonly Uint8Array[], from: number, removed: number, added: number): OfnBlock[] {
  if (blocks.length === 0) return ofnBlocksOf(items);
  // The block holding index `from` (the last one when `from` is past the end), and the last one holding a removed item.
  let b0 = 0;
  let start = 0;
  while (b0 < blocks.length - 1 && start + blocks[b0]!.count <= from) start += blocks[b0++]!.count;
  let b1 = b0;
  let end = start + blocks[b0]!.count;
  while (b1 < blocks.length - 1 && end < from + removed) end += blocks[++b1]!.count;
  return [...blocks.slice(0, b0), ...ofnBlocksOf(items.slice(start, end - removed + added)), ...blocks.slice(b1 + 1)];
}

/** build.ts nextInstantOf on the instants kept: the first posting or removal after `at`, before the horizon. */
function nextInstant(instants: readonly number[], at: number, horizon: number): number | null {
  const next = instants[lowerBound(instants, (t) => t <= at)];
  return next === undefined || (Number.isFinite(horizon) && next >= horizon) ? null : next;
}

/** An entry's finite instants: its posting (none for a notice never posted) and its removal. */
function instantPair(e: Entry): number[] {
  return [e.postMs, e.removeMs ?? Infinity].filter((t) => Number.isFinite(t));
}

/** Every entry's finite instants, ascending. */
function instantsOf(entries: readonly Entry[]): number[] {
  return Array.from(Float64Array.from(entries.flatMap(instantPair)).sort());
}

/** `instants` (ascending) without the instants of `gone` and with those of `come`; null if one of `gone`'s is not there. */
function moveInstants(instants: readonly number[], gone: readonly Entry[], come: readonly Entry[]): number[] | null {
  const out = [...instants];
  for (const e of gone) {
    for (const t of instantPair(e)) {
      const i = lowerBound(out, (x) => x < t);
      if (out[i] !== t) return null;
      out.splice(i, 1);
    }
  }
  for (const e of come) for (const t of instantPair(e)) out.splice(lowerBound(out, (x) => x < t), 0, t);
  return out;
}

/** Whether an instant of `instants` (ascending) lies in (lo, hi]: what is shown at lo and at hi may differ then. */
function crosses(instants: readonly number[], lo: number, hi: number): boolean {
  const t = instants[lowerBound(instants, (x) => x <= lo)];
  return t !== undefined && t <= hi;
}

/** For tests: forget everything this thread knows (as a new thread would). */
export function forgetReleases(): void {
  boards.clear();
  releases.clear();
}

