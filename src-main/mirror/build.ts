/**
 * The web mirror: static files rendered from one snapshot and published atomically.
 * Only notices posted at `at` appear anywhere in the output; a notice that is not yet posted
 * (kiosks get those ahead of time) or already removed never reaches the public.
 */
import { randomUUID } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sha256Hex } from '../publication/signing.ts';
import { isPostedAt } from '../shared/domain.ts';
import type { FeedManifest, FeedNotice } from '../shared/feed.ts';
import { atomFeed, sitemap } from './feeds.ts';
import { toOfn } from './ofn.ts';
import { accessibilityPage, digestPage, indexPage, noticePage, type PageContext } from './pages.ts';
import { ACCESSIBILITY_PATH, ATOM_PATH, attachmentPath, CSS_PATH, DIGEST_PATH, noticePath, OFN_PATH, SITEMAP_PATH } from './paths.ts';
import { currentRelease, newRelease, readBuildState, swapTo, writeBuildState, type BuildState } from './publish.ts';
import { MIRROR_CSS } from './style.ts';
import { publicManifest } from '../privacy/public.ts';

export interface MirrorInput {
  manifest: FeedManifest;
  /** The instant the mirror shows (ms); usually Date.parse(manifest.snapshot.createdAt). */
  at: number;
  readAttachment(sha256: string): Promise<Uint8Array>;
  /** Folder of the board's signed daily digests (YYYY-MM-DD.json + .json.sig), published under digest/. */
  digestDir?: string | null;
  /** The board's public key ("ed25519:…"), shown on the digest page. */
  publicKey?: string | null;
}

const DIGEST_FILE = /^(\d{4}-\d{2}-\d{2})\.json(\.sig)?$/;

async function put(root: string, path: string, data: string | Uint8Array): Promise<void> {
  const file = join(root, path.endsWith('/') || path === '' ? `${path}index.html` : path);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
}

/** What a build did: the notices it shows, the release folder, notice pages rendered anew and reused. */
export interface MirrorBuild {
  shownNoticeIds: string[];
  path: string;
  pagesWritten: number;
  pagesReused: number;
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
}

/**
 * Builds the mirror into a new release and swaps `outDir` (a symlink) to it. Incremental: a notice
 * page whose notice, board and renderer are unchanged since the current release is hard-linked
 * from it, not rendered and written again; so are attachments (content-addressed). The index,
 * feeds, open data and the other pages are written anew. The new release is complete before the
 * swap, so a visitor sees either the old mirror or the new one, never a mix. `prune: false` leaves
 * the old releases for pruneReleases (publish.ts) to delete later.
 */
export async function buildMirror(input: MirrorInput, outDir: string, o: BuildOptions = {}): Promise<MirrorBuild> {
  // The public never gets a full document that has a redacted copy (privacy/public.ts).
  input = { ...input, manifest: publicManifest(input.manifest) };
  const { manifest, at } = input;
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  // Validate every id and hash before writing anything.
  for (const n of shown) {
    noticePath(n.id);
    for (const a of n.attachments) attachmentPath(a.sha256);
  }
  const previous = await currentRelease(outDir);
  const before = previous === null ? null : await readBuildState(outDir, previous);
  const release = await newRelease(outDir, manifest.snapshot.seq);
  let state: BuildState;
  let written: { pagesWritten: number; pagesReused: number };
  try {
    ({ state, ...written } = await writeRelease(input, shown, release, previous, before, o.parallel ?? PARALLEL));
    await writeBuildState(outDir, release, state);
  } catch (e) {
    await rm(release, { recursive: true, force: true });
    throw e;
  }
  await swapTo(outDir, release, { prune: o.prune });
  return { shownNoticeIds: shown.map((n) => n.id), path: release, ...written };
}

/** Hard-links a file of the previous release (attachments are content-addressed, so identical). */
async function reuse(previous: string | null, release: string, path: string): Promise<boolean> {
  if (previous === null) return false;
  const target = join(release, path);
  await mkdir(dirname(target), { recursive: true });
  return link(join(previous, path), target).then(
    () => true,
    () => false,
  );
}

/** Runs `fn` over `items`, at most `limit` at a time; rejects with the first failure. */
async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

let rendererKey: Promise<string> | null = null;

/**
 * Identity of the code that renders pages: the sources of the mirror's and the shared modules.
 * A release built by other code is never reused from (an upgrade rebuilds every page once).
 */
function renderer(): Promise<string> {
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
): Promise<{ state: BuildState; pagesWritten: number; pagesReused: number }> {
  const { manifest, at } = input;
  const board = manifest.board;
  const ctx: PageContext = { board, at };
  const state: BuildState = { renderer: await renderer(), board: sha256Hex(JSON.stringify(board)), pages: {} };
  const reusable = previous !== null && before !== null && before.renderer === state.renderer && before.board === state.board ? before.pages : {};

  await put(release, CSS_PATH, MIRROR_CSS);
  await put(release, '', indexPage(ctx, shown));
  await put(release, ACCESSIBILITY_PATH, accessibilityPage(ctx));
  // "<" as \u003c: same JSON, but the file can never be mistaken for markup if sniffed or embedded.
  await put(release, OFN_PATH, `${JSON.stringify(toOfn(manifest, at), null, 2).replace(/</g, '\\u003c')}\n`);
  await put(release, ATOM_PATH, atomFeed(board, at, shown));
  await put(release, SITEMAP_PATH, sitemap(board, shown));
  await writeDigests(input, ctx, release);

  // A notice page depends only on the notice, the board and the renderer (never on the instant).
  let pagesReused = 0;
  await inParallel(shown, parallel, async (n) => {
    const key = sha256Hex(JSON.stringify(n));
    state.pages[n.id] = key;
    if (reusable[n.id] === key && (await reuse(previous, release, `${noticePath(n.id)}index.html`))) {
      pagesReused++;
      return;
    }
    await put(release, noticePath(n.id), noticePage(ctx, n));
  });

  const attachments = new Map<string, { notice: FeedNotice; name: string }>();
  for (const n of shown) for (const a of n.attachments) if (!attachments.has(a.sha256)) attachments.set(a.sha256, { notice: n, name: a.name });
  await inParallel([...attachments], parallel, async ([sha, { notice, name }]) => {
    // Each rebuild (every change and instant) would otherwise copy and hash every PDF again.
    if (await reuse(previous, release, attachmentPath(sha))) return;
    const bytes = await input.readAttachment(sha);
    const actual = sha256Hex(bytes);
    if (actual !== sha) throw new Error(`attachment ${name} of notice ${notice.id}: content hash ${actual} ≠ ${sha}`);
    await put(release, attachmentPath(sha), bytes);
  });
  return { state, pagesWritten: shown.length - pagesReused, pagesReused };
}

/** Copies the signed daily digests (only complete pairs) and writes their list page. */
async function writeDigests(input: MirrorInput, ctx: PageContext, release: string): Promise<void> {
  const names = input.digestDir ? await readdir(input.digestDir).catch(() => [] as string[]) : [];
  const files = new Set(names.filter((n) => DIGEST_FILE.test(n)));
  const days = [...files].filter((n) => n.endsWith('.json') && files.has(`${n}.sig`)).map((n) => n.slice(0, -'.json'.length));
  for (const d of days) {
    for (const name of [`${d}.json`, `${d}.json.sig`]) {
      const path = `${DIGEST_PATH}${name}`;
      await put(release, path, await readFile(join(input.digestDir!, name)));
    }
  }
  await put(release, DIGEST_PATH, digestPage(ctx, days, input.publicKey ?? null));
}
