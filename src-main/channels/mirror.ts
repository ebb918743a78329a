/**
 * Channel: the static web mirror of a board, built from the newest snapshot in a worker thread
 * and swapped in atomically. Evidence names the folder it was written to ("mirror:<folder>").
 */
import { resolve } from 'node:path';
import type { Clock } from '../schedule/clock.ts';
import type { Board } from '../shared/domain.ts';
import type { Store } from '../store/store.ts';
import { WorkerPool } from '../workers/pool.ts';
import type { MirrorBuild } from '../mirror/build.ts';
import type { MirrorSettings } from '../mirror/settings.ts';
import { archiveFromStore } from '../mirror/archive.ts';
import type { MirrorJob } from './mirror-job.ts';
import type { Channel, Delivery } from './runner.ts';

export interface MirrorChannelOptions {
  store: Store;
  clock: Clock;
  /** Where each board's mirror is published (a symlink swapped atomically), or null for none. */
  mirrorDir(boardId: string): string | null;
  /** Folder of the board's signed daily digests, published with the mirror. */
  digestDir?(boardId: string): string | null;
  /** The board's public key ("ed25519:…"), shown on the mirror's digest page. */
  publicKey?: string;
  /** The board's mirror settings (DATA/mirror.json). */
  mirrorSettings?(boardId: string): MirrorSettings;
}

const JOB = new URL('./mirror-job.ts', import.meta.url);

/**
 * Mirror builds of every board run on warm threads (modules loaded once per thread). The lanes
 * run one build per board at a time, so a big board's build never makes a small board's wait;
 * a large board's build also runs at a lower CPU priority, so on a busy machine the schedule and
 * the small boards' instants get the cores first.
 */
export const mirrorWorkers = new WorkerPool({ maxIdle: 2, idleMs: 120_000, maxHeapMb: 1024 });
export const largeMirrorWorkers = new WorkerPool({ maxIdle: 1, idleMs: 120_000, maxHeapMb: 1024, nice: 10 });

/** A manifest above this size (about 1,000 notices) makes a large build. */
const LARGE_MANIFEST_BYTES = 512 * 1024;

export class MirrorChannel implements Channel {
  readonly kind = 'mirror' as const;
  private readonly o: MirrorChannelOptions;

  constructor(o: MirrorChannelOptions) {
    this.o = o;
  }

  place(board: Board): string | null {
    const dir = this.o.mirrorDir(board.id);
    return dir === null ? null : resolve(dir);
  }

  ready(boardId: string): number {
    return this.o.store.snapshots.latestSeq(boardId);
  }

  async deliver(board: Board, seq: number): Promise<Delivery> {
    const { store, clock } = this.o;
    const dir = this.place(board)!;
    const snapshot = store.snapshots.get(board.id, seq);
    if (!snapshot) throw new Error(`snímek ${seq} chybí`);
    // The mirror shows what is posted at the instant it is built (never earlier than the snapshot).
    const at = Math.max(clock.now(), Date.parse(snapshot.createdAt));
    const large = snapshot.manifest.byteLength > LARGE_MANIFEST_BYTES;
    const settings = this.o.mirrorSettings?.(board.id) ?? {};
    // The archive of removed notices, where the board publishes one (read here: the store lives on this thread).
    const archive = settings.archive ? archiveFromStore(store, board.id, at) : undefined;
    const job: MirrorJob = { manifest: snapshot.manifest, at, large, blobDir: store.blobs.dir, outDir: dir, digestDir: this.o.digestDir?.(board.id) ?? null, publicKey: this.o.publicKey ?? null, settings, archive };
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    let built: MirrorBuild;
    try {
      built = await pool.run<MirrorBuild>(JOB, 'buildMirrorJob', [job], { timeoutMs: 30 * 60_000 });
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
      const hint = /EACCES|EPERM|EROFS|ENOSPC/.test(why) ? ` Zkontrolujte oprávnění a volné místo ve složce ${dir}.` : '';
      throw new Error(`Webové zrcadlo se nepodařilo zapsat: ${why}.${hint}`);
    }
    // Evidence: the instant the new mirror went live (after the atomic swap), not when the build began.
    const live = Math.max(at, clock.now());
    // Old releases go afterwards, still on this board's lane (never under a build of the same board).
    // A failure here harms nothing: the next build prunes again.
    await pool.run(JOB, 'pruneMirrorJob', [dir], { timeoutMs: 30 * 60_000 }).catch(() => undefined);
    return { shown: built.shownNoticeIds, at: live, evidence: `mirror:${dir}`, name: `mirror:${dir}` };
  }
}
