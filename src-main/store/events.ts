/**
 * The audit log: append-only and hash-chained. Each event's hash covers its content, the
 * previous event's hash and, for an event about a notice, that notice's full state after the
 * event (every field and its attachments with their SHA-256), so the log also proves what
 * each notice looked like. A changed, inserted or deleted event breaks the chain.
 *
 * The head (last seq and hash) is also written to a file beside the database, which catches a
 * deletion of the newest events. It is written twice per change: as "pending" before the
 * commit and as committed after it, so a crash between the commit and the second write leaves
 * a head that names the event the log really ends with, not a false alarm.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AuditAction, AuditEvent, NoticeFields } from '../shared/domain.ts';
import { sha256Hex } from '../publication/signing.ts';
import { prepared, type Db } from './db.ts';
import type { NoticeRow } from './notices.ts';

export const GENESIS_HASH = '0'.repeat(64);

interface EventRow {
  seq: unknown;
  at: unknown;
  actor: unknown;
  action: unknown;
  notice_id: unknown;
  detail: unknown;
  prev_hash: unknown;
  hash: unknown;
  state?: unknown;
}


/**
 * What a notice is at one moment, as recorded in the log. The JSON's key order is fixed by
 * readNoticeState (canonical JSON: recorded states are hashed), not by this type.
 */
export interface NoticeStateRecord extends NoticeFields {
  id: string;
  boardId: string;
  publishedAt: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  revision: number;
  attachments: { sha256: string; name: string; position: number; size: number | null; mediaType: string | null; redacted?: { sha256: string; name: string } }[];
}

/** The notice's current row and attachments as a record, or null when there is no such notice. */
export function readNoticeState(db: Db, noticeId: string): NoticeStateRecord | null {
  const r = prepared(db, 'SELECT * FROM notices WHERE id = ?').get(noticeId) as NoticeRow | undefined;
  if (!r) return null;
  const attachments = prepared(db, 
      // a.* rather than named columns: the migration tests append through this code to stores
      // of earlier schema versions, which have no redacted_* columns yet.
      `SELECT a.*, b.size, b.media_type FROM notice_attachments a LEFT JOIN blobs b ON b.sha256 = a.sha256
       WHERE a.notice_id = ? ORDER BY a.position, a.sha256`,
    )
    .all(noticeId) as { sha256: string; name: string; position: number; size: number | null; media_type: string | null; redacted_sha256?: string | null; redacted_name?: string | null }[];
  return {
    id: r.id,
    boardId: r.board_id,
    title: r.title,
    description: r.description,
    category: r.category,
    department: r.department,
    referenceNumber: r.reference_number,
    fileMark: r.file_mark,
    postAt: r.post_at,
    removeAt: r.remove_at,
    publishedAt: r.published_at,
    withdrawnAt: r.withdrawn_at,
    withdrawReason: r.withdraw_reason,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    revision: r.revision,
    // Since migration 006: the type sets the lawful period, so the log proves it too.
    type: r.type,
    eventDate: r.event_date,
    // Since migration 013 (privacy/): the flag, and a redacted copy only where there is one, so
    // states recorded before still compare equal.
    personalData: r.personal_data === 1,
    attachments: attachments.map((a) => ({
      sha256: a.sha256, name: a.name, position: a.position, size: a.size, mediaType: a.media_type,
      ...(a.redacted_sha256 == null ? {} : { redacted: { sha256: a.redacted_sha256, name: a.redacted_name ?? a.name } }),
    })),
  };
}

/**
 * The hash of an event. `state` is the canonical JSON of the notice after the event; events
 * without one (no notice, or written before states were recorded) keep the original formula,
 * so logs written by older versions still verify.
 */
export function eventHash(e: Omit<AuditEvent, 'hash'>, state: string | null = null): string {
  const fields: unknown[] = [e.seq, e.at, e.actor, e.action, e.noticeId, e.detail, e.prevHash];
  if (state !== null) fields.push(state);
  return sha256Hex(JSON.stringify(fields));
}

/** What the head file says: the last committed event and, while a change commits, the event it will end with. */
export interface HeadRecord {
  seq: number;
  hash: string;
  /** Events appended since, possibly not committed yet (the log may end with any of them). */
  pending?: { seq: number; hash: string }[];
}

/** The outcome of walking the chain: problems (tampering, damage) and notes (harmless findings). */
export interface ChainReport {
  events: number;
  problems: string[];
  notes: string[];
}

function parseDetail(raw: unknown): Record<string, unknown> | null {
  if (typeof raw !== 'string') return null;
  try {
    const v: unknown = JSON.parse(raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function fromRow(r: EventRow): AuditEvent {
  const detail = parseDetail(r.detail);
  return {
    seq: Number(r.seq),
    at: String(r.at),
    actor: String(r.actor),
    action: String(r.action) as AuditAction,
    noticeId: typeof r.notice_id === 'string' ? r.notice_id : null,
    // A damaged detail is shown as such, never thrown: `deska audit verify` reports it.
    detail: detail ?? { damaged: String(r.detail) },
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

const HASH = /^[0-9a-f]{64}$/;

/** What is wrong with a row's shape, or null when it is a well-formed event. */
function malformed(r: EventRow): string | null {
  const wrong: string[] = [];
  if (!Number.isSafeInteger(r.seq)) wrong.push('pořadové číslo');
  if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at))) wrong.push('okamžik');
  if (typeof r.actor !== 'string') wrong.push('kdo');
  if (typeof r.action !== 'string') wrong.push('událost');
  if (r.notice_id !== null && typeof r.notice_id !== 'string') wrong.push('oznámení');
  if (parseDetail(r.detail) === null) wrong.push('podrobnosti nejsou platný objekt JSON');
  if (typeof r.prev_hash !== 'string' || !HASH.test(r.prev_hash)) wrong.push('odkaz na předchozí událost');
  if (typeof r.hash !== 'string' || !HASH.test(r.hash)) wrong.push('kontrolní součet');
  if (r.state !== undefined && r.state !== null && (typeof r.state !== 'string' || parseDetail(r.state) === null)) wrong.push('stav oznámení');
  return wrong.length > 0 ? wrong.join(', ') : null;
}

export class AuditLog {
  private readonly db: Db;
  private readonly headFile: string | null;
  /** The committed end of the log when the first unsettled event was appended. */
  private base: { seq: number; hash: string } | null = null;
  /** Events appended whose commit the head file does not record yet. */
  private unsettled: { seq: number; hash: string }[] = [];
  private committedHeadQueued = false;
  /** Inside Store.transaction: the pending head is written once, before that transaction commits. */
  private batchDepth = 0;
  private pendingUnwritten = false;
  private stateColumn: boolean | null = null;

  constructor(db: Db, headFile: string | null) {
    this.db = db;
    this.headFile = headFile;
  }

  /** Whether events carry notice states (migration 005); a bare events table (tests of 001) does not. */
  private hasStateColumn(): boolean {
    this.stateColumn ??= (prepared(this.db, "SELECT 1 FROM pragma_table_info('events') WHERE name = 'state'").get() as unknown) !== undefined;
    return this.stateColumn;
  }

  append(e: { at: number; actor: string; action: AuditAction; noticeId?: string | null; detail?: Record<string, unknown> }): AuditEvent {
    const write = (): AuditEvent => {
      const last = prepared(this.db, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
      const base = {
        seq: (last?.seq ?? 0) + 1,
        at: new Date(e.at).toISOString(),
        actor: e.actor,
        action: e.action,
        noticeId: e.noticeId ?? null,
        detail: e.detail ?? {},
        prevHash: last?.hash ?? GENESIS_HASH,
      };
      const withState = this.hasStateColumn();
      const record = withState && base.noticeId !== null ? readNoticeState(this.db, base.noticeId) : null;
      const state = record === null ? null : JSON.stringify(record);
      const event: AuditEvent = { ...base, hash: eventHash(base, state) };
      const values = [event.seq, event.at, event.actor, event.action, event.noticeId, JSON.stringify(event.detail), event.prevHash, event.hash];
      if (withState) {
        prepared(this.db, 'INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(...values, state);
      } else {
        prepared(this.db, 'INSERT INTO events (seq, at, actor, action, notice_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(...values);
      }
      // Before the commit: the head file names this event as pending. A crash after the commit
      // then leaves a head that still accounts for it. With nothing unsettled, the log's end
      // before this event is committed (only this class writes events).
      // The record stays small (the committed base and the newest pending event), so a
      // transaction of 20,000 events writes 20,000 small records, not a growing list.
      if (this.unsettled.length === 0) this.base = last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
      this.unsettled = [{ seq: event.seq, hash: event.hash }];
      if (this.batchDepth > 0) this.pendingUnwritten = true;
      else this.writeHead({ ...this.base!, pending: this.unsettled });
      return event;
    };
    // Always in a transaction, so the pending head is written before the event commits.
    const event = this.db.inTransaction ? write() : this.db.transaction(write)();
    // Transactions are synchronous: a microtask runs after COMMIT or ROLLBACK (one per batch).
    if (!this.committedHeadQueued) {
      this.committedHeadQueued = true;
      queueMicrotask(() => {
        this.committedHeadQueued = false;
        this.writeCommittedHead();
      });
    }
    return event;
  }

  /**
   * Runs `fn` (the body of a transaction) and then writes the pending head once, still inside the
   * transaction, so before its COMMIT: a bulk change of 10,000 events writes the file once, not
   * 10,000 times. Also after a throw (the rollback then leaves the log at the recorded base).
   */
  batch<T>(fn: () => T): T {
    this.batchDepth++;
    try {
      return fn();
    } finally {
      this.batchDepth--;
      if (this.batchDepth === 0 && this.pendingUnwritten) {
        this.pendingUnwritten = false;
        this.writeHead({ ...this.base!, pending: this.unsettled });
      }
    }
  }

  list(noticeId?: string): AuditEvent[] {
    const rows = (
      noticeId === undefined
        ? prepared(this.db, 'SELECT * FROM events ORDER BY seq').all()
        : prepared(this.db, 'SELECT * FROM events WHERE notice_id = ? ORDER BY seq').all(noticeId)
    ) as EventRow[];
    return rows.map(fromRow);
  }

  has(noticeId: string, action: AuditAction): boolean {
    return prepared(this.db, 'SELECT 1 FROM events WHERE notice_id = ? AND action = ? LIMIT 1').get(noticeId, action) !== undefined;
  }

  /** The newest recorded state of a notice, with the event that recorded it; null when none was recorded. */
  recordedState(noticeId: string): { seq: number; state: string } | null {
    if (!this.hasStateColumn()) return null;
    const r = prepared(this.db, 'SELECT seq, state FROM events WHERE notice_id = ? AND state IS NOT NULL ORDER BY seq DESC LIMIT 1').get(noticeId) as
      | { seq: number; state: string }
      | undefined;
    return r ?? null;
  }

  /**
   * Walks the whole chain; one line per problem, in words an operator understands (empty when
   * intact). With `repairHead`, a head file left behind by a crash right after a commit is
   * brought up to date (and said so in `notes`).
   */
  verify(o: { repairHead?: boolean } = {}): ChainReport {
    const problems: string[] = [];
    const notes: string[] = [];
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let count = 0;
    let lastSeq = 0;
    for (const row of this.db.prepare('SELECT * FROM events ORDER BY seq').iterate() as Iterable<EventRow>) {
      count++;
      const bad = malformed(row);
      const seq = Number.isSafeInteger(row.seq) ? (row.seq as number) : expectedSeq;
      if (seq !== expectedSeq) {
        problems.push(
          seq > expectedSeq
            ? `událost č. ${expectedSeq}${seq - expectedSeq > 1 ? `–${seq - 1}` : ''} chybí (byla smazána; další je č. ${seq})`
            : `událost č. ${seq} je mimo pořadí`,
        );
      }
      if (bad) {
        problems.push(`událost č. ${seq} je poškozená: ${bad}. Záznam nelze ověřit.`);
        prev = String(row.hash);
        expectedSeq = seq + 1;
        lastSeq = seq;
        continue;
      }
      const e = fromRow(row);
      if (e.prevHash !== prev) problems.push(`událost č. ${e.seq}: přerušený řetězec (událost před ní byla vložena, smazána nebo změněna)`);
      const { hash: _hash, ...rest } = e;
      const state = typeof row.state === 'string' ? row.state : null;
      if (eventHash(rest, state) !== e.hash) {
        problems.push(`událost č. ${e.seq} (${e.action}, ${e.actor}, ${e.at}): obsah byl po zápisu změněn`);
      }
      prev = e.hash;
      expectedSeq = e.seq + 1;
      lastSeq = e.seq;
    }
    this.checkHead({ seq: lastSeq, hash: prev }, problems, notes, o.repairHead ?? false);
    return { events: count, problems, notes };
  }

  private checkHead(end: { seq: number; hash: string }, problems: string[], notes: string[], repair: boolean): void {
    if (!this.headFile) return;
    if (!existsSync(this.headFile)) {
      if (end.seq > 0) problems.push(`soubor s posledním zápisem (${this.headFile}) chybí: nelze ověřit, že nejnovější události nebyly smazány`);
      return;
    }
    let head: HeadRecord;
    try {
      head = parseHead(readFileSync(this.headFile, 'utf8'));
    } catch {
      problems.push(`soubor s posledním zápisem (${this.headFile}) je poškozený: nelze ověřit, že nejnovější události nebyly smazány`);
      return;
    }
    const same = (h: { seq: number; hash: string }): boolean => h.seq === end.seq && h.hash === end.hash;
    if (same(head)) return;
    // A crash after a commit leaves the log ending anywhere from the committed base to the newest
    // pending event (the chain up to there was verified above); the base must still be in the log.
    const newest = head.pending?.length ? head.pending.reduce((a, b) => (b.seq > a.seq ? b : a)) : undefined;
    const baseInLog =
      head.seq === 0 || (prepared(this.db, 'SELECT hash FROM events WHERE seq = ?').get(head.seq) as { hash: string } | undefined)?.hash === head.hash;
    if (newest && baseInLog && end.seq >= head.seq && end.seq <= newest.seq && (end.seq !== newest.seq || end.hash === newest.hash)) {
      if (end.seq > head.seq) {
        notes.push(
          `soubor s posledním zápisem zaostával o událost č. ${end.seq} (vydavatel byl nejspíš ukončen hned po uložení změny)${repair ? '; opraveno' : ''}`,
        );
      }
      if (repair) this.writeHead({ seq: end.seq, hash: end.hash });
      return;
    }
    const recorded = [head, ...(head.pending ?? [])].reduce((a, b) => (b.seq > a.seq ? b : a));
    if (end.seq < head.seq) {
      problems.push(`nejnovější události byly smazány: log končí událostí č. ${end.seq}, zaznamenaný poslední zápis je č. ${head.seq}`);
    } else if (end.seq > recorded.seq) {
      problems.push(
        `událost č. ${recorded.seq + 1}${end.seq > recorded.seq + 1 ? `–${end.seq}` : ''} byla přidána mimo aplikaci (po zaznamenaném posledním zápisu č. ${recorded.seq})`,
      );
    } else {
      problems.push(`poslední událost se liší od zaznamenaného posledního zápisu (č. ${head.seq}): nejnovější události byly přepsány`);
    }
  }

  /** Records in the head file what is committed now (before the database closes). */
  flush(): void {
    if (this.unsettled.length > 0) this.writeCommittedHead();
  }

  private writeCommittedHead(): void {
    if (!this.db.open) return;
    if (this.db.inTransaction) {
      queueMicrotask(() => this.writeCommittedHead());
      return;
    }
    const last = prepared(this.db, 'SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
    this.unsettled = [];
    this.base = null;
    this.writeHead(last ?? { seq: 0, hash: GENESIS_HASH });
  }

  private writeHead(h: HeadRecord): void {
    if (!this.headFile) return;
    const tmp = `${this.headFile}.tmp`;
    writeFileSync(tmp, JSON.stringify(h) + '\n');
    renameSync(tmp, this.headFile);
  }
}

function parseHead(text: string): HeadRecord {
  const v = JSON.parse(text) as unknown;
  const ok = (h: unknown): h is { seq: number; hash: string } =>
    typeof h === 'object' && h !== null && Number.isSafeInteger((h as { seq: unknown }).seq) && typeof (h as { hash: unknown }).hash === 'string';
  if (!ok(v)) throw new Error('bad head');
  const pending = (v as { pending?: unknown }).pending;
  if (pending === undefined) return { seq: v.seq, hash: v.hash };
  if (!(Array.isArray(pending) && pending.every(ok))) throw new Error('bad head');
  return { seq: v.seq, hash: v.hash, pending };
}
