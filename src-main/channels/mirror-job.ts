/**
 * The mirror build as a worker-thread job (run by runInWorker, off the main event loop):
 * plain data in (the manifest's bytes, the instant, where each attachment's file is, where the
 * daily digests are), the worker reads the files itself and swaps the mirror atomically.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeedManifest } from '../shared/feed.ts';
import { buildMirror } from '../mirror/build.ts';

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
}

export async function buildMirrorJob(job: MirrorJob): Promise<{ shownNoticeIds: string[]; path: string }> {
  const manifest = JSON.parse(Buffer.from(job.manifest.buffer, job.manifest.byteOffset, job.manifest.byteLength).toString('utf8')) as FeedManifest;
  return buildMirror(
    {
      manifest,
      at: job.at,
      digestDir: job.digestDir,
      publicKey: job.publicKey,
      // buildMirror checks every hash before it asks, and again on the bytes it reads.
      readAttachment: async (sha) =>
        readFile(join(job.blobDir, sha.slice(0, 2), sha)).catch((e: NodeJS.ErrnoException) => {
          throw e.code === 'ENOENT' ? new Error(`příloha ${sha} chybí v úložišti`) : e;
        }),
    },
    job.outDir,
  );
}
