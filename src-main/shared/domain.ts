/**
 * Domain types shared by every process (publisher, kiosk, renderer). Pure types and
 * pure functions only: this file is imported by the Svelte renderer too.
 * Instants are ISO 8601 strings in UTC ("2026-11-21T08:00:00.000Z").
 */
import type { Country } from './notice-types.ts';

/** A notice's life: draft → scheduled → posted → removed, or withdrawn at any point after publishing. */
export type NoticeState = 'draft' | 'scheduled' | 'posted' | 'removed' | 'withdrawn';

export const NOTICE_STATES: readonly NoticeState[] = ['draft', 'scheduled', 'posted', 'removed', 'withdrawn'];

export interface Board {
  /** URL-safe slug, e.g. "horni-lhota". */
  id: string;
  /** "Obecní úřad Horní Lhota". */
  name: string;
  /** IČO of the operating authority: 8 digits. */
  ico: string;
  /** IANA zone the board shows and enters instants in. */
  timeZone: string;
  /** Absolute base URL of the public web mirror, with a trailing slash. */
  publicUrl: string;
  /** Whose weekends and public holidays legal periods count in (src-main/legal/); CZ when absent. */
  country?: Country;
  /** Locale of the board's clerks and public, e.g. "cs-CZ"; cs-CZ when absent. */
  locale?: string;
}

export interface AttachmentRef {
  sha256: string;
  /** File name shown to readers, e.g. "vyhlaska.pdf". */
  name: string;
  size: number;
  mediaType: 'application/pdf';
  /**
   * The redacted public copy (src-main/privacy/): where present, the web mirror, the OFN export
   * and a public feed show only this copy and never name the full document; kiosks show the full one.
   */
  redacted?: RedactedCopy;
}

/** A redacted public copy of an attachment: a PDF of its own, stored like any attachment. */
export interface RedactedCopy {
  sha256: string;
  name: string;
  size: number;
}

export interface NoticeFields {
  title: string;
  description: string;
  /** e.g. "Veřejná vyhláška", "Záměr prodeje", "Zasedání zastupitelstva". */
  category: string;
  /** Issuing department or authority (původce), e.g. "Stavební úřad". */
  department: string;
  /** Číslo jednací (reference number); may be empty. */
  referenceNumber: string;
  /** Spisová značka (file mark); may be empty. */
  fileMark: string;
  /** Posting instant, UTC ISO. Null only for a draft that has no date yet. */
  postAt: string | null;
  /** Removal instant, UTC ISO; null means open-ended (until withdrawn). */
  removeAt: string | null;
  /**
   * The notice type (a key of the board's notice types, src-main/legal/), which sets the lawful
   * period. The store always fills it ("general": no minimum); absent only in input and in feeds
   * written before types existed.
   */
  type?: string;
  /** The council's decision or the meeting day, "YYYY-MM-DD" in the board's zone, for types counted before an event; else null. */
  eventDate?: string | null;
  /**
   * The notice contains personal data (GDPR): its mirror page is not indexed, and once removed it
   * leaves every public surface and its files are purged after the board's retention period
   * (src-main/privacy/). False when absent.
   */
  personalData?: boolean;
}

export interface Notice extends NoticeFields {
  id: string;
  boardId: string;
  attachments: AttachmentRef[];
  /** Set once the clerk publishes; before that the notice is a draft. */
  publishedAt: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every edit. */
  revision: number;
}

/** The state of a notice at instant `now` (ms since epoch), derived from its instants. */
export function noticeStateAt(
  n: Pick<Notice, 'publishedAt' | 'withdrawnAt' | 'postAt' | 'removeAt'>,
  now: number,
): NoticeState {
  if (n.withdrawnAt !== null && Date.parse(n.withdrawnAt) <= now) return 'withdrawn';
  if (n.publishedAt === null || n.postAt === null) return 'draft';
  if (now < Date.parse(n.postAt)) return 'scheduled';
  if (n.removeAt !== null && now >= Date.parse(n.removeAt)) return 'removed';
  return 'posted';
}

/** True while a notice must be visible on every public channel. */
export function isPostedAt(n: Pick<Notice, 'postAt' | 'removeAt'>, now: number): boolean {
  if (n.postAt === null || now < Date.parse(n.postAt)) return false;
  return n.removeAt === null || now < Date.parse(n.removeAt);
}

/**
 * A channel a notice is shown on, named with the place it reached (evidence says where):
 * - `mirror:<absolute folder>`: the web mirror as written on the publisher's machine (after the
 *   atomic swap); plain `mirror` is how older data named it, without a place;
 * - `deploy:<target>`: the mirror copied by the board's deploy command to that target;
 * - `web:<public URL>`: what a probe of the board's public URL actually fetched;
 * - `kiosk:<kiosk id>`: one lobby kiosk, as it reported.
 */
export type ChannelId = 'mirror' | `mirror:${string}` | `deploy:${string}` | `web:${string}` | `kiosk:${string}`;

/** Evidence: when a notice was first and last seen on one channel. */
export interface ChannelSighting {
  noticeId: string;
  channel: ChannelId;
  firstShownAt: string;
  lastShownAt: string;
  /** When the channel reported it gone (after removal), if it has. */
  goneAt: string | null;
}

export type AuditAction =
  | 'created'
  | 'edited'
  | 'published'
  | 'posted'
  | 'removed'
  | 'withdrawn'
  | 'signed-in'
  | 'token-created'
  | 'snapshot'
  /**
   * A publication channel made a change public: detail { channel, seq, posted: ids, removed: ids }
   * at the instant it did (mirror: after the swap; feed: when the snapshot became servable).
   * The schedule's own 'posted'/'removed' events record when the change was due.
   */
  | 'channel-update'
  | 'kiosk-report'
  | 'token-revoked'
  | 'feed-access-changed'
  /** Backups: the nightly job's outcome, and a restore (detail: which backup). */
  | 'backup-created'
  | 'backup-failed'
  | 'restored'
  /** Fleet: a kiosk stale or offline past its threshold, and back (detail: FleetNotice + delivery). */
  | 'fleet-alert'
  | 'fleet-recovered'
  /** An admin changed a board's notice type: detail { board, type, changed: { field: { from, to } } }. */
  | 'notice-type-changed'
  /** Display evidence changed: detail { channels: { [channel]: { digest, rows, prev } } } (store/evidence-digest.ts). */
  | 'evidence'
  /** Orphan attachment files removed (store/blob-gc.ts): detail { reason, files: [{ file, bytes }] }. */
  | 'blobs-collected'
  /** The inbox made a notice from a package: detail { board, system, externalKey, documentId, referenceNumber, packageSha256, via, claim }; `audit verify` checks every inbox_items row against it. */
  | 'inbox-imported'
  /** The inbox refused a package in its folder: detail { board, package, problems: ["file: problem", …] (at most 20), count }. */
  | 'inbox-rejected'
  /** A posted notice corrected (store/revisions.ts): detail { reason, restartsPeriod, revision, original? } with full revision records. */
  | 'corrected'
  /** Users and rights (store/rights.ts): detail names the user and what changed, never a password. */
  | 'user-created'
  | 'user-updated'
  | 'user-rights-changed'
  | 'password-reset'
  | 'password-changed'
  /** A board's four-eyes setting: detail { board, fourEyes }. */
  | 'approval-settings-changed'
  /** Approval (store/approvals.ts): submitted, approved by a second person, returned with detail.reason, or cancelled by an edit. */
  | 'notice-submitted'
  | 'notice-approved'
  | 'notice-returned'
  | 'notice-submission-cancelled'
  /**
   * The files of a removed notice with personal data deleted after the board's retention period
   * (privacy/purge.ts): detail { removedAt, retentionDays, purgeNotBefore, files: [{ sha256, role,
   * name, size }], kept: [{ sha256, role, reason }] }. `deska audit verify` accepts a missing file
   * only when such an event names it.
   */
  | 'attachments-purged'
  /** An admin changed a board's privacy settings: detail { board, retentionDays: { from, to } }. */
  | 'privacy-settings-changed';

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  action: AuditAction;
  noticeId: string | null;
  /** Free-form JSON detail (reason, changed fields, snapshot id …). */
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
