/** Builds a board's feed manifest (the snapshot) from published notices. Pure. */
import type { Board, Notice } from '../shared/domain.ts';
import { FEED_FORMAT, type FeedManifest, type FeedNotice } from '../shared/feed.ts';

/** How far ahead kiosks receive notices, so they can post on their own clock while offline. */
export const DEFAULT_HORIZON_MS = 7 * 24 * 3_600_000;

/** How long a snapshot counts as current on a kiosk; the publisher re-signs well before. */
export const SNAPSHOT_VALIDITY_MS = 24 * 3_600_000;

/**
 * Notices that belong in the feed at `now`: posted now, or to be posted before now + horizon.
 * `typeName` names a notice type for the public (the board's notice types).
 */
export function feedNotices(live: Notice[], now: number, horizonMs: number, typeName: (type: string) => string | undefined = () => undefined): FeedNotice[] {
  return live
    .filter((n) => n.postAt !== null && n.publishedAt !== null && Date.parse(n.postAt) < now + horizonMs)
    .filter((n) => n.removeAt === null || Date.parse(n.removeAt) > now)
    .map((n) => ({
      id: n.id,
      title: n.title,
      description: n.description,
      category: n.category,
      department: n.department,
      referenceNumber: n.referenceNumber,
      fileMark: n.fileMark,
      postAt: n.postAt!,
      removeAt: n.removeAt,
      revision: n.revision,
      publishedAt: n.publishedAt!,
      attachments: n.attachments,
      ...(n.type === undefined ? {} : { type: n.type, eventDate: n.eventDate ?? null }),
      ...(n.type === undefined || typeName(n.type) === undefined ? {} : { typeName: typeName(n.type) }),
      ...(n.personalData ? { personalData: true } : {}),
    }));
}

export function buildManifest(board: Board, notices: FeedNotice[], seq: number, now: number, horizonMs: number): FeedManifest {
  return {
    format: FEED_FORMAT,
    board,
    snapshot: {
      seq,
      createdAt: new Date(now).toISOString(),
      horizonUntil: new Date(now + horizonMs).toISOString(),
      validUntil: new Date(now + SNAPSHOT_VALIDITY_MS).toISOString(),
    },
    notices,
  };
}

/** Identity of a manifest's content, ignoring when it was made (to skip no-op snapshots). */
export function contentKey(notices: FeedNotice[]): string {
  // The type's name too: an admin renaming a type changes what the mirror shows.
  return JSON.stringify(notices.map((n) => [n.id, n.revision, n.postAt, n.removeAt, ...(n.typeName === undefined ? [] : [n.typeName])]));
}
