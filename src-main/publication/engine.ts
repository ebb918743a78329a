/**
 * Publication: at every change and every posting/removal instant, one immutable signed
 * snapshot per board. The feed (HTTP and an optional folder) and the web mirror are both
 * produced from that one snapshot; the mirror's output is recorded as evidence.
 */
import { mkdirSync, renameSync, writeFileSync, existsSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../schedule/clock.ts';
import { Scheduler } from '../schedule/scheduler.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { Store } from '../store/store.ts';
import type { StoredSnapshot } from '../store/snapshots.ts';
import { buildMirror } from '../mirror/build.ts';
import { buildManifest, contentKey, DEFAULT_HORIZON_MS, feedNotices } from './snapshot.ts';
import { sha256Hex, signBytes } from './signing.ts';

export interface EngineOptions {
  store: Store;
  clock: Clock;
  privateKeyPem: string;
  /** Where each board's mirror is published (a symlink swapped atomically), or null for none. */
  mirrorDir: (boardId: string) => string | null;
  /** Where each board's feed is also written as files for folder-based kiosks, or null. */
  feedFolder?: (boardId: string) => string | null;
  horizonMs?: number;
  /** Start the node-cron minute sweep (off in tests that drive the clock by hand). */
  sweep?: boolean;
  onLog?: (line: string) => void;
}

type Listener = (boardId: string, snapshot: StoredSnapshot) => void;

export class PublicationEngine {
  private readonly o: EngineOptions;
  private readonly horizonMs: number;
  private readonly scheduler: Scheduler;
  private readonly listeners = new Set<Listener>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: EngineOptions) {
    this.o = options;
    this.horizonMs = options.horizonMs ?? DEFAULT_HORIZON_MS;
    const timeZone = options.store.boards()[0]?.timeZone ?? 'Europe/Prague';
    this.scheduler = new Scheduler({
      clock: options.clock,
      timeZone,
      sweep: options.sweep,
      nextInstant: (after) => this.nextInstant(after),
      onInstant: (now, cause) => this.tick(now, cause),
      onError: (e) => this.log(`schedule error: ${e instanceof Error ? e.stack : String(e)}`),
    });
  }

  /** Publishes a first snapshot of every board and arms the schedule. */
  async start(): Promise<void> {
    await this.tick(this.o.clock.now(), 'sweep');
    this.scheduler.start();
  }

  stop(): void {
    this.scheduler.stop();
  }

  onSnapshot(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * A clerk's change: commits it, then publishes a new snapshot and re-arms the schedule.
   * A publication failure is logged, never reported as a failure of the kept change.
   */
  async commit<T>(boardId: string, change: () => T): Promise<T> {
    const result = this.o.store.transaction(change);
    await this.changed(boardId).catch((e: unknown) => this.log(`publication of board ${boardId} failed: ${e instanceof Error ? e.stack : String(e)}`));
    return result;
  }

  /** After a clerk's change: a new snapshot now, and the schedule re-armed. */
  changed(boardId: string): Promise<void> {
    return this.serial(async () => {
      await this.publish(boardId, this.o.clock.now(), true);
      this.scheduler.rearm();
    });
  }

  /** The instant the next posting, removal or horizon entry is due (for tests and status). */
  get nextDue(): number | null {
    return this.scheduler.nextDue;
  }

  /**
   * At an instant (timer) or on the minute sweep: log the posting/removal events that fell due
   * and publish a snapshot where anything changed. Idempotent.
   */
  tick(now: number, cause: 'timer' | 'sweep'): Promise<void> {
    return this.serial(async () => {
      const due = this.o.store.notices.dueTransitions(now);
      const boards = new Set(due.map((d) => d.notice.boardId));
      this.o.store.transaction(() => {
        for (const d of due) {
          this.o.store.audit.append({ at: now, actor: 'system:schedule', action: d.action, noticeId: d.notice.id, detail: { scheduledAt: d.at, cause } });
        }
      });
      for (const b of this.o.store.boards()) await this.publish(b.id, now, cause === 'timer' || boards.has(b.id));
    });
  }

  private nextInstant(after: number): number | null {
    const [next] = this.o.store.notices.instantsAfter(after, 1);
    // A notice far ahead enters the feed when its posting comes within the horizon: feedNotices
    // keeps postAt < now + horizon, so 1 ms after postAt − horizon. Removals never enter anything.
    const [entering] = this.o.store.notices.postingsAfter(after + this.horizonMs - 1, 1);
    const candidates = [next, entering === undefined ? undefined : entering - this.horizonMs + 1].filter((x): x is number => x !== undefined && x > after);
    return candidates.length ? Math.min(...candidates) : null;
  }

  private async publish(boardId: string, now: number, force: boolean): Promise<void> {
    const { store } = this.o;
    const board = store.board(boardId);
    if (!board) throw new Error(`unknown board ${boardId}`);
    const notices = feedNotices(store.notices.live(boardId, now), now, this.horizonMs);
    const latest = store.snapshots.latest(boardId);
    if (!force && latest && contentKey((JSON.parse(latest.manifest.toString('utf8')) as FeedManifest).notices) === contentKey(notices)) {
      return;
    }
    const seq = store.snapshots.nextSeq(boardId);
    const manifest = buildManifest(board, notices, seq, now, this.horizonMs);
    const bytes = Buffer.from(JSON.stringify(manifest), 'utf8');
    const snapshot: StoredSnapshot = {
      boardId,
      seq,
      createdAt: manifest.snapshot.createdAt,
      manifest: bytes,
      signature: signBytes(bytes, this.o.privateKeyPem),
      sha256: sha256Hex(bytes),
    };
    store.transaction(() => {
      store.snapshots.save(snapshot);
      store.audit.append({ at: now, actor: 'system:publication', action: 'snapshot', detail: { board: boardId, seq, sha256: snapshot.sha256, notices: notices.length } });
    });
    this.writeFeedFolder(snapshot, manifest);
    await this.writeMirror(manifest, now);
    for (const fn of this.listeners) fn(boardId, snapshot);
  }

  private async writeMirror(manifest: FeedManifest, now: number): Promise<void> {
    const dir = this.o.mirrorDir(manifest.board.id);
    if (!dir) return;
    const { store } = this.o;
    const { shownNoticeIds } = await buildMirror({ manifest, at: now, readAttachment: async (sha) => store.blobs.read(sha) }, dir);
    // Evidence is the instant the new mirror went live (after the atomic swap), not when the build began.
    const at = new Date(Math.max(now, this.o.clock.now())).toISOString();
    store.transaction(() => {
      for (const id of shownNoticeIds) store.evidence.record(id, 'mirror', at, at);
      store.evidence.markGone('mirror', shownNoticeIds, at);
    });
  }

  private writeFeedFolder(s: StoredSnapshot, manifest: FeedManifest): void {
    const dir = this.o.feedFolder?.(s.boardId);
    if (!dir) return;
    mkdirSync(join(dir, 'files'), { recursive: true });
    for (const n of manifest.notices) {
      for (const a of n.attachments) {
        const target = join(dir, 'files', a.sha256);
        if (!existsSync(target)) {
          copyFileSync(this.o.store.blobs.path(a.sha256), `${target}.tmp`);
          renameSync(`${target}.tmp`, target);
        }
      }
    }
    // Signature first, manifest last: a reader that sees the new manifest also finds its signature.
    for (const [name, data] of [['manifest.json.sig', s.signature], ['manifest.json', s.manifest]] as const) {
      writeFileSync(join(dir, `${name}.tmp`), data);
      renameSync(join(dir, `${name}.tmp`), join(dir, name));
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private log(line: string): void {
    (this.o.onLog ?? ((l: string) => console.error(l)))(line);
  }
}
