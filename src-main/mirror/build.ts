/**
 * The web mirror: static files rendered from one snapshot and published atomically.
 * Only notices posted at `at` appear anywhere in the output; a notice that is not yet posted
 * (kiosks get those ahead of time) or already removed never reaches the public.
 */
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../publication/signing.ts';
import { isPostedAt } from '../shared/domain.ts';
import type { FeedManifest, FeedNotice } from '../shared/feed.ts';
import { atomFeed, sitemap } from './feeds.ts';
import { toOfn } from './ofn.ts';
import { accessibilityPage, digestPage, indexPage, noticePage, type PageContext } from './pages.ts';
import { ACCESSIBILITY_PATH, ATOM_PATH, attachmentPath, CSS_PATH, DIGEST_PATH, noticePath, OFN_PATH, SITEMAP_PATH } from './paths.ts';
import { currentRelease, newRelease, swapTo } from './publish.ts';
import { MIRROR_CSS } from './style.ts';

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

/** Builds the mirror into a new release and swaps `outDir` (a symlink) to it. */
export async function buildMirror(input: MirrorInput, outDir: string): Promise<{ shownNoticeIds: string[]; path: string }> {
  const { manifest, at } = input;
  const shown = manifest.notices.filter((n) => isPostedAt(n, at));
  // Validate every id and hash before writing anything.
  for (const n of shown) {
    noticePath(n.id);
    for (const a of n.attachments) attachmentPath(a.sha256);
  }
  const previous = await currentRelease(outDir);
  const release = await newRelease(outDir, manifest.snapshot.seq);
  try {
    await writeRelease(input, shown, release, previous);
  } catch (e) {
    await rm(release, { recursive: true, force: true });
    throw e;
  }
  await swapTo(outDir, release);
  return { shownNoticeIds: shown.map((n) => n.id), path: release };
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

async function writeRelease(input: MirrorInput, shown: FeedNotice[], release: string, previous: string | null): Promise<void> {
  const { manifest, at } = input;
  const board = manifest.board;
  const ctx: PageContext = { board, at };

  await put(release, CSS_PATH, MIRROR_CSS);
  await put(release, '', indexPage(ctx, shown));
  await put(release, ACCESSIBILITY_PATH, accessibilityPage(ctx));
  // "<" as \u003c: same JSON, but the file can never be mistaken for markup if sniffed or embedded.
  await put(release, OFN_PATH, `${JSON.stringify(toOfn(manifest, at), null, 2).replace(/</g, '\\u003c')}\n`);
  await put(release, ATOM_PATH, atomFeed(board, at, shown));
  await put(release, SITEMAP_PATH, sitemap(board, shown));
  await writeDigests(input, ctx, release);

  const written = new Set<string>();
  for (const n of shown) {
    await put(release, noticePath(n.id), noticePage(ctx, n));
    for (const a of n.attachments) {
      if (written.has(a.sha256)) continue;
      written.add(a.sha256);
      // Each rebuild (every change and instant) would otherwise copy and hash every PDF again.
      if (await reuse(previous, release, attachmentPath(a.sha256))) continue;
      const bytes = await input.readAttachment(a.sha256);
      const actual = sha256Hex(bytes);
      if (actual !== a.sha256) throw new Error(`attachment ${a.name} of notice ${n.id}: content hash ${actual} ≠ ${a.sha256}`);
      await put(release, attachmentPath(a.sha256), bytes);
    }
  }
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
