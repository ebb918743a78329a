/** Attachment files, stored once on disk by their SHA-256 and registered in the blobs table. */
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../publication/signing.ts';
import { isSha256 } from '../shared/feed.ts';
import type { Db } from './db.ts';


export class BlobStore {
  private readonly db: Db;
  readonly dir: string;

  constructor(db: Db, dir: string) {
    this.db = db;
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  path(sha256: string): string {
    if (!isSha256(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
    return join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Stores bytes (once) and returns their SHA-256. */
  put(bytes: Uint8Array, mediaType: string, now: number): { sha256: string; size: number } {
    const sha256 = sha256Hex(bytes);
    const file = this.path(sha256);
    if (!existsSync(file)) {
      mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, file);
    }
    this.db
      .prepare('INSERT OR IGNORE INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)')
      .run(sha256, bytes.byteLength, mediaType, new Date(now).toISOString());
    return { sha256, size: bytes.byteLength };
  }

  /**
   * Moves an already hashed file (a checked upload in DATA/tmp) into the store and registers it.
   * `created` says whether this call created the stored file: a caller whose transaction then
   * fails passes those to `removeUnreferenced`.
   */
  putFile(file: string, sha256: string, size: number, mediaType: string, now: number): { sha256: string; size: number; created: boolean } {
    const target = this.path(sha256);
    let created = false;
    if (!existsSync(target)) {
      mkdirSync(join(this.dir, sha256.slice(0, 2)), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp`;
      try {
        renameSync(file, tmp);
      } catch {
        copyFileSync(file, tmp); // DATA/tmp on another file system
      }
      renameSync(tmp, target);
      created = true;
    }
    this.db
      .prepare('INSERT OR IGNORE INTO blobs (sha256, size, media_type, created_at) VALUES (?, ?, ?, ?)')
      .run(sha256, size, mediaType, new Date(now).toISOString());
    return { sha256, size, created };
  }

  /** Deletes stored files that no blob row registers (after a failed transaction rolled theirs back). */
  removeUnreferenced(sha256s: string[]): void {
    for (const sha of sha256s) if (!this.has(sha)) rmSync(this.path(sha), { force: true });
  }

  /** The boards with a notice that has this file as an attachment or as its redacted copy. */
  boardsReferencing(sha256: string): string[] {
    return this.db
      .prepare('SELECT DISTINCT n.board_id FROM notice_attachments a JOIN notices n ON n.id = a.notice_id WHERE a.sha256 = ? OR a.redacted_sha256 = ?')
      .pluck()
      .all(sha256, sha256) as string[];
  }

  read(sha256: string): Buffer {
    return readFileSync(this.path(sha256));
  }

  has(sha256: string): boolean {
    return this.db.prepare('SELECT 1 FROM blobs WHERE sha256 = ?').get(sha256) !== undefined;
  }
}
