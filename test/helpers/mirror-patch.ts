/**
 * Helpers of the mirror fast-path tests (mirror/patch.ts): a manifest as the store keeps it, the
 * files of a mirror folder, and the notices each list shows (to compare a patched release with a
 * full build).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildMirrorJob } from '../../src-main/channels/mirror-job.ts';
import { renderMirror, type MirrorInput } from '../../src-main/mirror/build.ts';
import { patchMirrorJob, type PatchJob, type PatchResult } from '../../src-main/mirror/patch.ts';
import type { MirrorSettings } from '../../src-main/mirror/settings.ts';
import { benchBoard } from '../../bench/mirror-data.ts';
import { tempDir } from './tmp.ts';
import type { FeedManifest } from '../../src-main/shared/feed.ts';
import { sha256, splitManifest } from '../../src-main/store/snapshot-parts.ts';

/** The manifest as the store keeps it: frame, part hashes, part bodies (store/snapshot-parts.ts). */
export function parts(manifest: FeedManifest): { bytes: Uint8Array; frame: Buffer; hashes: Buffer; bodies: Record<string, Uint8Array> } {
  const bytes = Buffer.from(JSON.stringify(manifest));
  const split = splitManifest(bytes);
  assert.notEqual(split.at, null);
  const hashes = split.notices.map((b) => sha256(b));
  return { bytes, frame: split.frame, hashes: Buffer.concat(hashes), bodies: Object.fromEntries(hashes.map((h, i) => [h.toString('hex'), split.notices[i]!])) };
}

/** Every file under `dir` but the search index and a large file's data under its own name (patch.ts replace: the path is a symlink to it), by path. */
export function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  for (const p of out.keys()) if (p.startsWith('pagefind/') || /\.v-[0-9a-f]+\.[a-z]+$/.test(p)) out.delete(p);
  return out;
}

/** A list page: the mirror's index, a category's pages, another order or page of either, in any language version. */
export const isList = (p: string): boolean => /^((en|cs|pl)\/)?(kategorie\/[^/]+\/)?(razeni\/[^/]+\/)?(strana\/\d+\/)?index\.html$/.test(p);

const NOTICE_LINK = /<h3><a href="[^"]*oznameni\/([^/"]+)\/"/g;

/** The notice ids each list shows, its pages joined in order: list (path without strana/N/) → ids. */
export function listed(all: Map<string, Buffer>): Map<string, string[]> {
  const pages = [...all.keys()].filter(isList).map((p) => ({ p, list: p.replace(/strana\/\d+\//, ''), n: Number(/strana\/(\d+)\//.exec(p)?.[1] ?? 1) }));
  pages.sort((a, b) => (a.list < b.list ? -1 : a.list > b.list ? 1 : a.n - b.n));
  const out = new Map<string, string[]>();
  for (const { p, list } of pages) {
    const ids = [...all.get(p)!.toString('utf8').matchAll(NOTICE_LINK)].map((m) => m[1]!);
    out.set(list, [...(out.get(list) ?? []), ...ids]);
  }
  return out;
}

/** The ids on one list page of a mirror folder. */
export function idsOn(dir: string, path: string): string[] {
  return [...readFileSync(join(dir, path), 'utf8').matchAll(NOTICE_LINK)].map((m) => m[1]!);
}

/**
 * A board of `n` bench notices (bench/mirror-data.ts) with its documents in a blob store, in a
 * temporary folder: build, patch (as the mirror channel's jobs do, on this thread) and a fresh
 * full build to compare with.
 */
export function patchBoard(n: number, settings: MirrorSettings = { pageSize: 10 }, edit?: (m: FeedManifest) => void) {
  const tmp = tempDir();
  const { manifest, files: blobs, notices, at } = benchBoard(n);
  edit?.(manifest);
  const blobDir = join(tmp.path, 'blobs');
  for (const [sha, bytes] of blobs) {
    mkdirSync(join(blobDir, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(blobDir, sha.slice(0, 2), sha), bytes);
  }
  const out = join(tmp.path, 'site');
  const common = { blobDir, outDir: out, digestDir: null, publicKey: null, settings };
  const build = async (m: FeedManifest, when = at) => {
    const p = parts(m);
    return (await buildMirrorJob({ ...common, manifest: p.bytes, at: when, large: false, hashes: p.hashes }))!;
  };
  const patchJob = (m: FeedManifest, when = at): PatchJob => {
    const p = parts(m);
    return { ...common, at: when, frame: p.frame, hashes: p.hashes, bodies: p.bodies };
  };
  const patch = (m: FeedManifest, when = at): Promise<PatchResult> => patchMirrorJob(patchJob(m, when));
  /** A full build into a folder of its own (with `layout`: its lists paged where those pages begin, as a build on the release's thread pages them). */
  const fresh = async (m: FeedManifest, when = at, layout?: MirrorInput['layout']): Promise<Map<string, Buffer>> => {
    const dir = join(tmp.path, `fresh-${Math.random().toString(16).slice(2)}`);
    await renderMirror({ manifest: m, at: when, settings, layout, readAttachment: async (sha) => blobs.get(sha)! }, dir, { search: false });
    return files(dir);
  };
  /** A document of its own in the blob store: its SHA-256. */
  const addBlob = (bytes: Uint8Array): string => {
    const sha = sha256(bytes).toString('hex');
    mkdirSync(join(blobDir, sha.slice(0, 2)), { recursive: true });
    writeFileSync(join(blobDir, sha.slice(0, 2), sha), bytes);
    blobs.set(sha, bytes);
    return sha;
  };
  return { tmp, manifest, notices, at, out, blobDir, blobs, build, patch, patchJob, fresh, addBlob };
}

/**
 * The live mirror shows what a full build shows: every file but the list pages (and those `ignore`
 * names) byte for byte, every list the same notices in order.
 */
export function sameAsFull(live: Map<string, Buffer>, want: Map<string, Buffer>, what = '', ignore: (path: string) => boolean = () => false): void {
  const others = (m: Map<string, Buffer>): string[] => [...m.keys()].filter((p) => !isList(p) && !ignore(p)).sort();
  assert.deepEqual(others(live), others(want), what);
  for (const p of others(want)) assert.ok(live.get(p)!.equals(want.get(p)!), `${what ? `${what}: ` : ''}${p} differs from a full build`);
  assert.deepEqual(listed(live), listed(want), what);
}
