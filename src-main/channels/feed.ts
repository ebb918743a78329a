/**
 * Channel: the feed over HTTP (feed/routes.ts serves the newest saved snapshot). A snapshot is
 * servable once saved; this channel then pings the push listeners (server-sent events) and
 * records which notices the feed made public at that instant.
 */
import type { Clock } from '../schedule/clock.ts';
import { isPostedAt } from '../shared/domain.ts';
import type { FeedManifest } from '../shared/feed.ts';
import type { StoredSnapshot } from '../store/snapshots.ts';
import type { Store } from '../store/store.ts';
import type { Channel, Delivery } from './runner.ts';
import type { Board } from '../shared/domain.ts';

export type FeedListener = (boardId: string, snapshot: StoredSnapshot) => void;

export class FeedChannel implements Channel {
  readonly kind = 'feed' as const;
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly listeners = new Set<FeedListener>();

  constructor(store: Store, clock: Clock) {
    this.store = store;
    this.clock = clock;
  }

  onSnapshot(fn: FeedListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  place(): string {
    return '';
  }

  ready(boardId: string): number {
    return this.store.snapshots.latestSeq(boardId);
  }

  async deliver(board: Board, seq: number): Promise<Delivery> {
    const s = this.store.snapshots.get(board.id, seq);
    if (!s) throw new Error(`snímek ${seq} chybí`);
    const at = Math.max(this.clock.now(), Date.parse(s.createdAt));
    for (const fn of this.listeners) fn(board.id, s);
    const manifest = JSON.parse(s.manifest.toString('utf8')) as FeedManifest;
    return { shown: manifest.notices.filter((n) => isPostedAt(n, at)).map((n) => n.id), at, name: `feed:${board.id}` };
  }
}
