/**
 * Atomic publication of a static site: `outDir` is a symlink to a release folder beside it.
 * A new release is written completely, then a fresh symlink is renamed over `outDir` (rename is
 * atomic on POSIX), so a reader sees either the old site or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readlink, realpath, rename, rm, stat, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Releases kept after a swap: the new one and the one before it (for readers mid-visit). */
export const KEEP_RELEASES = 2;

export function releasesDir(outDir: string): string {
  return `${resolve(outDir)}.releases`;
}

/** Refuses to touch an `outDir` that is a real directory or file rather than our symlink. */
export async function assertPublishable(outDir: string): Promise<void> {
  const st = await lstat(outDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (st && !st.isSymbolicLink()) {
    throw new Error(
      `${outDir} existuje a není symlink; webové zrcadlo se zveřejňuje přepnutím odkazu (symlinku) a ${st.isDirectory() ? 'skutečnou složku' : 'skutečný soubor'} nenahradí ani nesmaže. Přesuňte ${st.isDirectory() ? 'ji' : 'ho'} jinam nebo zvolte jiné místo (--out).`,
    );
  }
}

/** The release `outDir` points at now, or null before the first build. */
export async function currentRelease(outDir: string): Promise<string | null> {
  await assertPublishable(outDir);
  return realpath(outDir).catch(() => null);
}

/** Creates a new empty release folder named `<seq>-<random>`. */
export async function newRelease(outDir: string, seq: number): Promise<string> {
  await assertPublishable(outDir);
  const dir = join(releasesDir(outDir), `${String(seq).padStart(10, '0')}-${randomBytes(6).toString('hex')}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

/** Points `outDir` at `release` atomically, then prunes old releases. */
export async function swapTo(outDir: string, release: string): Promise<void> {
  await assertPublishable(outDir);
  const abs = resolve(outDir);
  // Relative target, so the site folder and its releases can be moved together.
  const target = join(basename(releasesDir(abs)), basename(release));
  const tmp = join(dirname(abs), `.${basename(abs)}.tmp-${randomBytes(6).toString('hex')}`);
  await symlink(target, tmp, 'dir');
  try {
    await rename(tmp, abs);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await pruneReleases(abs);
}

async function pruneReleases(outDir: string): Promise<void> {
  const dir = releasesDir(outDir);
  const current = basename(await readlink(outDir));
  const entries = await Promise.all(
    (await readdir(dir)).map(async (name) => ({ name, mtime: (await stat(join(dir, name))).mtimeMs })),
  );
  // Newest first by creation order: mtime, then name (seq prefix) as a tie-break.
  entries.sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name));
  const keep = new Set([current, ...entries.filter((e) => e.name !== current).slice(0, KEEP_RELEASES - 1).map((e) => e.name)]);
  for (const e of entries) if (!keep.has(e.name)) await rm(join(dir, e.name), { recursive: true, force: true });
}
