/**
 * Evidence of display: per notice and channel, when it was first and last shown; per channel,
 * the outages in which it could not show the board; kiosk status.
 */
import type { ChannelId, ChannelSighting } from '../shared/domain.ts';
import type { Db } from './db.ts';

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

export class EvidenceRepo {
  private readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  /**
   * Records that a notice was (still) shown on a channel at `shownAt`, widening the first/last
   * window; `goneAt` records when the channel stopped showing it.
   */
  record(noticeId: string, channel: ChannelId, firstShownAt: string, lastShownAt: string, goneAt: string | null = null): void {
    this.db
      .prepare(
        `INSERT INTO sightings (notice_id, channel, first_shown_at, last_shown_at, gone_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (notice_id, channel) DO UPDATE SET
           first_shown_at = MIN(first_shown_at, excluded.first_shown_at),
           last_shown_at = MAX(last_shown_at, excluded.last_shown_at),
           gone_at = COALESCE(excluded.gone_at, gone_at)`,
      )
      .run(noticeId, channel, firstShownAt, lastShownAt, goneAt);
  }

  /** Marks every notice of `channel` not in `shownIds` as gone at `at` (if it was shown and not yet gone). */
  markGone(channel: ChannelId, shownIds: string[], at: string): void {
    const rows = this.db.prepare('SELECT notice_id FROM sightings WHERE channel = ? AND gone_at IS NULL').all(channel) as { notice_id: string }[];
    const shown = new Set(shownIds);
    const stmt = this.db.prepare('UPDATE sightings SET gone_at = ? WHERE channel = ? AND notice_id = ?');
    for (const r of rows) if (!shown.has(r.notice_id)) stmt.run(at, channel, r.notice_id);
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
    this.db
      .prepare(
        `INSERT INTO outages (channel, from_at, to_at, reason, reported_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (channel, from_at, reason) DO UPDATE SET
           to_at = COALESCE(outages.to_at, excluded.to_at),
           reported_at = excluded.reported_at`,
      )
      .run(o.channel, o.from, o.to, o.reason, reportedAt);
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
