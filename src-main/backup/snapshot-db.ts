/**
 * Worker-thread half of a backup (run through runInWorker): `VACUUM INTO` a consistent copy of
 * the store and read from that copy what the rest of the backup needs. VACUUM INTO of a store
 * with 10,000 notices takes long enough to make a posting late, so it never runs on the main
 * event loop. The copy is taken in one read transaction of SQLite, so it is consistent however
 * many changes commit meanwhile; what it lists (blobs, the audit log's end) is read from the copy,
 * never from the live store, so the backup is consistent with itself.
 */
import { purgedFilesIn } from '../privacy/purge.ts';
import Database from 'better-sqlite3';

export interface DbCopy {
  /** SHA-256 of every attachment file the copy references. */
  blobs: string[];
  /** The copy's last audit event (seq 0 and the genesis hash for an empty log). */
  lastEvent: { seq: number; hash: string };
  events: number;
  boards: string[];
  notices: number;
  schemaVersion: number;
  /** Attachment files the privacy purge deleted (privacy/purge.ts): not carried into the backup. */
  purged?: string[];
}

export function copyDatabase(source: string, target: string): DbCopy {
  const src = new Database(source, { fileMustExist: true, readonly: true });
  try {
    src.prepare('VACUUM INTO ?').run(target);
  } finally {
    src.close();
  }
  const copy = new Database(target, { fileMustExist: true, readonly: true });
  try {
    const blobs = (copy.prepare('SELECT sha256 FROM blobs ORDER BY sha256').all() as { sha256: string }[]).map((r) => r.sha256);
    const last = copy.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    const events = (copy.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;
    const boards = (copy.prepare('SELECT id FROM boards ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    const notices = (copy.prepare('SELECT COUNT(*) AS n FROM notices').get() as { n: number }).n;
    const schemaVersion = (copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    const purged = [...purgedFilesIn(copy).keys()];
    return { blobs, lastEvent: last ?? { seq: 0, hash: '0'.repeat(64) }, events, boards, notices, schemaVersion, purged };
  } finally {
    copy.close();
  }
}
