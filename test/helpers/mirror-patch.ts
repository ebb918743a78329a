/**
 * Helpers of the mirror fast-path tests (mirror/patch.ts): a manifest as the store keeps it, the
 * files of a mirror folder, and the notices each list shows (to compare a patched release with a
 * full build).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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
