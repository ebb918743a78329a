/**
 * The audit log: append-only and hash-chained. Each event's hash covers its content and the
 * previous event's hash, so a changed, inserted or deleted event breaks the chain. The head
 * (last seq and hash) is also written to a file beside the database, which catches a deletion
 * of the newest events.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AuditAction, AuditEvent } from '../shared/domain.ts';
import { sha256Hex } from '../publication/signing.ts';
import type { Db } from './db.ts';

export const GENESIS_HASH = '0'.repeat(64);

interface EventRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  notice_id: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

export function eventHash(e: Omit<AuditEvent, 'hash'>): string {
  const body = JSON.stringify([e.seq, e.at, e.actor, e.action, e.noticeId, e.detail, e.prevHash]);
  return sha256Hex(body);
}

function fromRow(r: EventRow): AuditEvent {
  return {
    seq: r.seq,
    at: r.at,
    actor: r.actor,
    action: r.action as AuditAction,
    noticeId: r.notice_id,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export class AuditLog {
  private readonly db: Db;
  private readonly headFile: string | null;

  constructor(db: Db, headFile: string | null) {
    this.db = db;
    this.headFile = headFile;
  }

  append(e: { at: number; actor: string; action: AuditAction; noticeId?: string | null; detail?: Record<string, unknown> }): AuditEvent {
    const last = this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const base = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date(e.at).toISOString(),
      actor: e.actor,
      action: e.action,
      noticeId: e.noticeId ?? null,
      detail: e.detail ?? {},
      prevHash: last?.hash ?? GENESIS_HASH,
    };
    const event: AuditEvent = { ...base, hash: eventHash(base) };
    this.db
      .prepare('INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(event.seq, event.at, event.actor, event.action, event.noticeId, JSON.stringify(event.detail), event.prevHash, event.hash);
    // Inside a transaction the event is not committed yet: record the head once it settles
    // (transactions are synchronous, so a microtask runs after COMMIT or ROLLBACK).
    if (this.db.inTransaction) queueMicrotask(() => this.writeCommittedHead());
    else this.writeHead(event);
    return event;
  }

  list(noticeId?: string): AuditEvent[] {
    const rows = (
      noticeId === undefined
        ? this.db.prepare('SELECT * FROM events ORDER BY seq').all()
        : this.db.prepare('SELECT * FROM events WHERE notice_id = ? ORDER BY seq').all(noticeId)
    ) as EventRow[];
    return rows.map(fromRow);
  }

  has(noticeId: string, action: AuditAction): boolean {
    return this.db.prepare('SELECT 1 FROM events WHERE notice_id = ? AND action = ? LIMIT 1').get(noticeId, action) !== undefined;
  }

  /** Walks the whole chain; returns one line per problem found (empty when intact). */
  verify(): { events: number; problems: string[] } {
    const problems: string[] = [];
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.db.prepare('SELECT * FROM events ORDER BY seq').iterate() as Iterable<EventRow>) {
      count++;
      const e = fromRow(row);
      if (e.seq !== expectedSeq) {
        problems.push(
          e.seq > expectedSeq
            ? `event ${expectedSeq}${e.seq - expectedSeq > 1 ? `–${e.seq - 1}` : ''} deleted (next is ${e.seq})`
            : `event ${e.seq} out of order`,
        );
      }
      if (e.prevHash !== prev) problems.push(`event ${e.seq}: link to the previous event broken (an event was inserted, deleted or changed before it)`);
      const { hash: _hash, ...rest } = e;
      if (eventHash(rest) !== e.hash) problems.push(`event ${e.seq} (${e.action} by ${e.actor} at ${e.at}): content changed after it was written`);
      prev = e.hash;
      expectedSeq = e.seq + 1;
    }
    const head = this.readHead();
    if (head && (head.seq !== expectedSeq - 1 || head.hash !== prev)) {
      problems.push(
        head.seq > expectedSeq - 1
          ? `newest events deleted: the log ends at ${expectedSeq - 1}, the recorded head is ${head.seq}`
          : head.seq < expectedSeq - 1
            ? `event ${head.seq + 1}${expectedSeq - 1 > head.seq + 1 ? `–${expectedSeq - 1}` : ''} added after the recorded head (seq ${head.seq})`
            : `log head differs from the recorded head (seq ${head.seq})`,
      );
    }
    return { events: count, problems };
  }

  private writeCommittedHead(): void {
    const last = this.db.open ? (this.db.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) : undefined;
    if (last) this.writeHead(last);
  }

  private writeHead(e: { seq: number; hash: string }): void {
    if (!this.headFile) return;
    const tmp = `${this.headFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ seq: e.seq, hash: e.hash }) + '\n');
    renameSync(tmp, this.headFile);
  }

  private readHead(): { seq: number; hash: string } | null {
    if (!this.headFile || !existsSync(this.headFile)) return null;
    return JSON.parse(readFileSync(this.headFile, 'utf8')) as { seq: number; hash: string };
  }
}
