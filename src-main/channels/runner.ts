/**
 * Runs one channel for every board: each board on its own lane, delivering the newest input
 * (a snapshot number) the channel has not made public yet, with retries and backoff. After a
 * delivery it records, in one transaction, the channel's status, the notices it made public or
 * took down at that instant (audit 'channel-update') and, for evidence channels, the sightings.
 */
import type { Lanes } from '../publication/lanes.ts';
import { backoffMs, reasonOf, type RetryPolicy } from '../publication/retry.ts';
import type { ChannelState, ChannelStatusRepo } from '../publication/status.ts';
import type { Clock } from '../schedule/clock.ts';
import type { Board, ChannelId } from '../shared/domain.ts';
import type { PublicationChannel } from '../shared/publication-status.ts';
import type { Store } from '../store/store.ts';

/** Sightings written per transaction before yielding the event loop. */
const SLICE = 250;

export interface Delivery {
  /** Notice ids public on this channel after the delivery. */
  shown: string[];
  /** The instant the change became public (ms). */
  at: number;
  /** Ids actually observed (a probe checks only some); sightings are widened for these. Default: shown. */
  seen?: string[];
  /** Evidence channel (sightings) this delivery counts for, if any. */
  evidence?: ChannelId;
  /** The channel as the audit log names it, e.g. "feed:horni-lhota" or the evidence id. */
  name: string;
}

export interface Channel {
  readonly kind: PublicationChannel;
  /** Where it publishes for this board, or null when the board does not use this channel. */
  place(board: Board): string | null;
  /** Newest input ready for the channel: a snapshot number (0: nothing yet). */
  ready(boardId: string): number;
  deliver(board: Board, seq: number, previous: ChannelState | null): Promise<Delivery>;
}

export interface RunnerDeps {
  store: Store;
  clock: Clock;
  status: ChannelStatusRepo;
  lanes: Lanes;
  retry: RetryPolicy;
  log(line: string): void;
  /** After a delivery: kicks the channels that consume this one's output. */
  delivered(kind: PublicationChannel, boardId: string): void;
}

export class ChannelRunner {
  readonly channel: Channel;
  private readonly d: RunnerDeps;

  constructor(channel: Channel, deps: RunnerDeps) {
    this.channel = channel;
    this.d = deps;
  }

  kick(boardId: string): void {
    this.d.lanes.kick(this.key(boardId), () => this.work(boardId));
  }

  isRunning(boardId: string): boolean {
    return this.d.lanes.isRunning(this.key(boardId));
  }

  /** Whether the board uses this channel, and where (null: not configured; a broken setting throws). */
  placeOf(board: Board): string | null {
    return this.channel.place(board);
  }

  private key(boardId: string): string {
    return `${this.channel.kind}:${boardId}`;
  }

  private async work(boardId: string): Promise<number | null> {
    const { store, status, clock } = this.d;
    const kind = this.channel.kind;
    for (;;) {
      const board = store.board(boardId);
      if (!board) return null;
      let place: string | null = '';
      let delivery: Delivery;
      let seq = 0;
      const previous = status.get(boardId, kind);
      try {
        place = this.channel.place(board);
        if (place === null) return null;
        seq = this.channel.ready(boardId);
        if (seq === 0 || seq <= (previous?.deliveredSeq ?? 0)) return null;
        delivery = await this.channel.deliver(board, seq, previous);
      } catch (e) {
        const failures = status.attempts(boardId, kind) + 1;
        const wait = backoffMs(failures, this.d.retry);
        const now = clock.now();
        status.failure(boardId, kind, place ?? '', reasonOf(e), now, now + wait);
        this.d.log(`board ${boardId}: ${kind} failed (attempt ${failures}, retry in ${wait} ms): ${reasonOf(e)}`);
        return wait;
      }
      await this.record(board, place, seq, previous, delivery);
      this.d.delivered(kind, boardId);
    }
  }

  private async record(board: Board, place: string, seq: number, previous: ChannelState | null, d: Delivery): Promise<void> {
    const { store, status } = this.d;
    const before = new Set(previous?.shown ?? []);
    const now = new Set(d.shown);
    const posted = d.shown.filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !now.has(id));
    const at = new Date(d.at).toISOString();
    if (d.evidence) {
      // Sightings in slices, yielding between them: a 10,000-notice board must not hold the
      // event loop (and so another board's posting instant) for the whole write.
      const seen = d.seen ?? d.shown;
      for (let i = 0; i < seen.length; i += SLICE) {
        store.transaction(() => {
          for (const id of seen.slice(i, i + SLICE)) store.evidence.record(id, d.evidence!, at, at);
        });
        await new Promise((r) => setImmediate(r));
      }
    }
    store.transaction(() => {
      status.success(board.id, this.channel.kind, place, seq, d.shown, d.at);
      if (posted.length || removed.length) {
        store.audit.append({ at: d.at, actor: `system:${this.channel.kind}`, action: 'channel-update', detail: { board: board.id, channel: d.name, seq, posted, removed } });
      }
      if (d.evidence) store.evidence.markGone(d.evidence, d.shown, at);
    });
  }
}
