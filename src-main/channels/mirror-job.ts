/**
 * The mirror build as a worker-thread job (run by runInWorker, off the main event loop):
 * plain data in (the manifest's bytes, the instant, where each attachment's file is, where the
 * daily digests are), the worker reads the files itself and swaps the mirror atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedManifest } from '../shared/feed.ts';
import { buildMirror, type MirrorBuild } from '../mirror/build.ts';
import { pruneReleases } from '../mirror/publish.ts';
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
}

/** Builds and swaps; old releases are left for pruneMirrorJob, so the mirror goes live (and is recorded) sooner. */
export async function buildMirrorJob(job: MirrorJob): Promise<MirrorBuild> {
  const manifest = JSON.parse(Buffer.from(job.manifest.buffer, job.manifest.byteOffset, job.manifest.byteLength).toString('utf8')) as FeedManifest;
  return buildMirror(
    {
      manifest,
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
    },
    job.outDir,
    { prune: false, parallel: job.large ? 2 : undefined },
  );
}

/** Deletes the releases the mirror no longer needs (after the swap was recorded). */
export async function pruneMirrorJob(outDir: string): Promise<void> {
  await pruneReleases(outDir);
}
