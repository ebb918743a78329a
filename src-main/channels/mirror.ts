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
import { hashSpan, hexRange } from '../store/snapshot-parts.ts';
import { AHEAD_DUE, MAX_CHANGED, type PatchJob, type PatchResult } from '../mirror/patch.ts';
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
  /** Write a small change into the live release in place, then settle it with a build (default true; mirror/patch.ts). */
  fast?: boolean;
  log?(line: string): void;
}

const JOB = new URL('./mirror-job.ts', import.meta.url);

/**
 * How long an idle mirror thread lives: a day. It remembers what the live releases it built show
 * (mirror/patch.ts), which a fast patch needs; a new thread would build instead.
 */
const IDLE_MS = 24 * 3600_000;

/**
 * Mirror builds of every board run on warm threads (modules loaded once per thread). The lanes
 * run one build per board at a time, so a big board's build never makes a small board's wait;
 * a large board's build also runs at a lower CPU priority, so on a busy machine the schedule and
 * the small boards' instants get the cores first.
 */
export const mirrorWorkers = new WorkerPool({ maxIdle: 2, idleMs: IDLE_MS, maxHeapMb: 1024 });
export const largeMirrorWorkers = new WorkerPool({ maxIdle: 1, idleMs: IDLE_MS, maxHeapMb: 1024, nice: 10 });

/** A manifest above this size (about 1,000 notices) makes a large build. */
const LARGE_MANIFEST_BYTES = 512 * 1024;

export class MirrorChannel implements Channel {
  readonly kind = 'mirror' as const;
  private readonly o: MirrorChannelOptions;
  private readonly ahead = new Map<string, Ahead>();
  /** Per board, the notice parts of the snapshot last delivered (a patch sends only the others' bodies). */
  private readonly seen = new Map<string, { hashes: Buffer; large: boolean }>();
  /** Per board, the build settling its last patch. */
  private readonly settling = new Map<string, { cancel: Int32Array; done: Promise<void> }>();
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
    const head = store.snapshots.latestHead(board.id);
    // A build that settles an earlier patch stops: this delivery patches over it or builds.
    await this.unsettle(board.id);
    const parts = store.snapshots.partsOf(board.id, seq);
    const createdAt = head?.seq === seq ? head.createdAt : store.snapshots.get(board.id, seq)?.createdAt;
    if (createdAt === undefined) throw new Error(`snímek ${seq} chybí`);
    // The mirror shows what is posted at the instant it is built (never earlier than the snapshot).
    // Nothing else touches this board's mirror meanwhile: the timer is off, a build ahead has ended
    // (finished when it is this very instant's, which the build job then takes; cancelled otherwise).
    await this.settle(board.id, Math.max(clock.now(), Date.parse(createdAt)));
    const at = Math.max(clock.now(), Date.parse(createdAt));
    const settings = this.o.mirrorSettings?.(board.id) ?? {};
    const fast = parts === null ? null : await this.patch(board, seq, dir, at, settings, parts);
    if (fast !== null) return fast;
    const snapshot = store.snapshots.get(board.id, seq);
    if (!snapshot) throw new Error(`snímek ${seq} chybí`);
    const large = snapshot.manifest.byteLength > LARGE_MANIFEST_BYTES;
    const job = this.jobOf(board, snapshot.manifest, at, large, settings, dir, parts?.hashes);
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    let built: MirrorJobResult;
    try {
      built = (await pool.run<MirrorJobResult | null>(JOB, 'buildMirrorJob', [job], { timeoutMs: 30 * 60_000, affinity: dir }))!;
    } catch (e) {
      this.seen.delete(board.id);
      const why = (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
      const hint = /EACCES|EPERM|EROFS|ENOSPC/.test(why) ? ` Zkontrolujte oprávnění a volné místo ve složce ${dir}.` : '';
      throw new Error(`Webové zrcadlo se nepodařilo zapsat: ${why}.${hint}`);
    }
    if (parts === null) this.seen.delete(board.id);
    else this.seen.set(board.id, { hashes: parts.hashes, large });
    // Evidence: the instant the new mirror went live (after the atomic swap), not when the build
    // began; for a release built ahead and swapped in by the timer, when that swap was done.
    const live = built.liveAt ?? Math.max(at, clock.now());
    await this.afterBuild(board, built, snapshot.manifest, large, settings, dir, seq, parts?.hashes);
    return { shown: built.shownNoticeIds, at: live, evidence: `mirror:${dir}`, name: `mirror:${dir}` };
  }

  /**
   * The fast path (mirror/patch.ts): a small change written into the live release in place, on
   * the thread that built it, then a full build in the background that settles it (even pages,
   * counts, the search index). Null when the change cannot be patched (the reason is logged): the
   * caller builds.
   */
  private async patch(board: Board, seq: number, dir: string, at: number, settings: MirrorSettings, parts: { frame: Buffer; hashes: Buffer }): Promise<Delivery | null> {
    const seen = this.seen.get(board.id);
    if (this.o.fast === false || seen === undefined || settings.archive) return null;
    // The bodies of the parts the thread has not seen: those in the run where the list differs from the last one delivered (hashSpan).
    const { head, tail } = hashSpan(seen.hashes, parts.hashes);
    const before = new Set(hexRange(seen.hashes, head, seen.hashes.length / 32 - tail));
    const missing = [...new Set(hexRange(parts.hashes, head, parts.hashes.length / 32 - tail).filter((h) => !before.has(h)))];
    if (missing.length > MAX_CHANGED) return null;
    const bodies: Record<string, Uint8Array> = {};
    this.o.store.snapshots.partBodies(missing).forEach((b, i) => {
      if (b !== undefined) bodies[missing[i]!] = b;
    });
    const job: PatchJob = { outDir: dir, at, frame: parts.frame, hashes: parts.hashes, bodies, blobDir: this.o.store.blobs.dir, digestDir: this.o.digestDir?.(board.id) ?? null, publicKey: this.o.publicKey ?? null, settings };
    const pool = seen.large ? largeMirrorWorkers : mirrorWorkers;
    let r: PatchResult;
    try {
      r = await pool.run<PatchResult>(JOB, 'patchMirrorJob', [job], { timeoutMs: 60_000, affinity: dir });
    } catch (e) {
      // Half a patch may be live: the build that follows writes a whole release from the state the patch marked.
      this.o.log?.(`board ${board.id}: mirror patch failed, building: ${e instanceof Error ? e.message : String(e)}`);
      return null;
    }
    if (!r.patched) {
      if (r.why !== AHEAD_DUE) this.o.log?.(`board ${board.id}: mirror built, not patched (${r.why})`);
      return null;
    }
    const live = Math.max(at, this.o.clock.now());
    this.seen.set(board.id, { hashes: parts.hashes, large: seen.large });
    this.settleLater(board, seq, dir, at, settings, parts.hashes, seen.large);
    return { shown: r.shownIds === '' ? [] : r.shownIds.slice(0, -1).split('\n'), at: live, evidence: `mirror:${dir}`, name: `mirror:${dir}` };
  }

  /**
   * After a patch: a full build at the same instant (the same notices shown) swaps in a release
   * with even pages and a remade search index, then old releases go and the next instant's
   * release is built ahead. Stopped by the next delivery (unsettle), which patches over the live
   * release or builds.
   */
  private settleLater(board: Board, seq: number, dir: string, at: number, settings: MirrorSettings, hashes: Uint8Array, large: boolean): void {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    const done = (async (): Promise<void> => {
      const snapshot = this.o.store.snapshots.get(board.id, seq);
      if (!snapshot || this.stopped) return;
      const job = this.jobOf(board, snapshot.manifest, at, large, settings, dir, hashes);
      const built = await pool.run<MirrorJobResult | null>(JOB, 'buildMirrorJob', [job, cancel], { timeoutMs: 30 * 60_000, affinity: dir });
      if (built === null || Atomics.load(cancel, 0) === 1) return;
      await this.afterBuild(board, built, snapshot.manifest, large, settings, dir, seq, hashes, () => !this.stopped && Atomics.load(cancel, 0) === 0);
    })().catch((e: unknown) => {
      // The patched release stays live (it shows what it must); the next delivery builds or patches again.
      this.o.log?.(`board ${board.id}: mirror not settled after a patch: ${e instanceof Error ? e.message : String(e)}`);
    });
    this.settling.set(board.id, { cancel, done });
  }

  /**
   * After a build went live: old releases go, still on this board's lane (never under a build of
   * the same board; a failure harms nothing, the next build prunes again), then the next instant's
   * release is built ahead, unless `wanted` says otherwise by then.
   */
  private async afterBuild(board: Board, built: MirrorJobResult, manifest: Uint8Array, large: boolean, settings: MirrorSettings, dir: string, seq: number, hashes: Uint8Array | undefined, wanted: () => boolean = () => true): Promise<void> {
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    await pool.run(JOB, 'pruneMirrorJob', [dir], { timeoutMs: 30 * 60_000 }).catch(() => undefined);
    if (this.o.ahead !== false && built.nextInstant !== null && wanted()) this.buildAhead(board, manifest, built.nextInstant, large, settings, dir, seq, hashes);
  }

  /** Stops the build settling this board's last patch and waits for it. */
  private async unsettle(boardId: string): Promise<void> {
    const s = this.settling.get(boardId);
    if (!s) return;
    this.settling.delete(boardId);
    Atomics.store(s.cancel, 0, 1);
    await s.done;
  }

  private jobOf(board: Board, manifest: Uint8Array, at: number, large: boolean, settings: MirrorSettings, dir: string, hashes: Uint8Array | undefined): MirrorJob {
    // The archive of removed notices, where the board publishes one (read here: the store lives on this thread).
    const archive = settings.archive ? archiveFromStore(this.o.store, board.id, at) : undefined;
    return { manifest, at, large, blobDir: this.o.store.blobs.dir, outDir: dir, digestDir: this.o.digestDir?.(board.id) ?? null, publicKey: this.o.publicKey ?? null, settings, archive, hashes };
  }

  /**
   * Builds the release for the next known instant now, off the lane, and arms a timer to swap it
   * in at that instant (settle() stops both before anything else builds this board's mirror).
   */
  private buildAhead(board: Board, manifest: Uint8Array, instant: number, large: boolean, settings: MirrorSettings, dir: string, seq: number, hashes: Uint8Array | undefined): void {
    const job = this.jobOf(board, manifest, instant, large, settings, dir, hashes);
    const pool = large ? largeMirrorWorkers : mirrorWorkers;
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const state: Ahead = { instant, building: Promise.resolve(), timer: null, swapping: Promise.resolve(), cancel };
    state.building = pool
      .run<Prebuilt | null>(JOB, 'prebuildMirrorJob', [job, cancel], { timeoutMs: 30 * 60_000, affinity: dir })
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

  /** Resolves when no build ahead and no settling build is running (a timer may stay armed). */
  async idle(): Promise<void> {
    await Promise.all([...this.settling.values()].map((s) => s.done));
    await Promise.all([...this.ahead.values()].map((a) => a.building));
  }

  /** Stops every timer and waits for builds ahead (the engine's stop). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.settling.keys()].map((id) => this.unsettle(id)));
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
