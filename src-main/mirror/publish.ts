/**
 * Atomic publication of a static site: `outDir` is a symlink to a release folder beside it.
 * A new release is written completely, then a fresh symlink is renamed over `outDir` (rename is
 * atomic on POSIX), so a reader sees either the old site or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, rmSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { KnownCategory } from './former.ts';

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

/** Where each release's build state is kept: `<outDir>.builds/<release>.json`, outside anything published. */
export function buildsDir(outDir: string): string {
  return `${resolve(outDir)}.builds`;
}

/**
 * What a release was built from: the renderer's and the board's identity and a key per notice
 * page. The next build reuses the pages whose key is unchanged.
 */
export interface BuildState {
  renderer: string;
  board: string;
  /** Notice id → key of the notice its page was rendered from. */
  pages: Record<string, string>;
  /** Every other rendered file (lists, feeds, open data): mirror path → SHA-256 of its content. */
  files?: Record<string, string>;
  /** Every category the mirror has given pages to, carried from build to build (former.ts). */
  categories?: KnownCategory[];
}

/** `release` is a folder in releasesDir(outDir). */
function stateFile(outDir: string, release: string): string {
  return join(buildsDir(outDir), `${basename(release)}.json`);
}

/** A line of a `.dirty` file, as read (anything may be in it). */
type DirtyRecord = { files?: unknown; pages?: unknown };

/** BuildState.files' key of a file a fast patch changed: equal to no rendered file's key, so never reused. */
const DIRTY_KEY = 'patched';

/** The paths a fast patch changes in a release (one JSON line per patch): `<outDir>.builds/<release>.dirty`. */
function dirtyFile(outDir: string, release: string): string {
  return join(buildsDir(outDir), `${basename(release)}.dirty`);
}

/**
 * Records, before a fast patch touches the release, the files (mirror paths) and notice pages
 * (BuildState.pages keys) it will change: the next build never links them as the state says, even
 * when the patch was killed half-way. Synchronous: the patch runs on a worker thread.
 */
export function markDirty(outDir: string, release: string, d: { files: string[]; pages: string[] }): void {
  appendFileSync(dirtyFile(outDir, release), `${JSON.stringify(d)}\n`);
}

export async function writeBuildState(outDir: string, release: string, state: BuildState): Promise<void> {
  await mkdir(buildsDir(outDir), { recursive: true });
  await writeFile(stateFile(outDir, release), JSON.stringify(state));
}

/** The state of a release, or null when it has none or it is unreadable (then every page is rendered). */
export async function readBuildState(outDir: string, release: string): Promise<BuildState | null> {
  try {
    const s = JSON.parse(await readFile(stateFile(outDir, release), 'utf8')) as Partial<BuildState>;
    const ok = typeof s.renderer === 'string' && typeof s.board === 'string' && typeof s.pages === 'object' && s.pages !== null;
    if (!ok) return null;
    // Parts that are not what they should be are forgotten, never a reason for every later build to fail.
    if (s.categories !== undefined && !Array.isArray(s.categories)) delete s.categories;
    if (s.files !== undefined && (typeof s.files !== 'object' || s.files === null)) delete s.files;
    // What a fast patch wrote into the release in place (patch.ts) is never reused as the state says.
    // A file keeps its entry (the release has it: a list page past a list's new end must still
    // answer, build.ts writeLists) with a key no content has.
    const files = s.files;
    const dirty = (f: string): void => {
      if (files && Object.hasOwn(files, f)) files[f] = DIRTY_KEY;
    };
    for (const line of (await readFile(dirtyFile(outDir, release), 'utf8').catch(() => '')).split('\n')) {
      if (line === '') continue;
      let d: DirtyRecord | null = null;
      try {
        d = JSON.parse(line) as DirtyRecord | null;
      } catch {
        // A record cut short (a full disk, a patch killed while writing it): nothing is reused, the rest of the state stays.
      }
      if (d === null || typeof d !== 'object') {
        s.pages = {};
        for (const f of Object.keys(files ?? {})) dirty(f);
        continue;
      }
      if (Array.isArray(d.files)) for (const f of d.files) if (typeof f === 'string') dirty(f);
      if (Array.isArray(d.pages)) for (const k of d.pages) if (typeof k === 'string') delete s.pages![k];
    }
    return s as BuildState;
  } catch {
    return null;
  }
}

/** Points `outDir` at `release` atomically, then (unless `prune: false`) prunes old releases. */
export async function swapTo(outDir: string, release: string, o: { prune?: boolean } = {}): Promise<void> {
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
  if (o.prune !== false) await pruneReleases(abs);
}

/**
 * Deletes all releases but the current one, the one before it and the one built ahead (a large
 * release takes seconds); a release left half-written by a killed build goes too.
 * Synchronous deletes: run in a worker thread (or the CLI), they never fill libuv's shared thread
 * pool with tens of thousands of operations that other boards' builds would queue behind.
 */
export async function pruneReleases(outDir: string): Promise<void> {
  const dir = releasesDir(outDir);
  const current = basename(await readlink(outDir));
  // A release built ahead for the next instant (not yet live) is kept, and does not count as the one before.
  const ahead = await readPrebuilt(outDir);
  const aheadName = ahead === null ? null : basename(ahead.release);
  // A release can go meanwhile (a cancelled build's is deleted in the background: build.ts).
  const entries = (
    await Promise.all(
      (await readdir(dir)).map(async (name) =>
        stat(join(dir, name)).then(
          (st) => ({ name, mtime: st.mtimeMs }),
          (e: NodeJS.ErrnoException) => {
            if (e.code === 'ENOENT') return null;
            throw e;
          },
        ),
      ),
    )
  ).filter((e) => e !== null);
  // Newest first by creation order: mtime, then name (seq prefix) as a tie-break.
  entries.sort((a, b) => b.mtime - a.mtime || b.name.localeCompare(a.name));
  // A release without its build state was never finished (a build killed part-way): never "the one before".
  const states = await readdir(buildsDir(outDir)).catch(() => [] as string[]);
  const finished = new Set(states.filter((s) => s.endsWith('.json')).map((s) => s.replace(/\.json$/, '')));
  const older = entries.filter((e) => e.name !== current && e.name !== aheadName && finished.has(e.name));
  const keep = new Set([current, ...older.slice(0, KEEP_RELEASES - 1).map((e) => e.name)]);
  if (aheadName !== null) keep.add(aheadName);
  for (const e of entries) if (!keep.has(e.name)) rmSync(join(dir, e.name), { recursive: true, force: true });
  for (const s of states) if (s !== PREBUILT_FILE && !keep.has(s.replace(/\.(json|dirty)$/, ''))) await rm(join(buildsDir(outDir), s), { recursive: true, force: true });
}

/**
 * A release built ahead of time for a known instant (a posting or removal in the signed
 * manifest), complete but not live: at the instant only the symlink is swapped to it. Valid for
 * instants in [at, until) and only for the content it was built from (`key`: the manifest without
 * its snapshot header, the settings, the archive, the digests); anything else discards it.
 */
export interface Prebuilt {
  release: string;
  /** The instant it shows (ms) and the next instant after it (null: none known). */
  at: number;
  until: number | null;
  key: string;
  /** The snapshot it was built from. */
  seq: number;
  shown: string[];
  /** When it went live, if the channel's timer swapped it in already (ms). */
  liveAt?: number;
}

const PREBUILT_FILE = 'prebuilt.json';
/** A release folder's name (newRelease): the snapshot's sequence and 6 random bytes. */
const RELEASE_NAME = /^\d{10,}-[0-9a-f]{12}$/;

export async function readPrebuilt(outDir: string): Promise<Prebuilt | null> {
  try {
    const p = JSON.parse(await readFile(join(buildsDir(outDir), PREBUILT_FILE), 'utf8')) as Partial<Prebuilt>;
    const ok =
      typeof p.release === 'string' &&
      Number.isFinite(p.at) &&
      (p.until === null || Number.isFinite(p.until)) &&
      (p.liveAt === undefined || Number.isFinite(p.liveAt)) &&
      typeof p.key === 'string' &&
      typeof p.seq === 'number' &&
      Array.isArray(p.shown) &&
      p.shown.every((id) => typeof id === 'string');
    // Only ever a release folder of this mirror (discardPrebuilt deletes it): the name newRelease gives, in releasesDir.
    if (!ok || basename(dirname(p.release!)) !== basename(releasesDir(outDir)) || !RELEASE_NAME.test(basename(p.release!))) return null;
    return { ...(p as Prebuilt), release: join(releasesDir(outDir), basename(p.release!)) };
  } catch {
    return null;
  }
}

/** Records `p` (the release is complete and its build state written): written aside, then renamed. */
export async function writePrebuilt(outDir: string, p: Prebuilt): Promise<void> {
  await mkdir(buildsDir(outDir), { recursive: true });
  const tmp = join(buildsDir(outDir), `.${PREBUILT_FILE}.${randomBytes(6).toString('hex')}`);
  await writeFile(tmp, JSON.stringify(p));
  await rename(tmp, join(buildsDir(outDir), PREBUILT_FILE));
}

/** Forgets the record of the release built ahead (the release itself stays). */
export async function forgetPrebuilt(outDir: string): Promise<void> {
  await rm(join(buildsDir(outDir), PREBUILT_FILE), { force: true });
}

/** Forgets the release built ahead and deletes it, unless it is live (then it is simply the live release). */
export async function discardPrebuilt(outDir: string): Promise<void> {
  const p = await readPrebuilt(outDir);
  await forgetPrebuilt(outDir);
  if (p === null) return;
  const current = await realpath(outDir).catch(() => null);
  if (current !== null && basename(current) === basename(p.release)) return;
  rmSync(p.release, { recursive: true, force: true });
  await rm(stateFile(outDir, p.release), { force: true });
}

/**
 * Makes the release built ahead live (the symlink swap only) if it is still the recorded one;
 * records when. Returns the instant it went live, or null when there is nothing to swap.
 */
export async function swapToPrebuilt(outDir: string, expected: { release: string; key: string }, now: () => number): Promise<number | null> {
  const p = await readPrebuilt(outDir);
  if (p === null || p.release !== expected.release || p.key !== expected.key) return null;
  await swapTo(outDir, p.release, { prune: false });
  const liveAt = now();
  await writePrebuilt(outDir, { ...p, liveAt });
  return liveAt;
}
