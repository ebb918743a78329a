/** Signed snapshots of a board: immutable once written; the newest is what the feed serves. */
import type { Db } from './db.ts';

export interface StoredSnapshot {
  boardId: string;
  seq: number;
  createdAt: string;
  manifest: Buffer;
  signature: string;
  sha256: string;
}

export class SnapshotRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  nextSeq(boardId: string): number {
    const r = this.db.prepare('SELECT MAX(seq) AS s FROM snapshots WHERE board_id = ?').get(boardId) as { s: number | null };
    return (r.s ?? 0) + 1;
  }

  save(s: StoredSnapshot): void {
    this.db
      .prepare('INSERT INTO snapshots (board_id, seq, created_at, manifest, signature, sha256) VALUES (?, ?, ?, ?, ?, ?)')
      .run(s.boardId, s.seq, s.createdAt, s.manifest, s.signature, s.sha256);
  }

  latest(boardId: string): StoredSnapshot | null {
    const r = this.db.prepare('SELECT * FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT 1').get(boardId) as SnapshotRow | undefined;
    return r ? fromRow(r) : null;
  }

  /** Number and instant of the newest snapshot, without reading its manifest (a large board's is megabytes). */
  latestHead(boardId: string): { seq: number; createdAt: string } | null {
    const r = this.db.prepare('SELECT seq, created_at FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT 1').get(boardId) as { seq: number; created_at: string } | undefined;
    return r ? { seq: r.seq, createdAt: r.created_at } : null;
  }

  /** The newest snapshot's number (0 before the first). */
  latestSeq(boardId: string): number {
    return this.nextSeq(boardId) - 1;
  }

  get(boardId: string, seq: number): StoredSnapshot | null {
    const r = this.db.prepare('SELECT * FROM snapshots WHERE board_id = ? AND seq = ?').get(boardId, seq) as SnapshotRow | undefined;
    return r ? fromRow(r) : null;
  }

  /** Number, instant and hash of the snapshots created in [fromIso, toIso), oldest first (for the daily digest). */
  hashesBetween(boardId: string, fromIso: string, toIso: string): { seq: number; createdAt: string; sha256: string }[] {
    return (
      this.db
        .prepare('SELECT seq, created_at, sha256 FROM snapshots WHERE board_id = ? AND created_at >= ? AND created_at < ? ORDER BY seq')
        .all(boardId, fromIso, toIso) as { seq: number; created_at: string; sha256: string }[]
    ).map((r) => ({ seq: r.seq, createdAt: r.created_at, sha256: r.sha256 }));
  }
}

interface SnapshotRow {
  board_id: string;
  seq: number;
  created_at: string;
  manifest: Buffer;
  signature: string;
  sha256: string;
}

function fromRow(r: SnapshotRow): StoredSnapshot {
  return { boardId: r.board_id, seq: r.seq, createdAt: r.created_at, manifest: r.manifest, signature: r.signature, sha256: r.sha256 };
}
