/**
 * Delivery state and health of each board's publication channels (table channel_status):
 * the newest snapshot each made public, what it showed then, and its successes and failures.
 */
import type { ChannelStatusView, PublicationChannel } from '../shared/publication-status.ts';
import type { Db } from '../store/db.ts';

interface Row {
  board_id: string;
  channel: PublicationChannel;
  place: string;
  delivered_seq: number;
  shown: string;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  failing_since: string | null;
  attempts: number;
  next_attempt_at: string | null;
}

export interface ChannelState extends Omit<ChannelStatusView, 'state' | 'running'> {
  boardId: string;
  /** Notice ids the channel showed with its last delivery. */
  shown: string[];
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ChannelStatusRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(boardId: string, channel: PublicationChannel): ChannelState | null {
    const r = this.db.prepare('SELECT * FROM channel_status WHERE board_id = ? AND channel = ?').get(boardId, channel) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  list(boardId: string): ChannelState[] {
    return (this.db.prepare('SELECT * FROM channel_status WHERE board_id = ?').all(boardId) as Row[]).map(fromRow);
  }

  deliveredSeq(boardId: string, channel: PublicationChannel): number {
    return this.get(boardId, channel)?.deliveredSeq ?? 0;
  }

  success(boardId: string, channel: PublicationChannel, place: string, seq: number, shown: string[] | null, at: number): void {
    this.db
      .prepare(
        `INSERT INTO channel_status (board_id, channel, place, delivered_seq, shown, last_success_at, attempts) VALUES (?, ?, ?, ?, ?, ?, 0)
         ON CONFLICT (board_id, channel) DO UPDATE SET place = excluded.place, delivered_seq = excluded.delivered_seq,
           shown = COALESCE(?, shown), last_success_at = excluded.last_success_at, last_error = NULL, failing_since = NULL,
           attempts = 0, next_attempt_at = NULL`,
      )
      .run(boardId, channel, place, seq, JSON.stringify(shown ?? []), iso(at), shown === null ? null : JSON.stringify(shown));
  }

  failure(boardId: string, channel: PublicationChannel, place: string, reason: string, at: number, nextAttemptAt: number): number {
    this.db
      .prepare(
        `INSERT INTO channel_status (board_id, channel, place, last_failure_at, last_error, failing_since, attempts, next_attempt_at)
           VALUES (?, ?, ?, ?, ?, ?, 1, ?)
         ON CONFLICT (board_id, channel) DO UPDATE SET place = excluded.place, last_failure_at = excluded.last_failure_at,
           last_error = excluded.last_error, failing_since = COALESCE(failing_since, excluded.failing_since),
           attempts = attempts + 1, next_attempt_at = excluded.next_attempt_at`,
      )
      .run(boardId, channel, place, iso(at), reason, iso(at), iso(nextAttemptAt));
    return this.get(boardId, channel)!.attempts;
  }

  /** Failed attempts in a row so far. */
  attempts(boardId: string, channel: PublicationChannel): number {
    return this.get(boardId, channel)?.attempts ?? 0;
  }
}

function fromRow(r: Row): ChannelState {
  return {
    boardId: r.board_id,
    channel: r.channel,
    place: r.place,
    deliveredSeq: r.delivered_seq,
    shown: JSON.parse(r.shown) as string[],
    lastSuccessAt: r.last_success_at,
    lastFailureAt: r.last_failure_at,
    lastError: r.last_error,
    failingSince: r.failing_since,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
  };
}
