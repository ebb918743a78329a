/**
 * The mirror build as a worker-thread job (run by runInWorker, off the main event loop):
 * plain data in (the manifest's bytes, the instant, where each attachment's file is, where the
 * daily digests are), the worker reads the files itself and swaps the mirror atomically.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FeedManifest } from '../shared/feed.ts';
import { isPostedAt } from '../shared/domain.ts';
import { sha256Hex } from '../publication/signing.ts';
import { BuildCancelled, buildMirror, digestNames, takeReleaseRecord, type MirrorBuild, type MirrorInput } from '../mirror/build.ts';
import { liveLayout, patchMirrorJob, rememberRelease } from '../mirror/patch.ts';
import { currentRelease, discardPrebuilt, forgetPrebuilt, pruneReleases, readPrebuilt, swapTo, writePrebuilt, type Prebuilt } from '../mirror/publish.ts';
import type { MirrorSettings } from '../mirror/settings.ts';
import type { ArchivedNotice } from '../mirror/archive.ts';

export interface MirrorJob {
  /** The snapshot's manifest, as signed (parsed here, not on the publisher's event loop). */
  manifest: Uint8Array;
  at: number;
  /** The blob store's folder: an attachment lives at <blobDir>/<first two hex digits>/<sha256> (store/blobs.ts). */
  blobDir: string;
  outDir: string;
  /** Folder of signed daily digests to publish under digest/, or null. */
  digestDir: string | null;
  /** The board's public key, shown beside the digests. */
  publicKey: string | null;
  /** A large board: fewer file operations at once (see BuildOptions.parallel). */
  large: boolean;
  /** The board's mirror settings (DATA/mirror.json). */
  settings?: MirrorSettings;
  /** Removed notices for the archive (only with settings.archive; mirror/archive.ts). */
  archive?: ArchivedNotice[];
  /**
   * The SHA-256 of each notice's part of the signed manifest, 32 bytes each, concatenated in order
   * (store/snapshots.ts partsOf): this thread then remembers the release for a fast patch (mirror/patch.ts).
   */
  hashes?: Uint8Array;
}

/** What a delivery did: the build (or the release built ahead that it made live), and when it went live if before now. */
export interface MirrorJobResult extends MirrorBuild {
  /** Set when a release built ahead was already swapped in by the channel's timer (ms). */
  liveAt?: number;
}

function parse(job: MirrorJob): FeedManifest {
  return JSON.parse(Buffer.from(job.manifest.buffer, job.manifest.byteOffset, job.manifest.byteLength).toString('utf8')) as FeedManifest;
}

/**
 * Identity of everything a release built at `at` shows: the notices posted at `at` (not the
 * manifest's future or removed ones, which come and go with re-signing), the rest of the
 * manifest but its snapshot header (seq, createdAt and validity change at every re-signing),
 * the settings, the archive, the key shown beside the digests and which digests there are.
 */
async function contentKey(manifest: FeedManifest, at: number, job: MirrorJob): Promise<string> {
  const { snapshot: _snapshot, notices, ...rest } = manifest;
  const digests = await digestNames(job.digestDir);
  return sha256Hex(JSON.stringify([rest, notices.filter((n) => isPostedAt(n, at)), job.settings ?? {}, job.archive ?? null, job.publicKey, digests]));
}

function inputOf(job: MirrorJob, manifest: FeedManifest, layout?: MirrorInput['layout']): MirrorInput {
  return {
    manifest,
    layout,
    at: job.at,
    digestDir: job.digestDir,
    publicKey: job.publicKey,
    settings: job.settings,
    archive: job.archive,
    // buildMirror checks every hash before it asks, and again on the bytes it reads.
    readAttachment: async (sha) =>
      readFile(join(job.blobDir, sha.slice(0, 2), sha)).catch((e: NodeJS.ErrnoException) => {
        throw e.code === 'ENOENT' ? new Error(`příloha ${sha} chybí v úložišti`) : e;
      }),
  };
}

/**
 * Makes the mirror of `job` live: the release built ahead for this instant when it was built
 * from the same content (only the symlink is swapped, or it already was by the channel's timer),
 * else a build (and the release built ahead, now wrong, is deleted). Old releases are left for
 * pruneMirrorJob, so the mirror goes live (and is recorded) sooner. `cancel` (shared memory, set
 * to 1 by the channel) stops a build before its swap: null, nothing of it is left.
 */
export async function buildMirrorJob(job: MirrorJob, cancel?: Int32Array): Promise<MirrorJobResult | null> {
  const manifest = parse(job);
  const ahead = await readPrebuilt(job.outDir);
  if (ahead !== null) {
    const fits = ahead.at <= job.at && (ahead.until === null || job.at < ahead.until) && ahead.key === (await contentKey(manifest, job.at, job));
    if (fits) {
      const current = await currentRelease(job.outDir);
      let liveAt = ahead.liveAt;
      if (current === null || basename(current) !== basename(ahead.release)) {
        await swapTo(job.outDir, ahead.release, { prune: false });
        liveAt = undefined;
      }
      await forgetPrebuilt(job.outDir);
      return { shownNoticeIds: ahead.shown, path: ahead.release, pagesWritten: 0, pagesReused: 0, filesWritten: 0, filesReused: 0, warnings: [], nextInstant: ahead.until, liveAt };
    }
    await discardPrebuilt(job.outDir);
  }
  const cancelled = (): boolean => cancel !== undefined && Atomics.load(cancel, 0) === 1;
  try {
    // The live release's list pages kept where they begin (as this thread knows them): a change rewrites the pages it is on.
    const built = await buildMirror(inputOf(job, manifest, (await liveLayout(job.outDir)) ?? undefined), job.outDir, { prune: false, parallel: job.large ? 2 : undefined, cancelled });
    await remember(job, manifest);
    return built;
  } catch (e) {
    if (e instanceof BuildCancelled) return null;
    throw e;
  }
}

async function remember(job: MirrorJob, manifest: FeedManifest): Promise<void> {
  await rememberRelease(takeReleaseRecord(), { outDir: job.outDir, manifest, hashes: job.hashes, settings: job.settings, digestDir: job.digestDir, publicKey: job.publicKey });
}

export { patchMirrorJob };

/**
 * Builds, without making it live, the release for the instant `job.at` (the next posting or
 * removal the manifest knows), and records it (publish.ts Prebuilt) for the channel's timer or
 * the next delivery to swap in. Replaces any release built ahead before. Null when cancelled
 * (nothing is left of it).
 */
export async function prebuildMirrorJob(job: MirrorJob, cancel?: Int32Array): Promise<Prebuilt | null> {
  const manifest = parse(job);
  await discardPrebuilt(job.outDir);
  // The channel sets cancel[0] to 1 when a delivery needs the board's mirror (shared memory: seen at once).
  const cancelled = (): boolean => cancel !== undefined && Atomics.load(cancel, 0) === 1;
  let built: MirrorBuild;
  try {
    built = await buildMirror(inputOf(job, manifest, (await liveLayout(job.outDir)) ?? undefined), job.outDir, { prune: false, swap: false, parallel: job.large ? 2 : undefined, cancelled });
    await remember(job, manifest);
  } catch (e) {
    if (e instanceof BuildCancelled) return null;
    throw e;
  }
  const horizon = Date.parse(manifest.snapshot.horizonUntil);
  const p: Prebuilt = {
    release: built.path,
    at: job.at,
    until: built.nextInstant ?? (Number.isFinite(horizon) ? horizon : null),
    key: await contentKey(manifest, job.at, job),
    seq: manifest.snapshot.seq,
    shown: built.shownNoticeIds,
  };
  await writePrebuilt(job.outDir, p);
  return p;
}

/** Deletes the releases the mirror no longer needs (after the swap was recorded). */
export async function pruneMirrorJob(outDir: string): Promise<void> {
  await pruneReleases(outDir);
}
