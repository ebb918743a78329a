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
    const r = this.db.prepare('SELECT * FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT 1').get(boardId) as
      | { board_id: string; seq: number; created_at: string; manifest: Buffer; signature: string; sha256: string }
      | undefined;
    return r ? { boardId: r.board_id, seq: r.seq, createdAt: r.created_at, manifest: r.manifest, signature: r.signature, sha256: r.sha256 } : null;
  }
}
