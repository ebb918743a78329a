/**
 * The outbox: publish jobs written in the same SQLite transaction as the change (or the schedule
 * instant) that needs publishing. A job survives a crash; the snapshot worker consumes the jobs
 * of a board together and deletes them in the transaction that saves the snapshot.
 */
import type { Db } from '../store/db.ts';

/** Why a board needs a snapshot: a clerk's change, a posting/removal instant, the minute sweep, … */
export type JobReason = 'change' | 'instant' | 'horizon' | 'sweep' | 'refresh' | 'start' | 'digest';

export interface PendingJobs {
  /** Newest job id taken: jobs up to it are done once the snapshot is saved. */
  upTo: number;
  /** A new snapshot even if the notices did not change (an instant: channels must show it now). */
  force: boolean;
  reasons: JobReason[];
}

export class Outbox {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /** Call inside the transaction of the change it publishes. */
  enqueue(boardId: string, reason: JobReason, force: boolean, now: number): void {
    this.db.prepare('INSERT INTO publish_jobs (board_id, reason, force, created_at) VALUES (?, ?, ?, ?)').run(boardId, reason, force ? 1 : 0, new Date(now).toISOString());
  }

  pending(boardId: string): PendingJobs | null {
    const rows = this.db.prepare('SELECT id, reason, force FROM publish_jobs WHERE board_id = ? ORDER BY id').all(boardId) as { id: number; reason: JobReason; force: number }[];
    if (rows.length === 0) return null;
    return { upTo: rows.at(-1)!.id, force: rows.some((r) => r.force === 1), reasons: [...new Set(rows.map((r) => r.reason))] };
  }

  /** Deletes the jobs consumed by a snapshot (call in the snapshot's transaction). */
  done(boardId: string, upTo: number): void {
    this.db.prepare('DELETE FROM publish_jobs WHERE board_id = ? AND id <= ?').run(boardId, upTo);
  }

  count(boardId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM publish_jobs WHERE board_id = ?').get(boardId) as { n: number }).n;
  }

  boardsWithJobs(): string[] {
    return (this.db.prepare('SELECT DISTINCT board_id FROM publish_jobs ORDER BY board_id').all() as { board_id: string }[]).map((r) => r.board_id);
  }
}
