/**
 * The kiosk's own SQLite replica of its board's feed. It holds the last verified snapshot
 * (manifest bytes, notices, attachment files by SHA-256 on disk), the kiosk's own evidence of
 * what it showed (sightings from the renderer's heartbeat, outage intervals), and the last sync
 * error. The UI reads only from here, so the board keeps working while the publisher is down.
 *
 * A replica that cannot be opened or fails its integrity check at start is moved aside (kept,
 * never deleted) and the kiosk starts empty: see openReplica().
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDb, type Db, type Migration } from '../store/db.ts';
import type { Board } from '../shared/domain.ts';
import { sha256Hex } from '../publication/signing.ts';
import { isSha256, type FeedManifest, type FeedNotice, type KioskOutage, type OutageReason } from '../shared/feed.ts';

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
  {
    version: 2,
    name: 'outages-and-liveness',
    up: (db) =>
      db.exec(`
        CREATE TABLE outages (
          id INTEGER PRIMARY KEY,
          reason TEXT NOT NULL CHECK (reason IN ('screen-off', 'kiosk-down', 'ui-disconnected', 'stale')),
          from_at TEXT NOT NULL,
          to_at TEXT,
          delivered INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE INDEX outages_open ON outages (reason) WHERE to_at IS NULL;
        ALTER TABLE sync_status ADD COLUMN alive_at TEXT;
        ALTER TABLE sync_status ADD COLUMN heartbeat_at TEXT;
        ALTER TABLE sync_status ADD COLUMN confirmed_at TEXT;
        ALTER TABLE sync_status ADD COLUMN clock_offset_ms INTEGER;
        ALTER TABLE sync_status ADD COLUMN clock_measured_at TEXT;
      `),
  },
  {
    // Reports carry only what the publisher has not accepted yet, so they stay small after a
    // year of notices (the publisher widens its record from each report; nothing is lost).
    version: 3,
    name: 'sightings-delivered',
    up: (db) => db.exec('ALTER TABLE sightings ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0'),
  },
  {
    // Offline search on the kiosk: the notices' fields and their attachments' text (the files
    // the signed feed names by textSha256), folded so that "uzemni" finds "územní".
    version: 4,
    name: 'notice-search',
    up: (db) =>
      db.exec(`
        CREATE VIRTUAL TABLE notice_search USING fts5(
          notice_id UNINDEXED, title, fields, body,
          tokenize = 'unicode61 remove_diacritics 2',
          prefix = '1 2 3'
        );
        INSERT INTO notice_search (notice_search, rank) VALUES ('rank', 'bm25(0, 10, 3, 1)');
        -- Which index row holds which notice, and the notice's JSON hash when it was indexed:
        -- a new snapshot re-indexes only the notices that changed.
        CREATE TABLE search_rows (
          notice_id TEXT PRIMARY KEY,
          row INTEGER NOT NULL UNIQUE,
          key TEXT NOT NULL
        ) STRICT;
      `),
  },
];

/** Most of one attachment's text indexed for search (the rest of a huge text is not searchable). */
export const SEARCH_TEXT_MAX_BYTES = 2 * 1024 * 1024;

/** How many of the best hits get a passage (the rest are further down a list that shows a few). */
const SNIPPETS = 30;

/** One search hit: the notice and a short passage around the match (plain text, match in «»). */
export interface SearchHit {
  id: string;
  snippet: string;
}

/**
 * The visitor's words as an FTS5 query: every word must occur, each as a prefix ("pozem" finds
 * "pozemku"), so results come as the visitor types. Operators and quotes in the input are
 * just characters; null when nothing searchable is left.
 */
export function searchQuery(input: string): string | null {
  const words = input.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const picked = words.slice(0, 12).map((w) => `"${w.slice(0, 60)}"*`);
  return picked.length > 0 ? picked.join(' ') : null;
}

/** How a fetched snapshot relates to the applied one (see compareSnapshots). */
export type SnapshotOrder = 'first' | 'newer' | 'restored' | 'same' | 'older';

/**
 * A publisher's clock may step back a little between two snapshots (NTP); a higher seq whose
 * createdAt is at most this much older is still the next snapshot.
 */
export const CREATED_AT_SLACK_MS = 5 * 60_000;

/**
 * Decides whether a verified snapshot may replace the applied one. Normally seq rises. A
 * publisher restored from a backup restarts below the kiosk's seq but signs fresh snapshots
 * (createdAt newer than the applied one): "restored", accepted. A snapshot that is neither
 * above the applied seq nor newer is an old one served again (a replay): "older", refused.
 * A higher seq with a much older createdAt is a replay from before a restore: also "older".
 */
export function compareSnapshots(candidate: { seq: number; createdAt: string }, current: { seq: number; createdAt: string } | null): SnapshotOrder {
  if (!current) return 'first';
  const [c, a] = [Date.parse(candidate.createdAt), Date.parse(current.createdAt)];
  if (candidate.seq === current.seq && c === a) return 'same';
  if (candidate.seq > current.seq && c >= a - CREATED_AT_SLACK_MS) return 'newer';
  if (candidate.seq <= current.seq && c > a) return 'restored';
  return 'older';
}

/** What openReplica did with a damaged replica. */
export interface ReplicaRecovery {
  /** Why the old file was refused (technical). */
  reason: string;
  /** Where the damaged files were moved (kept, never deleted). */
  movedTo: string[];
}

const DB_NAME = 'kiosk.sqlite';
/** Error codes of the disk or the system (full, read-only, no access, I/O), not of a damaged file. */
const DISK_ERROR = /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|PERM)|ENOSPC|EROFS|EACCES|EPERM|EIO|EBUSY)/;

/**
 * Opens the replica in `dataDir`. A database file that cannot be opened, fails
 * `PRAGMA quick_check` or cannot be migrated is moved aside with its -wal/-shm (renamed with a
 * timestamp, kept for an investigation) and an empty replica is started; the kiosk then syncs
 * again. Should even that fail (a read-only disk), the kiosk runs on an in-memory replica
 * rather than leave the lobby screen empty.
 */
export function openReplica(dataDir: string, now: number, log: (line: string) => void = () => undefined): Replica {
  mkdirSync(dataDir, { recursive: true });
  try {
    return new Replica(dataDir, { check: true });
  } catch (e) {
    const reason = (e as Error).message;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_ERROR.test(code)) {
      // The disk's fault, not the file's: moving it aside would throw a good replica away (and
      // on a full disk the new one cannot be created either). It stays for the next start.
      log(`replica ${join(dataDir, DB_NAME)} cannot be opened (${reason}): the disk is full, read-only or refuses access; the file is left as it is and this run uses an in-memory replica`);
      return new Replica(dataDir, { recovery: { reason, movedTo: [] }, memory: true });
    }
    const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const movedTo: string[] = [];
    for (const suffix of ['', '-wal', '-shm']) {
      const from = join(dataDir, DB_NAME + suffix);
      if (!existsSync(from)) continue;
      const to = join(dataDir, `${DB_NAME}.damaged-${stamp}${suffix}`);
      try {
        renameSync(from, to);
        movedTo.push(to);
      } catch (err) {
        log(`replica: could not move ${from} aside (${(err as Error).message})`);
      }
    }
    log(`replica ${join(dataDir, DB_NAME)} is damaged (${reason}); moved aside to ${movedTo.join(', ') || '(nothing moved)'}; starting empty and syncing again`);
    const recovery = { reason, movedTo };
    try {
      return new Replica(dataDir, { recovery });
    } catch (e2) {
      log(`replica: cannot create a new database in ${dataDir} (${(e2 as Error).message}); running on an in-memory replica`);
      return new Replica(dataDir, { recovery, memory: true });
    }
  }
}

export interface AppliedInfo {
  seq: number;
  appliedAt: string;
  board: Board;
  createdAt: string;
  validUntil: string;
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

export interface ReplicaOptions {
  /** Run `PRAGMA quick_check` after opening; throws when it does not answer "ok". */
  check?: boolean;
  /** Set when this replica replaces a damaged one (openReplica). */
  recovery?: ReplicaRecovery;
  /** Keep the database in memory (last resort when the disk refuses a new file). */
  memory?: boolean;
}

export class Replica {
  readonly db: Db;
  readonly filesDir: string;
  /** Non-null when this replica was started empty because the old one was damaged. */
  readonly recovery: ReplicaRecovery | null;
  /** Called when a damaged or vanished attachment file is dropped (the sync fetches it again). */
  onFileDropped: ((sha256: string) => void) | null = null;

  constructor(dataDir: string, opts: ReplicaOptions = {}) {
    mkdirSync(dataDir, { recursive: true });
    this.filesDir = join(dataDir, 'files');
    mkdirSync(this.filesDir, { recursive: true });
    this.recovery = opts.recovery ?? null;
    const file = opts.memory ? ':memory:' : join(dataDir, DB_NAME);
    if (opts.check && existsSync(file)) {
      // Check before migrating: a migration must not write into a damaged file.
      const probe = openDb(file, []);
      try {
        const rows = probe.pragma('quick_check') as { quick_check: string }[];
        const verdict = rows.map((r) => r.quick_check).join('; ');
        if (verdict !== 'ok') throw new Error(`quick_check: ${verdict.slice(0, 300)}`);
      } finally {
        probe.close();
      }
    }
    this.db = openDb(file, MIGRATIONS);
    // Temporary files of a download interrupted by a crash (written before the rename).
    for (const name of readdirSync(this.filesDir)) if (name.startsWith('.') && name.endsWith('.tmp')) rmSync(join(this.filesDir, name), { force: true });
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
    return { seq: row.seq, appliedAt: row.applied_at, board: m.board, createdAt: m.snapshot.createdAt, validUntil: m.snapshot.validUntil };
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

  /**
   * Attachment bytes, checked against their hash on every read; null if the replica does not
   * hold them. A damaged copy is dropped (the sync fetches it again) and null returned.
   */
  readFile(sha256: string): Buffer | null {
    if (!isSha256(sha256) || !this.hasFile(sha256)) return null;
    let bytes: Buffer | null = null;
    try {
      bytes = readFileSync(this.filePath(sha256));
    } catch {
      bytes = null;
    }
    if (bytes && sha256Hex(bytes) === sha256) return bytes;
    this.dropFile(sha256);
    return null;
  }

  /**
   * Applies a verified snapshot when compareSnapshots() allows it ("first", "newer",
   * "restored"); returns the order found, and changes nothing for "same" or "older".
   * Files are written (temp + rename) before the one transaction that switches the manifest and
   * notices, so a crash leaves either the old or the new snapshot. Attachments not in
   * `s.files` and not yet held are simply missing: their notices show "document being
   * downloaded" until fetchable (missingFiles()), and never hold back the rest of the snapshot.
   */
  apply(s: SnapshotToApply, appliedAt: string): SnapshotOrder {
    const order = compareSnapshots(s.manifest.snapshot, this.applied());
    if (order === 'same' || order === 'older') return order;
    for (const [sha, bytes] of s.files) this.writeFile(sha, bytes);
    const tx = this.db.transaction((): SnapshotOrder => {
      // Re-check inside the transaction: another writer may have applied meanwhile.
      const again = compareSnapshots(s.manifest.snapshot, this.applied());
      if (again === 'same' || again === 'older') return again;
      this.db
        .prepare(
          `INSERT INTO applied_manifest (id, seq, bytes, signature, applied_at) VALUES (1, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes, signature = excluded.signature, applied_at = excluded.applied_at`,
        )
        .run(s.manifest.snapshot.seq, Buffer.from(s.bytes), s.signature, appliedAt);
      this.db.prepare('DELETE FROM notices').run();
      const ins = this.db.prepare('INSERT INTO notices (id, position, post_at, remove_at, json) VALUES (?, ?, ?, ?, ?)');
      s.manifest.notices.forEach((n, i) => ins.run(n.id, i, n.postAt, n.removeAt, JSON.stringify(n)));
      for (const [sha, bytes] of s.files) this.db.prepare('INSERT OR REPLACE INTO files (sha256, size) VALUES (?, ?)').run(sha, bytes.length);
      this.db.prepare('UPDATE sync_status SET last_error = NULL, last_error_at = NULL WHERE id = 1').run();
      return again;
    });
    const done = tx();
    if (done !== 'same' && done !== 'older') {
      this.pruneFiles();
      this.reindex();
    }
    return done;
  }

  /** Writes verified attachment bytes under their hash (temp + rename; replaces a damaged copy). */
  private writeFile(sha: string, bytes: Uint8Array): void {
    if (sha256Hex(bytes) !== sha) throw new Error(`file ${sha} does not match its SHA-256`);
    const path = this.filePath(sha);
    // The same bytes already there (a replica started afresh over its files, e.g. in memory on a
    // full disk): nothing to write.
    try {
      if (sha256Hex(readFileSync(path)) === sha) return;
    } catch {
      // none yet, or not a readable file: written below
    }
    const tmp = join(this.filesDir, `.${sha}.${randomUUID()}.tmp`);
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, path);
    } catch (e) {
      // A full disk leaves no half-written temporary file behind.
      rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** Adds one verified attachment file (a late download or a repair). */
  addFile(sha: string, bytes: Uint8Array): void {
    this.writeFile(sha, bytes);
    this.db.prepare('INSERT OR REPLACE INTO files (sha256, size) VALUES (?, ?)').run(sha, bytes.length);
    // An attachment's text that arrives after its snapshot makes the notice searchable by it.
    const rows = this.db.prepare('SELECT json FROM notices WHERE instr(json, ?) > 0').all(sha) as { json: string }[];
    const notices = rows.map((r) => JSON.parse(r.json) as FeedNotice).filter((n) => n.attachments.some((a) => a.textSha256 === sha));
    if (notices.length > 0) this.db.transaction(() => notices.forEach((n) => this.indexNotice(n, JSON.stringify(n))))();
  }

  /** The text of a notice's attachments the replica holds (hash-checked), for the index. */
  private attachmentText(n: FeedNotice): string {
    const parts: string[] = [];
    for (const a of n.attachments) {
      if (!a.textSha256) continue;
      const bytes = this.readFile(a.textSha256);
      if (bytes) parts.push(bytes.subarray(0, SEARCH_TEXT_MAX_BYTES).toString('utf8'));
    }
    return parts.join('\n');
  }

  /** (Re-)indexes one notice; `json` is what search_rows remembers it by. */
  private indexNotice(n: FeedNotice, json: string): void {
    const held = this.db.prepare('SELECT row FROM search_rows WHERE notice_id = ?').get(n.id) as { row: number } | undefined;
    if (held) this.db.prepare('DELETE FROM notice_search WHERE rowid = ?').run(held.row);
    const fields = [n.description, n.department, n.category, n.referenceNumber, n.fileMark, ...n.attachments.map((a) => a.name)].join('\n');
    const row = Number(this.db.prepare('INSERT INTO notice_search (notice_id, title, fields, body) VALUES (?, ?, ?, ?)').run(n.id, n.title, fields, this.attachmentText(n)).lastInsertRowid);
    this.db
      .prepare('INSERT INTO search_rows (notice_id, row, key) VALUES (?, ?, ?) ON CONFLICT (notice_id) DO UPDATE SET row = excluded.row, key = excluded.key')
      .run(n.id, row, sha256Hex(Buffer.from(json)));
  }

  /**
   * Brings the search index up to the applied notices (after every applied snapshot): only
   * notices that are new or changed are indexed again, and those gone are dropped.
   */
  reindex(): void {
    const rows = this.db.prepare('SELECT json FROM notices').all() as { json: string }[];
    const indexed = new Map((this.db.prepare('SELECT notice_id, row, key FROM search_rows').all() as { notice_id: string; row: number; key: string }[]).map((r) => [r.notice_id, r]));
    this.db.transaction(() => {
      const seen = new Set<string>();
      for (const { json } of rows) {
        const n = JSON.parse(json) as FeedNotice;
        seen.add(n.id);
        if (indexed.get(n.id)?.key !== sha256Hex(Buffer.from(json))) this.indexNotice(n, json);
      }
      for (const [id, r] of indexed) {
        if (seen.has(id)) continue;
        this.db.prepare('DELETE FROM notice_search WHERE rowid = ?').run(r.row);
        this.db.prepare('DELETE FROM search_rows WHERE notice_id = ?').run(id);
      }
    })();
  }

  /**
   * Notices matching the visitor's words (see searchQuery), best first: title hits weigh most,
   * then the other fields, then the attachments' text. Diacritics are not needed.
   */
  search(input: string, limit = 200, shown: (id: string) => boolean = () => true): SearchHit[] {
    const q = searchQuery(input);
    if (!q) return [];
    // The passage shown is from the attachment's text or the other fields, where the words
    // matched there; a match in the title alone needs none (the title is on the card).
    // Ranked first (title 10, other fields 3, text 1), then passages for the best few only.
    // Only notices on display count towards the limit: many future or removed notices matching a
    // short prefix must not push posted ones off the list.
    const ranked: { rowid: number; id: string }[] = [];
    const matches = this.db.prepare('SELECT rowid, notice_id AS id FROM notice_search WHERE notice_search MATCH ? ORDER BY rank').iterate(q) as IterableIterator<{
      rowid: number;
      id: string;
    }>;
    for (const r of matches) {
      if (!shown(r.id)) continue;
      ranked.push(r);
      if (ranked.length >= limit) break;
    }
    const passage = this.db.prepare(
      `SELECT snippet(notice_search, 3, '«', '»', '…', 10) AS body, snippet(notice_search, 2, '«', '»', '…', 10) AS fields
       FROM notice_search WHERE notice_search MATCH ? AND rowid = ?`,
    );
    return ranked.map((r, i) => {
      if (i >= SNIPPETS) return { id: r.id, snippet: '' };
      const p = passage.get(q, r.rowid) as { body: string; fields: string } | undefined;
      return { id: r.id, snippet: p?.body.includes('«') ? p.body : p?.fields.includes('«') ? p.fields : '' };
    });
  }

  /** Forgets a damaged or vanished attachment file so that the next sync fetches it again. */
  dropFile(sha: string): void {
    if (!isSha256(sha)) return;
    this.db.prepare('DELETE FROM files WHERE sha256 = ?').run(sha);
    rmSync(this.filePath(sha), { force: true });
    this.onFileDropped?.(sha);
  }

  /** Attachments the applied notices refer to that the replica does not hold (yet). */
  missingFiles(): { sha256: string; name: string; noticeId: string }[] {
    const out: { sha256: string; name: string; noticeId: string }[] = [];
    const seen = new Set<string>();
    for (const n of this.notices())
      for (const a of n.attachments) {
        for (const [sha, name] of [[a.sha256, a.name], [a.textSha256, `${a.name} (text)`]] as const) {
          if (!sha || seen.has(sha)) continue;
          seen.add(sha);
          if (!this.hasFile(sha)) out.push({ sha256: sha, name, noticeId: n.id });
        }
      }
    return out;
  }

  /**
   * Re-hashes every held attachment file (async reads, one file at a time, so the schedule is
   * never blocked for long); damaged or vanished ones are dropped for the sync to fetch again.
   * Returns the hashes dropped.
   */
  async verifyFiles(): Promise<string[]> {
    const dropped: string[] = [];
    const rows = this.db.prepare('SELECT sha256 FROM files').all() as { sha256: string }[];
    for (const { sha256 } of rows) {
      let ok = false;
      try {
        ok = sha256Hex(await readFile(this.filePath(sha256))) === sha256;
      } catch {
        ok = false;
      }
      if (!this.db.open) return dropped;
      if (!ok) {
        this.dropFile(sha256);
        dropped.push(sha256);
      }
    }
    return dropped;
  }

  /** Removes attachment files no notice refers to any more. */
  private pruneFiles(): void {
    const needed = new Set(this.notices().flatMap((n) => n.attachments.flatMap((a) => (a.textSha256 ? [a.sha256, a.textSha256] : [a.sha256]))));
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

  /** Sightings the publisher has not accepted in their current form (what the next report carries). */
  undeliveredSightings(): Sighting[] {
    return (
      this.db.prepare('SELECT notice_id, first_shown_at, last_shown_at, gone_at FROM sightings WHERE delivered = 0 ORDER BY first_shown_at, notice_id').all() as {
        notice_id: string;
        first_shown_at: string;
        last_shown_at: string;
        gone_at: string | null;
      }[]
    ).map((r) => ({ noticeId: r.notice_id, firstShownAt: r.first_shown_at, lastShownAt: r.last_shown_at, goneAt: r.gone_at }));
  }

  /** Marks sightings as delivered, unless they changed since they were sent. */
  markSightingsDelivered(sent: readonly Sighting[]): void {
    const stmt = this.db.prepare('UPDATE sightings SET delivered = 1 WHERE notice_id = ? AND last_shown_at = ? AND gone_at IS ?');
    this.db.transaction(() => sent.forEach((x) => stmt.run(x.noticeId, x.lastShownAt, x.goneAt)))();
  }

  /**
   * Records what is on screen at `at`: visible notices get a first (once) and last sighting,
   * notices that were showing and are not any more get goneAt. Returns true when a notice
   * appeared or disappeared (worth reporting), not for a mere lastShown refresh.
   */
  recordSightings(visibleIds: readonly string[], at: string): boolean {
    let changed = false;
    // One read of what is showing, statements prepared once: a heartbeat every few seconds
    // carries every notice on screen, thousands on a large board, and the table keeps a year's.
    const insert = this.db.prepare('INSERT INTO sightings (notice_id, first_shown_at, last_shown_at) VALUES (?, ?, ?)');
    const refresh = this.db.prepare('UPDATE sightings SET last_shown_at = ?, gone_at = NULL, delivered = 0 WHERE notice_id = ?');
    const gone = this.db.prepare('UPDATE sightings SET gone_at = ?, delivered = 0 WHERE notice_id = ?');
    const tx = this.db.transaction(() => {
      const visible = new Set(visibleIds);
      const showing = new Set((this.db.prepare('SELECT notice_id FROM sightings WHERE gone_at IS NULL').all() as { notice_id: string }[]).map((r) => r.notice_id));
      const lookup = this.db.prepare('SELECT 1 FROM sightings WHERE notice_id = ?');
      for (const id of visible) {
        if (!showing.has(id)) {
          // New, or shown again after being gone (re-posted): either way it appeared.
          if (lookup.get(id) === undefined) insert.run(id, at, at);
          else refresh.run(at, id);
          changed = true;
        } else refresh.run(at, id);
      }
      for (const id of showing) {
        if (visible.has(id)) continue;
        gone.run(at, id);
        changed = true;
      }
    });
    tx();
    return changed;
  }

  /** Liveness and clock marks kept across restarts. */
  status(): KioskStatusRow {
    const r = this.db
      .prepare('SELECT alive_at, heartbeat_at, confirmed_at, clock_offset_ms, clock_measured_at FROM sync_status WHERE id = 1')
      .get() as { alive_at: string | null; heartbeat_at: string | null; confirmed_at: string | null; clock_offset_ms: number | null; clock_measured_at: string | null };
    return { aliveAt: r.alive_at, heartbeatAt: r.heartbeat_at, confirmedAt: r.confirmed_at, clockOffsetMs: r.clock_offset_ms, clockMeasuredAt: r.clock_measured_at };
  }

  /** The kiosk process was running at `at` (read at the next start to find a "kiosk-down" gap). */
  markAlive(at: string): void {
    this.db.prepare('UPDATE sync_status SET alive_at = ? WHERE id = 1').run(at);
  }

  /** A heartbeat from a visible renderer arrived at `at`. */
  markHeartbeat(at: string): void {
    this.db.prepare('UPDATE sync_status SET heartbeat_at = ?, alive_at = ? WHERE id = 1').run(at, at);
  }

  /** A sync confirmed at `at` that the applied snapshot is the publisher's current one. */
  markConfirmed(at: string): void {
    this.db.prepare('UPDATE sync_status SET confirmed_at = ? WHERE id = 1').run(at);
  }

  /** Kiosk clock minus publisher clock (ms) as measured at `at`; null = not measured. */
  setClockOffset(ms: number | null, at: string): void {
    this.db.prepare('UPDATE sync_status SET clock_offset_ms = ?, clock_measured_at = ? WHERE id = 1').run(ms === null ? null : Math.round(ms), at);
  }

  /** Opens an outage of this reason from `from` unless one is already open. True if opened. */
  openOutage(reason: OutageReason, from: string): boolean {
    if (this.db.prepare('SELECT 1 FROM outages WHERE reason = ? AND to_at IS NULL').get(reason)) return false;
    this.db.prepare('INSERT INTO outages (reason, from_at) VALUES (?, ?)').run(reason, from);
    return true;
  }

  /** Closes the open outage of this reason at `to` (never before its start). True if one was open. */
  closeOutage(reason: OutageReason, to: string): boolean {
    return this.db.prepare('UPDATE outages SET to_at = max(from_at, ?), delivered = 0 WHERE reason = ? AND to_at IS NULL').run(to, reason).changes > 0;
  }

  /** Records a closed outage (e.g. "kiosk-down" found at start). */
  addOutage(reason: OutageReason, from: string, to: string): void {
    this.db.prepare('INSERT INTO outages (reason, from_at, to_at) VALUES (?, ?, ?)').run(reason, from, to);
  }

  /** Reasons with an outage open now. */
  openOutages(): OutageReason[] {
    return (this.db.prepare('SELECT reason FROM outages WHERE to_at IS NULL ORDER BY id').all() as { reason: OutageReason }[]).map((r) => r.reason);
  }

  /** Outages not yet delivered to the publisher (open ones always), oldest first, with their ids. */
  undeliveredOutages(): (KioskOutage & { id: number })[] {
    return (
      this.db.prepare('SELECT id, reason, from_at, to_at FROM outages WHERE delivered = 0 OR to_at IS NULL ORDER BY from_at, id').all() as {
        id: number;
        reason: OutageReason;
        from_at: string;
        to_at: string | null;
      }[]
    ).map((r) => ({ id: r.id, reason: r.reason, from: r.from_at, to: r.to_at }));
  }

  /** Every outage recorded, oldest first (delivered or not). */
  allOutages(): KioskOutage[] {
    return (this.db.prepare('SELECT reason, from_at, to_at FROM outages ORDER BY from_at, id').all() as { reason: OutageReason; from_at: string; to_at: string | null }[]).map(
      (r) => ({ reason: r.reason, from: r.from_at, to: r.to_at }),
    );
  }

  /** Marks closed outages as delivered (a report carrying them was accepted). */
  markOutagesDelivered(ids: readonly number[]): void {
    const stmt = this.db.prepare('UPDATE outages SET delivered = 1 WHERE id = ? AND to_at IS NOT NULL');
    this.db.transaction(() => ids.forEach((id) => stmt.run(id)))();
  }
}

export interface KioskStatusRow {
  aliveAt: string | null;
  heartbeatAt: string | null;
  confirmedAt: string | null;
  clockOffsetMs: number | null;
  clockMeasuredAt: string | null;
}

export const KIOSK_SCHEMA_VERSION = MIGRATIONS.length;
