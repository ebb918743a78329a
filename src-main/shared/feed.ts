/**
 * The feed contract between publisher and kiosks. Defined once; both sides import it.
 *
 * Layout per board (HTTP under /feed/{board}/, or the same names in a folder):
 *   manifest.json            FeedManifest, UTF-8 JSON; the exact bytes are signed
 *   manifest.json.sig        base64 Ed25519 signature of those bytes (detached)
 *   files/{sha256}           attachment bytes; the name is their SHA-256 (hex); also the
 *                            extracted text of an attachment (UTF-8) named by `textSha256`
 *   events                   (HTTP only) server-sent events; event "snapshot", data SnapshotPing
 *   reports                  (HTTP only) POST a KioskReport, Bearer token of the kiosk
 */
import type { AttachmentRef, Board, NoticeFields } from './domain.ts';
import type { RegisterEntry } from './revisions.ts';

export const FEED_FORMAT = 'deska-feed/1';

/**
 * An attachment in a feed. `textSha256`/`textSize` (optional, since search): the attachment's
 * extracted text as a UTF-8 file under files/, for kiosks to search offline; absent while the
 * text is not extracted or not available. Older kiosks ignore the fields.
 */
export interface FeedAttachment extends AttachmentRef {
  textSha256?: string;
  textSize?: number;
}

export interface FeedNotice extends NoticeFields {
  id: string;
  /** Always set in a feed. */
  postAt: string;
  revision: number;
  attachments: FeedAttachment[];
  /** When the clerk published it (for "posted on" display and evidence). */
  publishedAt: string;
  /** The name of its notice type (type is the key), for the public; absent in feeds written before types existed. */
  typeName?: string;
  /**
   * The change register of a corrected notice, oldest first (revision 1 = as first posted, the
   * last entry = the content this notice shows); absent while it was never corrected.
   */
  register?: RegisterEntry[];
}

export interface FeedManifest {
  format: typeof FEED_FORMAT;
  board: Board;
  snapshot: {
    /** Monotonic per board. */
    seq: number;
    /** The instant the snapshot describes (UTC ISO). */
    createdAt: string;
    /** Notices posted before this instant are included. */
    horizonUntil: string;
    /**
     * Past this instant a kiosk tells the public the board may be out of date: the publisher
     * signs a fresh snapshot well before it, so an older one means the kiosk lost its feed.
     */
    validUntil: string;
  };
  /** Notices posted at createdAt or due to be posted before horizonUntil, by postAt. */
  notices: FeedNotice[];
}

export interface SnapshotPing {
  board: string;
  seq: number;
}

/** Response header on feed responses: the publisher's clock, ms since epoch (kiosks compare clocks). */
export const PUBLISHER_TIME_HEADER = 'X-Deska-Now';

/** Why a kiosk could not show the board for a while. */
export type OutageReason = 'screen-off' | 'kiosk-down' | 'ui-disconnected' | 'stale';

/** An interval in which a channel did not show the board; `to` null while it lasts. UTC ISO. */
export interface KioskOutage {
  from: string;
  to: string | null;
  reason: OutageReason;
}

/** What a kiosk tells the publisher after applying a snapshot or changing what it shows. */
export interface KioskReport {
  kioskId: string;
  board: string;
  appliedSeq: number | null;
  appliedAt: string | null;
  /** Last sync failure on the kiosk (technical detail for operators; never shown to the public). */
  lastError: string | null;
  /**
   * What the kiosk's UI actually showed: counted only while the screen was on and the renderer
   * was connected and rendering (its heartbeat), never from the replica alone.
   */
  sightings: { noticeId: string; firstShownAt: string; lastShownAt: string; goneAt: string | null }[];
  /** Intervals in which the kiosk could not show the board. */
  outages?: KioskOutage[];
  /** The kiosk's clock when it sent the report (UTC ISO). */
  sentAt?: string;
  /** Kiosk clock minus publisher clock, ms, as last measured; null when not measured. */
  clockOffsetMs?: number | null;
  /** Whether the screen is on now. */
  screenOn?: boolean;
  /** Kiosk software version. */
  version?: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

/** True for a lowercase hex SHA-256, the name of every file in a feed. */
export function isSha256(value: string): boolean {
  return SHA256.test(value);
}
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/** Structural check of a parsed manifest; returns the problems found (empty = fine). */
export function manifestProblems(value: unknown): string[] {
  const p: string[] = [];
  if (typeof value !== 'object' || value === null) return ['manifest is not a JSON object'];
  const m = value as Partial<FeedManifest>;
  if (m.format !== FEED_FORMAT) p.push(`unknown format ${JSON.stringify(m.format)}, expected ${FEED_FORMAT}`);
  if (typeof m.board?.id !== 'string') p.push('board.id missing');
  if (typeof m.snapshot?.seq !== 'number') p.push('snapshot.seq missing');
  if (!ISO.test(String(m.snapshot?.createdAt))) p.push('snapshot.createdAt is not a UTC instant');
  if (!ISO.test(String(m.snapshot?.validUntil))) p.push('snapshot.validUntil is not a UTC instant');
  if (!Array.isArray(m.notices)) return [...p, 'notices is not a list'];
  m.notices.forEach((n, i) => {
    if (typeof n?.id !== 'string') p.push(`notices[${i}].id missing`);
    if (!ISO.test(String(n?.postAt))) p.push(`notices[${i}].postAt is not a UTC instant`);
    if (n?.removeAt !== null && !ISO.test(String(n?.removeAt))) p.push(`notices[${i}].removeAt is not a UTC instant or null`);
    if (!Array.isArray(n?.attachments)) p.push(`notices[${i}].attachments is not a list`);
    else
      n.attachments.forEach((a, j) => {
        if (!SHA256.test(String(a?.sha256))) p.push(`notices[${i}].attachments[${j}].sha256 is not a SHA-256`);
        if (a?.textSha256 !== undefined && !SHA256.test(String(a.textSha256))) p.push(`notices[${i}].attachments[${j}].textSha256 is not a SHA-256`);
      });
  });
  return p;
}
