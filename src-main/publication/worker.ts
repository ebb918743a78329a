/**
 * The snapshot worker: turns a board's publish jobs into one signed snapshot, saved in the same
 * transaction that consumes the jobs, then tells its listeners. Publication stops there: it never
 * calls into a channel; channels subscribe to snapshots (see src-main/channels/).
 */
import type { Clock } from '../schedule/clock.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { StoredSnapshot } from '../store/snapshots.ts';
import { joinManifest, splitFromFrame } from '../store/snapshot-parts.ts';
import type { Store } from '../store/store.ts';
import type { Lanes } from './lanes.ts';
import type { Outbox, PendingJobs } from './outbox.ts';
import { backoffMs, reasonOf, type RetryPolicy } from './retry.ts';
import { sha256Hex, signBytes } from './signing.ts';
import { buildManifest, contentKey, feedNotices } from './snapshot.ts';
import { withAttachmentTexts } from '../search/feed-text.ts';
import type { ChannelStatusRepo } from './status.ts';

export interface SnapshotWorkerOptions {
  store: Store;
  clock: Clock;
  outbox: Outbox;
  status: ChannelStatusRepo;
  lanes: Lanes;
  privateKeyPem: string;
  horizonMs: number;
  retry: RetryPolicy;
  log(line: string): void;
}

export type SnapshotListener = (snapshot: StoredSnapshot) => void;

export class SnapshotWorker {
  private readonly o: SnapshotWorkerOptions;
  private readonly listeners = new Set<SnapshotListener>();

  constructor(o: SnapshotWorkerOptions) {
    this.o = o;
  }

  onSnapshot(fn: SnapshotListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Publishes the board's pending jobs soon, on the board's own lane. */
  kick(boardId: string): void {
    this.o.lanes.kick(`snapshot:${boardId}`, () => this.work(boardId));
  }

  isRunning(boardId: string): boolean {
    return this.o.lanes.isRunning(`snapshot:${boardId}`);
  }

  private async work(boardId: string): Promise<number | null> {
    const { outbox, status, clock } = this.o;
    for (;;) {
      const jobs = outbox.pending(boardId);
      if (!jobs) return null;
      let snapshot: StoredSnapshot | null;
      try {
        snapshot = this.publish(boardId, jobs);
      } catch (e) {
        const failures = status.attempts(boardId, 'snapshot') + 1;
        const wait = backoffMs(failures, this.o.retry);
        status.failure(boardId, 'snapshot', '', `Snímek se nepodařilo vytvořit: ${reasonOf(e)}`, clock.now(), clock.now() + wait);
        this.o.log(`board ${boardId}: snapshot failed (attempt ${failures}, retry in ${wait} ms): ${reasonOf(e)}`);
        return wait;
      }
      if (snapshot) {
        for (const fn of this.listeners) {
          try {
            fn(snapshot);
          } catch (e) {
            this.o.log(`board ${boardId}: snapshot listener failed: ${reasonOf(e)}`);
          }
        }
      }
      // Yield between snapshots so a burst of jobs never monopolises the event loop.
      await new Promise((r) => setImmediate(r));
    }
  }

  /** One snapshot from the notices at this instant, or null when nothing changed and nothing forces one. */
  /** Per board, the content key of its newest snapshot (the manifest is parsed again only when that snapshot is another). */
  private readonly latestKeys = new Map<string, { seq: number; sha256: string; key: string }>();

  /** The content key of a stored snapshot's notices; parsed once per snapshot, not on every publication run. */
  private contentKeyOf(s: StoredSnapshot): string {
    const known = this.latestKeys.get(s.boardId);
    if (known && known.seq === s.seq && known.sha256 === s.sha256) return known.key;
    const key = contentKey((JSON.parse(s.manifest.toString('utf8')) as FeedManifest).notices);
    this.latestKeys.set(s.boardId, { seq: s.seq, sha256: s.sha256, key });
    return key;
  }

  private publish(boardId: string, jobs: PendingJobs): StoredSnapshot | null {
    const { store, outbox, status } = this.o;
    const now = this.o.clock.now();
    const board = store.board(boardId);
    if (!board) throw new Error(`deska ${boardId} neexistuje`);
    // A type's name looked up once per snapshot, not once or twice per notice (10,000 queries at 10,000 notices).
    const typeNames = new Map<string, string | undefined>();
    const typeName = (t: string): string | undefined => {
      if (!typeNames.has(t)) typeNames.set(t, store.noticeTypes.get(boardId, t)?.name);
      return typeNames.get(t);
    };
    const notices = store.revisions.withRegisters(withAttachmentTexts(store.db, feedNotices(store.notices.live(boardId, now), now, this.o.horizonMs, typeName)));
    const latest = store.snapshots.latest(boardId);
    const key = contentKey(notices);
    if (!jobs.force && latest && this.contentKeyOf(latest) === key) {
      store.transaction(() => {
        outbox.done(boardId, jobs.upTo);
        status.success(boardId, 'snapshot', '', latest.seq, null, now);
      });
      return null;
    }
    const seq = store.snapshots.nextSeq(boardId);
    const manifest = buildManifest(board, notices, seq, now, this.o.horizonMs);
    // The bytes are JSON.stringify(manifest), made from its parts (store/snapshot-parts.ts): the
    // frame (the manifest with no notices) and each notice, as they are stored.
    const split = splitFromFrame(JSON.stringify({ ...manifest, notices: [] }), notices);
    const bytes = joinManifest(split.frame, split.at, split.notices);
    const snapshot: StoredSnapshot = {
      boardId,
      seq,
      createdAt: manifest.snapshot.createdAt,
      manifest: bytes,
      signature: signBytes(bytes, this.o.privateKeyPem),
      sha256: sha256Hex(bytes),
    };
    store.transaction(() => {
      store.snapshots.save(snapshot, split);
      this.latestKeys.set(boardId, { seq, sha256: snapshot.sha256, key });
      store.audit.append({ at: now, actor: 'system:publication', action: 'snapshot', detail: { board: boardId, seq, sha256: snapshot.sha256, notices: notices.length, reasons: jobs.reasons } });
      outbox.done(boardId, jobs.upTo);
      status.success(boardId, 'snapshot', '', seq, null, now);
    });
    return snapshot;
  }
}
