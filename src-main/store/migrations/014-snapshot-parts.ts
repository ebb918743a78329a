import type { Migration } from './index.ts';
import { putParts, splitManifest } from '../snapshot-parts.ts';

/**
 * Content-addressed snapshots (store/snapshot-parts.ts, docs/snapshots.md): every snapshot kept
 * its full manifest (a 10,000-notice board grew by megabytes with each change). Now each notice
 * of a manifest is a part stored once by its SHA-256 in `snapshot_parts`; a snapshot row keeps its
 * frame (the manifest without its notices), where the notices go in it, the hashes of its chunks
 * of part hashes, its SHA-256 and its signature. Existing snapshots are split here; each one is
 * checked to join back to its signed bytes before its full manifest is dropped (one that does not
 * split cleanly keeps its whole manifest as its frame). SQLite reuses the freed pages; the file
 * itself shrinks at the next VACUUM (a backup, made with VACUUM INTO, is compact at once).
 */
export const m014SnapshotParts: Migration = {
  version: 14,
  name: 'snapshot-parts',
  up(db) {
    db.exec(`
      CREATE TABLE snapshot_parts (hash TEXT PRIMARY KEY, body BLOB NOT NULL) STRICT;
      CREATE TABLE snapshots_parted (
        board_id TEXT NOT NULL REFERENCES boards(id), seq INTEGER NOT NULL, created_at TEXT NOT NULL,
        signature TEXT NOT NULL, sha256 TEXT NOT NULL,
        frame BLOB NOT NULL, notices_at INTEGER, chunks BLOB NOT NULL,
        PRIMARY KEY (board_id, seq)) STRICT;
    `);
    const put = db.prepare('INSERT OR IGNORE INTO snapshot_parts (hash, body) VALUES (?, ?)');
    const insert = db.prepare('INSERT INTO snapshots_parted (board_id, seq, created_at, signature, sha256, frame, notices_at, chunks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const keys = db.prepare('SELECT board_id, seq FROM snapshots ORDER BY board_id, seq').all() as { board_id: string; seq: number }[];
    const read = db.prepare('SELECT * FROM snapshots WHERE board_id = ? AND seq = ?');
    // One manifest in memory at a time: a large board's are megabytes each.
    for (const k of keys) {
      const s = read.get(k.board_id, k.seq) as { board_id: string; seq: number; created_at: string; manifest: Buffer; signature: string; sha256: string };
      const split = splitManifest(s.manifest);
      insert.run(s.board_id, s.seq, s.created_at, s.signature, s.sha256, split.frame, split.at, putParts(split.notices, (h, body) => put.run(h, body)));
    }
    db.exec('DROP TABLE snapshots; ALTER TABLE snapshots_parted RENAME TO snapshots;');
  },
};
