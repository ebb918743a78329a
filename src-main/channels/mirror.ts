/**
 * Channel: the static web mirror of a board, built from the newest snapshot in a worker thread
 * and swapped in atomically. Evidence names the folder it was written to ("mirror:<folder>").
 */
import { resolve } from 'node:path';
import type { Clock, TimerHandle } from '../schedule/clock.ts';
import type { Board } from '../shared/domain.ts';
import type { Store } from '../store/store.ts';
import { WorkerPool } from '../workers/pool.ts';
import { swapToPrebuilt, type Prebuilt } from '../mirror/publish.ts';
import type { MirrorSettings } from '../mirror/settings.ts';
import { archiveFromStore } from '../mirror/archive.ts';
import type { MirrorJob, MirrorJobResult } from './mirror-job.ts';
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
  /**
   * Whether a change of the board is committed but not yet in a signed snapshot (then a release
   * built ahead is not swapped in at its instant: the next delivery builds). Unknown: never swapped early.
   */
  unsignedChange?(boardId: string): boolean;
  /** Build the release of the next known instant ahead of time (default true). */
  ahead?: boolean;
  log?(line: string): void;
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
  private readonly ahead = new Map<string, Ahead>();
  private stopped = false;

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
    // Nothing else touches this board's mirror meanwhile: the timer is off, a build ahead has ended
    // (finished when it is this very instant's, which the build job then takes; cancelled otherwise).
    await this.settle(board.id, Math.max(clock.now(), Date.parse(snapshot.createdAt)));
    const at = Math.max(clock.now(), Date.parse(snapshot.createdAt));
    const large = snapshot.manifest.byteLength > LARGE_MANIFEST_BYTES;
    const settings = this.o.mirrorSettings?.(board.id) ?? {};
    const job = this.jobOf(board, snapshot.manifest, at, large, settings, dir);
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    let built: MirrorJobResult;
    try {
      built = await pool.run<MirrorJobResult>(JOB, 'buildMirrorJob', [job], { timeoutMs: 30 * 60_000 });
    } catch (e) {
      const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
      const hint = /EACCES|EPERM|EROFS|ENOSPC/.test(why) ? ` Zkontrolujte oprávnění a volné místo ve složce ${dir}.` : '';
      throw new Error(`Webové zrcadlo se nepodařilo zapsat: ${why}.${hint}`);
    }
    // Evidence: the instant the new mirror went live (after the atomic swap), not when the build
    // began; for a release built ahead and swapped in by the timer, when that swap was done.
    const live = built.liveAt ?? Math.max(at, clock.now());
    // Old releases go afterwards, still on this board's lane (never under a build of the same board).
    // A failure here harms nothing: the next build prunes again.
    await pool.run(JOB, 'pruneMirrorJob', [dir], { timeoutMs: 30 * 60_000 }).catch(() => undefined);
    if (this.o.ahead !== false && built.nextInstant !== null) this.buildAhead(board, snapshot.manifest, built.nextInstant, large, settings, dir, seq);
    return { shown: built.shownNoticeIds, at: live, evidence: `mirror:${dir}`, name: `mirror:${dir}` };
  }

  private jobOf(board: Board, manifest: Uint8Array, at: number, large: boolean, settings: MirrorSettings, dir: string): MirrorJob {
    // The archive of removed notices, where the board publishes one (read here: the store lives on this thread).
    const archive = settings.archive ? archiveFromStore(this.o.store, board.id, at) : undefined;
    return { manifest, at, large, blobDir: this.o.store.blobs.dir, outDir: dir, digestDir: this.o.digestDir?.(board.id) ?? null, publicKey: this.o.publicKey ?? null, settings, archive };
  }

  /**
   * Builds the release for the next known instant now, off the lane, and arms a timer to swap it
   * in at that instant (settle() stops both before anything else builds this board's mirror).
   */
  private buildAhead(board: Board, manifest: Uint8Array, instant: number, large: boolean, settings: MirrorSettings, dir: string, seq: number): void {
    const job = this.jobOf(board, manifest, instant, large, settings, dir);
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const state: Ahead = { instant, building: Promise.resolve(), timer: null, swapping: Promise.resolve(), cancel };
    state.building = pool
      .run<Prebuilt | null>(JOB, 'prebuildMirrorJob', [job, cancel], { timeoutMs: 30 * 60_000 })
      .then((p) => {
        if (p === null || this.ahead.get(board.id) !== state || this.stopped) return;
        const settingsKey = JSON.stringify(settings);
        state.timer = this.o.clock.setTimeout(() => {
          state.timer = null;
          state.swapping = this.swapAhead(board.id, dir, p, seq, settingsKey).catch((e: unknown) => this.o.log?.(`board ${board.id}: mirror built ahead not swapped: ${e instanceof Error ? e.message : String(e)}`));
        }, Math.max(0, p.at - this.o.clock.now()));
      })
      .catch((e: unknown) => this.o.log?.(`board ${board.id}: mirror for the next instant not built ahead: ${e instanceof Error ? e.message : String(e)}`));
    this.ahead.set(board.id, state);
  }

  /**
   * At the instant: swaps the release built ahead in, unless something it was not built from may
   * have changed (a newer snapshot, a change not yet signed, other mirror settings) or the instant
   * after it has passed too (a build ahead that ended late). Then the next
   * delivery builds as always (and the release built ahead is deleted).
   */
  private async swapAhead(boardId: string, dir: string, p: Prebuilt, seq: number, settingsKey: string): Promise<void> {
    if (this.stopped || this.o.store.snapshots.latestSeq(boardId) !== seq || this.o.unsignedChange?.(boardId) !== false) return;
    // Built too late (the next instant has passed too): it would show what is already gone.
    const now = this.o.clock.now();
    if (now < p.at || (p.until !== null && now >= p.until)) return;
    if (JSON.stringify(this.o.mirrorSettings?.(boardId) ?? {}) !== settingsKey) return;
    await swapToPrebuilt(dir, p, () => this.o.clock.now());
  }

  /**
   * Stops this board's timer and waits for its build ahead and a swap in progress. A build ahead
   * for a later instant than `at` stops at its next file (this delivery may change what it shows);
   * one for an instant already reached is let finish (a delivery at its instant mostly uses it).
   */
  private async settle(boardId: string, at = -Infinity): Promise<void> {
    const a = this.ahead.get(boardId);
    if (!a) return;
    this.ahead.delete(boardId);
    if (a.timer) this.o.clock.clearTimeout(a.timer);
    a.timer = null;
    if (a.instant > at) Atomics.store(a.cancel, 0, 1);
    await a.building;
    // The build may have armed the timer while it was awaited.
    if (a.timer) this.o.clock.clearTimeout(a.timer);
    await a.swapping;
  }

  /** Resolves when no build ahead is running (its timer may stay armed). */
  async idle(): Promise<void> {
    await Promise.all([...this.ahead.values()].map((a) => a.building));
  }

  /** Stops every timer and waits for builds ahead (the engine's stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.ahead.keys()].map((id) => this.settle(id)));
  }
}

interface Ahead {
  instant: number;
  building: Promise<void>;
  timer: TimerHandle | null;
  swapping: Promise<void>;
  cancel: Int32Array;
}
