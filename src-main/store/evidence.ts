/**
 * Evidence of display: per notice and channel, when it was first and last shown; per channel,
 * the outages in which it could not show the board; kiosk status.
 */
import type { ChannelId, ChannelSighting } from '../shared/domain.ts';
import { prepared, type Db } from './db.ts';
import {
  digestsOf,
  EMPTY_DIGEST,
  EVIDENCE_ACTION,
  outageHash,
  RunningDigest,
  sightingHash,
  type ChannelDigest,
  type OutageRowValues,
  type SightingRowValues,
} from './evidence-digest.ts';
import type { AuditLog } from './events.ts';

interface SightingRow {
  notice_id: string;
  channel: string;
  first_shown_at: string;
  last_shown_at: string;
  gone_at: string | null;
}

export interface KioskStatus {
  id: string;
  boardId: string;
  appliedSeq: number | null;
  appliedAt: string | null;
  lastReportAt: string;
  lastError: string | null;
  /** From the kiosk's last report, null when it did not say: kiosk clock minus publisher clock, ms. */
  clockOffsetMs?: number | null;
  screenOn?: boolean | null;
  version?: string | null;
  /** The kiosk's own clock when it sent its last report. */
  sentAt?: string | null;
}

/**
 * An interval in which a channel (`kiosk:<id>`, `mirror:<folder>`, `deploy:<target>`, `web:<url>`)
 * could not show the board; `to` null while it lasts. Reason: a KioskOutage reason or the
 * channel's own word for it.
 */
export interface ChannelOutage {
  channel: string;
  from: string;
  to: string | null;
  reason: string;
}

interface KioskRow {
  id: string;
  board_id: string;
  applied_seq: number | null;
  applied_at: string | null;
  last_report_at: string;
  last_error: string | null;
  clock_offset_ms: number | null;
  screen_on: number | null;
  version: string | null;
  sent_at: string | null;
}

/** A channel's evidence changed in the running transaction: its digest from the newest anchor on. */
interface Dirty {
  digest: RunningDigest;
  base: ChannelDigest;
  /** The event that recorded the base (0: none, or a baseline from before migration 009). */
  prev: number;
}

export class EvidenceRepo {
  private readonly db: Db;
  private readonly audit: AuditLog | null;
  private readonly now: () => number;
  private depth = 0;
  private dirty = new Map<string, Dirty>();
  /** A nested transaction rolled back: the running digests may count rows it undid. */
  private recompute = false;

  /** Without `audit` (tests of single repositories) nothing is anchored. */
  constructor(db: Db, audit: AuditLog | null = null, now: () => number = Date.now) {
    this.db = db;
    this.audit = audit;
    this.now = now;
  }

  /**
   * Runs `fn` (the body of a Store transaction); when it returns, the channels whose evidence
   * changed are anchored in the audit log by one `evidence` event, before the commit.
   */
  batch<T>(fn: () => T): T {
    this.depth++;
    try {
      const r = fn();
      if (this.depth === 1) this.anchor();
      return r;
    } catch (e) {
      if (this.depth === 1) {
        this.dirty.clear();
        this.recompute = false;
      } else this.recompute = true;
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Runs a write inside a transaction that anchors it, unless one is running already. */
  private write(fn: () => void): void {
    if (this.depth > 0) fn();
    else this.db.transaction(() => this.batch(fn))();
  }

  private touch(channel: string): RunningDigest {
    let d = this.dirty.get(channel);
    if (!d) {
      const { base, prev } = this.anchored(channel);
      d = { digest: new RunningDigest(base), base, prev };
      this.dirty.set(channel, d);
    }
    return d.digest;
  }

  /** The newest digest of a channel recorded in the audit log (the cache in evidence_heads, checked against its event). */
  private anchored(channel: string): { base: ChannelDigest; prev: number } {
    if (!this.hasHeads()) return { base: EMPTY_DIGEST, prev: 0 };
    const cached = prepared(this.db, 'SELECT digest, rows, seq FROM evidence_heads WHERE channel = ?').get(channel) as
      | { digest: string; rows: number; seq: number }
      | undefined;
    if (cached && cached.seq > 0) {
      const ev = prepared(this.db, 'SELECT action, detail FROM events WHERE seq = ?').get(cached.seq) as { action: string; detail: string } | undefined;
      const rec = ev?.action === EVIDENCE_ACTION ? digestsOf(safeJson(ev.detail))[channel] : undefined;
      if (rec && rec.digest === cached.digest && rec.rows === cached.rows) return { base: rec, prev: cached.seq };
    }
    const ev = prepared(
      this.db,
      `SELECT seq, detail FROM events WHERE action = '${EVIDENCE_ACTION}' AND json_valid(detail)
         AND json_extract(detail, '$.channels.' || json_quote(?)) IS NOT NULL ORDER BY seq DESC LIMIT 1`,
    ).get(channel) as { seq: number; detail: string } | undefined;
    const rec = ev ? digestsOf(safeJson(ev.detail))[channel] : undefined;
    if (ev && rec) return { base: rec, prev: ev.seq };
    // Never anchored: rows from before migration 009 have their baseline in the cache (seq 0).
    if (cached && cached.seq === 0) return { base: { digest: cached.digest, rows: cached.rows }, prev: 0 };
    return { base: EMPTY_DIGEST, prev: 0 };
  }

  private headsTable: boolean | null = null;
  private hasHeads(): boolean {
    this.headsTable ??= prepared(this.db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_heads'").get() !== undefined;
    return this.headsTable;
  }

  /**
   * Anchors the baselines migration 009 wrote for rows from before it (evidence_heads with seq 0)
   * in the log, once: one `evidence` event marked `baseline`, even when there are none. From then
   * on `audit verify` treats a seq-0 baseline as inserted directly into the database. Called by
   * the publisher at start; never by `audit verify`, which must not write.
   */
  anchorBaselines(): void {
    if (!this.audit || !this.hasHeads()) return;
    const done = prepared(this.db, `SELECT 1 FROM events WHERE action = '${EVIDENCE_ACTION}' AND json_valid(detail) AND json_extract(detail, '$.baseline') = 1 LIMIT 1`).get();
    if (done) return;
    const audit = this.audit;
    this.db.transaction(() => {
      const rows = prepared(this.db, 'SELECT channel, digest, rows FROM evidence_heads WHERE seq = 0 ORDER BY channel').all() as { channel: string; digest: string; rows: number }[];
      const channels: Record<string, ChannelDigest & { prev: number }> = {};
      for (const r of rows) channels[r.channel] = { digest: r.digest, rows: r.rows, prev: 0 };
      const event = audit.append({ at: this.now(), actor: 'system:evidence', action: EVIDENCE_ACTION, detail: { baseline: true, channels } });
      const set = prepared(this.db, 'UPDATE evidence_heads SET seq = ? WHERE channel = ? AND seq = 0');
      for (const r of rows) set.run(event.seq, r.channel);
    })();
  }

  /** Appends one `evidence` event with the new digest of every channel changed since the last anchor. */
  private anchor(): void {
    if (this.dirty.size === 0) return;
    const dirty = this.dirty;
    this.dirty = new Map();
    if (this.recompute) {
      this.recompute = false;
      for (const [ch, d] of dirty) d.digest = new RunningDigest(channelDigestFromRows(this.db, ch));
    }
    const channels: Record<string, ChannelDigest & { prev: number }> = {};
    for (const [ch, d] of dirty) {
      const v = d.digest.value();
      if (v.digest !== d.base.digest || v.rows !== d.base.rows) channels[ch] = { ...v, prev: d.prev };
    }
    const names = Object.keys(channels);
    if (names.length === 0 || !this.audit || !this.hasHeads()) return;
    const event = this.audit.append({ at: this.now(), actor: names.length === 1 ? names[0]! : 'system:evidence', action: EVIDENCE_ACTION, detail: { channels } });
    const upsert = prepared(
      this.db,
      'INSERT INTO evidence_heads (channel, digest, rows, seq) VALUES (?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET digest = excluded.digest, rows = excluded.rows, seq = excluded.seq',
    );
    for (const ch of names) upsert.run(ch, channels[ch]!.digest, channels[ch]!.rows, event.seq);
  }

  /**
   * Records that a notice was (still) shown on a channel at `shownAt`, widening the first/last
   * window; `goneAt` records when the channel stopped showing it.
   */
  record(noticeId: string, channel: ChannelId, firstShownAt: string, lastShownAt: string, goneAt: string | null = null): void {
    this.write(() => {
      const get = prepared(this.db, 'SELECT * FROM sightings WHERE notice_id = ? AND channel = ?');
      const old = get.get(noticeId, channel) as SightingRowValues | undefined;
      prepared(
        this.db,
        `INSERT INTO sightings (notice_id, channel, first_shown_at, last_shown_at, gone_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (notice_id, channel) DO UPDATE SET
           first_shown_at = MIN(first_shown_at, excluded.first_shown_at),
           last_shown_at = MAX(last_shown_at, excluded.last_shown_at),
           gone_at = COALESCE(excluded.gone_at, gone_at)`,
      ).run(noticeId, channel, firstShownAt, lastShownAt, goneAt);
      const now = get.get(noticeId, channel) as SightingRowValues;
      if (old && sightingHash(old) === sightingHash(now)) return;
      const d = this.touch(channel);
      if (old) d.remove(sightingHash(old));
      d.add(sightingHash(now));
    });
  }

  /** Marks every notice of `channel` not in `shownIds` as gone at `at` (if it was shown and not yet gone). */
  markGone(channel: ChannelId, shownIds: string[], at: string): void {
    this.write(() => {
      const rows = this.db.prepare('SELECT * FROM sightings WHERE channel = ? AND gone_at IS NULL').all(channel) as SightingRowValues[];
      const shown = new Set(shownIds);
      const stmt = this.db.prepare('UPDATE sightings SET gone_at = ? WHERE channel = ? AND notice_id = ?');
      for (const r of rows) {
        if (shown.has(r.notice_id)) continue;
        stmt.run(at, channel, r.notice_id);
        const d = this.touch(channel);
        d.remove(sightingHash(r));
        d.add(sightingHash({ ...r, gone_at: at }));
      }
    });
  }

  forNotice(noticeId: string): ChannelSighting[] {
    const rows = this.db.prepare('SELECT * FROM sightings WHERE notice_id = ? ORDER BY channel').all(noticeId) as SightingRow[];
    return rows.map((r) => ({
      noticeId: r.notice_id,
      channel: r.channel as ChannelId,
      firstShownAt: r.first_shown_at,
      lastShownAt: r.last_shown_at,
      goneAt: r.gone_at,
    }));
  }

  upsertKiosk(k: KioskStatus): void {
    this.db
      .prepare(
        `INSERT INTO kiosks (id, board_id, applied_seq, applied_at, last_report_at, last_error, clock_offset_ms, screen_on, version, sent_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET board_id = excluded.board_id, applied_seq = excluded.applied_seq,
           applied_at = excluded.applied_at, last_report_at = excluded.last_report_at, last_error = excluded.last_error,
           clock_offset_ms = excluded.clock_offset_ms, screen_on = excluded.screen_on, version = excluded.version,
           sent_at = excluded.sent_at`,
      )
      .run(
        k.id, k.boardId, k.appliedSeq, k.appliedAt, k.lastReportAt, k.lastError,
        k.clockOffsetMs ?? null, k.screenOn === undefined || k.screenOn === null ? null : k.screenOn ? 1 : 0, k.version ?? null, k.sentAt ?? null,
      );
  }

  /**
   * Records an outage of a channel. The same outage (channel, start, reason) reported again
   * is merged: an open one is closed by a later report that gives its end; a closed one is
   * never reopened.
   */
  recordOutage(o: ChannelOutage, reportedAt: string): void {
    this.write(() => {
      const get = prepared(this.db, 'SELECT * FROM outages WHERE channel = ? AND from_at = ? AND reason = ?');
      const old = get.get(o.channel, o.from, o.reason) as OutageRowValues | undefined;
      prepared(
        this.db,
        `INSERT INTO outages (channel, from_at, to_at, reason, reported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel, from_at, reason) DO UPDATE SET
           to_at = COALESCE(outages.to_at, excluded.to_at),
           reported_at = excluded.reported_at`,
      ).run(o.channel, o.from, o.to, o.reason, reportedAt);
      const now = get.get(o.channel, o.from, o.reason) as OutageRowValues;
      if (old && outageHash(old) === outageHash(now)) return;
      const d = this.touch(o.channel);
      if (old) d.remove(outageHash(old));
      d.add(outageHash(now));
    });
  }

  /** Outages of the given channels (all channels when omitted), oldest first. */
  outages(channels?: string[]): ChannelOutage[] {
    const rows = this.db.prepare('SELECT channel, from_at, to_at, reason FROM outages ORDER BY from_at, channel').all() as {
      channel: string;
      from_at: string;
      to_at: string | null;
      reason: string;
    }[];
    const wanted = channels ? new Set(channels) : null;
    return rows.filter((r) => !wanted || wanted.has(r.channel)).map((r) => ({ channel: r.channel, from: r.from_at, to: r.to_at, reason: r.reason }));
  }

  kiosks(boardId?: string): KioskStatus[] {
    const rows = (boardId ? this.db.prepare('SELECT * FROM kiosks WHERE board_id = ? ORDER BY id').all(boardId) : this.db.prepare('SELECT * FROM kiosks ORDER BY id').all()) as KioskRow[];
    return rows.map((r) => ({
      id: r.id,
      boardId: r.board_id,
      appliedSeq: r.applied_seq,
      appliedAt: r.applied_at,
      lastReportAt: r.last_report_at,
      lastError: r.last_error,
      clockOffsetMs: r.clock_offset_ms,
      screenOn: r.screen_on === null ? null : r.screen_on === 1,
      version: r.version,
      sentAt: r.sent_at,
    }));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every channel's digest computed from its rows now (sightings and outages). */
export function channelDigestsFromRows(db: Db): Map<string, ChannelDigest> {
  const sums = new Map<string, RunningDigest>();
  const of = (ch: string): RunningDigest => {
    let d = sums.get(ch);
    if (!d) sums.set(ch, (d = new RunningDigest(EMPTY_DIGEST)));
    return d;
  };
  for (const r of db.prepare('SELECT * FROM sightings').iterate() as Iterable<SightingRowValues>) of(r.channel).add(sightingHash(r));
  for (const r of db.prepare('SELECT * FROM outages').iterate() as Iterable<OutageRowValues>) of(r.channel).add(outageHash(r));
  return new Map([...sums].map(([ch, d]) => [ch, d.value()]));
}

/** One channel's digest computed from its rows now. */
export function channelDigestFromRows(db: Db, channel: string): ChannelDigest {
  const d = new RunningDigest(EMPTY_DIGEST);
  for (const r of db.prepare('SELECT * FROM sightings WHERE channel = ?').iterate(channel) as Iterable<SightingRowValues>) d.add(sightingHash(r));
  for (const r of db.prepare('SELECT * FROM outages WHERE channel = ?').iterate(channel) as Iterable<OutageRowValues>) d.add(outageHash(r));
  return d.value();
}
