/**
 * The mirror build as a worker-thread job (run by runInWorker, off the main event loop):
 * plain data in (the manifest's bytes, the instant, where each attachment's file is, where the
 * daily digests are), the worker reads the files itself and swaps the mirror atomically.
 */
import { readFile } from 'node:fs/promises';
import type { FeedManifest } from '../shared/feed.ts';
import { buildMirror } from '../mirror/build.ts';

export interface MirrorJob {
  manifestJson: string;
  at: number;
  /** SHA-256 → absolute path of the blob file. */
  blobPaths: Record<string, string>;
  outDir: string;
  /** Folder of signed daily digests to publish under digest/, or null. */
  digestDir: string | null;
  /** The board's public key, shown beside the digests. */
  publicKey: string | null;
}

export async function buildMirrorJob(job: MirrorJob): Promise<{ shownNoticeIds: string[]; path: string }> {
  const manifest = JSON.parse(job.manifestJson) as FeedManifest;
  return buildMirror(
    {
      manifest,
      at: job.at,
      digestDir: job.digestDir,
      publicKey: job.publicKey,
      readAttachment: async (sha) => {
        const path = job.blobPaths[sha];
        if (path === undefined) throw new Error(`příloha ${sha} chybí v úložišti`);
        return readFile(path);
      },
    },
    job.outDir,
  );
}
