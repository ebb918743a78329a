/**
 * The kiosk's own SQLite replica of its board's feed. It holds the last verified snapshot
 * (manifest bytes, notices, attachment files by SHA-256 on disk), the kiosk's own evidence of
 * what it showed (sightings), and the last sync error. The UI reads only from here, so the
 * board keeps working while the publisher is down.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDb, type Db, type Migration } from '../store/db.ts';
import type { Board } from '../shared/domain.ts';
import { sha256Hex } from '../publication/signing.ts';
import { isSha256, type FeedManifest, type FeedNotice } from '../shared/feed.ts';

/** The replica's numbered schema steps (same mechanism as the publisher's store). */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'replica',
    up: (db) =>
      db.exec(`
        CREATE TABLE applied_manifest (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          seq INTEGER NOT NULL,
          bytes BLOB NOT NULL,
          signature TEXT NOT NULL,
          applied_at TEXT NOT NULL
        ) STRICT;
        CREATE TABLE notices (
          id TEXT PRIMARY KEY,
          position INTEGER NOT NULL,
          post_at TEXT NOT NULL,
          remove_at TEXT,
          json TEXT NOT NULL
        ) STRICT;
        CREATE TABLE files (
          sha256 TEXT PRIMARY KEY,
          size INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE sightings (
          notice_id TEXT PRIMARY KEY,
          first_shown_at TEXT NOT NULL,
          last_shown_at TEXT NOT NULL,
          gone_at TEXT
        ) STRICT;
        CREATE TABLE sync_status (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          last_error TEXT,
          last_error_at TEXT
        ) STRICT;
        INSERT INTO sync_status (id) VALUES (1);
      `),
  },
];

export interface AppliedInfo {
  seq: number;
  appliedAt: string;
  board: Board;
  createdAt: string;
}

export interface Sighting {
  noticeId: string;
  firstShownAt: string;
  lastShownAt: string;
  goneAt: string | null;
}

export interface SnapshotToApply {
  manifest: FeedManifest;
  /** The exact signed bytes. */
  bytes: Uint8Array;
  signature: string;
  /** Attachment bytes not yet in the replica, by SHA-256 (already verified by the caller). */
  files: Map<string, Uint8Array>;
}

export class Replica {
  readonly db: Db;
  readonly filesDir: string;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.filesDir = join(dataDir, 'files');
    mkdirSync(this.filesDir, { recursive: true });
    this.db = openDb(join(dataDir, 'kiosk.sqlite'), MIGRATIONS);
  }

  close(): void {
    this.db.close();
  }

  applied(): AppliedInfo | null {
    const row = this.db.prepare('SELECT seq, bytes, applied_at FROM applied_manifest WHERE id = 1').get() as
      | { seq: number; bytes: Buffer; applied_at: string }
      | undefined;
    if (!row) return null;
    const m = JSON.parse(row.bytes.toString('utf8')) as FeedManifest;
    return { seq: row.seq, appliedAt: row.applied_at, board: m.board, createdAt: m.snapshot.createdAt };
  }

  /** The applied manifest's exact bytes and signature (for audit / re-verification). */
  appliedBytes(): { bytes: Buffer; signature: string } | null {
    return (this.db.prepare('SELECT bytes, signature FROM applied_manifest WHERE id = 1').get() as { bytes: Buffer; signature: string } | undefined) ?? null;
  }

  notices(): FeedNotice[] {
    return (this.db.prepare('SELECT json FROM notices ORDER BY position').all() as { json: string }[]).map((r) => JSON.parse(r.json) as FeedNotice);
  }

  hasFile(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM files WHERE sha256 = ?').get(sha256) !== undefined && existsSync(this.filePath(sha256));
  }

  filePath(sha256: string): string {
    return join(this.filesDir, sha256);
  }

  /** Attachment bytes, or null if the replica does not hold them. */
  readFile(sha256: string): Buffer | null {
    if (!isSha256(sha256) || !this.hasFile(sha256)) return null;
    return readFileSync(this.filePath(sha256));
  }

  /**
   * Applies a verified snapshot. Returns false (and changes nothing) when its seq is not newer
   * than the applied one. Files are written (temp + rename) before the one transaction that
   * switches the manifest and notices, so a crash leaves either the old or the new snapshot.
   */
  apply(s: SnapshotToApply, appliedAt: string): boolean {
    const current = this.applied();
    if (current && s.manifest.snapshot.seq <= current.seq) return false;
    for (const [sha, bytes] of s.files) {
      if (sha256Hex(bytes) !== sha) throw new Error(`file ${sha} does not match its SHA-256`);
      if (existsSync(this.filePath(sha))) continue;
      const tmp = join(this.filesDir, `.${sha}.${randomUUID()}.tmp`);
      writeFileSync(tmp, bytes);
      renameSync(tmp, this.filePath(sha));
    }
    const tx = this.db.transaction(() => {
      // Re-check inside the transaction: another writer may have applied meanwhile.
      const seqNow = (this.db.prepare('SELECT seq FROM applied_manifest WHERE id = 1').get() as { seq: number } | undefined)?.seq;
      if (seqNow !== undefined && s.manifest.snapshot.seq <= seqNow) return false;
      this.db
        .prepare(
          `INSERT INTO applied_manifest (id, seq, bytes, signature, applied_at) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes, signature = excluded.signature, applied_at = excluded.applied_at`,
        )
        .run(s.manifest.snapshot.seq, Buffer.from(s.bytes), s.signature, appliedAt);
      this.db.prepare('DELETE FROM notices').run();
      const ins = this.db.prepare('INSERT INTO notices (id, position, post_at, remove_at, json) VALUES (?, ?, ?, ?, ?)');
      s.manifest.notices.forEach((n, i) => ins.run(n.id, i, n.postAt, n.removeAt, JSON.stringify(n)));
      const needed = new Set(s.manifest.notices.flatMap((n) => n.attachments.map((a) => a.sha256)));
      for (const sha of needed) {
        const size = s.files.get(sha)?.length;
        if (size !== undefined) this.db.prepare('INSERT OR IGNORE INTO files (sha256, size) VALUES (?, ?)').run(sha, size);
        else if (!this.db.prepare('SELECT 1 FROM files WHERE sha256 = ?').get(sha)) throw new Error(`attachment ${sha} is missing`);
      }
      this.db.prepare('UPDATE sync_status SET last_error = NULL, last_error_at = NULL WHERE id = 1').run();
      return true;
    });
    const done = tx();
    if (done) this.pruneFiles();
    return done;
  }

  /** Removes attachment files no notice refers to any more. */
  private pruneFiles(): void {
    const needed = new Set(this.notices().flatMap((n) => n.attachments.map((a) => a.sha256)));
    const rows = this.db.prepare('SELECT sha256 FROM files').all() as { sha256: string }[];
    for (const { sha256 } of rows) {
      if (needed.has(sha256)) continue;
      this.db.prepare('DELETE FROM files WHERE sha256 = ?').run(sha256);
      rmSync(this.filePath(sha256), { force: true });
    }
  }

  lastError(): { message: string; at: string } | null {
    const r = this.db.prepare('SELECT last_error, last_error_at FROM sync_status WHERE id = 1').get() as { last_error: string | null; last_error_at: string | null };
    return r.last_error && r.last_error_at ? { message: r.last_error, at: r.last_error_at } : null;
  }

  setLastError(message: string | null, at: string): void {
    this.db.prepare('UPDATE sync_status SET last_error = ?, last_error_at = ? WHERE id = 1').run(message, message === null ? null : at);
  }

  sightings(): Sighting[] {
    return (
      this.db.prepare('SELECT notice_id, first_shown_at, last_shown_at, gone_at FROM sightings ORDER BY first_shown_at, notice_id').all() as {
        notice_id: string;
        first_shown_at: string;
        last_shown_at: string;
        gone_at: string | null;
      }[]
    ).map((r) => ({ noticeId: r.notice_id, firstShownAt: r.first_shown_at, lastShownAt: r.last_shown_at, goneAt: r.gone_at }));
  }

  /**
   * Records what is on screen at `at`: visible notices get a first (once) and last sighting,
   * notices that were showing and are not any more get goneAt. Returns true when a notice
   * appeared or disappeared (worth reporting), not for a mere lastShown refresh.
   */
  recordSightings(visibleIds: readonly string[], at: string): boolean {
    let changed = false;
    const tx = this.db.transaction(() => {
      const visible = new Set(visibleIds);
      for (const id of visible) {
        const r = this.db.prepare('SELECT gone_at FROM sightings WHERE notice_id = ?').get(id) as { gone_at: string | null } | undefined;
        if (!r) {
          this.db.prepare('INSERT INTO sightings (notice_id, first_shown_at, last_shown_at) VALUES (?, ?, ?)').run(id, at, at);
          changed = true;
        } else {
          // A notice shown again after being gone (re-posted) is showing again: clear goneAt.
          if (r.gone_at !== null) changed = true;
          this.db.prepare('UPDATE sightings SET last_shown_at = ?, gone_at = NULL WHERE notice_id = ?').run(at, id);
        }
      }
      const showing = this.db.prepare('SELECT notice_id FROM sightings WHERE gone_at IS NULL').all() as { notice_id: string }[];
      for (const { notice_id } of showing) {
        if (visible.has(notice_id)) continue;
        this.db.prepare('UPDATE sightings SET gone_at = ? WHERE notice_id = ?').run(at, notice_id);
        changed = true;
      }
    });
    tx();
    return changed;
  }
}

export const KIOSK_SCHEMA_VERSION = MIGRATIONS.length;
