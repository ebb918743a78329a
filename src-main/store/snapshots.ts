/**
 * Signed snapshots of a board: immutable once written; the newest is what the feed serves.
 * Stored content-addressed (migration 014, snapshot-parts.ts, docs/snapshots.md): each notice of a
 * manifest is a part kept once by its SHA-256, so a change to one notice of 10,000 adds kilobytes,
 * not the whole manifest again. Reading gives back the signed bytes exactly.
 */
import type { Db } from './db.ts';
import { prepared } from './db.ts';
import { hashList, joinManifest, putParts, sha256, splitManifest, type ManifestSplit } from './snapshot-parts.ts';

export interface StoredSnapshot {
  boardId: string;
  seq: number;
  createdAt: string;
  manifest: Buffer;
  signature: string;
  sha256: string;
}

/** Chunk bodies partsOf keeps (about 8 kB each: a few boards of 10,000 notices). */
const CHUNK_CACHE = 2048;

/** A snapshot that cannot be put back together (a part missing or changed). */
export class SnapshotDamaged extends Error {}

interface SnapshotRow {
  board_id: string;
  seq: number;
  created_at: string;
  signature: string;
  sha256: string;
  frame: Buffer;
  notices_at: number | null;
  chunks: Buffer;
}

export class SnapshotRepo {
  private readonly db: Db;
  /** The newest snapshot read or written per board (immutable, so valid as long as it is the newest). */
  private readonly newest = new Map<string, StoredSnapshot>();
  /** Per board, the parts of the last snapshot saved here, not yet known to be committed. */
  private readonly lastSaved = new Map<string, { seq: number; sha256: string; parts: Set<string> }>();
  /** Per board, parts known to be stored (those of a snapshot saved here and found committed): not inserted again. */
  private readonly stored = new Map<string, Set<string>>();
  /**
   * Chunk bodies read by partsOf, by hash (content-addressed, so never stale): the mirror's fast
   * path reads a snapshot's ~160 chunks at each delivery, and most are the last one's. The
   * newest CHUNK_CACHE kept.
   */
  private readonly chunks = new Map<string, Buffer>();

  constructor(db: Db) {
    this.db = db;
  }

  nextSeq(boardId: string): number {
    const r = prepared(this.db, 'SELECT MAX(seq) AS s FROM snapshots WHERE board_id = ?').get(boardId) as { s: number | null };
    return (r.s ?? 0) + 1;
  }

  /**
   * Saves a snapshot (call in a transaction). `split`: the manifest already cut into frame and
   * notices, that its bytes were joined from (the snapshot worker has them); otherwise the bytes
   * are split here and the split must join back to the very bytes that were signed.
   */
  save(s: StoredSnapshot, split?: ManifestSplit): void {
    const parts = split ?? splitManifest(s.manifest);
    // A split given by the caller is what its bytes were joined from (the snapshot worker); one made here is checked.
    if (!split && !joinManifest(parts.frame, parts.at, parts.notices).equals(s.manifest)) throw new Error(`snímek ${s.seq} desky ${s.boardId}: části neskládají podepsaný manifest`);
    const put = prepared(this.db, 'INSERT OR IGNORE INTO snapshot_parts (hash, body) VALUES (?, ?)');
    // A board's consecutive snapshots share almost all parts: skip inserting those of the previous
    // snapshot, once its row is found committed (its parts were written in the same transaction;
    // parts are never deleted). A save rolled back with its transaction confirms nothing.
    const last = this.lastSaved.get(s.boardId);
    if (last) {
      const sha = prepared(this.db, 'SELECT sha256 FROM snapshots WHERE board_id = ? AND seq = ?').pluck().get(s.boardId, last.seq) as string | undefined;
      if (sha === last.sha256) this.stored.set(s.boardId, last.parts);
      this.lastSaved.delete(s.boardId);
    }
    const known = this.stored.get(s.boardId) ?? new Set<string>();
    const seen = new Set<string>();
    const chunks = putParts(parts.notices, (h, body) => {
      seen.add(h);
      if (!known.has(h)) put.run(h, body);
    });
    prepared(this.db, 'INSERT INTO snapshots (board_id, seq, created_at, signature, sha256, frame, notices_at, chunks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
      s.boardId,
      s.seq,
      s.createdAt,
      s.signature,
      s.sha256,
      parts.frame,
      parts.at,
      chunks,
    );
    this.newest.set(s.boardId, s);
    this.lastSaved.set(s.boardId, { seq: s.seq, sha256: s.sha256, parts: seen });
  }

  latest(boardId: string): StoredSnapshot | null {
    const head = this.latestHead(boardId);
    if (!head) return null;
    return this.get(boardId, head.seq);
  }

  /** Number and instant of the newest snapshot, without reading its manifest (a large board's is megabytes). */
  latestHead(boardId: string): { seq: number; createdAt: string } | null {
    const r = prepared(this.db, 'SELECT seq, created_at FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT 1').get(boardId) as { seq: number; created_at: string } | undefined;
    return r ? { seq: r.seq, createdAt: r.created_at } : null;
  }

  /** The newest snapshot's number (0 before the first). */
  latestSeq(boardId: string): number {
    return this.nextSeq(boardId) - 1;
  }

  /** A snapshot with its manifest put back together; throws SnapshotDamaged when that fails. */
  get(boardId: string, seq: number): StoredSnapshot | null {
    const cached = this.newest.get(boardId);
    if (cached?.seq === seq) {
      // Still stored as cached (a save rolled back with its transaction is not).
      const sha = prepared(this.db, 'SELECT sha256 FROM snapshots WHERE board_id = ? AND seq = ?').pluck().get(boardId, seq) as string | undefined;
      if (sha === cached.sha256) return cached;
      this.newest.delete(boardId);
    }
    const r = prepared(this.db, 'SELECT * FROM snapshots WHERE board_id = ? AND seq = ?').get(boardId, seq) as SnapshotRow | undefined;
    if (!r) return null;
    const s = this.assemble(r);
    if (!this.newest.has(boardId) || this.newest.get(boardId)!.seq < seq) this.newest.set(boardId, s);
    return s;
  }

  /**
   * A snapshot put back together from its row; the joined bytes must have its SHA-256.
   * `body` reads a part (the verifier checks each against its hash and caches them).
   */
  assemble(r: SnapshotRow, body: (hash: string) => Buffer | undefined = (h) => this.part(h)): StoredSnapshot {
    const what = `snímek ${r.seq} desky ${r.board_id}`;
    const read = (h: Buffer, kind: string): Buffer => {
      const hex = h.toString('hex');
      const b = body(hex);
      if (b === undefined) throw new SnapshotDamaged(`${what}: chybí ${kind} ${hex}`);
      return b;
    };
    const notices: Buffer[] = [];
    try {
      for (const c of hashList(r.chunks)) for (const n of hashList(read(c, 'část seznamu'))) notices.push(read(n, 'část s oznámením'));
    } catch (e) {
      if (e instanceof SnapshotDamaged) throw e;
      throw new SnapshotDamaged(`${what}: ${(e as Error).message}`);
    }
    const manifest = joinManifest(r.frame, r.notices_at, notices);
    if (sha256(manifest).toString('hex') !== r.sha256) throw new SnapshotDamaged(`${what}: složený manifest nemá uložený otisk SHA-256 (některá část nebo rámec byly změněny)`);
    return { boardId: r.board_id, seq: r.seq, createdAt: r.created_at, manifest, signature: r.signature, sha256: r.sha256 };
  }

  /**
   * A snapshot's notice parts by hash, in order, with its frame, without reading the parts
   * (the mirror's fast path asks only for the bodies it has not seen: `partBodies`). Null when
   * there is no such snapshot or it was stored whole (no parts).
   */
  partsOf(boardId: string, seq: number): { frame: Buffer; hashes: Buffer } | null {
    const r = prepared(this.db, 'SELECT frame, notices_at, chunks FROM snapshots WHERE board_id = ? AND seq = ?').get(boardId, seq) as Pick<SnapshotRow, 'frame' | 'notices_at' | 'chunks'> | undefined;
    if (!r || r.notices_at === null) return null;
    // A chunk is its parts' 32-byte hashes, concatenated: the list is the chunks joined.
    const chunks: Buffer[] = [];
    for (const c of hashList(r.chunks)) {
      const hex = c.toString('hex');
      const chunk = this.chunks.get(hex) ?? this.part(hex);
      if (chunk === undefined || chunk.length % 32 !== 0) return null;
      this.chunks.delete(hex);
      this.chunks.set(hex, chunk);
      chunks.push(chunk);
    }
    while (this.chunks.size > CHUNK_CACHE) this.chunks.delete(this.chunks.keys().next().value!);
    return { frame: r.frame, hashes: Buffer.concat(chunks) };
  }

  /** The bodies of notice parts (undefined for one not stored). */
  partBodies(hashes: readonly string[]): (Buffer | undefined)[] {
    return hashes.map((h) => this.part(h));
  }

  private part(hash: string): Buffer | undefined {
    return prepared(this.db, 'SELECT body FROM snapshot_parts WHERE hash = ?').pluck().get(hash) as Buffer | undefined;
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

export type { SnapshotRow };
